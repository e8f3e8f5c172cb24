from sqlalchemy import delete, select

from patientlab.auth import services as svc
from patientlab.auth.models import CharterAcceptance
from patientlab.core.audit import AuditEntry
from patientlab.extensions import db
from tests.factories import UserFactory, make_application, make_assignment

BODY = "1. Confidentialité.\n2. Liens d’intérêts.\n3. Respect."
BODY_EN = "1. Confidentiality.\n2. Conflicts of interest.\n3. Respect."


def test_new_version_makes_reviewers_accept_it_before_going_on(web):
    UserFactory(email="admin@exemple.fr", roles=["admin"])
    martine = UserFactory(email="martine@exemple.fr", roles=["patient_expert"])
    assignment = make_assignment(make_application(), martine)
    db.session.commit()

    web.login("admin@exemple.fr")
    page = web.submit("/admin/charte", {"version": "", "summary": "", "body": ""})
    assert "Donnez un numéro de version" in page.get_data(as_text=True)
    page = web.submit("/admin/charte", {"version": "2026-1", "summary": "x", "body": BODY,
                                        "summary_en": "x", "body_en": BODY_EN})
    assert "Ce numéro de version existe déjà" in page.get_data(as_text=True)
    response = web.submit("/admin/charte", {"version": "2027-1", "summary":
                                            "Les relectures se font aussi par téléphone.",
                                            "body": BODY, "summary_en": "Also by phone.",
                                            "body_en": BODY_EN})
    assert response.status_code == 302
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.action == "charter.published"))
    assert "Version 2027-1" in web.get("/charte").get_data(as_text=True)
    web.logout()

    web.login("martine@exemple.fr")
    response = web.get(f"/clara/relectures/{assignment.id}")
    assert response.status_code == 302
    assert "/compte/charte" in response.headers["Location"]
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Les relectures se font aussi par téléphone." in page
    page = web.submit("/compte/charte", {"next": f"/clara/relectures/{assignment.id}"})
    assert "Cochez la case pour accepter la charte" in page.get_data(as_text=True)
    response = web.submit("/compte/charte", {"charter": "y",
                                             "next": f"/clara/relectures/{assignment.id}"})
    assert response.headers["Location"].endswith(f"/clara/relectures/{assignment.id}")
    assert web.get(f"/clara/relectures/{assignment.id}").status_code == 200
    versions = db.session.scalars(select(CharterAcceptance.version).where(
        CharterAcceptance.user_id == martine.id)).all()
    assert sorted(versions) == ["2026-1", "2027-1"]


def test_people_who_do_not_review_are_not_asked(web):
    admin = UserFactory(email="admin@exemple.fr", roles=["admin"])
    UserFactory(email="claire@exemple.fr", roles=["researcher"])
    svc.publish_charter(admin, "2027-1", "Changement.", BODY, "Change.", BODY_EN)
    db.session.commit()
    web.login("claire@exemple.fr")
    assert web.get("/clara/projets/mes-projets").status_code == 200
    assert web.get("/compte/charte").status_code == 302


ENGAGEMENTS = ("Confidentialité", "Liens d’intérêts", "Respect", "restent anonymes",
               "Vos données servent à la relecture", "Vous pouvez arrêter à tout moment")


def test_the_charter_people_accept_is_there_to_read(web):
    """The first version's text was an empty file: the page said « Version 2026-1 » and
    nothing else. It is now the version's stored text, in French and in English."""
    page = web.get("/charte").get_data(as_text=True)
    assert "Version 2026-1" in page
    for engagement in ENGAGEMENTS:
        assert engagement in page
    assert page.count("<li>") >= 8
    web.get("/langue/en")
    page = web.get("/charte").get_data(as_text=True)
    for engagement in ("Confidentiality", "Conflicts of interest", "stay anonymous",
                       "You can stop at any time"):
        assert engagement in page
    assert 'lang="fr"' not in page.split('id="texte-charte"')[1]


def test_a_first_acceptance_shows_the_whole_charter(web):
    martine = UserFactory(email="martine@exemple.fr", roles=["patient_expert"])
    db.session.execute(delete(CharterAcceptance).where(CharterAcceptance.user_id == martine.id))
    db.session.commit()
    web.login("martine@exemple.fr")
    page = web.get("/compte/charte").get_data(as_text=True)
    assert "Lire et accepter la charte de participation" in page
    assert "a changé" not in page
    assert "nouvelle version" not in page
    for engagement in ENGAGEMENTS:
        assert engagement in page


def test_a_new_version_needs_its_text_in_both_languages_and_is_cleaned(web):
    UserFactory(email="admin@exemple.fr", roles=["admin"])
    db.session.commit()
    web.login("admin@exemple.fr")
    form = web.get("/admin/charte").get_data(as_text=True)
    assert "Confidentialité" in form
    assert "Confidentiality" in form

    page = web.submit("/admin/charte", {"version": "2027-1", "summary": "Par téléphone.",
                                        "body": BODY, "summary_en": "", "body_en": ""})
    html = page.get_data(as_text=True)
    assert "Erreur" in html.split("</title>")[0]
    assert "Expliquez ce qui change, en anglais." in html
    assert "Collez le texte complet de la charte en anglais." in html
    assert 'aria-describedby="body_en-error"' in html
    assert "Par téléphone." in html  # what was typed is kept

    page = web.submit("/admin/charte", {"version": "2027-1", "summary": "Par téléphone.",
                                        "body": "<p> </p><br><ul></ul>",
                                        "summary_en": "By phone.", "body_en": BODY_EN})
    html = page.get_data(as_text=True)
    assert "Collez le texte complet de la charte\xa0: c’est ce que les relecteurs" in html
    assert 'aria-describedby="body-error"' in html

    response = web.submit("/admin/charte", {
        "version": "2027-1", "summary": "Par téléphone.", "summary_en": "By phone.",
        "body": '<p onclick="x()">Vous relisez <strong>aussi</strong> par téléphone.</p>'
                "<script>alert(1)</script>",
        "body_en": "<p>You also review by phone.</p><img src=x onerror=alert(1)>"})
    assert response.status_code == 302
    charter = svc.current_charter()
    assert charter.version == "2027-1"
    assert charter.body == "<p>Vous relisez <strong>aussi</strong> par téléphone.</p>alert(1)"
    assert charter.body_en == "<p>You also review by phone.</p>"
    assert "Vous relisez <strong>aussi</strong> par téléphone." in web.get(
        "/charte").get_data(as_text=True)
    web.logout()
    web.get("/langue/en")
    assert "You also review by phone." in web.get("/charte").get_data(as_text=True)


def test_a_version_without_english_text_is_shown_in_french_and_says_so(web):
    admin = UserFactory(email="admin@exemple.fr", roles=["admin"])
    version = svc.publish_charter(admin, "2027-1", "Changement.", BODY, "Change.", BODY_EN)
    version.body_en = ""  # as the versions published before the English text was asked
    db.session.commit()
    web.get("/langue/en")
    page = web.get("/charte").get_data(as_text=True)
    text = page.split('id="texte-charte"')[1]
    assert "This version exists in French only." in text
    assert '<div lang="fr">' in text
    assert "Liens d’intérêts" in text


def test_the_version_one_accepted_can_be_read_again(web):
    admin = UserFactory(email="admin@exemple.fr", roles=["admin"])
    UserFactory(email="martine@exemple.fr", roles=["patient_expert"])
    svc.publish_charter(admin, "2027-1", "Changement.", BODY, "Change.", BODY_EN)
    db.session.commit()
    web.login("martine@exemple.fr")
    profile = web.get("/compte/profil").get_data(as_text=True)
    assert 'href="/charte?version=2026-1"' in profile
    page = web.get("/charte?version=2026-1").get_data(as_text=True)
    assert "Version 2026-1" in page
    assert "Vous pouvez arrêter à tout moment" in page
    assert "Cette version n’est plus en vigueur." in page
    assert 'href="/charte"' in page
    current = web.get("/charte").get_data(as_text=True)
    assert "Version 2027-1" in current
    assert "n’est plus en vigueur" not in current
    assert web.get("/charte?version=1999-9").status_code == 404


def test_the_charter_links_to_the_pages_it_names_and_gives_the_coordination_s_address(
        app, web):
    """It named « Mes données » and « Vos données personnelles » without links and said
    « écrivez à la coordination » with no address."""
    app.config["COORDINATION_EMAIL"] = "coordination@exemple.fr"
    page = web.get("/charte").get_data(as_text=True)
    assert '<a href="/compte/donnees" rel="noopener noreferrer nofollow">Mes données</a>' in page
    assert ('<a href="/confidentialite" rel="noopener noreferrer nofollow">Vos données '
            'personnelles</a>') in page
    assert ('<a href="mailto:coordination@exemple.fr">coordination@exemple.fr</a>'
            in page)
    assert web.get("/confidentialite").status_code == 200
    UserFactory(email="nadia@exemple.fr")
    db.session.commit()
    web.login("nadia@exemple.fr")
    assert web.get("/compte/donnees").status_code == 200


def test_under_an_application_root_the_charter_s_links_start_with_it(app):
    app.config["APPLICATION_ROOT"] = "/patientlab"
    from markupsafe import Markup

    from patientlab.core.templating import site_paths

    with app.test_request_context("/charte", base_url="http://localhost/patientlab"):
        assert str(site_paths(Markup('<a href="/compte/donnees">x</a>'))) == (
            '<a href="/patientlab/compte/donnees">x</a>')
    app.config["APPLICATION_ROOT"] = "/"
    with app.test_request_context("/charte"):
        assert str(site_paths(Markup('<a href="/compte/donnees">x</a>'))) == (
            '<a href="/compte/donnees">x</a>')
