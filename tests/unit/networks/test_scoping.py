"""Each network its own house, in the services: lookups answer 404 for another network's
object under a network's address, and a role held in one network decides nothing about
another's objects, in a request as in a job (no address at all)."""

import pytest
from flask import g
from werkzeug.exceptions import NotFound

from patientlab.calls import reviewing
from patientlab.calls import services as calls
from patientlab.calls.committee import may_chair
from patientlab.calls.models import CommitteeSession
from patientlab.core.models import utcnow
from patientlab.events.services import access as events
from patientlab.extensions import db
from patientlab.moderation import services as moderation
from patientlab.projects import services as projects
from tests.conftest import outbox
from tests.factories import (
    NetworkFactory,
    UserFactory,
    make_application,
    make_assignment,
    make_call,
    make_event,
    make_project,
)


@pytest.fixture
def paca():
    return NetworkFactory(slug="paca", short_name="PACA")


def _under(app, network):
    """A request under ``network``'s address."""
    context = app.test_request_context(f"/{network.slug}/")
    context.push()
    g.network = network
    return context


def test_lookups_answer_404_for_another_networks_objects_under_this_address(app, paca):
    call = make_call()
    application = make_application(call=call)
    assignment = make_assignment(application)
    review = reviewing.save_review(assignment.reviewer, assignment, {})
    project = make_project()
    event = make_event()
    admin = UserFactory(roles=["admin"])
    ctx = _under(app, paca)
    try:
        for lookup in (lambda: calls.get_call_or_404(call.id, admin),
                       lambda: calls.get_application_or_404(application.id),
                       lambda: reviewing.get_assignment_or_404(assignment.id),
                       lambda: reviewing.get_review_or_404(review.id),
                       lambda: projects.get_project_or_404(project.id, admin),
                       lambda: events.get_event_or_404(event.id),
                       lambda: moderation.get_item_or_404(moderation.kind_of("question"),
                                                           projects.ask_question(
                                                               admin, project, "Oui ?").id)):
            with pytest.raises(NotFound):
                lookup()
    finally:
        ctx.pop()


def test_the_same_lookups_find_this_networks_objects(app, paca):
    call = make_call(network_id=paca.id)
    event = make_event(network_id=paca.id)
    ctx = _under(app, paca)
    try:
        assert calls.get_call_or_404(call.id) is call
        assert events.get_event_or_404(event.id) is event
    finally:
        ctx.pop()


def test_a_role_held_in_one_network_decides_nothing_about_anothers_objects_in_a_job(paca):
    """No address at all (a command, a job): the object's network decides."""
    coordinator = UserFactory(roles=["coordinator"], roles__network=paca)
    organiser = UserFactory(roles=["organiser"], roles__network=paca)
    moderator = UserFactory(roles=["moderator"], roles__network=paca)
    clara_call, paca_call = make_call(), make_call(network_id=paca.id)
    assert not calls.is_coordinator(coordinator, clara_call.network_id)
    assert calls.is_coordinator(coordinator, paca_call.network_id)
    assert not calls.may_coordinate(coordinator, make_application(call=clara_call))
    assert calls.may_coordinate(coordinator, make_application(call=paca_call))
    with pytest.raises(PermissionError):
        calls.save_call(coordinator, clara_call, None)
    session = CommitteeSession(call_id=clara_call.id, title="Comité", meets_at=utcnow())
    db.session.add(session)
    db.session.flush()
    assert not may_chair(coordinator, session)
    assert not events.can_manage(organiser, make_event(organiser))  # a CLARA evening
    assert events.can_manage(organiser, make_event(organiser, network_id=paca.id))
    project = make_project()
    assert not projects.can_publish(coordinator, project)
    assert not projects.can_edit(coordinator, project)
    question = projects.ask_question(UserFactory(), project, "Une question ?")
    with pytest.raises(PermissionError):
        moderation.decide(moderator, moderation.kind_of("question"), question, "publish",
                          seen_state=question.moderation_state)


def test_a_reminder_sent_by_a_job_links_to_the_calls_own_network(paca):
    from datetime import timedelta

    call = make_call(state="review", network_id=paca.id)
    assignment = make_assignment(make_application(call=call))
    assert reviewing.send_review_reminders(now=call.review_deadline - timedelta(days=2)) == 1
    assert f"/paca/relectures/{assignment.id}" in outbox(assignment.reviewer.email)[-1].body_text
