"""Timing adjustable (WCAG 2.2.1) and drafts that save themselves, in Chromium: the
warning before the session ends is announced politely without taking the focus, and
« Rester connecté » extends the session by keyboard; a review draft saves itself."""

from tests.browser.conftest import log_in
from tests.browser.harness import assert_no_axe_violations, tab_until
from tests.browser.test_calls import _new_assignment


def test_the_timeout_warning_is_announced_and_the_session_extended_by_keyboard(
        new_context, base_url, live_app):
    assignment_id, criteria = _new_assignment(live_app)
    context = log_in(new_context(), base_url, "patient@exemple.fr")
    page = context.new_page()
    page.clock.install()
    page.goto(f"{base_url}/clara/relectures/{assignment_id}")
    note = page.locator(".session-note")
    assert "30 minutes sans activité" in note.inner_text()
    comment = page.locator(f"#comment_{criteria[0][0]}")
    comment.focus()
    page.keyboard.type("Je tape ma relecture")

    live = page.locator("[data-session-live]")
    assert live.get_attribute("aria-live") == "polite"
    assert live.inner_text() == ""
    page.clock.fast_forward("28:30")
    assert "Votre session va se fermer dans deux minutes" in live.inner_text()
    # The focus stayed where the person was typing.
    assert page.evaluate("document.activeElement.id") == f"comment_{criteria[0][0]}"
    assert_no_axe_violations(page, "review page with the timeout warning")

    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('Rester connecté')",
              "timeout warning: the extend button")
    with page.expect_response(lambda r: "/compte/session/prolonger" in r.url) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    page.locator("[data-session-live]", has_text="votre session continue").wait_for()
    assert page.locator("[data-session-extend]").is_hidden()
    assert page.locator(f"#comment_{criteria[0][0]}").input_value() == "Je tape ma relecture"


def test_a_review_draft_saves_itself_and_says_so(new_context, base_url, live_app):
    assignment_id, criteria = _new_assignment(live_app)
    context = log_in(new_context(), base_url, "patient@exemple.fr")
    page = context.new_page()
    page.clock.install()
    page.goto(f"{base_url}/clara/relectures/{assignment_id}")
    page.locator(f"#comment_{criteria[0][0]}").fill("Un commentaire enregistré tout seul")
    with page.expect_response(lambda r: r.request.method == "POST"
                              and f"/clara/relectures/{assignment_id}" in r.url):
        page.clock.fast_forward("00:25")
    status = page.locator(".autosave-status")
    status.wait_for()
    assert status.get_attribute("aria-live") == "polite"
    assert "Brouillon enregistré à" in status.inner_text()
    page.reload()
    assert page.locator(f"#comment_{criteria[0][0]}").input_value() == \
        "Un commentaire enregistré tout seul"
