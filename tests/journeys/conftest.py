"""Journeys: a person's whole way through, in real Chromium, reading the mail we send.

One live app for all journeys, on its own SQLite file seeded with the demo data, served
on a loopback port; its ``PUBLIC_URL`` is that server, so every link in a mail leads back
to it. Mail is delivered after each request commits, as in development: each message is
an ``.eml`` file that ``mailbox`` reads as a mail program would (subject, text, links,
attachments).

Journeys run once, on SQLite (``make test``); ``make test-postgres`` leaves them out: the
database is the concern of the other suites. Each journey builds the data it needs (its
own evening, its own newcomer) so that no journey depends on another.

    def test_something(journey_url, phone, log_in, look, mailbox):
        context = phone(text_size=150)            # 375 × 812, French, text at 150 %
        page = context.new_page()
        page.goto(journey_url + "/clara/evenements/")
        look(page, "list of evenings")            # axe-core, no sideways scroll
        mail = mailbox.wait_for(to="x@exemple.fr", subject_contains="inscription")
        page.goto(mail.link(containing="/clara/inscriptions/"))
"""

import email
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from patientlab import create_app
from patientlab.auth.models import User
from patientlab.auth.preferences import PREFS_COOKIE, Preferences
from patientlab.demo import DEMO_PASSWORD, seed
from patientlab.extensions import db
from tests.browser.harness import (
    AXE_JS,
    format_violations,
    run_axe,
    scroll_overflow,
)
from tests.conftest import _read_files_fully
from tests.factories import login_code

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1280, "height": 900}


def _clear_process_caches() -> None:
    """The page cache, kept fragments and highlights live in this process and are not
    keyed by application: another suite's live app may have filled them."""
    from patientlab.core import fragments, highlights, page_cache

    page_cache.clear()
    fragments.clear()
    highlights.clear()


# --- The app and its server ------------------------------------------------------------


@pytest.fixture(scope="session")
def journey_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("journeys")
    app = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'patientlab.sqlite3'}",
        "MAIL_DIR": str(folder / "mail"),
        "MAIL_SEND_AFTER_COMMIT": True,
        "PROPAGATE_EXCEPTIONS": False,
    })
    app.instance_path = str(folder)
    # Static files from memory: a page left while its stylesheet loads must not leave
    # the file open (a ResourceWarning would fail whichever test runs next).
    app.after_request(_read_files_fully)
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed()
        db.session.commit()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    # Links in mail and calendar files lead back to this server.
    app.config["PUBLIC_URL"] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, url, folder / "mail"
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    _clear_process_caches()


@pytest.fixture(scope="session")
def journey_app(journey_server):
    """The Flask app under the journeys: ``with journey_app.app_context():`` to build data
    (factories, services), then ``db.session.commit()``."""
    return journey_server[0]


@pytest.fixture(scope="session")
def journey_url(journey_server):
    return journey_server[1]


@pytest.fixture(autouse=True)
def _fresh_process_caches(journey_server):
    _clear_process_caches()


# --- Mail --------------------------------------------------------------------------------

LINK = re.compile(r"https?://[^\s<>\"»)]+")


@dataclass
class Mail:
    to: str
    subject: str
    text: str
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)
    # The whole message as a mail program gets it (headers, parts and their charsets).
    message: email.message.EmailMessage | None = None

    @property
    def links(self) -> list[str]:
        return [link.rstrip(".,;") for link in LINK.findall(self.text)]

    def link(self, containing: str) -> str:
        found = [link for link in self.links if containing in link]
        assert found, (f"no link containing {containing!r} in the mail « {self.subject} » "
                       f"to {self.to}:\n{self.text}")
        return found[0]


class Mailbox:
    """The mail the platform delivered, read from its ``.eml`` files."""

    def __init__(self, folder: Path):
        self.folder = folder

    def all(self) -> list[Mail]:
        if not self.folder.exists():
            return []
        return [self._read(path) for path in sorted(self.folder.glob("*.eml"))]

    @staticmethod
    def _read(path: Path) -> Mail:
        with path.open("rb") as handle:
            message = email.message_from_binary_file(handle, policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        attachments = [
            (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
            for part in message.iter_attachments()
        ]
        return Mail(to=str(message["To"]), subject=str(message["Subject"]),
                    text=body.get_content() if body is not None else "",
                    attachments=attachments, message=message)

    def to(self, address: str) -> list[Mail]:
        return [mail for mail in self.all() if mail.to.lower() == address.lower()]

    def wait_for(self, to: str, subject_contains: str = "", *, after: int = 0,
                 timeout: float = 10) -> Mail:
        """The newest mail to ``to`` whose subject contains the words, once delivered.
        ``after``: how many such mails were there before (``len(mailbox.to(x))``)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [mail for mail in self.to(to)
                     if subject_contains.lower() in mail.subject.lower()]
            if len(found) > after:
                return found[-1]
            if time.monotonic() > deadline:
                subjects = [mail.subject for mail in self.to(to)]
                raise AssertionError(
                    f"no mail to {to} with « {subject_contains} » in its subject "
                    f"(received: {subjects})")
            time.sleep(0.1)


@pytest.fixture(scope="session")
def mailbox(journey_server):
    return Mailbox(journey_server[2])


# --- Browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def journey_browser(playwright_browser):
    return playwright_browser


def _context(browser, url, viewport, *, text_size=100, locale="fr-FR", **options):
    context = browser.new_context(base_url=url, viewport=viewport, locale=locale, **options)
    context.add_init_script(path=str(AXE_JS))
    context.set_default_timeout(15_000)
    if text_size != 100:
        # A visitor's display preference, as the « Affichage » page sets it.
        context.add_cookies([{
            "name": PREFS_COOKIE, "value": Preferences(text_size=text_size).to_cookie(),
            "url": url}])
    context.journey_text_size = text_size
    context.journey_javascript = options.get("java_script_enabled", True)
    return context


@pytest.fixture
def phone(journey_browser, journey_url):
    """``phone(text_size=150, locale="fr-FR", java_script_enabled=True)``: a browser
    context the size of a phone (375 × 812) with the platform's own text size."""
    contexts = []

    def make(text_size=150, **options):
        context = _context(journey_browser, journey_url, PHONE, text_size=text_size,
                           has_touch=True, is_mobile=True, **options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def laptop(journey_browser, journey_url):
    """``laptop(text_size=100, …)``: a 1280 × 900 browser context."""
    contexts = []

    def make(text_size=100, **options):
        context = _context(journey_browser, journey_url, LAPTOP, text_size=text_size,
                           **options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def log_in(journey_app, journey_url):
    """``log_in(context, email)`` logs the context in through the login page (and the
    two-step code staff accounts are asked for, as their authenticator app shows it). The
    account's own text size is set to the context's, as the person would have chosen it.
    Returns a page on « Mon espace » or wherever the login led."""

    def do(context, address, password=DEMO_PASSWORD):
        with journey_app.app_context():
            user = db.session.scalar(select(User).where(User.email == address))
            assert user is not None, f"no account {address}"
            user.pref_text_size = getattr(context, "journey_text_size", 100)
            db.session.commit()
        page = context.new_page()
        page.goto(journey_url + "/compte/connexion")
        page.fill("#email", address)
        page.fill("#password", password)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        if "/compte/connexion/code" in page.url:
            with journey_app.app_context():
                user = db.session.scalar(select(User).where(User.email == address))
                code = login_code(user)
                db.session.commit()
            page.fill("#code", code)
            with page.expect_navigation():
                page.click("main form button[type=submit]")
        assert "/compte/connexion" not in page.url, (
            f"login failed for {address}: {page.inner_text('main')[:500]}")
        return page

    return do


@pytest.fixture
def look():
    """``look(page, label)``: the page as the person sees it passes axe-core (WCAG 2.2 AA
    and best practices) and never scrolls sideways at its size and text size."""

    def check(page, label=""):
        where = label or page.url
        page.wait_for_load_state("load")
        seen = page if getattr(page.context, "journey_javascript", True) else _twin(page)
        try:
            violations = run_axe(seen)
            assert not violations, ("axe-core violations\n"
                                    + format_violations(where, violations))
            wider = scroll_overflow(seen)
            assert wider <= 0, f"{where}: the page is {wider} px wider than the screen"
            assert seen.locator("h1").count() == 1, f"{where}: one <h1> expected"
        finally:
            if seen is not page:
                seen.context.close()
        return page

    return check


def _twin(page):
    """The page of a context without JavaScript, as that person has it, in a context where
    axe can run (its timers need JavaScript): the same HTML at the same address and size,
    the site's own scripts left out so that nothing changes what the person has."""
    html = page.content()
    context = page.context.browser.new_context(viewport=page.viewport_size)
    context.add_init_script(path=str(AXE_JS))
    context.set_default_timeout(15_000)
    twin = context.new_page()
    twin.route("**/*.js", lambda route: route.abort())
    twin.route(page.url, lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8", body=html))
    twin.goto(page.url)
    twin.wait_for_load_state("load")
    return twin
