import time

import pytest

from patientlab.extensions import db
from tests.conftest import FormClient, app_with


def _shift_session(client, **seconds_ago):
    with client.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[key] = int(time.time()) - ago


def test_idle_session_is_ended_after_thirty_minutes(web, make_user):
    make_user(email="anne@exemple.fr")
    web.login("anne@exemple.fr")
    _shift_session(web.client, _seen=29 * 60)
    assert web.get("/compte/profil").status_code == 200
    _shift_session(web.client, _seen=31 * 60)
    response = web.get("/compte/profil")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/compte/connexion?next=/compte/profil")
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Votre session a expiré" in page
    assert web.get("/compte/profil").status_code == 302


def test_session_ends_after_twelve_hours_even_when_active(web, make_user):
    make_user(email="anne@exemple.fr")
    web.login("anne@exemple.fr")
    _shift_session(web.client, _started=12 * 3600 + 5, _seen=10)
    assert web.get("/compte/profil").status_code == 302


def test_activity_keeps_the_session_alive(web, make_user):
    make_user(email="anne@exemple.fr")
    web.login("anne@exemple.fr")
    _shift_session(web.client, _seen=20 * 60)
    assert web.get("/compte/profil").status_code == 200
    with web.client.session_transaction() as session:
        assert int(time.time()) - session["_seen"] < 5


@pytest.fixture
def limited_app(app):
    """The test app's database, with rate limiting turned on and tight limits."""
    with app_with(app, RATELIMIT_ENABLED=True, RATE_LIMIT_LOGIN_PER_ACCOUNT="3 per minute",
                  RATE_LIMIT_LOGIN_PER_IP="6 per minute",
                  RATE_LIMIT_RESET_PER_ACCOUNT="2 per hour",
                  RATE_LIMIT_CODE_PER_ACCOUNT="3 per minute",
                  RATE_LIMIT_CODE_PER_IP="5 per minute") as limited:
        yield limited


def _login(client, email):
    web = FormClient(client)
    return web.submit("/compte/connexion", {"email": email, "password": "mauvais mot de passe"})


def test_login_is_limited_per_account_and_per_ip(limited_app):
    with limited_app.app_context():
        db.create_all()
        client = limited_app.test_client()
        statuses = [_login(client, "anne@exemple.fr").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        page = _login(client, "ANNE@exemple.fr").get_data(as_text=True)
        assert "Trop de tentatives" in page
        # Another account from the same address still gets a few tries, up to the IP limit.
        statuses = [_login(client, f"autre{i}@exemple.fr").status_code for i in range(4)]
        assert statuses[:2] == [200, 200]
        assert statuses[-1] == 429


def test_the_per_account_login_limit_is_not_bypassed_by_invisible_or_lookalike_letters(
        limited_app):
    """Zero-width space, soft hyphen, case and full-width letters name the same account."""
    with limited_app.app_context():
        db.create_all()
        client = limited_app.test_client()
        variants = ["anne@exemple.fr", "an\u200bne@exemple.fr", "AN\u00adNE@exemple.fr",
                    "\uff41nne@exemple.fr"]
        assert [_login(client, email).status_code for email in variants] == [200, 200, 200, 429]


def test_password_reset_requests_are_limited_per_account(limited_app):
    with limited_app.app_context():
        db.create_all()
        web = FormClient(limited_app.test_client())
        codes = [web.submit("/compte/mot-de-passe-oublie",
                            {"email": "karim@exemple.fr"}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]


def test_login_codes_are_limited_per_account_and_per_ip(limited_app):
    """Six digits are guessable without a limit: a few tries per account, then 429."""
    with limited_app.app_context():
        db.create_all()
        client = limited_app.test_client()
        web = FormClient(client)
        token = web.csrf("/compte/connexion")

        def try_code(account):
            with client.session_transaction() as session:
                session["_code_for"] = {"token": account, "at": int(time.time()), "next": ""}
            return client.post("/compte/connexion/code",
                               data={"code": "123456", "csrf_token": token}).status_code

        assert [try_code("compte-a") for _ in range(4)] == [302, 302, 302, 429]
        # Another account from the same address: its first try passes, then the IP's limit.
        assert [try_code("compte-b") for _ in range(3)] == [302, 302, 429]


@pytest.mark.parametrize("hops", [0, 1])
def test_behind_a_reverse_proxy_each_person_has_their_own_per_ip_limit(app, hops):
    """With PROXY_HOPS=1 the limit counts the address the proxy forwards; without it,
    X-Forwarded-For is the client's own words and is ignored."""
    with app_with(app, RATELIMIT_ENABLED=True, RATE_LIMIT_LOGIN_PER_IP="2 per minute",
                  PROXY_HOPS=hops) as limited, limited.app_context():
        db.create_all()
        client = limited.test_client()
        statuses = []
        for i in range(4):
            client.environ_base["HTTP_X_FORWARDED_FOR"] = f"203.0.113.{i}"
            statuses.append(_login(client, f"personne{i}@exemple.fr").status_code)
        assert statuses == ([200, 200, 429, 429] if hops == 0 else [200] * 4)


def test_limits_beyond_the_routes_are_checked_when_there_are_some(app):
    """Flask-Limiter's own before-request check stays in place: an application-wide limit
    set in the configuration applies to every page."""
    from patientlab.extensions import limiter

    try:
        with app_with(app, RATELIMIT_ENABLED=True,
                      RATELIMIT_APPLICATION="2 per minute") as limited:
            client = limited.test_client()
            statuses = [client.get("/compte/connexion").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
    finally:  # the limiter is shared by the tests' apps
        limiter.limit_manager.set_application_limits([])


def test_reading_a_page_skips_the_limits_only_when_none_can_apply(app):
    """Every route's own limit is on its POST: a page read asks Flask-Limiter nothing,
    unless a limit covers the whole application."""
    from patientlab.core.limits import reading_needs_no_limit
    from patientlab.extensions import limiter

    with app.test_request_context("/", method="GET"):
        assert reading_needs_no_limit()
    with app.test_request_context("/compte/connexion", method="POST"):
        assert not reading_needs_no_limit()
    try:
        with app_with(app, RATELIMIT_ENABLED=True,
                      RATELIMIT_APPLICATION="2 per minute") as limited, \
                limited.test_request_context("/", method="GET"):
            assert not reading_needs_no_limit()
    finally:
        limiter.limit_manager.set_application_limits([])
