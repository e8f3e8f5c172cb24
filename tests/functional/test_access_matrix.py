"""Every route × every role, with the expected status declared in one table.

A route that is not in the table fails the test: a new page must state who may
see it. POST-only routes answer 405 to GET; the POST side is covered by each
feature's tests.
"""

import pytest
from flask import url_for
from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.core.security import Role
from patientlab.extensions import db
from tests.factories import RoleRequestFactory, UserFactory, make_event, make_project

ROLES = ["visitor", "citizen", Role.PATIENT_EXPERT, Role.ASSOCIATION_REP, Role.RESEARCHER,
         Role.ORGANISER, Role.MODERATOR, Role.COORDINATOR, Role.ADMIN]

PUBLIC = "public"
AUTH = "authenticated"
ANONYMOUS = "anonymous only"
BAD_TOKEN = "bad token"
POST_ONLY = "post only"
NOT_A_PAGE = "not a page"


def roles(*allowed):
    return frozenset(allowed)


COORDINATION = roles(Role.COORDINATOR, Role.ADMIN)
MODERATION = roles(Role.MODERATOR, Role.ADMIN)
PUBLISHERS = roles(Role.COORDINATOR, Role.MODERATOR, Role.ADMIN)
RESEARCH = roles(Role.RESEARCHER, Role.COORDINATOR, Role.ADMIN)
ORGANISERS = roles(Role.ORGANISER, Role.ADMIN)

ACCESS = {
    "static": NOT_A_PAGE,
    "main.home": PUBLIC,
    "main.accessibility": PUBLIC,
    "main.charter": PUBLIC,
    "main.privacy": PUBLIC,
    "main.healthz": PUBLIC,
    "main.set_language": POST_ONLY,
    "auth.register": ANONYMOUS,
    "auth.login": ANONYMOUS,
    "auth.logout": POST_ONLY,
    "auth.check_email": PUBLIC,
    "auth.verify_email": BAD_TOKEN,
    "auth.resend_verification": POST_ONLY,
    "auth.forgot_password": PUBLIC,
    "auth.reset_password": BAD_TOKEN,
    "auth.confirm_email_change": BAD_TOKEN,
    "auth.preferences": PUBLIC,
    "auth.profile": AUTH,
    "auth.change_password": AUTH,
    "auth.change_email": AUTH,
    "auth.request_role": AUTH,
    "coordination.index": COORDINATION,
    "coordination.validations": COORDINATION,
    "coordination.validation": COORDINATION,
    "moderation.index": MODERATION,
    "moderation.question": MODERATION,
    "projects.index": PUBLIC,
    "projects.detail": PUBLIC,
    "projects.falc": PUBLIC,
    "projects.glossary": PUBLIC,
    "projects.glossary_manage": COORDINATION,
    "projects.glossary_edit": COORDINATION,
    "projects.glossary_delete": POST_ONLY,
    "projects.mine": RESEARCH,
    "projects.new": RESEARCH,
    "projects.edit": RESEARCH,  # the researcher account here owns the project
    "projects.review_queue": PUBLISHERS,
    "projects.review": PUBLISHERS,
    "projects.submit": POST_ONLY,
    "projects.ask": POST_ONLY,
    "projects.answer": POST_ONLY,
    "projects.rate": POST_ONLY,
    "events.index": PUBLIC,
    "events.detail": PUBLIC,
    "events.event_ics": PUBLIC,
    "events.feed": PUBLIC,
    "events.register": POST_ONLY,
    "events.registration": BAD_TOKEN,
    "events.cancel_registration": POST_ONLY,
    "organisation.events": ORGANISERS,
    "organisation.new": ORGANISERS,
    "organisation.edit": ORGANISERS,  # the organiser account here runs the event
    "organisation.dashboard": ORGANISERS,
    "organisation.export": ORGANISERS,
    "organisation.attendance_sheet": ORGANISERS,
    "organisation.check_in": ORGANISERS,
    "organisation.toggle_check_in": POST_ONLY,
    "organisation.cancel": POST_ONLY,
}


def expected(access, role):
    logged_in = role != "visitor"
    if access == PUBLIC:
        return 200
    if access == AUTH:
        return 200 if logged_in else 302
    if access == ANONYMOUS:
        return 302 if logged_in else 200
    if access == BAD_TOKEN:
        return 400
    if access == POST_ONLY:
        return 405
    if not logged_in:
        return 302
    return 200 if role in access else 403


@pytest.fixture
def objects():
    researcher = UserFactory(email="researcher@exemple.fr", roles=[Role.RESEARCHER])
    project = make_project(researcher, falc_text="Une phrase simple.")
    from patientlab.projects import services as svc
    from patientlab.projects.models import GlossaryTerm

    question = svc.ask_question(UserFactory(), project, "Une question ?")
    term = GlossaryTerm(term="cohorte", slug="cohorte", definition="Un groupe.")
    db.session.add(term)
    request = RoleRequestFactory()
    db.session.flush()
    organiser = UserFactory(email="organiser@exemple.fr", roles=[Role.ORGANISER])
    event = make_event(organiser)
    for role in ROLES:
        if role not in ("visitor", Role.RESEARCHER, Role.ORGANISER):
            UserFactory(email=f"{role}@exemple.fr",
                        roles=[] if role == "citizen" else [role])
    db.session.commit()
    return {"project_id": project.id, "question_id": question.id, "term_id": term.id,
            "request_id": request.id, "token": "jeton-invalide", "filename": "css/x.css",
            "event_id": event.id, "registration_id": 1}


def test_every_route_is_in_the_access_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - ACCESS.keys() == set(), "declare who may use these routes"
    assert ACCESS.keys() - endpoints == set(), "remove routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_declared_status_on_every_route(app, web, objects, role):
    if role != "visitor":
        web.login(f"{role}@exemple.fr")
    wrong = []
    for rule in app.url_map.iter_rules():
        access = ACCESS[rule.endpoint]
        if access == NOT_A_PAGE:
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: objects[arg] for arg in rule.arguments})
        status = web.get(url).status_code
        if status != expected(access, role):
            wrong.append(f"{url}: {status}, expected {expected(access, role)}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    ("role", "status"),
    [("visitor", 404), ("citizen", 404), (Role.PATIENT_EXPERT, 404), (Role.RESEARCHER, 200),
     (Role.MODERATOR, 200), (Role.COORDINATOR, 200)],
)
def test_a_draft_project_exists_only_for_its_team_and_publishers(web, objects, role, status):
    owner = db.session.scalar(select(User).where(User.email == "researcher@exemple.fr"))
    draft = make_project(owner, published=False)
    db.session.commit()
    if role != "visitor":
        web.login(f"{role}@exemple.fr")
    assert web.get(f"/projets/{draft.id}").status_code == status
    assert web.get(f"/projets/{draft.id}/facile-a-lire").status_code == 404
