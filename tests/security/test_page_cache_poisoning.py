"""Page cache poisoned through the application root.

Every link of a page starts with the application root (``request.script_root``). It
came from the request's ``SCRIPT_NAME`` (gunicorn fills it from a ``SCRIPT_NAME`` header a
local proxy passes through): one request with ``//attacker.example`` made the evening
page kept for the next visitors post its registration form to another host, and the
layout's kept parts (head, header, menu, footer) carried it into every page. The root now
comes from configuration (``APPLICATION_ROOT``, core.urls.ApplicationRoot) and every cache
is keyed by it."""

import re
from urllib.parse import urlsplit

import pytest
from flask import render_template_string

from patientlab.core import fragments, navigation, page_cache
from patientlab.extensions import db
from tests.conftest import app_with
from tests.factories import UserFactory, make_event

HOSTILE_ROOT = "//attacker.example"
HOSTILE = "attacker.example"


def _hostile_requests(path):
    """What a request can say about the root or the host: the server's SCRIPT_NAME (as
    gunicorn sets it from a header, the path starting with it), the header itself, the
    Host, the proxies' X-Forwarded-* and X-Original-URL."""
    headers = {"SCRIPT_NAME": HOSTILE_ROOT, "X-Forwarded-Prefix": HOSTILE_ROOT,
               "X-Forwarded-Host": HOSTILE, "X-Forwarded-Proto": "http",
               "X-Forwarded-Server": HOSTILE, "X-Original-URL": HOSTILE_ROOT + path,
               "Forwarded": f"host={HOSTILE};proto=http"}
    return [
        {"environ_overrides": {"SCRIPT_NAME": HOSTILE_ROOT, "PATH_INFO": path}},
        {"environ_overrides": {"SCRIPT_NAME": HOSTILE_ROOT}},
        {"headers": headers},
        {"headers": {**headers, "Host": HOSTILE}},
        {"environ_overrides": {"SCRIPT_NAME": HOSTILE_ROOT, "PATH_INFO": path},
         "headers": {**headers, "Host": HOSTILE}},
    ]


def _links_stay_here(body: str) -> None:
    """No link, form or file of the page leads to another host (the hostile request's
    own page may name its path, as a local one, in the language links)."""
    for link in re.findall(r'(?:href|action|src)="([^"]*)"', body):
        assert not urlsplit(link).netloc, link
        assert not link.startswith("//"), link


def _clean(body: str) -> None:
    """A page for the next visitor: nothing of the hostile requests in it."""
    assert HOSTILE not in body
    _links_stay_here(body)


def test_page_cache_is_never_poisoned_through_the_application_root(app):
    event = make_event(capacity=20)
    db.session.commit()
    pages = ["/", f"/clara/evenements/{event.id}", "/clara/evenements/", "/clara/projets/"]
    for page in pages:
        for hostile in _hostile_requests(page):
            answer = app.test_client().get(page, **hostile)
            _links_stay_here(answer.get_data(as_text=True))
            # The same request again: kept in the page cache.
            _links_stay_here(app.test_client().get(page, **hostile).get_data(as_text=True))
        for _visitor in range(4):  # the next visitors, each with a page from the cache
            answer = app.test_client().get(page)
            assert answer.status_code == 200, page
            assert answer.headers[page_cache.HEADER] == "hit"
            _clean(answer.get_data(as_text=True))
    form = app.test_client().get(f"/clara/evenements/{event.id}").get_data(as_text=True)
    assert f'action="/clara/evenements/{event.id}/inscription"' in form


def test_layout_parts_are_never_poisoned_for_logged_in_people(app, web):
    """The kept head, header, menu and footer: a person who logs in after a hostile
    visitor gets them clean."""
    UserFactory(email="lea@exemple.fr")
    db.session.commit()
    for hostile in _hostile_requests("/clara/projets/"):
        app.test_client().get("/clara/projets/", **hostile)
    web.login("lea@exemple.fr")
    page = web.get("/clara/projets/")
    assert page_cache.HEADER not in page.headers
    _clean(page.get_data(as_text=True))


def test_kept_parts_and_menu_links_are_keyed_by_the_root(app):
    """Made under one root, a kept part is not served under another (the root is part of
    every key), and the visitors' menu links found per root stay bounded."""
    fragments.clear()
    part = '{% call cached_fragment("essai-racine") %}{{ url_for("main.home") }}{% endcall %}'
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": "/un"}):
        assert render_template_string(part) == "/un/"
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": "/deux"}):
        assert render_template_string(part) == "/deux/"
    for n in range(navigation.MAX_VISITOR_HREFS * 3):
        with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": f"/r{n}"}):
            navigation.visitor_menu_key("/", ("auth.login",))
    assert len(navigation._VISITOR_HREFS) <= navigation.MAX_VISITOR_HREFS


@pytest.mark.parametrize("root", ["/patientlab", "/patientlab/"])
def test_a_configured_root_starts_every_link_whatever_the_request_says(app, root):
    event = make_event(capacity=20)
    db.session.commit()
    with app_with(app, APPLICATION_ROOT=root, RATELIMIT_ENABLED=True) as other:
        page = f"/clara/evenements/{event.id}"
        hostile = other.test_client().get(
            page, environ_overrides={"SCRIPT_NAME": HOSTILE_ROOT, "PATH_INFO": page})
        _links_stay_here(hostile.get_data(as_text=True))
        # A proxy that forwards /patientlab/… as it is: the root is taken off the path.
        answer = other.test_client().get(
            page, environ_overrides={"SCRIPT_NAME": "", "PATH_INFO": "/patientlab" + page})
        assert answer.status_code == 200
        body = answer.get_data(as_text=True)
        _clean(body)
        assert f'action="/patientlab/clara/evenements/{event.id}/inscription"' in body
        assert 'href="/patientlab/static/css/patientlab.css' in body
