"""The same journeys with JavaScript turned off."""

import re

from patientlab.core.typography import french_spacing as fr
from tests.browser.test_keyboard import _mail_link

PASSWORD = "une phrase sans javascript"


def test_register_login_preferences_logout_without_javascript(
        new_context, base_url, live_app):
    context = new_context(java_script_enabled=False)
    page = context.new_page()

    page.goto(base_url + "/compte/inscription")
    page.fill("#name", "Hugo Sansjs")
    page.fill("#email", "hugo.sansjs@exemple.fr")
    page.click("text=Créer mon compte")
    assert page.title().startswith(fr("Erreur :"))
    assert page.locator(".error-summary a[href='#password']").count() == 1
    assert page.input_value("#email") == "hugo.sansjs@exemple.fr"
    # The password toggle is an enhancement: without JS the field is still there.
    assert page.locator("#password[type=password]").count() == 1

    page.fill("#password", PASSWORD)
    page.check("#profile-3")
    page.click("text=Créer mon compte")
    assert "verifiez-vos-mails" in page.url

    page.goto(base_url + "/compte/" + _mail_link(live_app, "hugo.sansjs@exemple.fr"))
    page.fill("#email", "hugo.sansjs@exemple.fr")
    page.fill("#password", PASSWORD)
    page.click("main button:has-text('Me connecter')")
    assert "Bonjour Hugo Sansjs" in page.inner_text("main")

    page.goto(base_url + "/compte/preferences")
    page.check("#text_size-1")
    page.check("#wide_spacing")
    page.check("#reduced_motion")
    with page.expect_navigation():
        page.click("text=Enregistrer mes préférences")
    classes = page.evaluate("document.documentElement.className")
    assert re.search(r"\bpl-text-125\b", classes)
    assert "pl-spacing" in classes
    assert "pl-reduced-motion" in classes

    page.goto(base_url + "/")
    page.click("button:has-text('English')")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.click("button:has-text('Log out')")
    assert "You are logged out" in page.inner_text("main")
