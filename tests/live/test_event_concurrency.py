"""Fifty people register at the same moment for twenty seats, through a real server.

Runs on SQLite (BEGIN IMMEDIATE) and, with `make test-postgres`, on PostgreSQL
(SELECT … FOR UPDATE). Exactly twenty seats are confirmed, thirty people wait,
nobody is lost and nobody gets an error page.
"""

import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request
from datetime import timedelta

from sqlalchemy import func, select

from patientlab.auth.models import User
from patientlab.core.models import utcnow
from patientlab.events.models import Event, Registration
from patientlab.events.models import RegistrationStatus as S
from patientlab.extensions import db
from patientlab.networks import context

PEOPLE = 50
SEATS = 20
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _new_event(live_app) -> int:
    with live_app.app_context():
        organiser = db.session.scalar(select(User).where(User.email == "organisation@exemple.fr"))
        starts = utcnow() + timedelta(days=30)
        event = Event(organiser_id=organiser.id, title="Soirée très demandée", theme="progres",
                      starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=SEATS,
                      format="onsite", lock_version=0, published_at=utcnow(),
                      network_id=context.default_network().id)
        db.session.add(event)
        db.session.commit()
        event_id = event.id
        db.session.remove()
    return event_id


def _run_at_once(threads):
    """Start every thread (they meet at their barrier), then wait for them all."""
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def _assert_the_waiting_list_rule(rows):
    """Never oversold, and nobody waits who fits in the free seats."""
    confirmed = sum(r.seats for r in rows if r.status == S.CONFIRMED)
    assert confirmed <= SEATS
    assert all(r.seats > SEATS - confirmed for r in rows if r.status == S.WAITING)


def _person(base_url, event_id, index, barrier, results):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base_url}/clara/evenements/{event_id}/inscription?places=1",
                       timeout=60).read().decode()
    assert 'name="privacy_consent"' in page
    # A visitor's form carries no token: the browser says it comes from our page.
    body = urllib.parse.urlencode({
        "name": f"Personne {index}",
        "email": f"personne{index}@exemple.fr", "seats": "1", "privacy_consent": "y",
    }).encode()
    request = urllib.request.Request(
        f"{base_url}/clara/evenements/{event_id}/inscription", data=body,
        headers={"Origin": base_url, "Sec-Fetch-Site": "same-origin"})
    barrier.wait(timeout=60)
    try:
        response = opener.open(request, timeout=60)
        results[index] = (response.status, response.geturl())
    except urllib.error.HTTPError as error:
        results[index] = (error.code, error.read()[:300])


def test_fifty_simultaneous_registrations_for_twenty_seats(live_app, base_url):
    event_id = _new_event(live_app)
    barrier = threading.Barrier(PEOPLE)
    results = {}
    threads = [threading.Thread(target=_person, args=(base_url, event_id, i, barrier, results))
               for i in range(PEOPLE)]
    _run_at_once(threads)
    failures = {i: r for i, r in results.items()
                if r[0] != 200 or "/inscription/merci" not in r[1]}
    assert len(results) == PEOPLE
    assert not failures, failures
    with live_app.app_context():
        rows = dict(db.session.execute(
            select(Registration.status, func.count()).where(Registration.event_id == event_id)
            .group_by(Registration.status)).all())
        db.session.remove()
    assert rows == {S.CONFIRMED: SEATS, S.WAITING: PEOPLE - SEATS}


def _cancel(base_url, token, barrier, results, key):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    url = f"{base_url}/clara/inscriptions/{token}/annuler"
    page = opener.open(url, timeout=60).read().decode()
    body = urllib.parse.urlencode({"csrf_token": TOKEN.search(page).group(1)}).encode()
    barrier.wait(timeout=60)
    try:
        results[key] = (opener.open(url, data=body, timeout=60).status, "")
    except urllib.error.HTTPError as error:
        results[key] = (error.code, error.read()[:300])


def test_cancellations_and_registrations_at_once_keep_the_waiting_list_rule(live_app, base_url):
    """Ten people cancel while ten others register, all at the same moment: never
    oversold, and nobody waits who fits in the free seats."""
    from patientlab.events.services.mails import link_token
    from patientlab.events.services.registration import RegistrationData, register

    event_id = _new_event(live_app)
    with live_app.app_context():
        tokens = []
        for index in range(SEATS + 5):
            registration = register(event_id, RegistrationData(
                name=f"Déjà {index}", email=f"deja{index}@exemple.fr",
                seats=1 + index % 2, privacy_consent=True))
            tokens.append(link_token(registration))
        db.session.commit()
        db.session.remove()
    barrier = threading.Barrier(20)
    results = {}
    threads = [threading.Thread(target=_cancel, args=(base_url, tokens[i], barrier, results,
                                                      f"cancel-{i}")) for i in range(10)]
    threads += [threading.Thread(target=_person, args=(base_url, event_id, 100 + i, barrier,
                                                       results)) for i in range(10)]
    _run_at_once(threads)
    assert len(results) == 20
    assert all(status == 200 for status, _ in results.values()), results
    with live_app.app_context():
        rows = list(db.session.scalars(select(Registration).where(
            Registration.event_id == event_id)))
        db.session.remove()
    _assert_the_waiting_list_rule(rows)
    assert sum(r.status == S.CANCELLED for r in rows) == 10


def _organiser_opener(base_url):
    from patientlab.demo import DEMO_PASSWORD

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base_url}/compte/connexion", timeout=60).read().decode()
    body = urllib.parse.urlencode({"csrf_token": TOKEN.search(page).group(1),
                                   "email": "organisation@exemple.fr",
                                   "password": DEMO_PASSWORD}).encode()
    opener.open(f"{base_url}/compte/connexion", data=body, timeout=60).read()
    return opener


def _organiser_post(opener, url, fields, barrier, results, key):
    barrier.wait(timeout=60)
    try:
        response = opener.open(url, data=urllib.parse.urlencode(fields).encode(), timeout=60)
        results[key] = (response.status, "")
    except urllib.error.HTTPError as error:
        results[key] = (error.code, error.read()[:300])


def test_cancellations_seat_changes_walk_ins_and_registrations_at_once(live_app, base_url):
    """Everything that moves seats, at the same moment, from people and from the
    organiser at the door: never oversold, the waiting list's rule holds, every group
    whole (one companion row per extra seat), and no error page."""
    from patientlab.events.services.mails import link_token
    from patientlab.events.services.registration import RegistrationData, register

    event_id = _new_event(live_app)
    with live_app.app_context():
        made = []
        for index in range(SEATS + 5):
            registration = register(event_id, RegistrationData(
                name=f"Déjà {index}", email=f"deja{index}@exemple.fr",
                seats=1 + index % 2, privacy_consent=True))
            made.append((registration.id, link_token(registration)))
        db.session.commit()
        db.session.remove()
    organiser = _organiser_opener(base_url)
    base = f"{base_url}/clara/organisation/evenements/{event_id}"
    page = organiser.open(f"{base}/accueil", timeout=60).read().decode()
    token = re.search(r'name="walk_in-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    barrier = threading.Barrier(24)
    results = {}
    threads = [threading.Thread(target=_cancel, args=(base_url, made[i][1], barrier, results,
                                                      f"cancel-{i}")) for i in range(6)]
    threads += [threading.Thread(target=_organiser_post, args=(
        organiser, f"{base}/inscriptions/{made[6 + i][0]}/places",
        {"seats-csrf_token": token, "seats-seats": str(3 if i % 2 else 1)}, barrier, results,
        f"seats-{i}")) for i in range(6)]
    threads += [threading.Thread(target=_organiser_post, args=(
        organiser, f"{base}/accueil/sans-inscription",
        {"walk_in-csrf_token": token, "walk_in-seats": str(1 + i % 2)}, barrier, results,
        f"walk-in-{i}")) for i in range(6)]
    threads += [threading.Thread(target=_person, args=(base_url, event_id, 200 + i, barrier,
                                                       results)) for i in range(6)]
    _run_at_once(threads)
    assert len(results) == 24
    assert all(status == 200 for status, _ in results.values()), results
    with live_app.app_context():
        rows = list(db.session.scalars(select(Registration).where(
            Registration.event_id == event_id)))
        _assert_the_waiting_list_rule(rows)
        assert all(len(r.companions) == r.seats - 1 for r in rows)
        assert sum(r.status == S.CANCELLED for r in rows) == 6
        db.session.remove()
