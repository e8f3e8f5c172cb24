"""The real app on a loopback port, seeded with the demo data, and headless Chromium.

The database is a temporary SQLite file, or PATIENTLAB_TEST_BROWSER_DATABASE_URL
(``make test-postgres`` points it at a throwaway PostgreSQL database).
"""

import logging
import os
import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from patientlab import create_app
from patientlab.demo import DEMO_PASSWORD, seed
from patientlab.extensions import db
from tests.browser.harness import ARTIFACTS, AXE_JS, CHROMIUM_ARGS, chromium_path

DEMO_ROLES = {
    "admin": "admin@exemple.fr",
    "coordinator": "coordination@exemple.fr",
    "patient_expert": "patient@exemple.fr",
    "association_rep": "association@exemple.fr",
    "researcher": "chercheur@exemple.fr",
    "organiser": "organisation@exemple.fr",
    "moderator": "moderation@exemple.fr",
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


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
def base_url(live_app):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright_browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def new_context(playwright_browser, base_url):
    """Make browser contexts (French, axe-core injected); closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("locale", "fr-FR")
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = playwright_browser.new_context(base_url=base_url, **options)
        context.add_init_script(path=str(AXE_JS))
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def log_in(context, base_url, email, password=DEMO_PASSWORD):
    page = context.new_page()
    page.goto(base_url + "/compte/connexion")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("form.form button[type=submit], form.form input[type=submit]")
    assert "/compte/connexion" not in page.url, f"login failed for {email}"
    page.close()
    return context
