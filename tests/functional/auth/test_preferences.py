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
