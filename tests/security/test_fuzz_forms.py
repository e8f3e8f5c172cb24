"""Every form, fed hypothesis-generated data (unicode, control characters, huge strings,
wrong types, unknown choices, repeated fields): never a server error.

CSRF is switched off here so that the data reaches the forms and services; the CSRF
check itself is tested in test_csrf.py.
"""

import re

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.extensions import db
from tests.factories import login_code
from tests.functional.test_access_matrix import objects  # noqa: F401 - a fixture

FIELD = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"')
# The language switch only changes the session; logging out would leave the other routes
# to an anonymous visitor. Both are tested elsewhere.
SKIP = {"main.set_language", "auth.logout"}

values = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF,
                                   exclude_categories=("Cs",)), max_size=200),
    st.sampled_from(["", "0", "-1", "99999999999999999999", "1e309", "nan", "2026-02-30",
                     "y", "on", "<script>alert(1)</script>", "\x00", "é" * 6000,
                     "publish", "refuse", "hide", "restore", "reversed", "yes", "no"]),
)


@pytest.fixture
def no_csrf(app):
    app.config["WTF_CSRF_ENABLED"] = False
    yield app
    app.config["WTF_CSRF_ENABLED"] = True


def _post_routes(application, ids):
    with application.test_request_context():
        for rule in application.url_map.iter_rules():
            if "POST" in rule.methods and rule.endpoint not in SKIP and rule.endpoint != "static":
                yield rule.endpoint, url_for(rule.endpoint,
                                             **{a: ids[a] for a in rule.arguments})


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(data=st.data())
def test_no_form_gives_a_server_error(no_csrf, objects, data):  # noqa: F811 - the fixture
    client = no_csrf.test_client()
    client.post("/compte/connexion", data={"email": "admin@exemple.fr",
                                           "password": "un mot de passe bien long"})
    admin = db.session.scalar(select(User).where(User.email == "admin@exemple.fr"))
    client.post("/compte/connexion/code", data={"code": login_code(admin)})
    assert client.get("/compte/profil").status_code == 200, "the fuzzing runs logged in"
    errors, seen = [], []
    for endpoint, url in _post_routes(no_csrf, objects):
        page = client.get(url.rsplit("/", 1)[0] if endpoint.endswith(("decide", "assign"))
                          else url)
        names = sorted(set(FIELD.findall(page.get_data(as_text=True)))) or ["body", "text"]
        payload = {name: data.draw(st.one_of(values, st.lists(values, max_size=3)),
                                   label=f"{endpoint}:{name}") for name in names}
        try:
            status = client.post(url, data=payload).status_code
        except Exception as error:  # the test client re-raises what the app did not catch
            status = f"{type(error).__name__}: {error}"
        if not isinstance(status, int) or status >= 500:
            errors.append(f"{endpoint} {url}: {status}")
        seen.append(status)
    assert not errors, errors
    # The data reached the forms: most routes answered with a page or a redirect.
    assert sum(1 for status in seen if status in (200, 302, 303)) > len(seen) // 2, seen
