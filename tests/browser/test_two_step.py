"""Two-step login with the keyboard alone: set-up page, recovery codes, code page with an error."""

import pyotp
from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.core.models import utcnow
from patientlab.core.security import hash_password
from patientlab.demo import DEMO_PASSWORD
from patientlab.extensions import db
from tests.browser.conftest import current_code, log_in
from tests.browser.harness import assert_focus_visible, assert_no_axe_violations, tab_until

EMAIL = "deux.etapes@exemple.fr"


def _secret(live_app):
    with live_app.app_context():
        secret = db.session.scalar(select(User.totp_secret).where(User.email == EMAIL))
        db.session.remove()
        return secret


def test_set_up_and_log_in_with_a_code_by_keyboard(new_context, base_url, live_app):
    with live_app.app_context():
        db.session.add(User(email=EMAIL, name="Odile Garnier", locale="fr",
                            password_hash=hash_password(DEMO_PASSWORD),
                            email_verified_at=utcnow()))
        db.session.commit()
        db.session.remove()
    context = log_in(new_context(), base_url, EMAIL)
    page = context.new_page()
    page.goto(base_url + "/compte/securite")
    assert_no_axe_violations(page, "account security, two-step login off")
    tab_until(page, "el => el.tagName === 'A' && el.innerText.includes('Mettre en place')",
              "security → set-up")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_no_axe_violations(page, "two-step set-up")
    alt = page.get_attribute("img.qr-code", "alt")
    assert alt
    assert "clé" in alt
    secret = _secret(live_app)
    assert page.inner_text("#secret-key").replace(" ", "") == secret

    tab_until(page, "el => el.id === 'code'", "set-up → code field")
    assert_focus_visible(page, "code field")
    page.keyboard.type(pyotp.TOTP(secret).now())
    tab_until(page, "el => el.id === 'password'", "set-up → password field")
    page.keyboard.type(DEMO_PASSWORD)  # binding a phone asks for the password
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".recovery-codes li").count() == 10
    assert_no_axe_violations(page, "recovery codes")

    # Log out and in again: the code page, first with a wrong code.
    page.goto(base_url + "/compte/securite")
    with page.expect_navigation():
        page.click("text=Me déconnecter de tous mes appareils")
    page.goto(base_url + "/compte/connexion")
    page.fill("#email", EMAIL)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/compte/connexion/code" in page.url
    assert_no_axe_violations(page, "login code")
    tab_until(page, "el => el.id === 'code'", "code page → field")
    right = current_code(EMAIL)
    page.keyboard.type("000000" if right != "000000" else "111111")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.className")
    assert "error-summary" in focused
    assert page.get_attribute("#code", "aria-invalid") == "true"
    assert_no_axe_violations(page, "login code with an error")
    page.fill("#code", right)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/compte/connexion" not in page.url
    assert "vous voilà sur votre compte" in page.inner_text("body")
