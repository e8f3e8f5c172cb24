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
    first = client.get(f"/clara/evenements/{event.id}")
    assert first.headers[HEADER] == "miss"
    assert "20 places restantes" in first.get_data(as_text=True).replace("\u202f", " ")
    again = app.test_client().get(f"/clara/evenements/{event.id}")
    assert again.headers[HEADER] == "hit"
    register(event.id, _registration("Nadia", "nadia@exemple.fr", seats=3))
    db.session.commit()
    after = app.test_client().get(f"/clara/evenements/{event.id}")
    assert after.headers[HEADER] == "miss"
    assert "17 places restantes" in after.get_data(as_text=True).replace("\u202f", " ")


def test_the_registration_page_is_the_same_for_every_visitor(app):
    """No token, no cookie: the page with its form is shared, and a visitor's post from
    our own page (as a browser sends it) registers them."""
    event = make_event()
    db.session.commit()
    one, two = app.test_client(), app.test_client()
    page_one = one.get(f"/clara/evenements/{event.id}/inscription?places=1")
    page_two = two.get(f"/clara/evenements/{event.id}/inscription?places=1")
    assert [page_one.headers[HEADER], page_two.headers[HEADER]] == ["miss", "hit"]
    assert page_one.get_data() == page_two.get_data()
    for page in (page_one, page_two):
        assert "Set-Cookie" not in page.headers
        assert 'name="csrf_token"' not in page.get_data(as_text=True)
        assert 'name="privacy_consent"' in page.get_data(as_text=True)
    sent = two.post(f"/clara/evenements/{event.id}/inscription", data={
        "name": "Paul", "email": "paul@exemple.fr", "seats": "1", "privacy_consent": "y"},
        headers={"Sec-Fetch-Site": "same-origin"})
    assert sent.status_code in (302, 303)


def test_logged_in_people_are_never_served_a_shared_page(web, app):
    event = make_event()
    UserFactory(email="lea@exemple.fr")
    db.session.commit()
    app.test_client().get(f"/clara/evenements/{event.id}")
    web.login("lea@exemple.fr")
    page = web.get(f"/clara/evenements/{event.id}")
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


def test_private_changes_keep_the_versions_and_public_ones_bump_their_scopes(app):
    event = make_event()
    db.session.commit()
    scopes = ("global", f"event:{event.id}", "agenda", "events")
    before = page_cache.versions(scopes)
    user = UserFactory()
    db.session.commit()
    # A new account can show publicly (a table no feature mapped: the global scope).
    assert page_cache.versions(scopes) == (before[0] + 1, *before[1:])
    user.last_login_at = utcnow()
    db.session.commit()
    assert page_cache.versions(scopes)[0] == before[0] + 1  # logging in shows nowhere
    from patientlab.core.mail import queue_mail

    queue_mail("x@exemple.fr", "Sujet", "verify_email", locale="fr", user=user, url="x")
    db.session.commit()
    assert page_cache.versions(scopes)[0] == before[0] + 1
    register(event.id, _registration("Nadia", "nadia@exemple.fr"))
    db.session.commit()
    # A registration: its evening and the lists that show seats, once per transaction.
    assert page_cache.versions(scopes) == (before[0] + 1, before[1] + 1, before[2] + 1,
                                           before[3])
    event.title = "Un autre titre"
    db.session.commit()
    assert page_cache.versions(scopes) == (before[0] + 1, before[1] + 2, before[2] + 2,
                                           before[3] + 1)
    from sqlalchemy import update

    db.session.execute(update(Event).where(Event.id == event.id).values(capacity=30))
    db.session.commit()
    # An UPDATE statement, whose rows are not known: the global scope.
    assert page_cache.versions(scopes)[0] == before[0] + 2


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
    assert "Bouger pendant les traitements" in web.get("/clara/projets/").get_data(as_text=True)
    assert "Parler du cancer en famille" not in web.get("/").get_data(as_text=True)
    data = projects.ProjectData(
        title="Marcher pendant les traitements", teaser=project.teaser,
        research_status="running", region="", lab="", team="", cancer_types=["sein"],
        themes=["nutrition-activite"], why="Pourquoi.", what="Quoi.", change="Changer.",
        involvement="Patients.")
    projects._apply(project, data)
    make_event(title="Parler du cancer en famille")
    db.session.commit()
    listing = web.get("/clara/projets/").get_data(as_text=True)
    assert "Marcher pendant les traitements" in listing
    assert "Bouger pendant les traitements" not in listing
    assert "Parler du cancer en famille" in web.get("/").get_data(as_text=True)


def _hit(client_or_app, path) -> bool:
    client = client_or_app.test_client() if hasattr(client_or_app, "test_client") \
        else client_or_app
    return client.get(path).headers.get(HEADER) == "hit"


def _warm(app, *paths) -> None:
    for path in paths:
        app.test_client().get(path)
        assert _hit(app, path), path


def test_a_registration_leaves_other_evenings_and_the_projects_cached(app):
    """The evening scope: a registration on one evening makes its own page again at
    once; another evening's page and the projects' pages stay kept."""
    from tests.factories import make_project

    one, other = make_event(capacity=20), make_event(capacity=20)
    project = make_project(title="Bouger pendant les traitements")
    db.session.commit()
    pages = [f"/clara/evenements/{one.id}", f"/clara/evenements/{other.id}",
             f"/clara/evenements/{one.id}/inscription?places=1", f"/clara/projets/{project.id}",
             "/clara/projets/"]
    _warm(app, *pages)
    register(one.id, _registration("Nadia", "nadia@exemple.fr", seats=3))
    db.session.commit()
    own = app.test_client().get(pages[0])
    assert own.headers[HEADER] == "miss"
    assert "17 places restantes" in own.get_data(as_text=True).replace("\u202f", " ")
    assert app.test_client().get(pages[2]).headers[HEADER] == "miss"
    for page in pages[1:2] + pages[3:]:
        assert _hit(app, page), page
    # The agenda shows seats: made again too.
    assert app.test_client().get("/clara/evenements/").headers[HEADER] == "miss"


def test_a_project_change_leaves_the_evenings_and_other_projects_cached(app):
    """The project scope: its own page and the lists of projects change at once; another
    project's page and the evenings stay kept."""
    from tests.factories import make_project

    event = make_event()
    project, other = make_project(title="Bouger pendant les traitements"), make_project()
    db.session.commit()
    pages = [f"/clara/projets/{project.id}", "/clara/projets/", f"/clara/projets/{other.id}",
             f"/clara/evenements/{event.id}/inscription?places=1", "/clara/evenements/"]
    _warm(app, *pages)
    from patientlab.projects import services as projects

    projects._apply(project, projects.ProjectData(
        title="Marcher pendant les traitements", teaser=project.teaser,
        research_status="running", region="", lab="", team="", cancer_types=["sein"],
        themes=["nutrition-activite"], why="Pourquoi.", what="Quoi.", change="Changer.",
        involvement="Patients."))
    db.session.commit()
    for page in pages[:2]:
        answer = app.test_client().get(page)
        assert answer.headers[HEADER] == "miss", page
        assert "Marcher pendant les traitements" in answer.get_data(as_text=True)
    for page in pages[2:]:
        assert _hit(app, page), page


def test_a_call_change_leaves_the_evenings_and_other_calls_cached(app):
    """The call scope: its page and the calls' list change; another call's page and the
    evenings stay kept."""
    from tests.factories import make_call

    call, other = make_call(title="Vivre après un cancer"), make_call()
    event = make_event()
    db.session.commit()
    pages = [f"/clara/appels/{call.id}", "/clara/appels/", f"/clara/appels/{other.id}",
             f"/clara/evenements/{event.id}"]
    _warm(app, *pages)
    call.title = "Revivre après un cancer"
    db.session.commit()
    for page in pages[:2]:
        answer = app.test_client().get(page)
        assert answer.headers[HEADER] == "miss", page
        assert "Revivre après un cancer" in answer.get_data(as_text=True)
    for page in pages[2:]:
        assert _hit(app, page), page


def test_the_home_page_follows_the_lists_it_shows(app):
    """The lists' scopes: the home page shows the next evenings with their seats, so a
    registration makes it again; a page that shows no list stays kept."""
    event = make_event(capacity=20, title="Parler du cancer en famille")
    db.session.commit()
    _warm(app, "/", "/accessibilite")
    register(event.id, _registration("Nadia", "nadia@exemple.fr", seats=3))
    db.session.commit()
    home = app.test_client().get("/")
    assert home.headers[HEADER] == "miss"
    assert "17 places restantes" in home.get_data(as_text=True).replace("\u202f", " ")
    assert _hit(app, "/accessibilite")


def test_a_table_no_feature_mapped_forgets_every_page(app):
    """Safe by default: a change to a table no feature mapped (an association, here)
    bumps the global scope, which every page shows."""
    from tests.factories import AssociationFactory

    event = make_event()
    db.session.commit()
    pages = ["/", f"/clara/evenements/{event.id}", "/clara/projets/", "/accessibilite"]
    _warm(app, *pages)
    AssociationFactory()
    db.session.commit()
    for page in pages:
        assert app.test_client().get(page).headers[HEADER] == "miss", page


def test_visitors_pages_carry_validators_and_answer_304_without_rendering(app):
    """ETag and « public, no-cache »: a browser or a proxy may store the page but asks
    again each time; the same ETag gets a 304 before any template is made, and a change
    gives a new page and a new ETag."""
    from flask import template_rendered

    event = make_event(capacity=20)
    db.session.commit()
    path = f"/clara/evenements/{event.id}"
    first = app.test_client().get(path)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert {part.strip() for part in first.headers["Vary"].split(",")} >= {
        "Cookie", "Accept-Language"}
    made = []

    def note(sender, template, context, **extra):
        made.append(template.name)

    with template_rendered.connected_to(note, app):
        again = app.test_client().get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert made == []
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "public, no-cache"
    english = app.test_client()
    english.set_cookie("lang", "en")
    assert english.get(path, headers={"If-None-Match": etag}).status_code == 200
    register(event.id, _registration("Nadia", "nadia@exemple.fr", seats=3))
    db.session.commit()
    changed = app.test_client().get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "17 places restantes" in changed.get_data(as_text=True).replace("\u202f", " ")


def test_logged_in_pages_stay_no_store_without_validators(web, app):
    event = make_event()
    UserFactory(email="lea@exemple.fr")
    db.session.commit()
    path = f"/clara/evenements/{event.id}"
    etag = app.test_client().get(path).headers["ETag"]
    web.login("lea@exemple.fr")
    page = web.get(path, headers={"If-None-Match": etag})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "ETag" not in page.headers


def test_a_kept_page_of_one_network_is_never_served_for_another(app):
    """The same kind of page in two networks: each is kept apart (the slug is in the
    address), and a change in one network makes the other's lists again too (their
    scopes are shared: never stale, at worst made once more)."""
    from tests.factories import NetworkFactory

    paca = NetworkFactory(slug="paca", short_name="PACA")
    make_event(title="Soirée à Lyon")
    make_event(title="Soirée à Marseille", network_id=paca.id)
    db.session.commit()
    lyon = app.test_client().get("/clara/evenements/")
    marseille = app.test_client().get("/paca/evenements/")
    assert [lyon.headers[HEADER], marseille.headers[HEADER]] == ["miss", "miss"]
    assert "Soirée à Lyon" in lyon.get_data(as_text=True)
    assert "Soirée à Marseille" not in lyon.get_data(as_text=True)
    assert "Soirée à Marseille" in marseille.get_data(as_text=True)
    assert "Soirée à Lyon" not in marseille.get_data(as_text=True)
    assert app.test_client().get("/paca/evenements/").headers[HEADER] == "hit"
    make_event(title="Soirée à Nice", network_id=paca.id)
    db.session.commit()
    again = app.test_client().get("/clara/evenements/")
    assert again.headers[HEADER] == "miss"
    assert "Soirée à Nice" not in again.get_data(as_text=True)
    nice = app.test_client().get("/paca/evenements/")
    assert nice.headers[HEADER] == "miss"
    assert "Soirée à Nice" in nice.get_data(as_text=True)


def test_a_page_kept_for_one_host_name_is_not_served_on_another(app):
    """A network's own host name decides where a platform page's links lead."""
    first = app.test_client().get("/accessibilite", base_url="http://clara.exemple.fr")
    other = app.test_client().get("/accessibilite", base_url="http://paca.exemple.fr")
    assert [first.headers[HEADER], other.headers[HEADER]] == ["miss", "miss"]
