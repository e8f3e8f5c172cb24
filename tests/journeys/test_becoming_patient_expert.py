"""Nadia becomes a patient expert on her phone: she signs up, confirms her address from
the mail, reads the charter (its real text), accepts it and asks to become a patient
expert; Anne, the coordinator, validates her; the mail that says so leads Nadia to what
she can do next, and the request form is gone."""

from tests.factories import make_call, make_event

ADDRESS = "nadia.benali@exemple.fr"
PASSWORD = "le jardin de ma grand-mère en été"
CALL = "Appel Expérience patient : vivre après le traitement"
EVENING = "Parle-Moi : retrouver le sommeil après un cancer"


def test_a_newcomer_becomes_a_patient_expert_and_knows_what_to_do_next(
        journey_app, journey_url, phone, laptop, log_in, look, mailbox):
    from patientlab.extensions import db

    with journey_app.app_context(), journey_app.test_request_context():
        make_call(title=CALL)
        make_event(title=EVENING, days=1)
        db.session.commit()

    # She signs up, to follow projects and evenings first.
    context = phone(text_size=150)
    page = context.new_page()
    page.goto(journey_url + "/compte/inscription")
    look(page, "sign up")
    assert page.get_by_role("link", name=journey_app.config["COORDINATION_EMAIL"]).count() == 1
    page.get_by_label("Nom et prénom").fill("Nadia Benali")
    page.get_by_label("Adresse e-mail").fill(ADDRESS)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    # She forgets to say why she comes: the error summary also asks, up front, for her
    # password again (it is never written back into the page).
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_load_state("load")
    summary = page.inner_text(".error-summary")
    assert "Choisissez pourquoi vous venez sur PatientLab." in summary
    assert summary.index("saisissez de nouveau votre mot de passe") < summary.index(
        "Choisissez pourquoi")
    look(page, "sign up, errors")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("pour suivre les projets et venir aux soirées").check()
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_load_state("load")
    look(page, "check your mail")

    # The mail confirms her address; she logs in.
    mail = mailbox.wait_for(to=ADDRESS, subject_contains="Confirmez")
    page.goto(mail.link(containing="/compte/verifier/"))
    assert "adresse e-mail est confirmée" in page.inner_text("main")
    look(page, "address confirmed")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/compte/connexion" not in page.url

    # Her text stays at 150 %, as she read it before signing up, and her account keeps it.
    assert "pl-text-150" in page.get_attribute("html", "class").split()
    page.goto(journey_url + "/compte/preferences")
    assert page.get_by_label("Très grande (150 %)").is_checked()
    with journey_app.app_context():
        from sqlalchemy import select

        from patientlab.auth.models import User

        assert db.session.scalar(select(User.pref_text_size).where(User.email == ADDRESS)) == 150

    # From her account, she asks to become a patient expert; first she reads the charter.
    page.goto(journey_url + "/compte/profil")
    look(page, "account before")
    page.get_by_role("link", name="Demander à devenir patiente experte ou patient expert"
                     ).first.click()
    look(page, "request form")
    page.get_by_role("link", name="Lire la charte de participation").click()
    look(page, "charter")
    charter = page.inner_text("main")
    assert "Version 2026-1" in charter
    engagements = ("Confidentialité", "Liens d’intérêts", "Respect", "restent anonymes",
                   "Vos données servent à la relecture", "Vous pouvez arrêter à tout moment")
    for engagement in engagements:
        assert engagement in charter
    assert page.locator("main .charter-text li").count() >= 8
    # The pages it names are links, and it gives the coordination's address.
    text = page.locator("main .charter-text")
    assert text.get_by_role("link", name="Mes données").first.get_attribute(
        "href").endswith("/compte/donnees")
    assert text.get_by_role("link", name="Vos données personnelles").get_attribute(
        "href").endswith("/confidentialite")
    coordination = journey_app.config["COORDINATION_EMAIL"]
    assert text.get_by_role("link", name=coordination).get_attribute(
        "href") == f"mailto:{coordination}"
    page.go_back()

    page.get_by_label("Patiente experte ou patient expert").check()
    page.get_by_label("Quelques mots sur votre parcours").fill(
        "Soignée pour un cancer du sein en 2023, je veux aider les équipes de recherche.")
    page.get_by_label("J’ai lu la charte de participation").check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_load_state("load")
    main = page.inner_text("main")
    assert "Votre demande est envoyée" in page.inner_text("body")
    assert "en attente de validation" in main
    look(page, "request sent")

    # Anne validates her; Anne's page says which version of the charter she accepted.
    staff = laptop()
    desk = log_in(staff, "coordination@exemple.fr")
    desk.goto(journey_url + "/clara/coordination/validations")
    look(desk, "validations")
    desk.get_by_role("link", name="Nadia Benali").click()
    assert "version 2026-1 acceptée" in desk.inner_text("main")
    look(desk, "request")
    desk.get_by_role("button", name="Valider la demande").click()
    desk.wait_for_load_state("load")

    # The mail tells Nadia her next steps and leads to her space.
    mail = mailbox.wait_for(to=ADDRESS, subject_contains="acceptée")
    for step in ("Lire le guide de la relecture", "Découvrir les appels en cours",
                 "Comment une relecture vous arrive"):
        assert step in mail.text
    assert mail.link(containing="/clara/relectures/guide")
    page.goto(mail.link(containing="/mon-espace"))
    look(page, "my space, validated")
    space = page.inner_text("main")
    assert "Rien ne vous attend" not in space
    assert "Pour bien commencer" in space
    assert CALL in space
    assert EVENING in space
    assert "la coordination vous le propose par e-mail" in space
    page.get_by_role("link", name="Comment écrire une relecture qui aide l’équipe").click()
    look(page, "reviewing guide")
    assert "/clara/relectures/guide" in page.url

    # The request form is gone: her account shows the request accepted instead.
    page.goto(journey_url + "/compte/profil")
    look(page, "account after")
    account = page.inner_text("main")
    assert "Demander à devenir patiente experte" not in account
    assert "acceptée le" in account
    page.goto(journey_url + "/compte/role")
    look(page, "requests after")
    assert page.get_by_label("Patiente experte ou patient expert").count() == 0
    assert "acceptée le" in page.inner_text("main")
