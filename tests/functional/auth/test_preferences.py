import re

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.extensions import db

CHOICES = {"text_size": "150", "high_contrast": "y", "dyslexia_font": "y",
           "wide_spacing": "y", "reduced_motion": "y"}


def test_visitor_preferences_are_kept_in_a_cookie_and_applied_on_html(web):
    response = web.submit("/compte/preferences", CHOICES)
    assert response.status_code == 302
    cookie = web.client.get_cookie("affichage")
    assert cookie is not None
    assert cookie.value == "150-1111"
    page = web.get("/").get_data(as_text=True)
    assert ('class="pl-text-150 pl-contrast pl-dyslexia pl-spacing pl-reduced-motion"'
            in page)
    form = web.get("/compte/preferences").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="150"', form)


def test_user_preferences_are_stored_on_the_account_and_follow_them(app, web, make_user):
    user = make_user(email="martine@exemple.fr")
    web.login("martine@exemple.fr")
    web.submit("/compte/preferences", {"text_size": "125", "high_contrast": "y"})
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert stored.pref_text_size == 125
    assert stored.pref_high_contrast is True
    assert stored.pref_dyslexia_font is False

    other = type(web)(app.test_client())
    other.login("martine@exemple.fr")
    assert 'class="pl-text-125 pl-contrast"' in other.get("/").get_data(as_text=True)


def test_invalid_text_size_is_refused_with_a_message(web):
    page = web.submit("/compte/preferences", {"text_size": "400"}).get_data(as_text=True)
    assert "Il y a un problème" in page
    assert db.session.scalar(select(User)) is None


def _html_class(page: str) -> str:
    return re.search(r'<html[^>]* class="([^"]*)"', page).group(1)


def _stored(email):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_a_visitor_s_text_size_carries_into_the_account_she_creates(web):
    """She read at 150 %, signed up, logged in: the page fell back to 100 % and
    « Affichage » said « Normale (100 %) »."""
    from tests.conftest import PASSWORD, link_in, outbox

    web.client.set_cookie("affichage", "150-0010")
    web.submit("/compte/inscription", {
        "name": "Nadia Benali", "email": "nadia@exemple.fr", "password": PASSWORD,
        "profile": "citizen", "association": ""})
    user = _stored("nadia@exemple.fr")
    assert (user.pref_text_size, user.pref_wide_spacing) == (150, True)
    web.get(link_in(outbox("nadia@exemple.fr")[0]))
    web.login("nadia@exemple.fr")
    assert _html_class(web.get("/mon-espace").get_data(as_text=True)) == "pl-text-150 pl-spacing"
    form = web.get("/compte/preferences").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="150"', form)

    # Her other devices, which chose nothing, follow the account.
    web.client.delete_cookie("affichage")
    assert _html_class(web.get("/").get_data(as_text=True)) == "pl-text-150 pl-spacing"


def test_at_login_the_device_s_choice_fills_an_account_that_kept_the_defaults(web,
                                                                             make_user):
    make_user(email="karim@exemple.fr")
    web.client.set_cookie("affichage", "200-1000")
    web.login("karim@exemple.fr")
    assert (_stored("karim@exemple.fr").pref_text_size,
            _stored("karim@exemple.fr").pref_high_contrast) == (200, True)
    assert _html_class(web.get("/").get_data(as_text=True)) == "pl-text-200 pl-contrast"


def test_at_login_an_account_s_own_choice_is_kept_and_this_device_keeps_its_own(
        app, web, make_user):
    make_user(email="claire@exemple.fr", pref_text_size=125)
    web.client.set_cookie("affichage", "150-0000")
    web.login("claire@exemple.fr")
    assert _stored("claire@exemple.fr").pref_text_size == 125  # never overwritten
    # This phone reads at 150 %, what was last chosen on it.
    assert _html_class(web.get("/").get_data(as_text=True)) == "pl-text-150"

    other = type(web)(app.test_client())  # a device that chose nothing
    other.login("claire@exemple.fr")
    assert _html_class(other.get("/").get_data(as_text=True)) == "pl-text-125"
