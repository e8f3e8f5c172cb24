"""Journeys with the keyboard alone and JavaScript off: every step reached with Tab,
chosen with Space or the arrows, sent with Enter, with a visible focus at each stop."""

from datetime import timedelta

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.core.models import utcnow
from patientlab.events.models import Event
from patientlab.extensions import db
from tests.browser.harness import tab_until
from tests.factories import FIRST_NETWORK

FIELDS = "main form :is(input, select, textarea, button):not([type=hidden])"


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_registration_by_keyboard_without_javascript(journey_app, journey_url, laptop, look,
                                                     mailbox):
    title = "Soirée au clavier : vivre après un cancer"
    with journey_app.app_context():
        sophie = db.session.scalar(select(User).where(User.email == "organisation@exemple.fr"))
        starts = utcnow() + timedelta(days=15)
        event = Event(network_id=FIRST_NETWORK, organiser_id=sophie.id, title=title,
                      theme="vivre", format="onsite",
                      venue_name="Centre Léon Bérard", address="28 rue Laennec, 69008 Lyon",
                      step_free=True, capacity=30, starts_at=starts,
                      ends_at=starts + timedelta(hours=2), lock_version=0,
                      published_at=utcnow())
        db.session.add(event)
        db.session.commit()
        event_id = event.id
    address = "mireille.faure@exemple.fr"
    page = laptop(java_script_enabled=False).new_page()
    page.goto(f"{journey_url}/clara/evenements/{event_id}")
    look(page, "evening, without JavaScript")

    # How many people: a radio group, then « Continuer ».
    tab_until(page, "el => el.id === 'places-1'", "evening: how many people")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.getElementById('places-2').checked")
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('Continuer')",
              "evening: continue")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    look(page, "registration form for two, without JavaScript")
    # The fields of two people, not of four: fewer stops for the keyboard.
    assert page.locator(FIELDS).count() <= 24
    assert page.locator("#companions-1-name").count() == 0

    tab_until(page, "el => el.id === 'name'", "form: name")
    page.keyboard.type("Mireille Faure")
    tab_until(page, "el => el.id === 'email'", "form: e-mail")
    page.keyboard.type(address)
    tab_until(page, "el => el.id === 'companions-0-name'", "form: person 2")
    page.keyboard.type("Jean Faure")
    tab_until(page, "el => el.id === 'companions-0-needs-0'", "form: person 2 step-free")
    page.keyboard.press("Space")
    tab_until(page, "el => el.id === 'needs_consent'", "form: needs consent")
    page.keyboard.press("Space")
    tab_until(page, "el => el.id === 'privacy_consent'", "form: privacy consent")
    page.keyboard.press("Space")
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('M’inscrire')",
              "form: submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"Nous avons envoyé un e-mail à {address}" in plain(page.inner_text("main"))
    look(page, "registration sent, without JavaScript")

    mail = mailbox.wait_for(to=address, subject_contains="Inscription confirmée")
    assert "Places confirmées : 2." in plain(mail.text)
    assert "Jean Faure : Accès sans marche" in plain(mail.text)
    page.goto(mail.link(containing="/clara/inscriptions/"))
    look(page, "personal page, without JavaScript")
    tab_until(page, "el => el.tagName === 'A' && el.innerText.includes('Changer mon inscription')",
              "personal page: change")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("() => document.getElementById('places-2').checked")
    tab_until(page, "el => el.id === 'places-2'", "change: how many people")
    page.keyboard.press("ArrowUp")  # one person now
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('Continuer')",
              "change: continue")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    look(page, "change form, without JavaScript")
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('Enregistrer')",
              "change: save")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Place confirmée : 1." in plain(page.inner_text("main"))
    look(page, "personal page after the change, without JavaScript")
