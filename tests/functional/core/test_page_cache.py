"""The visitors' page cache is never stale: a change bumps the public version in its own
transaction, so the next visitor's page is made again; logged-in people, visitors with
something in their session and private changes are handled apart."""

from patientlab.core import page_cache
from patientlab.core.models import utcnow
from patientlab.events.models import Event
from patientlab.events.services.registration import RegistrationData, register
from patientlab.extensions import db
from tests.factories import UserFactory, make_event

HEADER = page_cache.HEADER


def _registration(name, email, seats=1):
    return RegistrationData(name=name, email=email, seats=seats, needs=[],
                                   needs_other="", needs_consent=False,
                                   privacy_consent=True, locale="fr")


def test_a_registration_shows_on_the_next_visitors_page(client, app):
    event = make_event(capacity=20)
    db.session.commit()
    first = client.get(f"/evenements/{event.id}")
    assert first.headers[HEADER] == "miss"
    assert "20 places restantes" in first.get_data(as_text=True).replace("\u202f", " ")
    again = app.test_client().get(f"/evenements/{event.id}")
    assert again.headers[HEADER] == "hit"
    register(event.id, _registration("Nadia", "nadia@exemple.fr", seats=3))
    db.session.commit()
    after = app.test_client().get(f"/evenements/{event.id}")
    assert after.headers[HEADER] == "miss"
    assert "17 places restantes" in after.get_data(as_text=True).replace("\u202f", " ")


def test_each_visitor_gets_their_own_working_csrf_token(app):
    event = make_event()
    db.session.commit()
    one, two = app.test_client(), app.test_client()
    page_one = one.get(f"/evenements/{event.id}/inscription?places=1")
    page_two = two.get(f"/evenements/{event.id}/inscription?places=1")
    assert page_two.headers[HEADER] == "hit"
    token = page_cache.PLACEHOLDER.decode()
    assert token not in page_one.get_data(as_text=True)
    assert token not in page_two.get_data(as_text=True)
    import re

    tokens = [re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                        p.get_data(as_text=True)).group(1) for p in (page_one, page_two)]
    assert tokens[0] != tokens[1]
    sent = two.post(f"/evenements/{event.id}/inscription", data={
        "csrf_token": tokens[1], "name": "Paul", "email": "paul@exemple.fr", "seats": "1",
        "privacy_consent": "y"})
    assert sent.status_code in (302, 303)


def test_logged_in_people_are_never_served_a_shared_page(web, app):
    event = make_event()
    UserFactory(email="lea@exemple.fr")
    db.session.commit()
    app.test_client().get(f"/evenements/{event.id}")
    web.login("lea@exemple.fr")
    page = web.get(f"/evenements/{event.id}")
    assert HEADER not in page.headers
    assert "Déconnexion" in page.get_data(as_text=True) or "connecté" in page.get_data(
        as_text=True)


def test_language_and_display_preferences_have_their_own_pages(app):
    client = app.test_client()
    assert client.get("/").headers[HEADER] == "miss"
    english = app.test_client()
    english.set_cookie("lang", "en")
    page = english.get("/")
    assert page.headers[HEADER] == "miss"
    assert '<html lang="en"' in page.get_data(as_text=True)
    large = app.test_client()
    large.set_cookie("affichage", "150-0000")
    assert large.get("/").headers[HEADER] == "miss"
    assert "pl-text-150" in large.get("/").get_data(as_text=True)


def test_private_changes_keep_the_version_and_public_ones_bump_it(app):
    event = make_event()
    db.session.commit()
    before = page_cache.current_version()
    user = UserFactory()
    db.session.commit()
    assert page_cache.current_version() == before + 1  # a new account can show publicly
    user.last_login_at = utcnow()
    db.session.commit()
    assert page_cache.current_version() == before + 1  # logging in shows nowhere
    from patientlab.core.mail import queue_mail

    queue_mail("x@exemple.fr", "Sujet", "verify_email", locale="fr", user=user, url="x")
    db.session.commit()
    assert page_cache.current_version() == before + 1
    from sqlalchemy import update

    db.session.execute(update(Event).where(Event.id == event.id).values(capacity=30))
    db.session.commit()
    assert page_cache.current_version() == before + 2  # an UPDATE statement too


def test_the_cache_can_be_switched_off(app):
    app.config["PAGE_CACHE"] = False
    try:
        assert HEADER not in app.test_client().get("/").headers
    finally:
        app.config["PAGE_CACHE"] = True


def test_cached_parts_follow_their_own_data(web, app):
    """A project's card in the list (fragment keyed by its last change) and the home
    page's lists (keyed by the public version) change at once, even for a logged-in
    person who never gets a shared page."""
    from patientlab.projects import services as projects
    from tests.factories import make_project

    project = make_project(title="Bouger pendant les traitements")
    UserFactory(email="lea@exemple.fr")
    db.session.commit()
    web.login("lea@exemple.fr")
    assert "Bouger pendant les traitements" in web.get("/projets/").get_data(as_text=True)
    assert "Parler du cancer en famille" not in web.get("/").get_data(as_text=True)
    data = projects.ProjectData(
        title="Marcher pendant les traitements", teaser=project.teaser,
        research_status="running", region="", lab="", team="", cancer_types=["sein"],
        themes=["nutrition-activite"], why="Pourquoi.", what="Quoi.", change="Changer.",
        involvement="Patients.")
    projects._apply(project, data)
    make_event(title="Parler du cancer en famille")
    db.session.commit()
    listing = web.get("/projets/").get_data(as_text=True)
    assert "Marcher pendant les traitements" in listing
    assert "Bouger pendant les traitements" not in listing
    assert "Parler du cancer en famille" in web.get("/").get_data(as_text=True)


def _flask_hooks_counted(app):
    """A before-request hook that counts the requests Flask itself handled."""
    handled = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: handled.append(1))
    return handled


def test_a_page_without_a_token_is_served_at_the_front_door_and_never_stale(app):
    """A visitor with no session cookie asking again for the home page gets Flask's very
    answer (security headers included) without going through Flask; a public change,
    another language or a session cookie each go to Flask again."""
    from tests.factories import make_project

    handled = _flask_hooks_counted(app)
    try:
        first = app.test_client().get("/")
        assert (first.headers[HEADER], len(handled)) == ("miss", 1)
        assert "Set-Cookie" not in first.headers
        # The door learnt that this path's page may be kept: the next visitor's
        # answer (Flask's own cache) is kept at the door, read before Flask afterwards.
        assert app.test_client().get("/").headers[HEADER] == "hit"
        assert len(handled) == 2
        again = app.test_client().get("/")
        assert (again.headers[HEADER], len(handled)) == ("hit", 2)  # Flask never saw it
        assert again.get_data() == first.get_data()
        for name in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy",
                     "Content-Type"):
            assert again.headers[name] == first.headers[name]
        make_project(title="Une recherche toute neuve")
        db.session.commit()
        fresh = app.test_client().get("/")
        assert (fresh.headers[HEADER], len(handled)) == ("miss", 3)
        assert "Une recherche toute neuve" in fresh.get_data(as_text=True)
        english = app.test_client()
        english.set_cookie("lang", "en")
        assert english.get("/").headers[HEADER] == "miss"
        assert len(handled) == 4
        with_session = app.test_client()
        with_session.set_cookie(app.config["SESSION_COOKIE_NAME"], "quelque-chose")
        with_session.get("/")
        assert len(handled) == 5  # a session goes to Flask, whatever it holds
    finally:
        app.before_request_funcs[None].pop(0)


def _token(page) -> str:
    import re

    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                     page.get_data(as_text=True)).group(1)


def test_a_page_with_a_form_is_served_at_the_front_door_with_each_visitors_own_token(app):
    """The evening's registration form reaches the door too: each new visitor gets their
    own session cookie and the token that goes with it, and only that pair is accepted."""
    event = make_event(capacity=20)
    db.session.commit()
    handled = _flask_hooks_counted(app)
    evening = f"/evenements/{event.id}"
    page = f"{evening}/inscription?places=1"
    try:
        first = app.test_client().get(page)
        second = app.test_client().get(page)
        assert [first.headers[HEADER], second.headers[HEADER], len(handled)] == [
            "miss", "hit", 2]
        visitors = [app.test_client() for _ in range(3)]
        answers = [visitor.get(page) for visitor in visitors]
        assert len(handled) == 2  # Flask never saw those three
        assert {answer.headers[HEADER] for answer in answers} == {"hit"}
        tokens = [_token(answer) for answer in answers]
        cookies = [answer.headers["Set-Cookie"] for answer in answers]
        assert len(set(tokens)) == 3
        assert len(set(cookies)) == 3
        for answer in answers:
            body = answer.get_data()
            assert page_cache.PLACEHOLDER not in body
            assert int(answer.headers["Content-Length"]) == len(body)
            assert answer.headers.getlist("Set-Cookie")[0].startswith(
                app.config["SESSION_COOKIE_NAME"] + "=")
            assert "HttpOnly" in answer.headers["Set-Cookie"]
            assert answer.headers["Vary"] == "Cookie"
            assert (answer.headers["Content-Security-Policy"]
                    == first.headers["Content-Security-Policy"])
            text = answer.get_data(as_text=True).replace("\u202f", " ")
            assert text.replace(tokens[answers.index(answer)], "") == second.get_data(
                as_text=True).replace("\u202f", " ").replace(_token(second), "")
        form = {"name": "Paul", "email": "paul@exemple.fr", "seats": "1",
                "privacy_consent": "y"}
        # One visitor's token does not work with another's session.
        refused = visitors[1].post(f"{evening}/inscription", data={**form,
                                                                  "csrf_token": tokens[0]})
        assert refused.status_code == 400
        sent = visitors[0].post(f"{evening}/inscription", data={**form,
                                                               "csrf_token": tokens[0]})
        assert sent.status_code in (302, 303)
        # The seat taken shows on the next visitor's page, made again by Flask.
        after = app.test_client().get(page)
        assert after.headers[HEADER] == "miss"
        assert "19 places restantes" in after.get_data(as_text=True).replace("\u202f", " ")
    finally:
        app.before_request_funcs[None].pop(0)
