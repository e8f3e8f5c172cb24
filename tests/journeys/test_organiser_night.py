"""Sophie runs tonight's evening from her phone: her list opens on it, she checks people
in at the door, lets in someone who came without registering, registers a caller, and
reads the attendance record; every page gives the same figures at every step. Then a
visitor, without JavaScript, looks for an evening in her town."""

import csv
import io
import re
import time
from datetime import timedelta

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.core.days import end_of_day, paris_day
from patientlab.core.models import utcnow
from patientlab.events.models import Event
from patientlab.events.services.listing import list_events
from patientlab.events.services.registration import RegistrationData, cancel_registration, register
from patientlab.events.services.seating import CompanionData
from patientlab.extensions import db
from tests.factories import make_event

ORGANISER = "organisation@exemple.fr"
TITLE = "Parle-Moi à Grenoble : la recherche sur les cancers des enfants"
REGISTERED = "Personnes inscrites confirmées"
ARRIVED = "Personnes inscrites arrivées"
WALK_INS = "Entrées sans inscription"
ROOM = "Personnes dans la salle"
LEFT = "Places libres"
WAITING = "Personnes sur liste d’attente"
LABELS = (REGISTERED, ARRIVED, WALK_INS, ROOM, LEFT, WAITING)


def _tonight():
    """In 20 minutes, or before midnight in Paris when that is sooner: the door counts
    the evenings of the Paris day. In its last three minutes, the next day's, once it has
    begun."""
    now = utcnow()
    midnight = end_of_day(paris_day(now))
    if midnight - now < timedelta(minutes=3):
        time.sleep((midnight - now).total_seconds() + 1)
        now = utcnow()
        midnight = end_of_day(paris_day(now))
    return min(now + timedelta(minutes=20), midnight - timedelta(minutes=1))


def _evening(journey_app) -> int:
    """Tonight in Grenoble, 8 seats: Hélène's group of 3, Paul, Chloé and her son
    confirmed (6 people, 3 registrations); Yves's group of 3 waits; Anne cancelled."""
    with journey_app.app_context():
        sophie = db.session.scalar(select(User).where(User.email == ORGANISER))
        starts = _tonight()
        event = make_event(sophie, capacity=8, title=TITLE, starts_at=starts,
                           ends_at=starts + timedelta(hours=2), venue_name="Maison des habitants",
                           address="2 place Saint-Bruno, 38000 Grenoble", town="Grenoble",
                           postcode="38000", department="38", step_free=True)
        for name, email, seats, companions in (
                ("Hélène Garnier", "helene.garnier@exemple.fr", 3, ["Luc", "Emma"]),
                ("Paul Lefèvre", "paul.lefevre@exemple.fr", 1, []),
                ("Chloé Bernard", "chloe.bernard@exemple.fr", 2, ["Théo"]),
                ("Yves Moreau", "yves.moreau@exemple.fr", 3, []),
                ("Anne Girard", "anne.girard@exemple.fr", 1, [])):
            registration = register(event.id, RegistrationData(
                name=name, email=email, seats=seats, privacy_consent=True,
                companions=[CompanionData(c) for c in companions]))
        cancel_registration(registration.id)
        db.session.commit()
        return event.id


def _main(page) -> str:
    """The page's main text, its French no-break spaces as plain ones."""
    return page.inner_text("main").replace("\xa0", " ").replace("\u202f", " ")


def _figures(page) -> dict[str, int]:
    """Each figure of « Les chiffres de la soirée » as the page says it."""
    found = {}
    for item in page.locator("main .evening-figures > div").all():
        label, _sep, value = item.inner_text().partition("\n")
        if label.strip() in LABELS:
            found[label.strip()] = int(re.match(r"\d+", value.strip()).group())
    return found


def _csv_figures(page, url) -> dict[str, int]:
    text = page.request.get(url).text()
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    return {row[0]: int(row[1]) for row in rows if len(row) == 2 and row[0] in LABELS}


def _same_everywhere(page, base, expected, look, step):
    """Dashboard, door, attendance sheet and CSV say ``expected``; the page ends where
    it was."""
    back = page.url
    for name, path in (("dashboard", ""), ("door", "/accueil"),
                       ("attendance sheet", "/feuille-de-presence")):
        page.goto(base + path)
        assert _figures(page) == expected, f"{step}: {name}"
    look(page, f"attendance sheet, {step}")
    assert _csv_figures(page, base + "/inscrits.csv") == expected, f"{step}: CSV"
    page.goto(back)


def test_the_organiser_runs_tonight_from_her_phone_and_every_page_agrees(
        journey_app, journey_url, phone, log_in, look):
    event_id = _evening(journey_app)
    base = f"{journey_url}/clara/organisation/evenements/{event_id}"
    context = phone(text_size=150)
    page = log_in(context, ORGANISER)

    # Her list opens on tonight's evening, its figures on screen even at 320 px.
    page.goto(journey_url + "/clara/organisation/evenements/")
    look(page, "my evenings")
    first = page.locator("main section").first
    assert first.locator("h2").inner_text() == "Aujourd’hui"
    assert first.locator("h3").first.inner_text() == TITLE
    page.set_viewport_size({"width": 320, "height": 700})
    look(page, "my evenings at 320 px")
    for fact in first.locator(".inline-facts > div").all():
        box = fact.bounding_box()
        assert box["x"] >= 0, fact.inner_text()
        assert box["x"] + box["width"] <= 320, fact.inner_text()
    assert re.search(r"Personnes inscrites confirmées\s*6 \(3 inscriptions\)",
                     first.inner_text())
    page.set_viewport_size({"width": 375, "height": 812})

    page.get_by_role("link", name=TITLE, exact=True).click()
    look(page, "dashboard")
    expected = {REGISTERED: 6, ARRIVED: 0, WALK_INS: 0, ROOM: 0, LEFT: 2, WAITING: 3}
    assert _figures(page) == expected
    _same_everywhere(page, base, expected, look, "before the door opens")

    # The door: Hélène's group, then Paul.
    page.get_by_role("link", name="Accueil et pointage").click()
    look(page, "door")
    page.get_by_role("button", name="Pointer les 3 personnes — Hélène Garnier").click()
    assert "Arrivée pointée : le groupe de 3 personnes." in _main(page)
    page.get_by_label("Nom, e-mail ou téléphone").fill("paul")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("button", name="Pointer l’arrivée — Paul Lefèvre").click()
    look(page, "door after check-in")
    expected = {**expected, ARRIVED: 4, ROOM: 4}
    assert _figures(page) == expected
    _same_everywhere(page, base, expected, look, "after check-in")

    # Someone comes without registering: one free seat is theirs.
    page.goto(base + "/accueil")
    page.fill("#walk_in-name", "Marc Roussel")
    page.get_by_role("button", name="Faire entrer sans inscription").click()
    assert "Entrée sans inscription enregistrée : Marc Roussel." in _main(page)
    look(page, "door after a walk-in")
    expected = {**expected, WALK_INS: 1, ROOM: 5, LEFT: 1}
    assert _figures(page) == expected
    _same_everywhere(page, base, expected, look, "after a walk-in")

    # Louise calls: the last seat is hers.
    page.goto(base)
    page.get_by_role("link", name="Inscrire une personne (téléphone)").click()
    assert "1 place libre en ce moment." in _main(page)
    look(page, "registration by phone")
    page.fill("#name", "Louise Fabre")
    page.fill("#phone", "04 76 00 00 02")
    page.check("#privacy_consent")
    page.get_by_role("button", name="Inscrire la personne").click()
    assert "Inscription enregistrée pour Louise Fabre : confirmée." in _main(page)
    look(page, "registration by phone saved")
    expected = {**expected, REGISTERED: 7, LEFT: 0}
    _same_everywhere(page, base, expected, look, "after a registration by phone")

    # The evening has begun; the record says who came.
    with journey_app.app_context():
        event = db.session.get(Event, event_id)
        event.starts_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    page.goto(base)
    page.get_by_role("link", name="Bilan de la soirée", exact=True).click()
    look(page, "attendance record")
    rows = {row.locator("th").inner_text(): row.locator("td").inner_text()
            for row in page.locator("#tableau-presence >> xpath=.. >> tbody tr").all()}
    assert rows[REGISTERED] == "7"
    assert rows[ARRIVED] == "4"
    assert rows["Personnes inscrites absentes"] == "3"
    assert rows[WALK_INS] == "1"
    assert rows[ROOM] == "5 / 8"


def test_a_visitor_finds_an_evening_in_her_town_without_javascript(
        journey_app, journey_url, phone, look):
    with journey_app.app_context():
        sophie = db.session.scalar(select(User).where(User.email == ORGANISER))
        make_event(sophie, title="Parle-Moi à Annecy : bouger après un cancer", days=9,
                   venue_name="Salle Pierre Lamy", town="Annecy", postcode="74000",
                   department="74")
        online = len([e for e in list_events() if e.format == "online"])
        db.session.commit()
    page = phone(text_size=150, java_script_enabled=False).new_page()
    # axe runs in the page: each page the visitor reaches is checked again in a phone
    # with JavaScript (the same address, hence the same filter and results).
    checker = phone(text_size=150).new_page()

    def look_at(label):
        checker.goto(page.url)
        look(checker, label)
    page.goto(journey_url + "/clara/evenements/")
    look_at("public evenings")
    assert "Salle Pierre Lamy, Annecy (74)" in _main(page)

    page.get_by_label("Ville ou code postal").fill("annecy")
    page.get_by_role("button", name="Filtrer").click()
    look_at("evenings in Annecy")
    main = _main(page)
    assert "1 soirée à venir correspond à votre recherche" in main
    assert "Parle-Moi à Annecy" in main
    assert page.get_by_label("Ville ou code postal").input_value() == "annecy"

    page.get_by_label("Ajouter les soirées en ligne").check()
    page.get_by_role("button", name="Filtrer").click()
    look_at("evenings in Annecy and online")
    assert f"{1 + online} soirées à venir correspondent à votre recherche" in \
        _main(page)
    assert page.get_by_label("Ajouter les soirées en ligne").is_checked()

    page.get_by_label("Ville ou code postal").fill("")
    page.get_by_label("Ajouter les soirées en ligne").uncheck()
    page.get_by_label("Département").select_option(label="Haute-Savoie (74)")
    page.get_by_role("button", name="Filtrer").click()
    assert "1 soirée à venir correspond à votre recherche" in _main(page)

    page.get_by_label("Département").select_option(value="")
    page.get_by_label("Ville ou code postal").fill("Brest")
    page.get_by_role("button", name="Filtrer").click()
    look_at("no evening in Brest")
    main = _main(page)
    assert "Aucune soirée à venir ne correspond à ces critères." in main
    page.get_by_role("link", name="Effacer les filtres et voir toutes les soirées à venir").click()
    look_at("all evenings again")
    assert "Parle-Moi à Annecy" in _main(page)
    assert page.get_by_label("Ville ou code postal").input_value() == ""
