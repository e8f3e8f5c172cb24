"""A newly validated patient expert is told what to do next, and is no longer offered the
request they just had accepted.

Before: the acceptance mail linked to the account page, which still offered « Demander à
devenir patiente experte », and « Mon espace » said « Rien ne vous attend ».
"""

from patientlab.auth import services as svc
from patientlab.core.security import Role
from patientlab.core.typography import french_spacing as fr
from patientlab.extensions import db
from tests.conftest import link_in, outbox
from tests.factories import UserFactory, make_call, make_event


def _validated(web, make_user):
    """Jeanne asked to become a patient expert; Anne validates her."""
    anne = make_user(Role.COORDINATOR, email="anne@exemple.fr")
    jeanne = UserFactory(name="Jeanne Roussel", email="jeanne@exemple.fr")
    request = svc.request_role(jeanne, Role.PATIENT_EXPERT, "Après un cancer du sein.",
                               charter_accepted=True)
    svc.approve_role_request(anne, request)
    db.session.commit()
    return request.user


def test_the_acceptance_mail_gives_the_next_steps_and_links_to_them(web, make_user):
    _validated(web, make_user)
    [message] = outbox("jeanne@exemple.fr")
    text = message.body_text
    assert link_in(message) == "/mon-espace"
    for step in ("Comment une relecture vous arrive", "Lire le guide de la relecture",
                 "Découvrir les appels en cours", fr("Venir à une soirée « Parle-Moi »")):
        assert step in text
    for url in ("/clara/relectures/guide", "/clara/appels/", "/agenda"):
        assert f"http://localhost{url}\n" in text or f"{url}\n" in text, url
    assert "/compte/profil" not in text


def test_my_space_gives_a_new_reviewer_the_next_steps(web, make_user):
    make_call(title="Appel Expérience patient 2027")
    make_event(title="Parler du sommeil après un cancer")
    _validated(web, make_user)
    web.login("jeanne@exemple.fr")
    page = web.get("/mon-espace").get_data(as_text=True)
    assert "Rien ne vous attend" not in page
    assert "Pour bien commencer" in page
    assert "Appel Expérience patient 2027" in page
    assert "Parler du sommeil après un cancer" in page
    assert 'href="/clara/relectures/guide"' in page
    assert "la coordination vous le propose par e-mail" in page.replace("\n", " ")
    assert "Demander à devenir patiente experte" not in page


def test_people_who_do_not_review_still_see_nothing_waiting(web):
    UserFactory(email="claire@exemple.fr", roles=["researcher"])
    db.session.commit()
    web.login("claire@exemple.fr")
    page = web.get("/mon-espace").get_data(as_text=True)
    assert "Rien ne vous attend" in page
    assert "Pour bien commencer" not in page


def test_the_request_form_is_gone_once_validated_and_the_status_shown(web, make_user):
    _validated(web, make_user)
    web.login("jeanne@exemple.fr")
    profile = web.get("/compte/profil").get_data(as_text=True)
    assert "Demander à devenir patiente experte" not in profile
    assert "acceptée le" in profile
    assert 'href="/mon-espace"' in profile
    # Representing an association is still a role one may ask for, and only that.
    assert "Demander à représenter une association" in profile
    page = web.get("/compte/role").get_data(as_text=True)
    assert "Demander à représenter une association" in page
    assert 'value="patient_expert"' not in page
    assert "acceptée le" in page
    response = web.submit("/compte/role", {"role": "patient_expert", "charter": "y"})
    assert response.status_code == 200  # refused, next to the field
    assert len(svc.role_requests_of(svc.get_user_by_email("jeanne@exemple.fr"))) == 1


def test_with_every_role_held_or_asked_the_page_shows_the_status_only(web, make_user):
    user = _validated(web, make_user)
    svc.request_role(user, Role.ASSOCIATION_REP, "Ligue, Rhône")
    db.session.commit()
    web.login("jeanne@exemple.fr")
    page = web.get("/compte/role").get_data(as_text=True)
    assert "<form method=\"post\" action=\"/compte/role\"" not in page
    assert "acceptée le" in page
    assert "en attente de validation" in page
    assert 'href="/mon-espace"' in page
    profile = web.get("/compte/profil").get_data(as_text=True)
    assert 'href="/compte/role"' not in profile


def test_the_home_page_leads_a_new_reviewer_to_the_next_steps(web, make_user):
    """It said « les projets à relire vous attendent » when none did."""
    _validated(web, make_user)
    web.login("jeanne@exemple.fr")
    page = web.get("/").get_data(as_text=True)
    assert "vous attendent dans" not in page
    assert 'href="/mon-espace">Vos relectures et vos prochaines étapes' in page
