"""Shared fixtures: one app per test session, each test inside a rolled-back transaction.

Set PATIENTLAB_TEST_DATABASE_URL to run the suite on PostgreSQL
(``make test-postgres`` does it with a throwaway cluster).
"""

import logging
import os
import re
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import select
from sqlalchemy.orm import scoped_session, sessionmaker
from werkzeug.serving import make_server

from patientlab import create_app
from patientlab.auth.models import User
from patientlab.core.mail import OutboxMessage
from patientlab.demo import seed
from patientlab.extensions import db
from patientlab.networks.models import Network
from tests import factories
from tests.factories import PASSWORD


class Client(FlaskClient):
    """Runs each request in its own app context, as in production.

    Without this, a request made while the test holds an app context would
    share the test's ``g`` (and so its logged-in user and database session).
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    application = create_app("testing", {"MAIL_DIR": str(instance / "mail")})
    application.instance_path = str(instance)
    application.test_client_class = Client
    with application.app_context():
        db.drop_all()
        db.create_all()
        db.session.add(Network(**factories.first_network_values()))
        db.session.commit()
    yield application
    with application.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def session(request):
    """Every test runs in a transaction that is rolled back at the end.

    Commits made by the code under test become savepoints, so tests see real
    commits but leave nothing behind. Browser tests talk to a real server with
    its own database instead, so they are left alone.
    """
    if request.node.get_closest_marker("live"):
        yield None
        return
    app = request.getfixturevalue("app")
    from patientlab.core import page_cache

    page_cache.clear()  # versions repeat once a test's transaction is rolled back
    from patientlab.core import fragments, highlights

    highlights.clear()
    fragments.clear()
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


@contextmanager
def app_with(app, **config):
    """Another app on the test database with ``config`` (rate limits on, a proxy…), and
    the shared limiter left as the other tests expect afterwards."""
    from patientlab.extensions import limiter

    other = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], **config})
    other.test_client_class = type(app.test_client())
    try:
        yield other
    finally:
        with other.app_context():
            limiter.reset()
            db.session.remove()
            db.engine.dispose()
        limiter.enabled = app.config["RATELIMIT_ENABLED"]


@pytest.fixture
def client(app):
    return app.test_client()


class FormClient:
    """A test client that fills forms like a person: it reads the CSRF token first."""

    TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                       r'name="csrf_token" value="([^"]+)"')

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def csrf(self, url):
        page = self.client.get(url)
        match = self.TOKEN.search(page.get_data(as_text=True))
        if match is None and page.status_code == 200:
            # A visitor's reading page has no form (and no token): the session's token is
            # the same on any page that has one.
            page = self.client.get("/compte/mot-de-passe-oublie")
            match = self.TOKEN.search(page.get_data(as_text=True))
        assert match, f"no CSRF token on {url} ({page.status_code})"
        return match.group(1) or match.group(2)

    #: What a browser sends with a form posted from one of our pages.
    FROM_OUR_PAGES = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}

    def submit(self, url, data=None, *, form_url=None, follow=False, prefix=""):
        token = self.csrf(form_url or url)
        payload = {f"{prefix}csrf_token" if prefix else "csrf_token": token, **(data or {})}
        return self.client.post(url, data=payload, follow_redirects=follow,
                                headers=self.FROM_OUR_PAGES)

    def login(self, email, password=PASSWORD):
        response = self.submit("/compte/connexion", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        if response.headers["Location"].startswith("/compte/connexion/code"):
            user = db.session.scalar(select(User).where(User.email == email))
            response = self.submit("/compte/connexion/code", {"code": factories.login_code(user)})
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    def logout(self):
        return self.submit("/compte/deconnexion", form_url="/")


@pytest.fixture
def web(client):
    return FormClient(client)


def outbox(recipient=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(query))


def link_in(message) -> str:
    """The first link of a mail, as a local path."""
    match = re.search(r"https?://\S+", message.body_text)
    assert match, message.body_text
    parts = urlsplit(match.group(0))
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def user_factory():
    return factories.UserFactory


@pytest.fixture
def make_user():
    def make(*roles, **kwargs):
        return factories.UserFactory(roles=list(roles), **kwargs)

    return make


def pytest_report_header(config):
    import os

    from sqlalchemy.engine import make_url

    url = os.environ.get("PATIENTLAB_TEST_DATABASE_URL", "sqlite://")
    return f"database: {make_url(url).render_as_string(hide_password=True)}"


# --- A real server, for browser and concurrency tests ---------------------------------


def pytest_collection_modifyitems(items):
    for item in items:
        path = str(item.path).replace("\\", "/")
        if "tests/browser/" in path or "tests/journeys/" in path:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.live)
        elif "tests/live/" in path:
            item.add_marker(pytest.mark.live)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    url = os.environ.get("PATIENTLAB_TEST_BROWSER_DATABASE_URL") or (
        f"sqlite:///{folder / 'patientlab.sqlite3'}")
    app = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": url,
        "MAIL_DIR": str(folder / "mail"),
        "PROPAGATE_EXCEPTIONS": False,
    })
    app.instance_path = str(folder)
    _add_test_only_pages(app)
    app.after_request(_read_files_fully)
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _read_files_fully(response):
    """Serve static files from memory in the test server.

    A browser that leaves a page while a font is still downloading makes the
    development server drop the response without closing the file; the
    ResourceWarning would then fail whichever test runs next.
    """
    if response.direct_passthrough:
        iterable = response.response
        body = b"".join(iterable)
        if hasattr(iterable, "close"):
            iterable.close()
        response.direct_passthrough = False
        response.set_data(body)
    return response


def _add_test_only_pages(app):
    """A page that breaks the rules on purpose, to prove the harness catches it."""
    from flask import render_template_string

    broken = """{% extends "base.html" %}{% block title %}Page cassée{% endblock %}
    {% block content %}<h1>Page cassée exprès</h1>
    <img src="/static/fonts/opendyslexic/LICENSE">
    <form method="get"><input type="text" name="sans-etiquette"></form>
    {% endblock %}"""
    app.add_url_rule("/_test/page-cassee", "test_broken_page",
                     lambda: render_template_string(broken))


@pytest.fixture(scope="session")
def playwright_browser():
    """One headless Chromium for the browser tests and the journeys: Playwright's sync
    API allows one instance per thread at a time."""
    from playwright.sync_api import sync_playwright

    from tests.browser.harness import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def base_url(live_app):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


