"""A call run by two networks together: the lead's coordination names the partner, the
partner's coordination manages it as the lead's does, a third network's does not, and
reviewers come from both networks' pools."""

import pytest
from flask import g
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from patientlab.calls import reviewing
from patientlab.calls import services as calls
from patientlab.calls.committee import may_chair, sessions_chaired_by
from patientlab.calls.models import Call, CommitteeSession
from patientlab.core.audit import AuditEntry
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.extensions import db
from tests.conftest import outbox
from tests.factories import (
    FIRST_NETWORK,
    NetworkFactory,
    UserFactory,
    make_application,
    make_assignment,
    make_call,
)


@pytest.fixture
def paca():
    return NetworkFactory(slug="paca", short_name="PACA")


@pytest.fixture
def ouest():
    return NetworkFactory(slug="ouest", short_name="Grand Ouest")


@pytest.fixture
def lead():
    return UserFactory(roles=["coordinator"])  # CLARA's coordination


def _under(app, network):
    context = app.test_request_context(f"/{network.slug}/")
    context.push()
    g.network = network
    return context


def _journal(call):
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "call.partners_changed", AuditEntry.object_id == call.id)))


def test_the_leads_coordination_names_a_partner_and_it_is_journaled(lead, paca):
    call = make_call()
    assert calls.set_partners(lead, call, [paca.id]) is True
    assert call.network_ids == (FIRST_NETWORK, paca.id)
    assert call.partner_ids == (paca.id,)
    [entry] = _journal(call)
    assert entry.actor_id == lead.id
    assert entry.summary == "partners=paca added=paca withdrawn=-"
    assert calls.set_partners(lead, call, [paca.id]) is False  # nothing changed
    assert calls.set_partners(lead, call, []) is True
    assert call.network_ids == (FIRST_NETWORK,)
    assert _journal(call)[-1].summary == "partners=- added=- withdrawn=paca"


def test_the_lead_is_not_its_own_partner(lead, paca):
    call = make_call()
    with pytest.raises(ServiceError) as error:
        calls.set_partners(lead, call, [paca.id, FIRST_NETWORK])
    assert error.value.field == "partners"
    assert call.partner_ids == ()
    with pytest.raises(ServiceError):
        calls.set_partners(lead, call, [paca.id + 1000])  # no such network


def test_only_the_leads_coordination_chooses_the_partners(lead, paca, ouest):
    call = make_call()
    calls.set_partners(lead, call, [paca.id])
    partner = UserFactory(roles=["coordinator"], roles__network=paca)
    with pytest.raises(ServiceError):
        calls.set_partners(partner, call, [paca.id, ouest.id])
    assert call.partner_ids == (paca.id,)
    assert calls.set_partners(UserFactory(roles=["admin"]), call, [ouest.id])


def test_a_partners_coordination_manages_the_call_and_a_third_networks_does_not(
        app, lead, paca, ouest):
    call = make_call()
    calls.set_partners(lead, call, [paca.id])
    application = make_application(call=call)
    partner = UserFactory(roles=["coordinator"], roles__network=paca)
    third = UserFactory(roles=["coordinator"], roles__network=ouest)
    session = CommitteeSession(call_id=call.id, title="Comité commun", meets_at=utcnow(),
                               chair_id=partner.id)
    db.session.add(session)
    db.session.flush()
    # No address at all (a job, a command): the call's networks decide.
    assert calls.is_coordinator(partner, call.network_ids)
    assert calls.may_coordinate(partner, application)
    assert may_chair(partner, session)
    assert not calls.is_coordinator(third, call.network_ids)
    assert not calls.may_coordinate(third, application)
    assert not may_chair(third, session)
    with pytest.raises(PermissionError):
        calls.save_call(third, call, None)
    # Under the partner's address, the call and its application are found; a third
    # network's address does not know them.
    ctx = _under(app, paca)
    try:
        assert calls.get_call_or_404(call.id, partner) is call
        assert calls.get_application_or_404(application.id) is application
        assert call in calls.list_all_calls()
        assert call in calls.list_public_calls()
        assert session in sessions_chaired_by(partner)
    finally:
        ctx.pop()
    ctx = _under(app, ouest)
    try:
        with pytest.raises(NotFound):
            calls.get_call_or_404(call.id, third)
        with pytest.raises(NotFound):
            calls.get_application_or_404(application.id)
        assert call not in calls.list_all_calls()
        assert call not in calls.list_public_calls()
    finally:
        ctx.pop()


def test_reviewers_come_from_the_pools_of_the_lead_and_the_partners(lead, paca, ouest):
    call = make_call()
    application = make_application(call=call)
    of_clara = UserFactory(roles=["patient_expert"])  # agreed to CLARA by default
    of_paca = UserFactory(roles=["patient_expert"], roles__network=paca)
    of_ouest = UserFactory(roles=["patient_representative"], roles__network=ouest)
    assert of_paca not in reviewing.eligible_reviewers(application)
    calls.set_partners(lead, call, [paca.id])
    eligible = reviewing.eligible_reviewers(application)
    assert of_clara in eligible
    assert of_paca in eligible
    assert of_ouest not in eligible


def test_a_conflict_on_a_joint_call_tells_both_coordinations_each_in_its_own_pages(
        lead, paca):
    call = make_call(state="review")
    calls.set_partners(lead, call, [paca.id])
    partner = UserFactory(roles=["coordinator"], roles__network=paca)
    assignment = make_assignment(make_application(call=call), status="pending")
    reviewing.declare_interests(assignment.reviewer, assignment, conflict=True,
                                reason="same_place")
    application_page = f"coordination/appels/candidatures/{assignment.application_id}"
    assert f"/clara/{application_page}" in outbox(lead.email)[-1].body_text
    assert f"/paca/{application_page}" in outbox(partner.email)[-1].body_text


def test_a_joint_call_loads_its_partners_with_the_list_not_one_query_per_call(
        lead, paca, app):
    for _ in range(3):
        calls.set_partners(lead, make_call(), [paca.id])
    paca_id = paca.id
    db.session.flush()
    db.session.expire_all()
    from sqlalchemy import event

    statements = []

    def count(*args):
        statements.append(args)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        found = db.session.scalars(select(Call)).all()
        assert all(call.network_ids == (FIRST_NETWORK, paca_id) for call in found)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) <= 3  # calls, their criteria, their partners
