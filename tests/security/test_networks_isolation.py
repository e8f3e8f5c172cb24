"""Attacks on the walls between networks: another network's objects reached by their id
with a form sent (not only a page read), roles given across networks, the settings of a
network used to inject headers or styles, the host name and old addresses used to lead
people elsewhere."""

import pytest
from flask import url_for

from patientlab.core.security import Role
from tests.access_objects import build_objects
from tests.factories import NetworkFactory

MARK_A, MARK_B = "Alphazed", "Betazed"
B_ROLES = [Role.COORDINATOR, Role.ORGANISER, Role.MODERATOR, Role.PATIENT_EXPERT,
           Role.RESEARCHER]
NETWORK_OBJECTS = {"project_id", "call_id", "application_id", "assignment_id", "review_id",
                   "session_id", "point_id", "event_id", "registration_id", "milestone_id",
                   "item_id", "revision_id", "criterion_id", "question_id", "term_id",
                   "word_id"}
FROM_OUR_PAGES = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
#: What anyone signed in does with a network's public objects under that network's own
#: address (ask a question, follow, rate, report, register for an evening).
PUBLIC_ACTIONS = {"projects.ask", "projects.follow", "projects.rate", "moderation.report",
                  "events.register", "applications.new"}


@pytest.fixture
def networks():
    a = build_objects(mark=MARK_A)
    other = NetworkFactory(slug="reseau-b", short_name="B")
    b = build_objects(other, prefix="b.", mark=MARK_B, national=False)
    return a, b


def _url(app, rule, objects, slug):
    with app.test_request_context():
        return url_for(rule.endpoint, **{**{arg: objects[arg] for arg in rule.arguments},
                                         "network": slug})


def _post_rules_about_objects(app):
    for rule in app.url_map.iter_rules():
        if "network" in rule.arguments and "POST" in (rule.methods or ()) \
                and NETWORK_OBJECTS & rule.arguments:
            yield rule


def _refused(response) -> bool:
    if response.status_code in (400, 403, 404):
        return True
    return response.status_code == 302 and response.headers["Location"].startswith("/compte/")


@pytest.mark.parametrize("role", B_ROLES)
def test_forms_about_a_objects_sent_by_b_people_are_refused(app, web, networks, role):
    """Every form under a network's address that names an object, sent by a person whose
    roles and objects are all in B, about A's object, under A's address and B's."""
    a, b = networks
    web.login(f"b.{role}@exemple.fr")
    token = web.csrf("/compte/mot-de-passe-oublie")
    wrong = []
    for rule in _post_rules_about_objects(app):
        for slug in (a["network"], b["network"]):
            if slug == a["network"] and rule.endpoint in PUBLIC_ACTIONS:
                continue
            url = _url(app, rule, a, slug)
            response = web.client.post(url, data={"csrf_token": token, "confirmed": "1"},
                                       headers=FROM_OUR_PAGES)
            response.close()
            if not _refused(response):
                wrong.append(f"{rule.endpoint} {url}: {response.status_code} "
                             f"{response.headers.get('Location', '')}")
    assert not wrong, f"as {role} of B:\n" + "\n".join(wrong)


# --- Roles given across networks ----------------------------------------------------------


@pytest.fixture
def two_coordinations():
    from tests.factories import UserFactory

    paca = NetworkFactory(slug="paca", short_name="PACA")
    clara_coordinator = UserFactory(email="coord.clara@exemple.fr", roles=["coordinator"])
    paca_coordinator = UserFactory(email="coord.paca@exemple.fr", roles=["coordinator"],
                                   roles__network=paca)
    from patientlab.extensions import db

    db.session.commit()
    return paca, clara_coordinator, paca_coordinator


def test_a_coordinator_of_b_cannot_give_roles_in_a(web, two_coordinations):
    from patientlab.networks.services import network_roles

    _paca, _clara, paca_coordinator = two_coordinations
    web.login("coord.paca@exemple.fr")
    token = web.csrf("/paca/coordination/roles")
    for url in ("/clara/coordination/roles", "/admin/reseaux/1/roles"):
        response = web.client.post(url, headers=FROM_OUR_PAGES, data={
            "role-csrf_token": token, "csrf_token": token,
            "role-email": "coord.paca@exemple.fr", "role-role": "coordinator"})
        assert response.status_code in (403, 404), url
    assert network_roles(paca_coordinator, 1) == set()


def test_a_coordinator_of_b_cannot_withdraw_a_s_coordinator(web, two_coordinations):
    from patientlab.networks.services import network_roles

    _paca, clara_coordinator, _ = two_coordinations
    web.login("coord.paca@exemple.fr")
    token = web.csrf("/paca/coordination/roles")
    data = {"csrf_token": token, "user_id": clara_coordinator.id, "role": "coordinator",
            "confirmed": "1"}
    for url in ("/clara/coordination/roles/retirer", "/admin/reseaux/1/roles/retirer"):
        response = web.client.post(url, data=data, headers=FROM_OUR_PAGES)
        assert response.status_code in (403, 404), url
    # Under its own address, the withdrawal names B's roles only: A's coordinator keeps A's.
    web.client.post("/paca/coordination/roles/retirer", data=data, headers=FROM_OUR_PAGES)
    assert network_roles(clara_coordinator, 1) == {"coordinator"}


def test_the_last_coordinator_of_a_network_stays(web, two_coordinations):
    from patientlab.networks.services import network_roles

    _paca, clara_coordinator, _ = two_coordinations
    web.login("coord.clara@exemple.fr")
    token = web.csrf("/clara/coordination/roles")
    web.client.post("/clara/coordination/roles/retirer", headers=FROM_OUR_PAGES, data={
        "csrf_token": token, "user_id": clara_coordinator.id, "role": "coordinator",
        "confirmed": "1"})
    assert network_roles(clara_coordinator, 1) == {"coordinator"}


def test_a_coordinator_reaches_no_administration_page_of_networks(web, two_coordinations):
    web.login("coord.paca@exemple.fr")
    paca = two_coordinations[0]
    for url in ("/admin/reseaux/", "/admin/reseaux/nouveau", f"/admin/reseaux/{paca.id}"):
        assert web.get(url).status_code == 403, url
    token = web.csrf("/paca/coordination/roles")
    response = web.client.post(f"/admin/reseaux/{paca.id}", headers=FROM_OUR_PAGES, data={
        "csrf_token": token, "name": "Pris", "short_name": "P", "colour": "#1d4f91",
        "host": "evil.example"})
    assert response.status_code == 403
    response = web.client.post(f"/admin/reseaux/{paca.id}/supprimer", headers=FROM_OUR_PAGES,
                               data={"delete-csrf_token": token})
    assert response.status_code == 403


def test_a_reviewer_cannot_agree_to_a_network_that_does_not_exist(web):
    from patientlab.networks.services import reviewer_network_ids
    from tests.factories import UserFactory

    reviewer = UserFactory(email="relecteur@exemple.fr", roles=["patient_expert"])
    from patientlab.extensions import db

    db.session.commit()
    web.login("relecteur@exemple.fr")
    response = web.submit("/compte/reseaux", {"networks": ["1", "999", "-1", "0"]})
    assert response.status_code in (200, 302)
    assert reviewer_network_ids(reviewer.id) == {1}


def test_a_person_who_does_not_review_cannot_choose_networks(web):
    from patientlab.networks.services import reviewer_network_ids
    from tests.factories import UserFactory

    researcher = UserFactory(email="chercheuse@exemple.fr", roles=["researcher"])
    from patientlab.extensions import db

    db.session.commit()
    web.login("chercheuse@exemple.fr")
    token = web.csrf("/compte/")
    response = web.client.post("/compte/reseaux", data={"csrf_token": token, "networks": "1"},
                               headers=FROM_OUR_PAGES)
    assert response.status_code == 403
    assert reviewer_network_ids(researcher.id) == set()


# --- A network's settings -----------------------------------------------------------------


def _save(app, values, row=None):
    from patientlab.admin import networks as admin_networks
    from patientlab.networks.services import reserved_slugs
    from tests.factories import UserFactory

    admin = UserFactory(roles=["admin"])
    base = {"name": "Réseau test", "short_name": "RT", "slug": "reseau-test",
            "colour": "#1d4f91", "host": ""}
    return admin_networks.save_network(admin, row, {**base, **values},
                                       reserved_slugs(app.url_map))


@pytest.mark.parametrize("slug", [
    "admin", "ADMIN", "compte", "static", "agenda", "reseaux", "../clara", "clara/..",
    "сlara",  # a Cyrillic « с »
    "clаra",  # a Cyrillic « а »
    "clara", "Clara", "ｃｌａｒａ",
    # The first segment of a network's own pages: « /projets/ » is an address from before
    # networks, sent in mails, that leads to the first network's projects.
    "projets", "evenements", "appels", "coordination", "moderation", "organisation",
])
def test_a_network_s_slug_cannot_take_an_address_of_the_platform(app, slug):
    from patientlab.core.errors import ServiceError

    with pytest.raises(ServiceError) as refused:
        _save(app, {"slug": slug, "name": f"Réseau {slug}"})
    assert refused.value.field == "slug"


@pytest.mark.parametrize("host", [
    "localhost", "localhost:5000", "patientlab.exemple.fr:443", "evil.example/x",
    "evil.example\r\nX: 1", "https://evil.example", "évil.exemple.fr",
])
def test_a_network_s_host_is_a_plain_host_name_other_than_the_platform_s(app, host):
    from patientlab.core.errors import ServiceError

    with pytest.raises(ServiceError) as refused:
        _save(app, {"host": host})
    assert refused.value.field == "host"


@pytest.mark.parametrize("host", ["patientlab.exemple.fr", "PatientLab.Exemple.fr."])
def test_a_network_s_host_is_not_the_platform_s_own(app, monkeypatch, host):
    """The platform's own host name given to a network would send the platform's home
    page to that network's and make every platform page's links that network's."""
    from patientlab.core.errors import ServiceError

    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://patientlab.exemple.fr")
    with pytest.raises(ServiceError) as refused:
        _save(app, {"host": host})
    assert refused.value.field == "host"


@pytest.mark.parametrize("colour", [
    "#1d4f91;} body{display:none", "#1d4f91</style>", "red", "#1d4f9",
    "expression(alert(1))", "#1D4F91 !important",
])
def test_a_network_s_colour_is_only_a_colour(app, colour):
    from patientlab.core.errors import ServiceError

    with pytest.raises(ServiceError) as refused:
        _save(app, {"colour": colour})
    assert refused.value.field == "colour"


def test_the_mail_sender_of_a_network_cannot_add_headers(app):
    from email import message_from_string

    from flask_babel import lazy_gettext as _l

    from patientlab.core.mail import notify
    from patientlab.networks import context
    from tests.factories import UserFactory

    network = _save(app, {
        "mail_sender_name": "PACA\r\nBcc: tous@evil.example\nX-Evil: 1",
        "mail_sender_address": "contact@paca.exemple.fr\r\nBcc: a@evil.example"})
    user = UserFactory(email="nadia@exemple.fr")
    with app.test_request_context("/"), context.within(network):
        message = notify(user, _l("Mot de passe modifié"), "password_changed")
    parsed = message_from_string(message.to_email(app.config["MAIL_FROM"]).as_string())
    assert parsed["Bcc"] is None
    assert parsed["X-Evil"] is None
    assert "\n" not in message.sender
    assert "\r" not in message.sender


def test_mail_links_stay_on_public_url_whatever_the_host(app, web):
    """A password reset asked for on another network's host name, or a forged one, mails
    a link on PUBLIC_URL."""
    from tests.conftest import link_in, outbox
    from tests.factories import UserFactory

    NetworkFactory(slug="paca", host="parle-moi.exemple.fr")
    UserFactory(email="martine@exemple.fr")
    from patientlab.extensions import db

    db.session.commit()
    for host in ("parle-moi.exemple.fr", "evil.example"):
        token = web.csrf("/compte/mot-de-passe-oublie")
        web.client.post("/compte/mot-de-passe-oublie", headers={
            **FROM_OUR_PAGES, "Host": host, "X-Forwarded-Host": "evil.example"},
            data={"csrf_token": token, "email": "martine@exemple.fr"})
    for message in outbox("martine@exemple.fr"):
        assert "evil" not in message.body_text
        assert "parle-moi" not in message.body_text
        assert link_in(message)
        assert app.config["PUBLIC_URL"] in message.body_text


@pytest.mark.parametrize("path", [
    "//evil.example", "//evil.example/", "/\\evil.example", "/%2F%2Fevil.example",
    "/%5Cevil.example", "///evil.example/projets/", "/projets//evil.example",
    "/projets/?next=//evil.example",
])
def test_old_addresses_lead_only_to_our_own_pages(client, path):
    response = client.get(path)
    if response.status_code in (301, 302, 307, 308):
        location = response.headers["Location"]
        assert not location.startswith(("//", "/\\")), location
        assert location.startswith("/clara/"), location


def test_an_old_address_keeps_its_form_only_to_our_own_path(client):
    response = client.post("/evenements/1/inscription", data={"name": "x"})
    assert response.status_code == 308
    assert response.headers["Location"] == "/clara/evenements/1/inscription"
    # No loop: an address of the first network that does not exist is not found.
    assert client.get("/clara/nulle-part").status_code == 404
    assert client.get("/clara/clara/projets/").status_code == 404


def test_a_page_kept_for_a_network_s_host_is_not_served_on_the_platform_s(app, client):
    """The home page on PACA's host leads to PACA's; the platform's own home page, asked
    for next on its own host, is still the platform's (nothing kept for the one host is
    served for the other)."""
    from patientlab.extensions import db

    NetworkFactory(slug="paca", host="parle-moi.exemple.fr")
    db.session.commit()
    for _ in range(2):
        on_paca = client.get("/", headers={"Host": "parle-moi.exemple.fr"})
        assert on_paca.status_code == 302
        assert client.get("/").status_code == 200


# --- Accounts are the platform's: a network's moderation does not reach above itself -----


@pytest.mark.parametrize("role", ["coordinator", "moderator"])
def test_a_moderator_of_b_cannot_suspend_a_s_people_of_equal_or_higher_rank(web, role):
    """A suspension holds across the platform: under B's address, a person who
    coordinates or moderates A (and holds no role in B) is not a mere citizen."""
    from patientlab.extensions import db
    from tests.factories import UserFactory

    other = NetworkFactory(slug="reseau-b")
    UserFactory(email="moderation.b@exemple.fr", roles=["moderator"], roles__network=other)
    target = UserFactory(email="personne.a@exemple.fr", roles=[role])
    db.session.commit()
    web.login("moderation.b@exemple.fr")
    url = f"/reseau-b/moderation/comptes/{target.id}/suspension"
    web.submit(url, {"suspend-reason": "Pour voir.", "suspend-until": "2099-01-01"},
               prefix="suspend")
    db.session.refresh(target)
    assert target.suspended_until is None


# --- Links in mails: a registration's token, the day-after question -----------------------


def test_the_links_of_a_s_registration_answer_only_under_a_s_address(client, networks):
    from patientlab.events.models import Registration
    from patientlab.events.services.after_evening import satisfaction_token
    from patientlab.events.services.mails import link_token
    from patientlab.extensions import db

    a, b = networks
    registration = db.session.get(Registration, a["registration_id"])
    token = link_token(registration)
    for path in (f"/inscriptions/{token}", f"/inscriptions/{token}/annuler",
                 f"/inscriptions/{token}/modifier", f"/inscriptions/{token}/agenda.ics"):
        response = client.get(f"/{b['network']}{path}")
        assert response.status_code == 404, path
        assert MARK_A not in response.get_data(as_text=True)
        assert client.get(f"/{a['network']}{path}").status_code in (200, 302), path
    response = client.get(f"/{b['network']}/inscriptions/avis/"
                          f"{satisfaction_token(registration)}")
    assert response.status_code in (400, 404)


def test_a_network_s_calendar_feed_holds_only_its_evenings(client, networks):
    a, b = networks
    assert MARK_A not in client.get(f"/{b['network']}/evenements.ics").get_data(as_text=True)
    assert MARK_B not in client.get(f"/{a['network']}/evenements.ics").get_data(as_text=True)
    both = client.get("/agenda.ics").get_data(as_text=True)
    assert MARK_A in both
    assert MARK_B in both


@pytest.mark.parametrize("path", ["/projets/?q=chimiothérapie", "/evenements/?q=famille",
                                  "/appels/?q=Oncostarter", "/glossaire/?q=cohorte"])
def test_a_network_s_search_finds_nothing_of_another(client, networks, path):
    _a, b = networks
    response = client.get(f"/{b['network']}" + path)
    assert MARK_A not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    "/inscriptions/abc%0d%0aSet-Cookie:%20x=1", "/inscriptions/abc%0aLocation:%20//evil",
    "/inscriptions/%2F%2Fevil.example", "/inscriptions/..%2F..%2Fadmin",
])
def test_old_addresses_with_encoded_line_breaks_or_slashes_stay_ours(client, path):
    response = client.get(path)
    assert response.status_code in (308, 400, 404)
    location = response.headers.get("Location", "")
    assert "\r" not in location
    assert "\n" not in location
    assert "Set-Cookie" not in response.headers or "x=1" not in response.headers["Set-Cookie"]
    if location:
        assert location.startswith("/clara/inscriptions/"), location


# --- Joint calls ---------------------------------------------------------------------------


def test_a_partner_reaches_only_the_joint_call_and_cannot_change_its_partners(app, web,
                                                                           networks):
    from patientlab.calls import services as call_svc
    from patientlab.calls.models import Call
    from patientlab.extensions import db
    from patientlab.networks.context import by_slug
    from tests.factories import UserFactory, make_call

    a, b = networks
    joint = db.session.get(Call, a["call_id"])
    other = make_call(title=f"Un autre appel {MARK_A}")
    third = NetworkFactory(slug="reseau-c")
    with app.test_request_context():
        b_id = by_slug(b["network"]).id
    call_svc.set_partners(UserFactory(roles=["admin"]), joint, [b_id])
    db.session.commit()
    web.login(f"b.{Role.COORDINATOR}@exemple.fr")
    base = f"/{b['network']}/coordination/appels"
    assert web.get(f"{base}/{joint.id}").status_code == 200
    for url in (f"{base}/{other.id}", f"{base}/{other.id}/modifier",
                f"{base}/{other.id}/classement.csv"):
        assert web.get(url).status_code == 404, url
    form = web.get(f"{base}/{joint.id}/modifier").get_data(as_text=True)
    assert 'name="partners"' not in form
    token = web.csrf(f"{base}/{joint.id}/modifier")
    web.client.post(f"{base}/{joint.id}/modifier", headers=FROM_OUR_PAGES, data={
        "csrf_token": token, "title": joint.title, "partners": [str(third.id)],
        "published": "y"})
    db.session.expire_all()
    assert set(db.session.get(Call, joint.id).partner_ids) == {b_id}
    from sqlalchemy import select

    from patientlab.auth.models import User
    from patientlab.core.errors import ServiceError

    partner = db.session.scalar(select(User).where(
        User.email == f"b.{Role.COORDINATOR}@exemple.fr"))
    with app.test_request_context(f"/{b['network']}/"):
        app.preprocess_request()
        with pytest.raises(ServiceError):
            call_svc.set_partners(partner, db.session.get(Call, joint.id), [])
