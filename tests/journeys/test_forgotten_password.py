"""Martine forgot her password: from the login page to her space, through the mail."""

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.extensions import db
from tests.factories import UserFactory

NEW_PASSWORD = "une phrase que je retiens bien"


def test_patient_resets_her_password_from_the_mail_on_her_phone(
        journey_app, journey_url, phone, look, mailbox):
    with journey_app.app_context():
        person = UserFactory(email="josiane.leblanc@exemple.fr", name="Josiane Leblanc")
        db.session.commit()
        address = person.email
    page = phone(text_size=150).new_page()

    page.goto(journey_url + "/compte/connexion")
    look(page, "login")
    page.get_by_role("link", name="Mot de passe oublié").first.click()
    look(page, "forgotten password")
    page.get_by_label("Adresse e-mail").fill(address)
    page.get_by_role("button", name="Recevoir un lien").click()
    assert address in page.inner_text("main")
    look(page, "link sent")

    mail = mailbox.wait_for(to=address, subject_contains="mot de passe")
    assert "ne sert qu’une fois" in mail.text
    page.goto(mail.link(containing="/compte/mot-de-passe/"))
    look(page, "new password")
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    assert "Votre mot de passe est enregistré" in page.inner_text("main")

    page.fill("#email", address)
    page.fill("#password", NEW_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("load")
    assert "/compte/connexion" not in page.url
    look(page, "after login")

    # The link works once: followed again, it says so in plain words.
    page.goto(mail.link(containing="/compte/mot-de-passe/"))
    assert "lien" in page.inner_text("main").lower()
    with journey_app.app_context():
        assert db.session.scalar(select(User.email).where(User.email == address))
