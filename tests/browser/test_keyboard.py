"""Journeys done with the keyboard alone: register → log in → preferences → log out.

Every Tab stop must show a visible focus that is not covered; focus is never
lost to <body> after an action.
"""

import re

from sqlalchemy import select

from patientlab.core.mail import OutboxMessage
from patientlab.core.typography import french_spacing as fr
from patientlab.extensions import db
from tests.browser.harness import assert_focus_visible, focus_state, tab_until

PASSWORD = "ma phrase secrète du clavier"


def _is(selector):
    return f"el => el.matches({selector!r})"


def _link(text):
    return f"el => el.tagName === 'A' && el.innerText.trim() === {text!r}"


def _button(text):
    return (f"el => (el.tagName === 'BUTTON' || el.type === 'submit') && "
            f"(el.innerText || el.value).trim() === {text!r}")


def _activate(page, key="Enter"):
    with page.expect_navigation():
        page.keyboard.press(key)


def _mail_link(live_app, email):
    with live_app.app_context():
        message = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.recipient == email).order_by(OutboxMessage.id.desc())).first()
        body = message.body_text
        db.session.remove()
    return re.search(r"https?://\S+", body).group(0).split("/compte/", 1)[1]


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(new_context, base_url):
    page = new_context().new_page()
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    state = assert_focus_visible(page, "first Tab on /")
    assert state["text"] == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    # The next Tab continues from the main content, not from the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')")


def test_register_login_preferences_logout_with_the_keyboard_only(
        new_context, base_url, live_app):
    page = new_context().new_page()
    page.goto(base_url + "/")

    # Register, first with a mistake: focus goes to the error summary.
    tab_until(page, _link("Créer un compte"), "home → registration link")
    _activate(page)
    tab_until(page, _is("#name"), "registration: name")
    page.keyboard.type("Lucie Clavier")
    tab_until(page, _is("#email"), "registration: e-mail")
    page.keyboard.type("lucie.clavier@exemple.fr")
    tab_until(page, _is("#password"), "registration: password")
    page.keyboard.type("court")
    tab_until(page, _is("#profile-0"), "registration: profile")
    page.keyboard.press("Space")
    tab_until(page, _button("Créer mon compte"), "registration: submit")
    _activate(page)
    assert page.title().startswith(fr("Erreur :"))
    focused = focus_state(page)
    assert not focused["body"], "focus lost to <body> after submitting with errors"
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    # The summary links to the fields; typed values are kept.
    assert page.input_value("#name") == "Lucie Clavier"
    assert page.input_value("#email") == "lucie.clavier@exemple.fr"

    tab_until(page, _is("a[href='#password']"), "error summary link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(PASSWORD)
    tab_until(page, _is("#charter"), "registration: charter")
    page.keyboard.press("Space")
    tab_until(page, _button("Créer mon compte"), "registration: submit again")
    _activate(page)
    assert "verifiez-vos-mails" in page.url

    page.goto(base_url + "/compte/" + _mail_link(live_app, "lucie.clavier@exemple.fr"))

    # Log in.
    assert "/compte/connexion" in page.url
    tab_until(page, _is("#email"), "login: e-mail")
    page.keyboard.type("lucie.clavier@exemple.fr")
    tab_until(page, _is("#password"), "login: password")
    page.keyboard.type(PASSWORD)
    tab_until(page, _button("Me connecter"), "login: submit")
    _activate(page)
    assert "Bonjour Lucie Clavier" in page.inner_text("main")

    # Display preferences: text 150 %, higher contrast, dyslexia font.
    tab_until(page, _link("Affichage"), "header → display preferences")
    _activate(page)
    tab_until(page, _is("input[name=text_size]:checked"), "preferences: text size")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    tab_until(page, _is("#high_contrast"), "preferences: contrast")
    page.keyboard.press("Space")
    tab_until(page, _is("#dyslexia_font"), "preferences: dyslexia font")
    page.keyboard.press("Space")
    tab_until(page, _button("Enregistrer mes préférences"), "preferences: submit")
    _activate(page)
    classes = page.evaluate("document.documentElement.className")
    assert "pl-text-150" in classes
    assert "pl-contrast" in classes
    assert "pl-dyslexia" in classes

    # Log out.
    tab_until(page, _button("Me déconnecter"), "navigation: log out")
    _activate(page, "Space")
    assert "La déconnexion est faite" in page.inner_text("main")
    # The preferences stay on this device.
    assert "pl-text-150" in page.evaluate("document.documentElement.className")
