"""Kept forms as free anonymous storage.

A POST without a cookie and without a form token, with a ``Sec-Fetch-Site: same-origin``
header any script can send, was kept for 12 hours under a new visitor key each time:
12 posts of 150 KB made 12 rows (1.7 MB), and no limit applied, the CSRF error coming
before the route's own. A visitor's form is now kept only for a browser holding a session
made by our pages that posts that session's own earlier token; copies are capped per
visitor, for all visitors together and in size; the error path has its own limit."""

from sqlalchemy import func, select

from patientlab.core.kept import KeptForm
from patientlab.extensions import db
from tests.conftest import app_with
from tests.functional.core.test_kept_forms import stale_token

SAME_SITE = {"Sec-Fetch-Site": "same-origin"}
BIG = "x" * 150_000


def _kept() -> int:
    return db.session.scalar(select(func.count()).select_from(KeptForm))


def _stored_bytes() -> int:
    return db.session.scalar(select(func.coalesce(func.sum(KeptForm.size), 0)))


def test_kept_forms_are_no_free_anonymous_storage(app):
    for _post in range(12):  # a new browser each time: no cookie, no token
        answer = app.test_client().post("/compte/connexion", headers=SAME_SITE,
                                        data={"email": BIG})
        assert answer.status_code == 400
    assert (_kept(), _stored_bytes()) == (0, 0)


def test_a_session_with_a_token_of_its_own_keeps_nothing(app):
    """A session cookie alone (taken from a page) is not enough: the posted token must be
    that session's own, signed by us."""
    client = app.test_client()
    client.get("/compte/connexion")
    for token in ("", "inventé", "x" * 60):
        answer = client.post("/compte/connexion", headers=SAME_SITE,
                             data={"csrf_token": token, "email": "lea@exemple.fr"})
        assert answer.status_code == 400
    assert _kept() == 0


def test_a_visitor_keeps_a_few_small_pages_and_all_visitors_a_bounded_number(app, web,
                                                                             monkeypatch):
    # A visitor's forms that carry a token (an evening's registration is checked by its
    # origin instead, and never goes stale).
    pages = [("/compte/inscription", {"name": "Nadia"}),
             ("/compte/mot-de-passe-oublie", {"email": "nadia@exemple.fr"}),
             ("/compte/connexion", {"email": "nadia@exemple.fr"}),
             ("/compte/preferences", {"text_size": "150"})]
    with app.app_context():
        for path, data in pages:
            token = stale_token(web, path)
            assert web.client.post(path, headers=SAME_SITE,
                                   data={"csrf_token": token, **data}).status_code == 303
        assert _kept() == app.config["KEPT_FORMS_PER_VISITOR"] == 3
        # The newest pages are the ones kept.
        assert set(db.session.scalars(select(KeptForm.path))) == {
            path for path, _data in pages[-3:]}
        # Too large for a visitor: not kept, the 400 page says the form expired.
        token = stale_token(web, "/compte/connexion")
        answer = web.client.post("/compte/connexion", headers=SAME_SITE,
                                 data={"csrf_token": token, "email": BIG})
        assert answer.status_code == 400
        assert _kept() == 3
    # All visitors together: no more once the total is reached.
    monkeypatch.setitem(app.config, "KEPT_FORMS_VISITORS_TOTAL", 4)
    from tests.conftest import FormClient

    for _visitor in range(3):
        other = FormClient(app.test_client())
        with app.app_context():
            token = stale_token(other, "/compte/connexion")
        other.client.post("/compte/connexion", headers=SAME_SITE,
                          data={"csrf_token": token, "email": "lea@exemple.fr"})
    assert _kept() == 4


def test_forms_refused_for_their_token_are_rate_limited(app):
    with app_with(app, RATELIMIT_ENABLED=True, RATE_LIMIT_STALE_FORM_PER_IP="3 per minute",
                  RATE_LIMIT_VISITOR_POST_PER_IP="1000 per minute") as limited:
        client = limited.test_client()
        statuses = [client.post("/compte/connexion", headers=SAME_SITE,
                                data={"email": "lea@exemple.fr"}).status_code
                    for _post in range(5)]
    assert statuses == [400, 400, 400, 429, 429]
    assert _kept() == 0


def test_an_account_keeps_its_newest_pages_up_to_the_cap(app):
    from patientlab.core import kept
    from tests.factories import UserFactory

    user = UserFactory()
    for n in range(25):
        assert kept.keep(f"/page/{n}", kept.MultiDict({"text": "écrit"}), user_id=user.id)
    db.session.flush()
    paths = set(db.session.scalars(select(KeptForm.path).where(KeptForm.user_id == user.id)))
    assert paths == {f"/page/{n}" for n in range(5, 25)}


def _token(client, url: str, **options) -> str:
    import re

    page = client.get(url, **options).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_a_fresh_token_refused_over_https_keeps_nothing(app):
    """Over HTTPS, Flask-WTF refuses a form without a Referer (« The referrer header is
    missing. ») through the same error page as an expired token: a script that took a
    page and posted its fresh token at once, with an extra 19,000-character field, kept a
    new 19 KB row each time. Only a refusal for an expired token keeps a form now."""
    for _post in range(3):  # a fresh session and token each time
        client = app.test_client()
        token = _token(client, "/compte/inscription", base_url="https://localhost")
        answer = client.post("/compte/inscription", base_url="https://localhost",
                             headers=SAME_SITE, data={
                                 "csrf_token": token, "email": "lea@exemple.fr",
                                 "bio": "x" * 19_000})
        assert answer.status_code == 400, answer.headers.get("Location")
    assert (_kept(), _stored_bytes()) == (0, 0)


def test_a_visitor_keeps_only_the_fields_forms_declare(app, web):
    with app.app_context():
        token = stale_token(web, "/compte/inscription")
        answer = web.client.post("/compte/inscription", headers=SAME_SITE, data={
            "csrf_token": token, "email": "lea@exemple.fr", "bio": "x" * 19_000,
            "à-garder": "y" * 500})
    assert answer.status_code == 303
    fields = db.session.scalar(select(KeptForm.fields))
    assert "lea@exemple.fr" in fields
    assert "bio" not in fields
    assert "à-garder" not in fields
    assert _stored_bytes() < 200


def test_one_address_keeps_a_bounded_number_of_visitor_forms(app, monkeypatch):
    """Every GET made a new visitor, so the per-visitor cap held nothing back: one address
    could fill the pool of all visitors (500) and no real visitor's form was kept. Visitor
    keys now start with a keyed hash of the address, capped as such."""
    from tests.conftest import FormClient

    monkeypatch.setitem(app.config, "KEPT_FORMS_PER_ADDRESS", 4)

    def post_from(address: str) -> int:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        visitor = FormClient(client)
        with app.app_context():
            token = stale_token(visitor, "/compte/connexion")
        return client.post("/compte/connexion", headers=SAME_SITE, data={
            "csrf_token": token, "email": "lea@exemple.fr"}).status_code

    assert [post_from("203.0.113.9") for _visitor in range(7)] == [303] * 7
    assert _kept() == 4
    # IPv6: one /64 is one address.
    for n in range(6):
        assert post_from(f"2001:db8:1:2::{n + 1}") == 303
    assert _kept() == 8
    assert post_from("198.51.100.7") == 303  # a real visitor elsewhere keeps theirs
    assert _kept() == 9
    keys = list(db.session.scalars(select(KeptForm.visitor_key)))
    assert not any("203.0.113.9" in key or "2001:db8" in key for key in keys)
