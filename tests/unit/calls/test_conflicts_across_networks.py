"""A conflict of interest is a tie with a person: declared on one application of an
applicant, in one network, it keeps the reviewer away from every other application of the
same applicant, in every network, and the coordination is told why without learning the
other network's application or call."""

from datetime import UTC, datetime

import pytest

from patientlab.calls import reviewing
from patientlab.core.errors import ServiceError
from patientlab.extensions import db
from patientlab.networks.models import ReviewerNetwork
from tests.factories import (
    NetworkFactory,
    UserFactory,
    make_application,
    make_assignment,
    make_call,
)
from tests.functional.projects.test_pages import count_queries


@pytest.fixture
def paca():
    return NetworkFactory(slug="paca", short_name="PACA")


def _reviewer(*networks, name="Martine Dupuis"):
    """A validated reviewer whom CLARA and each of ``networks`` may invite."""
    reviewer = UserFactory(roles=["patient_expert"], name=name)
    for network in networks:
        db.session.add(ReviewerNetwork(user_id=reviewer.id, network_id=network.id))
    db.session.flush()
    return reviewer


def _declare(reviewer, application, reason="knows_team", on=None):
    assignment = make_assignment(application, reviewer, status="pending")
    reviewing.declare_interests(reviewer, assignment, conflict=True, reason=reason,
                                details="Dr Morel est ma cousine.", now=on)
    return assignment


def test_a_conflict_declared_in_one_network_keeps_the_reviewer_off_the_applicants_other(
        paca):
    morel = UserFactory(roles=["researcher"], name="Dr Morel")
    martine, other = _reviewer(paca), _reviewer(paca, name="Paul Rey")
    in_clara = make_application(morel, make_call(state="review"), title="Secret de CLARA")
    in_paca = make_application(morel, make_call(state="review", network_id=paca.id))
    _declare(martine, in_clara, on=datetime(2026, 3, 4, 10, tzinfo=UTC))

    eligible = reviewing.eligible_reviewers(in_paca)
    assert martine not in eligible
    assert other in eligible
    [known] = reviewing.known_conflicts(in_paca)
    assert known.reviewer == martine
    assert known.reason_label == "Je connais personnellement l’équipe du projet"
    assert known.declared_at.date().isoformat() == "2026-03-04"
    # Only the reason and the date travel: nothing names CLARA's application or call.
    assert set(vars(known)) == {"reviewer", "reason", "declared_at"}


def test_another_applicants_application_still_offers_the_reviewer(paca):
    martine = _reviewer(paca)
    _declare(martine, make_application(call=make_call(state="review")))
    someone_else = make_application(call=make_call(state="review", network_id=paca.id))
    assert martine in reviewing.eligible_reviewers(someone_else)
    assert reviewing.known_conflicts(someone_else) == []


def test_the_coordination_cannot_assign_a_reviewer_in_conflict_with_the_applicant(paca):
    coordinator = UserFactory(roles=["coordinator"], roles__network=paca)
    morel = UserFactory(roles=["researcher"])
    martine = _reviewer(paca)
    _declare(martine, make_application(morel, make_call(state="review")))
    in_paca = make_application(morel, make_call(state="review", network_id=paca.id))
    with pytest.raises(ServiceError):
        reviewing.assign(coordinator, in_paca, [martine.id])
    assert martine not in reviewing.suggest_reviewers(in_paca, wanted=5)


def test_the_latest_declaration_is_shown_once_per_reviewer(paca):
    morel = UserFactory(roles=["researcher"])
    martine = _reviewer(paca)
    call = make_call(state="review")
    _declare(martine, make_application(morel, call), reason="same_place",
             on=datetime(2025, 1, 2, 9, tzinfo=UTC))
    _declare(martine, make_application(morel, call), reason="involved",
             on=datetime(2026, 5, 6, 9, tzinfo=UTC))
    in_paca = make_application(morel, make_call(state="review", network_id=paca.id))
    [known] = reviewing.known_conflicts(in_paca)
    assert known.reason == "involved"
    assert known.declared_at.year == 2026


def test_a_person_outside_the_calls_pool_is_not_listed(paca):
    morel = UserFactory(roles=["researcher"])
    clara_only = _reviewer()  # CLARA may invite her, PACA may not
    _declare(clara_only, make_application(morel, make_call(state="review")))
    in_paca = make_application(morel, make_call(state="review", network_id=paca.id))
    assert reviewing.known_conflicts(in_paca) == []


def _queries(paca, reviewers):
    """Statements run to list the eligible reviewers and the known conflicts of an
    application whose applicant has ``reviewers`` reviewers in conflict (and as many free)."""
    morel = UserFactory(roles=["researcher"])
    call = make_call(state="review")
    for n in range(reviewers):
        _declare(_reviewer(paca, name=f"Relectrice {n}"), make_application(morel, call))
        _reviewer(paca, name=f"Relecteur {n}")
    application = make_application(morel, make_call(state="review", network_id=paca.id))
    db.session.expire_all()
    application = db.session.get(type(application), application.id)
    _ = application.call.network_ids  # the application's own loading is not counted
    with count_queries() as listing:
        eligible = reviewing.eligible_reviewers(application)
    with count_queries() as warnings:
        known = reviewing.known_conflicts(application)
    assert len(eligible) == len(known) == reviewers
    assert [k.reviewer.name for k in known] == [f"Relectrice {n}" for n in range(reviewers)]
    return len(listing), len(warnings)


def test_the_list_and_its_warnings_do_not_query_per_reviewer(paca):
    # One statement each, plus the users' roles loaded once for the whole list.
    assert _queries(paca, 1) == _queries(NetworkFactory(slug="ouest"), 4)
