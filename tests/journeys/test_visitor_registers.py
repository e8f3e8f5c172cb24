"""A visitor registers for a Parle-Moi evening on her phone, with her husband: from the
home page to the mail, her personal page, a change, then a cancellation; the people on
the waiting list get the seats she frees, and their mail. And an online evening: needs
that make sense online, and the calendar file that says how to join."""

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.core.models import utcnow
from patientlab.events.models import Event
from patientlab.events.services.registration import RegistrationData, register
from patientlab.extensions import db
from tests.factories import FIRST_NETWORK


def plain(text: str) -> str:
    """The text as read: French typography's no-break spaces as spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _evening(journey_app, title, **fields) -> int:
    with journey_app.app_context():
        sophie = db.session.scalar(select(User).where(User.email == "organisation@exemple.fr"))
        starts = (utcnow() + timedelta(days=12)).replace(hour=17, minute=30, second=0,
                                                         microsecond=0)
        values = {"theme": "entourage", "format": "onsite",
                  "venue_name": "Maison des associations",
                  "address": "28 rue Denfert-Rochereau, 69004 Lyon", "step_free": True,
                  "hearing_loop": True, "capacity": 3, **fields}
        event = Event(network_id=FIRST_NETWORK, organiser_id=sophie.id, title=title,
                      description="<p>Échanges.</p>",
                      starts_at=starts, ends_at=starts + timedelta(hours=2), lock_version=0,
                      published_at=utcnow(), **values)
        db.session.add(event)
        db.session.commit()
        return event.id


def _register(journey_app, event_id, name, address, seats=1) -> str:
    """Someone registered through the site before or after our visitor."""
    with journey_app.app_context():
        registration = register(event_id, RegistrationData(
            name=name, email=address, seats=seats, privacy_consent=True))
        db.session.commit()
        return registration.status


def _calendar(mail):
    [(name, kind, body)] = mail.attachments
    [part] = mail.message.iter_attachments()
    assert kind == "text/calendar"
    assert part.get_param("charset") == "utf-8"  # the agenda reads « Soirée », not « SoirÃ©e »
    return name, Calendar.from_ical(body.decode("utf-8")), part


def test_visitor_registers_with_her_husband_changes_then_cancels_on_her_phone(
        journey_app, journey_url, phone, laptop, log_in, look, mailbox):
    title = "Soirée des familles : en parler à la maison"
    event_id = _evening(journey_app, title)
    _register(journey_app, event_id, "Paulette Girard", "paulette.girard@exemple.fr")
    address = "colette.morel@exemple.fr"
    page = phone(text_size=150).new_page()

    # From the home page to the evening.
    page.goto(journey_url + "/")
    look(page, "home")
    page.get_by_role("link", name="Toutes les soirées").click()
    look(page, "evenings")
    # « Quand : 19 décembre »: a no-break space before the colon, a space after it.
    assert page.evaluate("() => getComputedStyle(document.querySelector("
                         "'.inline-facts dt'), '::after').content") == '"\u00a0: "'
    page.get_by_role("link", name=title).click()
    look(page, "evening")
    assert "2 places restantes" in plain(page.inner_text("main"))
    # « S'inscrire » is on her first screen, at 150 % on her phone.
    assert page.get_by_role("heading", name="S’inscrire", exact=True).bounding_box()["y"] < 812

    # How many first, then the fields of two people only.
    page.get_by_label("2 personnes").check()
    page.get_by_role("button", name="Continuer").click()
    look(page, "registration form for two")
    assert page.locator("fieldset.companion").count() == 1
    assert page.locator("main form input, main form textarea").count() < 30
    page.get_by_label("Nom et prénom").first.fill("Colette Morel")
    page.get_by_role("textbox", name="Adresse e-mail").fill(address)
    husband = page.locator("fieldset.companion")
    husband.get_by_label("Nom et prénom").fill("Bernard Morel")
    husband.get_by_label("Accès sans marche (fauteuil roulant, déambulateur)").check()
    page.get_by_label("J’accepte que ces besoins soient transmis", exact=False).check()
    page.get_by_label("J’accepte que mon nom et mon adresse e-mail", exact=False).check()
    page.get_by_role("button", name="M’inscrire").click()
    assert f"Nous avons envoyé un e-mail à {address}" in plain(page.inner_text("main"))
    look(page, "registration sent")

    # The confirmation mail and its calendar file, in UTF-8.
    mail = mailbox.wait_for(to=address, subject_contains="Inscription confirmée")
    assert "Places confirmées : 2." in plain(mail.text)
    assert "Avec vous : Bernard Morel" in plain(mail.text)
    name, calendar, _ = _calendar(mail)
    assert name == "parle-moi.ics"
    [item] = calendar.walk("VEVENT")
    assert str(item["summary"]) == f"Parle-Moi : {title}"
    assert "Maison des associations" in str(item["location"])

    # Her personal page, from the mail.
    page.goto(mail.link(containing="/clara/inscriptions/"))
    look(page, "personal page")
    text = plain(page.inner_text("main"))
    assert "Places confirmées : 2." in text
    assert "Bernard Morel : Accès sans marche" in text

    # Meanwhile the evening filled up: two people wait.
    assert _register(journey_app, event_id, "Henri Blanc", "henri.blanc@exemple.fr") == "waiting"
    assert _register(journey_app, event_id, "Yvette Roux", "yvette.roux@exemple.fr") == "waiting"

    # Bernard cannot come after all: one seat, and Colette needs a seat near the stage.
    page.get_by_role("link", name="Changer mon inscription").click()
    look(page, "change: how many")
    assert page.get_by_label("2 personnes").is_checked()
    page.get_by_label("1 personne : vous").check()
    page.get_by_role("button", name="Continuer").click()
    look(page, "change: the fields")
    assert page.locator("fieldset.companion").count() == 0
    page.get_by_label("Place près de l’estrade").check()
    page.get_by_label("J’accepte que ces besoins soient transmis", exact=False).check()
    page.get_by_role("button", name="Enregistrer les changements").click()
    text = plain(page.inner_text("main"))
    assert "Votre inscription est changée" in text
    assert "Les places que vous libérez vont à la liste d’attente." in text
    assert "Place confirmée : 1." in text
    assert "Place près de l’estrade" in text
    assert "Bernard Morel" not in text
    look(page, "personal page after the change")

    changed = mailbox.wait_for(to=address, subject_contains="Votre inscription est changée")
    assert "Place confirmée : 1." in plain(changed.text)
    assert "Place près de l’estrade" in plain(changed.text)
    assert _calendar(changed)[0] == "parle-moi.ics"  # the agenda keeps the evening
    henri = mailbox.wait_for(to="henri.blanc@exemple.fr", subject_contains="place s’est libérée")
    assert "Votre inscription est confirmée" in plain(henri.text)
    assert _calendar(henri)[0] == "parle-moi.ics"

    # The organiser's list shows the change.
    sophie = log_in(laptop(), "organisation@exemple.fr")
    sophie.goto(f"{journey_url}/clara/organisation/evenements/{event_id}")
    row = sophie.get_by_role("row").filter(has_text="Colette Morel")
    assert plain(row.inner_text()).split("\t")[2].strip() == "1"
    assert "confirmée" in plain(sophie.get_by_role("row").filter(has_text="Henri Blanc")
                                .inner_text())

    # Then she cancels: the safe choice comes first, the cancellation apart.
    page.get_by_role("link", name="Annuler mon inscription").click()
    look(page, "cancel")
    buttons = page.locator("main .button")
    assert buttons.first.inner_text() == "Non, garder mon inscription"
    page.get_by_role("button", name="Oui, annuler mon inscription").click()
    assert "Votre inscription est annulée" in plain(page.inner_text("main"))
    look(page, "cancelled")
    cancelled = mailbox.wait_for(to=address, subject_contains="Inscription annulée")
    name, calendar, part = _calendar(cancelled)
    assert (name, part.get_param("method")) == ("parle-moi-annulation.ics", "CANCEL")
    yvette = mailbox.wait_for(to="yvette.roux@exemple.fr", subject_contains="place s’est libérée")
    page.goto(yvette.link(containing="/clara/inscriptions/"))
    assert "Place confirmée : 1." in plain(page.inner_text("main"))
    look(page, "Yvette's page")


def test_visitor_registers_for_an_online_evening_and_her_calendar_says_how_to_join(
        journey_app, journey_url, phone, look, mailbox):
    title = "Parle-Moi en ligne : la nutrition après un cancer"
    _evening(journey_app, title, format="online", venue_name="", address="",
             step_free=False, hearing_loop=False, live_captions=True, capacity=50,
             online_info="Un lien personnel vous est envoyé.",
             join_url="https://visio.exemple.fr/parle-moi-nutrition",
             dial_in="01 86 95 00 00, code 4242")
    address = "aicha.diallo@exemple.fr"
    page = phone(text_size=150).new_page()
    page.goto(journey_url + "/clara/evenements/?format=online")
    look(page, "online evenings")
    page.get_by_role("link", name=title).click()
    look(page, "online evening")
    assert "visio.exemple.fr" not in page.content()  # the join link is private
    page.get_by_role("button", name="Continuer").click()
    look(page, "online registration form")
    needs = page.locator("fieldset", has_text="Ce dont vous avez besoin pour venir")
    labels = plain(needs.inner_text())
    assert "Sous-titrage en direct" in labels
    assert "Suivre la soirée par téléphone, sans internet" in labels
    for room in ("Place près de l’estrade", "Boucle magnétique", "Accès sans marche"):
        assert room not in labels
    page.get_by_label("Nom et prénom").fill("Aïcha Diallo")
    page.get_by_role("textbox", name="Adresse e-mail").fill(address)
    page.get_by_label("Sous-titrage en direct").check()
    page.get_by_label("J’accepte que ces besoins soient transmis", exact=False).check()
    page.get_by_label("J’accepte que mon nom et mon adresse e-mail", exact=False).check()
    page.get_by_role("button", name="M’inscrire").click()
    look(page, "online registration sent")

    mail = mailbox.wait_for(to=address, subject_contains="Inscription confirmée")
    assert "https://visio.exemple.fr/parle-moi-nutrition" in mail.text
    _, calendar, _ = _calendar(mail)
    [item] = calendar.walk("VEVENT")
    assert str(item["location"]) == "https://visio.exemple.fr/parle-moi-nutrition"
    assert "01 86 95 00 00, code 4242" in str(item["description"])
    assert "Aïcha" not in mail.attachments[0][2].decode("utf-8")  # the evening, not her
    page.goto(mail.link(containing="/clara/inscriptions/"))
    look(page, "online personal page")
    assert "Sous-titrage en direct" in page.inner_text("main")
    assert page.get_by_role("link", name="Rejoindre la soirée en ligne").get_attribute(
        "href") == "https://visio.exemple.fr/parle-moi-nutrition"
