"""The selection committee in Chromium: a member scores by keyboard on a phone-sized
screen, the chair opens the discussion by keyboard; axe and no horizontal scrolling."""

from sqlalchemy import select

from patientlab.calls import committee as cm
from patientlab.extensions import db
from tests.browser.conftest import log_in
from tests.browser.harness import assert_no_axe_violations, scroll_overflow, tab_until


def _coming(live_app):
    with live_app.app_context():
        meeting = db.session.scalar(select(cm.CommitteeSession).where(
            cm.CommitteeSession.state == cm.PLANNED).order_by(cm.CommitteeSession.id))
        result = meeting.id, [i.id for i in meeting.items]
        db.session.remove()
    return result


def test_a_member_gives_a_preliminary_score_by_keyboard_at_320_px(new_context, base_url,
                                                                    live_app):
    session_id, items = _coming(live_app)
    context = log_in(new_context(viewport={"width": 320, "height": 640}), base_url,
                     "patient@exemple.fr")
    page = context.new_page()
    page.goto(f"{base_url}/clara/comite/{session_id}")
    assert_no_axe_violations(page, "committee session, member")
    assert scroll_overflow(page) == 0
    page.goto(f"{base_url}/clara/comite/{session_id}/points/{items[-1]}")
    assert_no_axe_violations(page, "committee item, member")
    assert scroll_overflow(page) == 0
    tab_until(page, "el => el.name === 'prelim-score'", "member: first score")
    for _ in range(6):
        page.keyboard.press("ArrowRight")  # 1 → 7
    assert page.evaluate("document.activeElement.value") == "7"
    tab_until(page, "el => el.name === 'prelim-comment'", "member: comment")
    page.keyboard.type("Un projet utile pour les patientes.")
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('note préliminaire')",
              "member: save")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".notice--success").count() == 1
    assert page.locator("input[name='prelim-score'][value='7']").is_checked()


def test_the_chair_opens_the_discussion_by_keyboard(new_context, base_url, live_app):
    session_id, items = _coming(live_app)
    context = log_in(new_context(), base_url, "coordination@exemple.fr")
    page = context.new_page()
    page.goto(f"{base_url}/clara/comite/{session_id}")
    assert_no_axe_violations(page, "committee session, chair")
    page.goto(f"{base_url}/clara/comite/{session_id}/points/{items[0]}")
    tab_until(page, "el => el.tagName === 'BUTTON' && "
                    "el.innerText.includes('Ouvrir la discussion')", "chair: open the discussion")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "En discussion" in page.inner_text("main")
    assert page.locator("#notes-donnees").count() == 1  # the spread, chart and table
    assert_no_axe_violations(page, "committee item open, chair")
    page.set_viewport_size({"width": 320, "height": 640})
    assert scroll_overflow(page) == 0
