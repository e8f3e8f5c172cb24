"""Every decision the audit trail must keep writes its entry: one test per action."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from patientlab.admin import services as admin
from patientlab.auth import services as auth
from patientlab.auth import suspension
from patientlab.calls import reviewing as rv
from patientlab.core.audit import AuditEntry
from patientlab.events.services.registration import RegistrationData, cancel_registration, register
from patientlab.extensions import db
from patientlab.moderation import services as moderation
from patientlab.projects import services as projects
from tests.factories import (
    RoleRequestFactory,
    UserFactory,
    make_application,
    make_assignment,
    make_call,
    make_event,
    make_project,
)


def _entry(action):
    return db.session.scalar(select(AuditEntry).where(AuditEntry.action == action))


def _registration(event, email):
    return register(event.id, RegistrationData(
        name="Nadia", email=email, seats=1, privacy_consent=True))


def test_validation_of_a_patient_expert():
    coordinator = UserFactory(roles=["coordinator"])
    request = RoleRequestFactory()
    auth.approve_role_request(coordinator, request)
    assert _entry("role.approve").actor_id == coordinator.id


def test_role_change():
    admin_user = UserFactory(roles=["admin"])
    admin.set_roles(admin_user, UserFactory(), ["researcher"])
    assert _entry("user.roles_changed").actor_id == admin_user.id


def test_network_role_changes():
    from patientlab.auth import network_roles
    from patientlab.networks.context import by_id
    from tests.factories import FIRST_NETWORK

    coordinator = UserFactory(roles=["coordinator"])
    person = UserFactory(email="sophie@exemple.fr")
    network_roles.grant_by_email(coordinator, by_id(FIRST_NETWORK), person.email, "organiser")
    network_roles.withdraw(coordinator, by_id(FIRST_NETWORK), person, "organiser")
    for action in ("network.role_granted", "network.role_withdrawn"):
        entry = _entry(action)
        assert (entry.actor_id, entry.object_id) == (coordinator.id, person.id)
        assert entry.summary == "network=clara role=organiser"


def test_suspension():
    admin_user = UserFactory(roles=["admin"])
    suspension.suspend(admin_user, UserFactory(), "Insultes.", date.today() + timedelta(days=2))
    assert _entry("user.suspended").reason == "Insultes."


@pytest.mark.parametrize("decision", ["publish", "refuse"])
def test_moderation_decision(decision):
    question = projects.ask_question(UserFactory(), make_project(), "Question ?")
    moderator = UserFactory(roles=["moderator"])
    moderation.decide(moderator, moderation.kind_of("question"), question, decision,
                      seen_state="pending", reason="insult")
    entry = _entry(f"moderation.{decision}")
    assert (entry.actor_id, entry.object_id) == (moderator.id, question.id)


def test_review_release():
    coordinator = UserFactory(roles=["coordinator"])
    call = make_call(state="review")
    assignment = make_assignment(make_application(call=call))
    rv.save_review(assignment.reviewer, assignment, {
        c.id: rv.AnswerData(score=c.options()[0][0] if c.is_scored else None, comment="Oui.")
        for c in call.criteria})
    rv.submit_review(assignment.reviewer, assignment)
    rv.release_feedback(coordinator, assignment.application)
    assert _entry("review.released").actor_id == coordinator.id


def test_registration_status_changes():
    event = make_event(capacity=1)
    first = _registration(event, "a@exemple.fr")
    _registration(event, "b@exemple.fr")  # waiting
    cancel_registration(first.id)
    assert _entry("registration.create") is not None
    assert _entry("registration.cancel").object_id == first.id
    assert _entry("registration.promote") is not None
