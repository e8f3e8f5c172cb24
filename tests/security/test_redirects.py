"""Werkzeug's own redirects stay on the site.

``GET /evenements//1`` answered ``308 Location: http://<Host header>/evenements/1``:
Werkzeug's merge of slashes (and its added trailing slash) builds an absolute address on
the request's Host. Those redirects now give the path alone (core.application)."""

import pytest

from tests.conftest import app_with


@pytest.mark.parametrize(("path", "location"), [
    ("/clara/evenements//1", "/clara/evenements/1"),
    ("/clara/evenements//1?x=1", "/clara/evenements/1?x=1"),
    ("/clara/projets", "/clara/projets/"),
])
def test_werkzeug_redirects_are_relative_never_on_the_host_header(app, path, location):
    answer = app.test_client().get(path, headers={"Host": "attacker.example"})
    assert answer.status_code == 308
    assert answer.headers["Location"] == location


def test_werkzeug_redirects_keep_the_application_root(app):
    with app_with(app, APPLICATION_ROOT="/patientlab", RATELIMIT_ENABLED=True) as other:
        answer = other.test_client().get(
            "/clara/evenements//1", headers={"Host": "attacker.example"},
            environ_overrides={"SCRIPT_NAME": "", "PATH_INFO": "/patientlab/clara/evenements//1"})
    assert answer.status_code == 308
    assert answer.headers["Location"] == "/patientlab/clara/evenements/1"


def test_a_relative_location_never_names_another_host():
    from patientlab.core.application import relative_location

    assert relative_location("http://attacker.example//evil.example/x?a=1") == (
        "/evil.example/x?a=1")
    assert relative_location("https://h") == "/"
