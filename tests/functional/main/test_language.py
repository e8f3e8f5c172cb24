from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.extensions import db


def test_accept_language_is_used_when_nothing_was_chosen(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en"' in page
    page = client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="fr"' in page


def test_visitor_switches_language_with_a_link_and_comes_back_to_the_page(web):
    page = web.get("/charte").get_data(as_text=True)
    assert 'href="/langue/en?suivant=/charte"' in page
    response = web.get("/langue/en?suivant=/charte")
    assert response.status_code == 302
    assert response.headers["Location"] == "/charte"
    page = web.get("/charte", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="en"' in page
    assert "Participation charter" in page
    # The switcher offers the other language, marked with its own language.
    assert 'lang="fr"' in page
    assert "Français" in page


def test_language_switch_refuses_external_next(web):
    response = web.get("/langue/en?suivant=https://evil.example/")
    assert response.headers["Location"] == "/"
    response = web.get("/langue/en?suivant=//evil.example/")
    assert response.headers["Location"] == "/"
    assert web.get("/langue/xx?suivant=/").headers.get("Set-Cookie") is None


def test_a_visitor_gets_no_session_cookie_on_pages_without_a_form(client):
    """Anonymous reading pages carry no CSRF token, so no signed session is made (the
    cookie, its signature and the session write saved on every visit)."""
    for path in ("/", "/clara/projets/", "/clara/projets/?q=fatigue", "/clara/evenements/",
                 "/clara/appels/",
                 "/clara/glossaire", "/charte"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "session=" not in (response.headers.get("Set-Cookie") or ""), path


def test_logged_in_people_keep_the_form_that_stores_their_choice(web, make_user):
    make_user(email="lou@exemple.fr")
    web.login("lou@exemple.fr")
    page = web.get("/charte").get_data(as_text=True)
    assert 'action="/langue"' in page
    assert "/langue/en" not in page


def test_logged_in_users_language_is_stored_on_the_account(app, web, make_user):
    user = make_user(email="jane@exemple.fr")
    web.login("jane@exemple.fr")
    web.submit("/langue", {"lang": "en", "next": "/"}, form_url="/")
    db.session.expire_all()
    assert db.session.scalar(select(User.locale).where(User.id == user.id)) == "en"
    # On another device, with no cookie, the account's choice wins.
    other = type(web)(app.test_client())
    other.login("jane@exemple.fr")
    assert '<html lang="en"' in other.get("/").get_data(as_text=True)


def test_dates_are_formatted_for_the_locale_in_paris_time(app):
    from datetime import UTC, datetime

    from flask_babel import force_locale

    from patientlab.core.i18n import datetime_long

    moment = datetime(2026, 11, 28, 17, 30, tzinfo=UTC)  # 18:30 in Paris
    with app.test_request_context():
        with force_locale("fr"):
            assert datetime_long(moment) == "28 novembre 2026 à 18:30"
        with force_locale("en"):
            assert datetime_long(moment) == "November 28, 2026 at 6:30\u202fPM"
