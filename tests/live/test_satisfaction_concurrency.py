"""The same satisfaction link sent several times at the same moment (a double tap, two
tabs), through a real server: one answer counts, nobody gets an error page.

Runs on SQLite and, with `scripts/with-postgres.sh`, on PostgreSQL, where each request
has its own connection and the second insert of the receipt waits for the first.
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
from patientlab.events.models import Event, SatisfactionAnswer
from patientlab.events.services.after_evening import satisfaction_token, send_satisfaction_requests
from patientlab.events.services.registration import RegistrationData, register
from patientlab.extensions import db
from patientlab.networks import context

TABS = 8
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _asked_registration(live_app) -> tuple[int, str]:
    with live_app.app_context():
        organiser = db.session.scalar(select(User).where(User.email == "organisation@exemple.fr"))
        starts = utcnow() - timedelta(days=1, hours=3)
        event = Event(organiser_id=organiser.id, title="Soirée d’hier", theme="progres",
                      starts_at=starts + timedelta(days=2), ends_at=starts + timedelta(days=2,
                                                                                     hours=2),
                      capacity=10, format="online", lock_version=0, published_at=utcnow(),
                      network_id=context.default_network().id)
        db.session.add(event)
        db.session.flush()
        registration = register(event.id, RegistrationData(
            name="Nadia", email="nadia.avis@exemple.fr", privacy_consent=True))
        event.starts_at, event.ends_at = starts, starts + timedelta(hours=2)
        event.held_at = event.ends_at
        db.session.flush()
        assert send_satisfaction_requests() >= 1
        token = satisfaction_token(registration)
        db.session.commit()
        event_id = event.id
        db.session.remove()
    return event_id, token


def _tab(url, barrier, results, key):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(url, timeout=60).read().decode()
    body = urllib.parse.urlencode({"csrf_token": TOKEN.search(page).group(1), "score": "5",
                                   "comment": f"Onglet {key}"}).encode()
    barrier.wait(timeout=60)
    try:
        results[key] = opener.open(url, data=body, timeout=60).status
    except urllib.error.HTTPError as error:
        results[key] = error.code


def test_answers_sent_at_once_with_one_link_count_once(live_app, base_url):
    event_id, token = _asked_registration(live_app)
    url = f"{base_url}/clara/inscriptions/avis/{token}"
    barrier, results = threading.Barrier(TABS), {}
    threads = [threading.Thread(target=_tab, args=(url, barrier, results, i))
               for i in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == dict.fromkeys(range(TABS), 200)
    with live_app.app_context():
        answers = db.session.scalar(select(func.count()).select_from(SatisfactionAnswer)
                                    .where(SatisfactionAnswer.event_id == event_id))
        db.session.remove()
    assert answers == 1
