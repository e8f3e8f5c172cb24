"""Each network its own house: the roles held in one network open nothing of another's.

Two networks, A (the first, CLARA) and B, each with one of every kind of object
(``tests.access_objects``). Every page of a network that a visitor may not see is asked
for, about A's objects, by people whose roles and objects are all in B — under A's
address and under B's — and by the same roles held in A, who get what the main matrix
(``test_access_matrix.ACCESS``) declares. Lists a network's page shows name none of the
other network's objects.
"""

import pytest
from flask import url_for

from patientlab.core.security import Role
from tests.access_objects import build_objects
from tests.factories import NetworkFactory
from tests.functional.test_access_matrix import (
    ACCESS,
    AUTH,
    NOT_A_PAGE,
    PUBLIC,
    REDIRECT,
    expected,
)

#: Words in the titles of A's and B's objects, looked for in the other's pages.
MARK_A, MARK_B = "Alphazed", "Betazed"
#: The roles held in one network only (network roles), and the national ones whose
#: objects (a project, an application, an assignment) are all in one network.
ROLES = [Role.COORDINATOR, Role.ORGANISER, Role.MODERATOR, Role.PATIENT_EXPERT,
         Role.RESEARCHER]
NETWORK_ROLES = (Role.COORDINATOR, Role.ORGANISER, Role.MODERATOR)
#: URL arguments naming an object that belongs to a network.
NETWORK_OBJECTS = {"project_id", "call_id", "application_id", "assignment_id", "review_id",
                   "session_id", "point_id", "event_id", "registration_id", "milestone_id",
                   "item_id", "revision_id", "criterion_id", "question_id", "term_id",
                   "word_id"}
#: Pages about another network's object that a national role opens under that network's
#: own address: any researcher may apply to any network's open call.
NATIONAL_ON_OTHERS = {"applications.new"}


@pytest.fixture
def networks():
    a = build_objects(mark=MARK_A)
    other = NetworkFactory(slug="reseau-b", short_name="B")
    b = build_objects(other, prefix="b.", mark=MARK_B, national=False)
    return a, b


def _private_network_rules(app):
    """The rules under a network's address a visitor may not see (302 to the login)."""
    for rule in app.url_map.iter_rules():
        access = ACCESS[rule.endpoint]
        if "network" not in rule.arguments or access in (NOT_A_PAGE, REDIRECT):
            continue
        if expected(access, "visitor") == 302:
            yield rule, access


def _url(app, rule, objects, slug):
    with app.test_request_context():
        return url_for(rule.endpoint, **{**{arg: objects[arg] for arg in rule.arguments},
                                         "network": slug})


def _refused(response) -> bool:
    """403, 404, or sent to log in or to set up two-step login: never the page."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response.headers["Location"].startswith("/compte/")


@pytest.mark.parametrize("role", ROLES)
def test_roles_held_in_b_open_nothing_of_a(app, web, networks, role):
    a, b = networks
    web.login(f"b.{role}@exemple.fr")
    as_in_a = role if role not in NETWORK_ROLES else "citizen"  # what they are in A
    wrong = []
    for rule, access in _private_network_rules(app):
        about_objects = bool(NETWORK_OBJECTS & rule.arguments)
        for slug in (a["network"], b["network"]):
            url = _url(app, rule, a, slug)
            response = web.get(url)
            body = response.get_data(as_text=True)
            response.close()
            if about_objects:
                if slug == a["network"] and (access == AUTH or rule.endpoint
                                             in NATIONAL_ON_OTHERS):
                    if response.status_code != expected(access, as_in_a):
                        wrong.append(f"{url}: {response.status_code}")
                elif not _refused(response):
                    wrong.append(f"{url}: {response.status_code}, expected 403 or 404")
            elif slug == a["network"]:
                if response.status_code != expected(access, as_in_a):
                    wrong.append(f"{url}: {response.status_code}, expected "
                                 f"{expected(access, as_in_a)}")
            elif MARK_A in body:
                wrong.append(f"{url}: shows A's objects")
    assert not wrong, f"as {role} of B:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_the_same_roles_held_in_a_get_what_the_matrix_declares(app, web, networks, role):
    a, _b = networks
    web.login(f"{role}@exemple.fr")
    wrong = []
    for rule, access in _private_network_rules(app):
        url = _url(app, rule, a, a["network"])
        response = web.get(url)
        body = response.get_data(as_text=True)
        response.close()
        if response.status_code != expected(access, role):
            wrong.append(f"{url}: {response.status_code}, expected {expected(access, role)}")
        elif MARK_B in body:
            wrong.append(f"{url}: shows B's objects")
    assert not wrong, f"as {role} of A:\n" + "\n".join(wrong)


def test_public_lists_of_one_network_name_none_of_the_others(app, web, networks):
    a, b = networks
    wrong = []
    for rule in app.url_map.iter_rules():
        if "network" not in rule.arguments or ACCESS[rule.endpoint] != PUBLIC:
            continue
        if NETWORK_OBJECTS & rule.arguments:
            continue
        for mine, other_mark in ((b, MARK_A), (a, MARK_B)):
            url = _url(app, rule, mine, mine["network"])
            response = web.get(url)
            if other_mark in response.get_data(as_text=True):
                wrong.append(f"{url}: shows the other network's objects")
            response.close()
    assert not wrong, "\n".join(wrong)


def test_public_pages_of_a_objects_are_not_found_under_b(app, web, networks):
    a, b = networks
    wrong = []
    for rule in app.url_map.iter_rules():
        if "network" not in rule.arguments or ACCESS[rule.endpoint] != PUBLIC:
            continue
        if not NETWORK_OBJECTS & rule.arguments:
            continue
        url = _url(app, rule, a, b["network"])
        response = web.get(url)
        if response.status_code != 404:
            wrong.append(f"{url}: {response.status_code}, expected 404")
        response.close()
    assert not wrong, "\n".join(wrong)


#: URL arguments naming a call or what hangs from it (a joint call's are its partners' too).
CALL_OBJECTS = {"call_id", "application_id", "assignment_id", "review_id", "session_id",
                "point_id", "criterion_id"}


def test_a_joint_calls_pages_open_to_the_partners_coordination_under_its_own_address(
        app, web, networks):
    """A's call made joint with B: B's coordination gets, under B's address, what the main
    matrix declares for a coordinator on every page about the call and what hangs from it
    (under A's address, the pages whose route asks for a role in A refuse it: the partner
    works under its own address)."""
    from patientlab.calls import services as call_svc
    from patientlab.calls.models import Call
    from patientlab.extensions import db
    from tests.factories import UserFactory

    a, b = networks
    call = db.session.get(Call, a["call_id"])
    call_svc.set_partners(UserFactory(roles=["admin"]), call,
                          [_network_id(b["network"])])
    db.session.commit()
    web.login(f"b.{Role.COORDINATOR}@exemple.fr")
    wrong = []
    for rule, access in _private_network_rules(app):
        if not CALL_OBJECTS & rule.arguments or NETWORK_OBJECTS & rule.arguments - CALL_OBJECTS:
            continue
        url = _url(app, rule, a, b["network"])
        response = web.get(url)
        response.close()
        if response.status_code != expected(access, Role.COORDINATOR):
            wrong.append(f"{url}: {response.status_code}, expected "
                         f"{expected(access, Role.COORDINATOR)}")
    assert not wrong, "as coordinator of the partner B:\n" + "\n".join(wrong)


def _network_id(slug):
    from patientlab.networks.context import by_slug

    return by_slug(slug).id
