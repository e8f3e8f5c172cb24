"""Each public POST endpoint that works without an account has a rate limit that applies
before any work is stored.

The endpoints are listed from the URL map: every rule that accepts POST, sent once by a
visitor (CSRF off, placeholder arguments); those that do not answer with the login page,
401 or 403 work without an account. Each is then sent by a visitor past a tight limit,
with the CSRF check on and no token (the path that kept forms before any route's own
limit): the request past the limit gets the 429 page, and nothing in the database
changed."""

from flask import url_for
from sqlalchemy import func, select

from patientlab.extensions import db
from tests.conftest import app_with


def _url(app, rule) -> str:
    """The rule's address with 1 for every argument (a number, a token, a kind), in the
    first network."""
    with app.test_request_context():
        values = dict.fromkeys(rule.arguments, 1)
        if "network" in values:
            values["network"] = "clara"
        return url_for(rule.endpoint, **values)


def _needs_an_account(answer) -> bool:
    if answer.status_code in (401, 403):
        return True
    location = answer.headers.get("Location", "")
    return answer.status_code in (301, 302, 303) and location.startswith("/compte/connexion")


def public_post_endpoints(app) -> dict[str, str]:
    """{endpoint: url} of every POST endpoint a visitor reaches."""
    found = {}
    with app_with(app, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=True,
                  RATE_LIMIT_VISITOR_POST_PER_IP="1000 per minute") as open_app:
        client = open_app.test_client()
        for rule in open_app.url_map.iter_rules():
            if "POST" not in (rule.methods or ()):
                continue
            url = _url(open_app, rule)
            answer = client.post(url, data={"x": "1"}, headers={"Sec-Fetch-Site": "same-origin"})
            if not _needs_an_account(answer):
                found.setdefault(rule.endpoint, url)
            db.session.rollback()
    return found


def _rows() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_each_public_post_endpoint_is_limited_before_any_work_is_stored(app):
    endpoints = public_post_endpoints(app)
    # The forms everyone knows are among them (the list is the URL map's, not this one).
    assert {"auth.login", "auth.register", "auth.forgot_password",
            "events.register"} <= set(endpoints)
    assert "committee.close" not in endpoints
    with app_with(app, RATELIMIT_ENABLED=True, RATE_LIMIT_VISITOR_POST_PER_IP="2 per minute",
                  RATE_LIMIT_STALE_FORM_PER_IP="1000 per minute") as limited:
        for endpoint, url in sorted(endpoints.items()):
            client = limited.test_client()
            for _allowed in range(2):
                assert client.post(url, data={"name": "x" * 1000},
                                   headers={"Sec-Fetch-Site": "same-origin"}
                                   ).status_code != 429, endpoint
            db.session.rollback()
            before = _rows()
            refused = client.post(url, data={"name": "x" * 1000},
                                  headers={"Sec-Fetch-Site": "same-origin"})
            assert refused.status_code == 429, endpoint
            assert "Trop de tentatives" in refused.get_data(as_text=True)
            assert _rows() == before, endpoint
