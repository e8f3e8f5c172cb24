"""« Mon espace », « Mes messages » and the unsubscribe page in Chromium, with axe."""

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.core import notifications
from patientlab.extensions import db
from tests.browser.conftest import log_in
from tests.browser.harness import assert_no_axe_violations, tab_until


def test_login_lands_on_my_space_which_lists_the_work_and_passes_axe(new_context, base_url):
    context = log_in(new_context(), base_url, "patient@exemple.fr")
    page = context.new_page()
    page.goto(base_url + "/compte/connexion")  # logged in: sent on to « Mon espace »
    assert page.url.endswith("/mon-espace")
    assert page.locator("h1").inner_text() == "Mon espace"
    assert page.locator(".tasks a").count() >= 1
    assert_no_axe_violations(page, "mon espace")


def test_notification_settings_by_keyboard_and_the_unsubscribe_page(
        new_context, base_url, live_app):
    context = log_in(new_context(), base_url, "association@exemple.fr")
    page = context.new_page()
    page.goto(base_url + "/compte/notifications")
    assert_no_axe_violations(page, "notification settings")
    # A radio group is one Tab stop (its checked choice); the arrows move within it.
    tab_until(page, "el => el.name === 'kind_answers'", "settings: answers")
    assert page.evaluate("document.activeElement.value") == "daily"  # the demo's choice
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "weekly"
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('Enregistrer mes')",
              "settings: save button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".notice--success").count() == 1
    assert page.locator("input[name=kind_answers][value=weekly]").is_checked()

    with live_app.test_request_context():
        karim = db.session.scalar(select(User).where(User.email == "association@exemple.fr"))
        token = notifications.unsubscribe_token(karim, ["answers"])
        db.session.remove()
    page.goto(f"{base_url}/compte/notifications/desabonnement/{token}")
    assert_no_axe_violations(page, "unsubscribe page")
    with page.expect_navigation():
        page.get_by_role("button", name="Ne plus recevoir ces messages").click()
    assert page.locator("h1").inner_text() == "C’est fait"
    assert_no_axe_violations(page, "unsubscribed")
