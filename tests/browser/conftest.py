"""The real app on a loopback port, seeded with the demo data, and headless Chromium.

The database is a temporary SQLite file, or PATIENTLAB_TEST_BROWSER_DATABASE_URL
(``make test-postgres`` points it at a throwaway PostgreSQL database).
"""


import pytest
from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.demo import DEMO_PASSWORD
from patientlab.extensions import db
from tests.browser.harness import ARTIFACTS, AXE_JS
from tests.factories import login_code

DEMO_ROLES = {
    "admin": "admin@exemple.fr",
    "coordinator": "coordination@exemple.fr",
    "patient_expert": "patient@exemple.fr",
    "association_rep": "association@exemple.fr",
    "researcher": "chercheur@exemple.fr",
    "organiser": "organisation@exemple.fr",
    "moderator": "moderation@exemple.fr",
    # A second network's people: their pages of the whole platform lead to their network.
    "paca_coordinator": "coordination.paca@exemple.fr",
    "paca_organiser": "organisation.paca@exemple.fr",
}


_LIVE = {}


@pytest.fixture(scope="session", autouse=True)
def _live_app_for_codes(live_app):
    """Lets log_in read the demo accounts' authenticator key, as their phone would."""
    _LIVE["app"] = live_app
    yield
    _LIVE.clear()


def current_code(email):
    with _LIVE["app"].app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        code = login_code(user)
        db.session.commit()
        return code


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
    if "/compte/connexion/code" in page.url:  # two-step login
        page.fill("#code", current_code(email))
        with page.expect_navigation():
            page.click("form.form button[type=submit]")
    assert "/compte/connexion" not in page.url, f"login failed for {email}"
    page.close()
    return context
