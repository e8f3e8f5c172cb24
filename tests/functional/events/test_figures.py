"""One evening, every organiser page: the same figures with the same words (people, not
seats or registrations, unless said), the waiting list in its order, the needs of the
people confirmed, the organiser's evenings tonight first; and the public list found by
town or department."""

import re
from datetime import timedelta

from patientlab.core.models import utcnow
from patientlab.core.security import Role
from patientlab.events.models import Companion, Registration
from patientlab.events.models import RegistrationSource as Source
from patientlab.events.models import RegistrationStatus as S
from patientlab.extensions import db
from tests.factories import make_event
from tests.functional.events.figures import figures_in, figures_in_csv

REGISTERED = "Personnes inscrites confirmées"
ARRIVED = "Personnes inscrites arrivées"
WALK_INS = "Entrées sans inscription"
ROOM = "Personnes dans la salle"
LEFT = "Places libres"
WAITING = "Personnes sur liste d’attente"
LABELS = (REGISTERED, ARRIVED, WALK_INS, ROOM, LEFT, WAITING)


def _add(event, name, seats, status, *, arrived=0, source=Source.ONLINE, minutes=0,
         needs=""):
    now = utcnow()
    registration = Registration(
        event_id=event.id, name=name, email=None if source == Source.DOOR else
        f"{name.split()[0].lower()}@exemple.fr", seats=seats, status=status, source=source,
        needs=needs, needs_consent_at=now if needs else None, link_key="k",
        created_at=now - timedelta(hours=5) + timedelta(minutes=minutes),
        checked_in_at=now if arrived else None, present=arrived)
    for position in range(1, seats):
        registration.companions.append(Companion(
            position=position, name="", needs="",
            checked_in_at=now if position < arrived else None))
    db.session.add(registration)
    return registration


def _tonight(organiser):
    """Started an hour ago, 12 seats: 4 confirmed registrations of 7 people (3 of them
    arrived), a walk-in couple, 3 waiting registrations of 4 people registered in an
    order that is not the alphabet's, and a cancelled group of 2."""
    now = utcnow()
    event = make_event(organiser, capacity=12, title="Ce soir à Lyon",
                       starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    _add(event, "Nadia Benali", 3, S.CONFIRMED, arrived=2, needs="lsf")
    _add(event, "Bernard Petit", 1, S.CONFIRMED, arrived=1)
    _add(event, "Chantal Roux", 2, S.CONFIRMED)
    _add(event, "Jeanne Martin", 1, S.CONFIRMED, source=Source.PHONE)
    _add(event, "", 2, S.CONFIRMED, arrived=2, source=Source.DOOR)
    _add(event, "Zoé Arnaud", 2, S.WAITING, minutes=1, needs="induction_loop")
    _add(event, "Albert Blanc", 1, S.WAITING, minutes=2)
    _add(event, "Marc Dupont", 1, S.WAITING, minutes=3)
    _add(event, "Odile Faure", 2, S.CANCELLED)
    db.session.commit()
    return event


EXPECTED = {REGISTERED: 7, ARRIVED: 3, WALK_INS: 2, ROOM: 5, LEFT: 3, WAITING: 4}


def test_every_organiser_page_shows_the_same_figures_of_the_evening(web, make_user):
    organiser = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event = _tonight(organiser)
    web.login("sophie@exemple.fr")
    base = f"/clara/organisation/evenements/{event.id}"
    pages = {name: web.get(base + path).get_data(as_text=True) for name, path in (
        ("dashboard", ""), ("door", "/accueil"), ("sheet", "/feuille-de-presence"))}
    for name, page in pages.items():
        assert figures_in(page, LABELS) == EXPECTED, name
        assert "(4 inscriptions)" in page, name  # the confirmed registrations, walk-ins apart
    record = web.get(f"{base}/bilan").get_data(as_text=True)
    assert figures_in(record, LABELS) == {REGISTERED: 7, ARRIVED: 3, WALK_INS: 2, ROOM: 5}
    assert figures_in(record, ("Personnes inscrites absentes",)) == {
        "Personnes inscrites absentes": 4}
    csv_text = web.get(f"{base}/inscrits.csv").get_data(as_text=True)
    assert figures_in_csv(csv_text, LABELS) == EXPECTED
    listing = web.get("/clara/organisation/evenements/").get_data(as_text=True)
    assert figures_in(listing, (REGISTERED, LEFT, WAITING, ROOM)) == {
        REGISTERED: 7, LEFT: 3, WAITING: 4, ROOM: 5}


def test_the_needs_to_prepare_are_those_of_the_people_confirmed(web, make_user):
    organiser = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event = _tonight(organiser)
    web.login("sophie@exemple.fr")
    page = web.get(f"/clara/organisation/evenements/{event.id}").get_data(as_text=True)
    needs = page[page.index("Besoins d’accessibilité à préparer"):page.index('id="liste"')]
    assert "Interprète en langue des signes française (LSF) : 1" in needs
    assert "Boucle magnétique" not in needs  # Zoé waits: nothing to prepare for her yet


def test_the_waiting_list_reads_in_its_order(web, make_user):
    organiser = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    event = _tonight(organiser)
    web.login("sophie@exemple.fr")
    base = f"/clara/organisation/evenements/{event.id}"
    page = web.get(base).get_data(as_text=True)
    assert re.findall(r"position (\d)", page) == ["1", "2", "3"]
    assert page.index("Zoé Arnaud") < page.index("Albert Blanc") < page.index("Marc Dupont")
    door = web.get(f"{base}/accueil?q=a").get_data(as_text=True)
    assert re.findall(r"position (\d)", door) == ["1", "2", "3"]


def test_the_organiser_sees_tonight_first_then_the_coming_then_the_past(web, make_user):
    organiser = make_user(Role.ORGANISER, email="sophie@exemple.fr")
    for title, days in (("Passée récente", -3), ("Lointaine", 40), ("Passée ancienne", -60),
                        ("Prochaine", 5)):
        make_event(organiser, title=title, days=days)
    _tonight(organiser)
    web.login("sophie@exemple.fr")
    page = web.get("/clara/organisation/evenements/").get_data(as_text=True)
    order = [page.index(t) for t in ("Ce soir à Lyon", "Prochaine", "Lointaine",
                                     "Passée récente", "Passée ancienne")]
    assert order == sorted(order)
    assert "<table" not in page  # figures in each card, none off-screen on a phone


def _public(town, postcode, department, title, days, fmt="onsite"):
    return make_event(title=title, days=days, format=fmt, town=town, postcode=postcode,
                      department=department, venue_name="Maison des associations")


def test_a_visitor_finds_the_evenings_near_her_by_department_or_town(client):
    _public("Lyon", "69004", "69", "Soirée à Lyon", 5)
    _public("Villeurbanne", "69100", "69", "Soirée à Villeurbanne", 6)
    _public("Saint-Étienne", "42000", "42", "Soirée à Saint-Étienne", 7)
    _public("", "", "", "Soirée en ligne", 8, fmt="online")
    db.session.commit()
    page = client.get("/clara/evenements/").get_data(as_text=True)
    assert "Maison des associations, Lyon (69)" in page
    assert '<option value="42">Loire (42)</option>' in page

    page = client.get("/clara/evenements/?departement=69").get_data(as_text=True)
    assert "2 soirées à venir correspondent à votre recherche" in page
    assert "Soirée à Villeurbanne" in page
    assert "Saint-Étienne" not in page.split("resultats")[1]
    assert '<option value="69" selected>' in page
    assert "Soirée en ligne" not in page

    page = client.get("/clara/evenements/?departement=69&en_ligne=1").get_data(as_text=True)
    assert "3 soirées à venir correspondent à votre recherche" in page
    assert "Soirée en ligne" in page
    assert 'name="en_ligne" value="1" checked' in page

    page = client.get("/clara/evenements/?ville=saint+etienne").get_data(as_text=True)
    assert "1 soirée à venir correspond à votre recherche" in page
    assert 'value="saint etienne"' in page
    assert "1 soirée" in client.get("/clara/evenements/?ville=69100").get_data(as_text=True)

    page = client.get("/clara/evenements/?ville=Brest").get_data(as_text=True)
    assert "0 soirée à venir correspond à votre recherche" in page
    assert "Aucune soirée à venir ne correspond à ces critères." in page
    assert ('href="/clara/evenements/">Effacer les filtres et voir toutes les soirées à venir'
            in page)

    page = client.get("/clara/evenements/?format=online").get_data(as_text=True)
    assert "1 soirée à venir correspond à votre recherche" in page
