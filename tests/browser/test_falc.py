"""The FALC readers' pages in Chromium, at 200 % text: axe, no horizontal scrolling,
and a reading given with the keyboard alone."""

from sqlalchemy import select

from patientlab.extensions import db
from patientlab.projects import falc
from patientlab.projects.models import FalcReader
from tests.browser.harness import assert_no_axe_violations, scroll_overflow, tab_until


def _sandrine_link(live_app, base_url):
    with live_app.test_request_context():
        reader = db.session.scalar(select(FalcReader).where(FalcReader.name == "Sandrine"))
        token = falc.reader_link_token(reader)
        db.session.remove()
    return f"{base_url}/clara/facile-a-lire/lecteur/{token}"


def test_a_reader_checks_a_text_with_the_keyboard_at_200_percent(new_context, base_url,
                                                                  live_app):
    context = new_context(viewport={"width": 640, "height": 900})
    context.add_cookies([{"name": "affichage", "value": "200-0000", "url": base_url}])
    page = context.new_page()
    page.goto(_sandrine_link(live_app, base_url))
    assert "pl-text-200" in page.evaluate("document.documentElement.className")
    assert_no_axe_violations(page, "FALC reader's list")
    assert scroll_overflow(page) == 0
    with page.expect_navigation():
        page.locator(".falc-list a").first.click()
    assert_no_axe_violations(page, "FALC reading")
    assert scroll_overflow(page) == 0
    parts = page.locator(".falc-part").count()
    assert parts >= 1
    for number in range(1, parts + 1):
        tab_until(page, f"el => el.name === 'paragraph_{number}'", f"part {number}")
        page.keyboard.press("Space")  # « J'ai compris », the first choice
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('J’ai fini')",
              "reading: done")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".notice--success").count() == 1
    assert_no_axe_violations(page, "FALC reader's list after reading")
