"""Every route × every role, with the expected status declared in one table.

A route that is not in the table fails the test: a new page must state who may
see it. POST-only routes answer 405 to GET; the POST side is covered by each
feature's tests.
"""

import pytest
from flask import url_for
from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.core import permissions
from patientlab.core.security import Role
from patientlab.extensions import db
from tests.access_objects import ROLES, build_objects
from tests.factories import UserFactory, make_project

PUBLIC = "public"
AUTH = "authenticated"
ANONYMOUS = "anonymous only"
BAD_TOKEN = "bad token"
POST_ONLY = "post only"
NOT_A_PAGE = "not a page"
REDIRECT = "redirect"
NOT_SUSPENDED = "404 for accounts not suspended"
TWO_STEP_SETUP = "set-up page, then 302 once two-step login is on"


def roles(*allowed):
    return frozenset(allowed)


# The groups the code uses (core.permissions): a change there shows here.
COORDINATION = roles(*permissions.COORDINATION)
MODERATION = roles(*permissions.MODERATION)
PUBLISHERS = roles(*permissions.PUBLISHERS)
RESEARCH = roles(*permissions.RESEARCH)
ORGANISERS = roles(*permissions.EVENT_MANAGERS)
OWNER = roles(Role.RESEARCHER)  # the researcher account here owns the application
READERS = roles(Role.RESEARCHER, Role.PATIENT_EXPERT, Role.COORDINATOR, Role.ADMIN)
REVIEWERS = roles(*permissions.REVIEWERS)
ADMIN = roles(*permissions.ADMINISTRATION)
NOBODY = roles()
ASSIGNED = roles(Role.PATIENT_EXPERT)  # the patient expert here is the assigned reviewer
TWO_STEP_ROLES = roles(Role.MODERATOR, Role.COORDINATOR, Role.ADMIN)

ACCESS = {
    "static": NOT_A_PAGE,
    "main.home": PUBLIC,
    "main.my_space": AUTH,
    "main.accessibility": PUBLIC,
    "main.charter": PUBLIC,
    "main.privacy": PUBLIC,
    "main.healthz": PUBLIC,
    "main.set_language": POST_ONLY,
    "main.choose_language": REDIRECT,
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
    "auth.extend_session": POST_ONLY,
    "auth.notifications": AUTH,
    "auth.unsubscribe": BAD_TOKEN,
    "auth.my_data": AUTH,
    "auth.erase": AUTH,
    "auth.export_data": AUTH,
    "auth.change_password": AUTH,
    "auth.change_email": AUTH,
    "auth.request_role": AUTH,
    "auth.reviewer_networks": roles(Role.PATIENT_EXPERT, Role.ASSOCIATION_REP),
    "auth.login_code": REDIRECT,  # nobody waiting for a code: back to the login page
    "auth.security": AUTH,
    "auth.two_step_setup": TWO_STEP_SETUP,
    "auth.new_recovery_codes": POST_ONLY,
    "auth.two_step_off": POST_ONLY,
    "admin.reset_two_step": POST_ONLY,
    "coordination.index": COORDINATION,
    "coordination.validations": COORDINATION,
    "coordination.validation": COORDINATION,
    "coordination.approve": POST_ONLY,
    "coordination.refuse": POST_ONLY,
    "coordination.roles": roles(Role.COORDINATOR),
    "coordination.withdraw_role": POST_ONLY,
    "coordination.participation": COORDINATION,
    "coordination.participation_csv": COORDINATION,
    "moderation.index": MODERATION,
    "members.profile": AUTH,
    "moderation.item": MODERATION,
    "moderation.decide_appeal": POST_ONLY,
    "moderation.trust": POST_ONLY,
    "moderation.suspend": MODERATION,
    "moderation.lift": POST_ONLY,
    "moderation.appeal_suspension": NOT_SUSPENDED,  # 404 unless suspended
    "moderation.decide_suspension_appeal": POST_ONLY,
    "moderation.bulk": POST_ONLY,
    "moderation.edit_text": POST_ONLY,
    "moderation.revision": MODERATION,  # a change to published results waits here
    "moderation.report": AUTH,  # any logged-in person reports published content
    "moderation.appeal": NOBODY,  # only the author (not one of these accounts)
    "projects.index": PUBLIC,
    "projects.detail": PUBLIC,
    "projects.falc": PUBLIC,
    "projects.glossary": PUBLIC,
    "projects.glossary_manage": COORDINATION,
    "projects.glossary_edit": COORDINATION,
    "projects.glossary_delete": POST_ONLY,
    "projects.plain_words": COORDINATION,
    "projects.plain_word_delete": POST_ONLY,
    "projects.check_section": POST_ONLY,
    "cycle.from_funding": COORDINATION,  # the application here is funded
    "projects.follow": POST_ONLY,
    "projects.followup_page": OWNER,  # only the project's team, never the coordination
    "projects.add_milestone": POST_ONLY,
    "projects.milestone_reached": POST_ONLY,
    "projects.delete_milestone": POST_ONLY,
    "projects.post_update": POST_ONLY,
    "projects.edit_update": POST_ONLY,
    "projects.edit_results": OWNER,
    "projects.results": PUBLIC,  # published here
    "calls.results": PUBLIC,
    "coordination.impact_page": COORDINATION,
    "coordination.impact_csv": COORDINATION,
    "cycle.evening_projects": roles(*permissions.EVENT_MANAGERS, *permissions.COORDINATION),
    "cycle.add_project": POST_ONLY,
    "cycle.remove_project": POST_ONLY,
    "cycle.materials": POST_ONLY,
    "projects.falc_panels": COORDINATION,
    "projects.falc_new_panel": POST_ONLY,
    "projects.falc_invite_reader": POST_ONLY,
    "projects.falc_reader_revoke": POST_ONLY,
    "projects.falc_reader_home": BAD_TOKEN,
    "projects.falc_read": BAD_TOKEN,
    "projects.mine": RESEARCH,
    "projects.new": RESEARCH,
    "projects.edit": RESEARCH,  # the researcher account here owns the project
    "projects.review_queue": PUBLISHERS,
    "projects.review": PUBLISHERS,
    "projects.publish": POST_ONLY,
    "projects.send_back": POST_ONLY,
    "projects.submit": POST_ONLY,
    "projects.ask": POST_ONLY,
    "projects.answer": POST_ONLY,
    "projects.rate": POST_ONLY,
    "events.index": PUBLIC,
    "events.detail": PUBLIC,
    "events.event_ics": PUBLIC,
    "events.feed": PUBLIC,
    "events.register": PUBLIC,  # the fields for the number of people chosen
    "events.registration_sent": PUBLIC,
    "events.registration": BAD_TOKEN,
    "events.cancel_registration": BAD_TOKEN,
    "events.change_registration": BAD_TOKEN,
    "events.registration_ics": BAD_TOKEN,
    "events.satisfaction": BAD_TOKEN,
    "organisation.events": ORGANISERS,
    "organisation.new": ORGANISERS,
    "organisation.edit": ORGANISERS,  # the organiser account here runs the event
    "organisation.dashboard": ORGANISERS,
    "organisation.export": ORGANISERS,
    "organisation.attendance_sheet": ORGANISERS,
    "organisation.check_in": ORGANISERS,
    "organisation.message": ORGANISERS,
    "organisation.publish": POST_ONLY,
    "organisation.unpublish": POST_ONLY,
    "organisation.registration_detail": ORGANISERS,
    "organisation.change_seats": POST_ONLY,
    "organisation.resend_registration_link": POST_ONLY,
    "organisation.cancel_one": POST_ONLY,
    "organisation.arrived": POST_ONLY,
    "organisation.undo_arrival": POST_ONLY,
    "organisation.cancel": POST_ONLY,
    "organisation.record": ORGANISERS,
    "organisation.register_by_phone": ORGANISERS,
    "organisation.printed_confirmation": ORGANISERS,
    "organisation.move": POST_ONLY,
    "organisation.note": POST_ONLY,
    "organisation.called": POST_ONLY,
    "organisation.walk_in": POST_ONLY,
    "calls.index": PUBLIC,
    "calls.detail": PUBLIC,
    "applications.mine": RESEARCH,
    "applications.new": RESEARCH,
    "applications.edit": OWNER,
    "applications.confirm": OWNER,
    "applications.detail": RESEARCH,
    "applications.respond": POST_ONLY,
    "applications.attachment": READERS,
    "reviews.index": REVIEWERS,
    "reviews.detail": ASSIGNED,
    "reviews.interests": POST_ONLY,
    "reviews.confirm": ASSIGNED,
    "reviews.print_version": ASSIGNED,
    "reviews.read": ASSIGNED,
    "call_admin.index": COORDINATION,
    "call_admin.new": COORDINATION,
    "call_admin.edit": COORDINATION,
    "call_admin.call": COORDINATION,
    "call_admin.criteria": COORDINATION,
    "call_admin.new_criterion": COORDINATION,
    "call_admin.edit_criterion": COORDINATION,
    "call_admin.move_criterion": POST_ONLY,
    "call_admin.delete_criterion": POST_ONLY,
    "call_admin.ranking": COORDINATION,
    "call_admin.ranking_csv": COORDINATION,
    "call_admin.summary": COORDINATION,
    "call_admin.application": COORDINATION,
    "call_admin.assign": POST_ONLY,
    "call_admin.unassign": POST_ONLY,
    "call_admin.release": POST_ONLY,
    "call_admin.decide": POST_ONLY,
    "call_admin.review": COORDINATION,
    "call_admin.edit_comments": POST_ONLY,
    "call_admin.ask_rephrase": POST_ONLY,
    "call_admin.enter_review": COORDINATION,
    "admin.index": ADMIN,
    "admin.news": ADMIN,
    "committee.index": AUTH,
    "reviews.guide": PUBLIC,
    "call_admin.rate_review": POST_ONLY,
    "committee.new": COORDINATION,
    # Only its members and the coordination see a session (this one has no member).
    "committee.session": COORDINATION,
    "committee.add_member": POST_ONLY,
    "committee.item": COORDINATION,
    "committee.preliminary_score": POST_ONLY,
    "committee.final_score": POST_ONLY,
    "committee.notes": POST_ONLY,
    "committee.recommend": POST_ONLY,
    "committee.minutes": COORDINATION,
    "committee.presence": POST_ONLY,
    "committee.move": POST_ONLY,
    "committee.open_item": POST_ONLY,
    "committee.conflict": NOBODY,  # the members of the session only: none here
    "committee.withdraw_conflict": POST_ONLY,
    "committee.close": COORDINATION,
    "committee.reopen": COORDINATION,
    "admin.journal": ADMIN,
    "admin.users": ADMIN,
    "admin.user": ADMIN,
    "admin.roles": POST_ONLY,
    "admin.suspend": POST_ONLY,
    "admin.lift": POST_ONLY,
    "admin.associations": ADMIN,
    "admin.charter": ADMIN,
    "admin.settings": ADMIN,
    "auth.accept_charter": REDIRECT,  # nothing to accept: back to where one came from
    "admin.association": ADMIN,
    "admin.networks": ADMIN,
    "admin.network": ADMIN,
    "admin.delete_network": POST_ONLY,
    "admin.grant_network_role": POST_ONLY,
    "admin.withdraw_network_role": POST_ONLY,
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
    if access == REDIRECT:
        return 302
    if access == NOT_SUSPENDED:
        return 404 if logged_in else 302
    if access == TWO_STEP_SETUP:  # the factory sets it up for the roles that require it
        return 302 if not logged_in or role in TWO_STEP_ROLES else 200
    if not logged_in:
        return 302
    return 200 if role in access else 403


@pytest.fixture
def objects():
    return build_objects()


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
        response = web.get(url)
        status = response.status_code
        response.close()
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
    assert web.get(f"/clara/projets/{draft.id}").status_code == status
    assert web.get(f"/clara/projets/{draft.id}/facile-a-lire").status_code == 404


@pytest.mark.parametrize("page", ["²", "1⁰", "99999999", "9" * 4301, "-1", "1e3", " 2", "٣"])
def test_any_page_number_gives_a_page_never_a_server_error(web, page):
    UserFactory(email="admin.pages@exemple.fr", roles=["admin", "moderator"])
    db.session.commit()
    web.login("admin.pages@exemple.fr")
    for url in ("/clara/projets/", "/clara/moderation/", "/admin/journal", "/admin/utilisateurs/"):
        response = web.get(url, query_string={"page": page})
        assert response.status_code == 200, (url, page[:10], response.status_code)
