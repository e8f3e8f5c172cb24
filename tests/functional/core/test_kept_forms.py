"""Nothing typed is lost: a form posted after the session expired, or with a stale token,
comes back filled in for the person who typed it (core.kept)."""

import time
from datetime import timedelta

from sqlalchemy import func, select

from patientlab.calls.models import Review
from patientlab.core import kept
from patientlab.core.kept import KeptForm
from patientlab.core.models import utcnow
from patientlab.extensions import db
from tests.factories import PASSWORD, UserFactory, make_application, make_assignment, make_call

SAME_SITE = {"Origin": "http://localhost"}
LONG_TEXT = "Le planning des séances du soir ne convient pas aux personnes qui travaillent."


def expire_session(client):
    with client.session_transaction() as session:
        session["_seen"] = int(time.time()) - 31 * 60


def stale_token(web, url, age=5 * 3600):
    """The token of ``url``'s form for this browser, signed ``age`` seconds ago: past
    WTF_CSRF_TIME_LIMIT (4 hours), as for a page left open all afternoon."""
    from flask import current_app
    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    token = web.csrf(url)

    class Earlier(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - age

    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    plain = URLSafeTimedSerializer(secret, salt="wtf-csrf-token")
    raw = plain.loads(token)
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token", signer=Earlier).dumps(raw)


def login_to(web, email, next_url):
    response = web.submit(f"/compte/connexion?next={next_url}",
                          {"email": email, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    return response.headers["Location"]


def review_setup(email="martine@exemple.fr"):
    martine = UserFactory(email=email, roles=["patient_expert"])
    call = make_call(state="review")
    assignment = make_assignment(make_application(call=call), martine)
    db.session.commit()
    return assignment, call.criteria[0]


def test_a_review_sent_after_the_session_expired_comes_back_after_login(web):
    assignment, first = review_setup()
    url = f"/clara/relectures/{assignment.id}"
    web.login("martine@exemple.fr")
    token = web.csrf(url)
    expire_session(web.client)

    response = web.client.post(url, data={"csrf_token": token, f"score_{first.id}": "4",
                                          f"comment_{first.id}": LONG_TEXT, "save": "1"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/compte/connexion?next={url}"
    login_page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ce que vous avez écrit est gardé" in login_page
    assert db.session.scalar(select(func.count()).select_from(Review)) == 0  # not saved

    assert login_to(web, "martine@exemple.fr", url) == url
    page = web.get(url).get_data(as_text=True)
    assert LONG_TEXT in page
    assert (f'<input checked class="radio-input" id="score_{first.id}-3" '
            f'name="score_{first.id}" type="radio" value="4">') in page
    assert "Nous avons gardé ce que vous aviez écrit" in page

    # Sent again, the review is saved and the kept copy goes.
    response = web.submit(url, {f"score_{first.id}": "4", f"comment_{first.id}": LONG_TEXT,
                                "save": "1"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(KeptForm)) == 0
    assert LONG_TEXT in web.get(url).get_data(as_text=True)  # from the saved draft now


def test_a_review_sent_with_an_expired_token_comes_back_with_a_fresh_one(web):
    assignment, first = review_setup()
    url = f"/clara/relectures/{assignment.id}"
    web.login("martine@exemple.fr")
    response = web.client.post(url, headers=SAME_SITE, data={
        "csrf_token": "périmé", f"comment_{first.id}": LONG_TEXT, "save": "1"})
    assert response.status_code == 303
    assert response.headers["Location"] == url
    page = web.get(url).get_data(as_text=True)
    assert LONG_TEXT in page
    assert "Nous avons gardé ce que vous aviez écrit" in page
    # The fresh token in the page works.
    response = web.submit(url, {f"comment_{first.id}": LONG_TEXT, "save": "1"})
    assert response.status_code == 302


def test_kept_text_is_only_ever_shown_to_the_account_that_typed_it(web):
    UserFactory(email="anne@exemple.fr")
    UserFactory(email="paul@exemple.fr")
    db.session.commit()
    web.login("anne@exemple.fr")
    token = web.csrf("/compte/profil")
    expire_session(web.client)
    web.client.post("/compte/profil", data={"csrf_token": token, "name": "Anne Secret"})
    assert db.session.scalar(select(func.count()).select_from(KeptForm)) == 1

    web.login("paul@exemple.fr")  # someone else on the same browser
    page = web.get("/compte/profil").get_data(as_text=True)
    assert "Anne Secret" not in page
    assert "Nous avons gardé" not in page


def test_another_site_cannot_fill_a_form_for_a_person(web):
    UserFactory(email="anne@exemple.fr")
    db.session.commit()
    web.login("anne@exemple.fr")
    response = web.client.post("/compte/profil", data={"name": "Posé par un autre site"},
                               headers={"Origin": "https://ailleurs.example"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(KeptForm)) == 0


def test_passwords_and_codes_are_never_kept_and_a_visitor_gets_their_email_back(web, app):
    with app.app_context():
        token = stale_token(web, "/compte/connexion")
    response = web.client.post("/compte/connexion", headers=SAME_SITE, data={
        "csrf_token": token, "email": "lea@exemple.fr", "password": "mon secret"})
    assert response.status_code == 303
    row = db.session.scalar(select(KeptForm))
    assert row.user_id is None
    assert row.visitor_key
    assert "mon secret" not in row.fields
    assert "lea@exemple.fr" in row.fields
    page = web.get("/compte/connexion").get_data(as_text=True)
    assert 'value="lea@exemple.fr"' in page
    assert "mon secret" not in page


def test_a_guest_registration_posted_hours_later_comes_back_with_what_was_typed(web, app):
    """A visitor's registration form carries no token (it is checked by its origin):
    posted from a page left open all afternoon, it is never refused as stale; what was
    typed comes back on the page, with what is missing."""
    from tests.factories import make_event

    event = make_event()
    db.session.commit()
    with app.app_context():
        token = stale_token(web, "/compte/connexion")  # any token, too old: ignored here
    response = web.client.post(f"/clara/evenements/{event.id}/inscription", headers=SAME_SITE,
                               data={"csrf_token": token, "name": "Nadia Benali",
                                     "needs_other": "Chien guide"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nadia Benali" in page
    assert "Chien guide" in page
    assert "privacy_consent" in page


def test_kept_copies_expire_and_are_purged(app):
    user = UserFactory()
    now = utcnow()
    kept.keep("/compte/profil", kept.MultiDict({"name": "Anne"}), user_id=user.id, now=now)
    assert kept.kept("/compte/profil", user_id=user.id, now=now)["name"] == "Anne"
    later = now + timedelta(seconds=app.config["KEPT_FORM_MAX_AGE"] + 1)
    assert kept.kept("/compte/profil", user_id=user.id, now=later) is None
    assert kept.purge_expired(later) == 1
