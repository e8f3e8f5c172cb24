"""Who may read an application and who may coordinate it (security regressions)."""

import pytest

from patientlab.auth.models import UserRole
from patientlab.calls import reviewing
from patientlab.calls import services as svc
from patientlab.extensions import db
from tests.conftest import FormClient
from tests.factories import UserFactory, make_application, make_assignment, make_call


@pytest.mark.parametrize("status", ["pending", "conflict"])
def test_the_confidential_pdf_waits_for_the_declaration_of_interests_and_stops_at_a_conflict(
        status):
    application = make_application()
    assignment = make_assignment(application, status=status)
    assert not svc.can_read_application(assignment.reviewer, application)


def test_the_confidential_pdf_stops_when_the_reviewer_role_is_removed():
    application = make_application()
    assignment = make_assignment(application)
    assert svc.can_read_application(assignment.reviewer, application)
    db.session.query(UserRole).filter_by(user_id=assignment.reviewer_id).delete()
    db.session.expire(assignment.reviewer)
    assert not svc.can_read_application(assignment.reviewer, application)


def test_the_pdf_route_follows_the_same_rule(client, app):
    application = make_application(attachment_key="0" * 32, attachment_name="projet.pdf")
    assignment = make_assignment(application, status="pending")
    db.session.commit()
    FormClient(client).login(assignment.reviewer.email)
    assert client.get(f"/clara/candidatures/{application.id}/document").status_code == 403


def test_a_coordinator_never_coordinates_their_own_application():
    coordinator = UserFactory(roles=["coordinator", "researcher"])
    other = UserFactory(roles=["coordinator"])
    call = make_call(state="review")
    own = make_application(coordinator, call)
    make_assignment(own)
    for act in (lambda: reviewing.release_feedback(coordinator, own),
                lambda: reviewing.record_decision(coordinator, own, "funded", "Bien."),
                lambda: reviewing.assign(coordinator, own, [UserFactory(
                    roles=["patient_expert"]).id])):
        with pytest.raises(PermissionError):
            act()
    assert svc.may_coordinate(other, own)
    assert svc.applications_involving(coordinator, call) == {own.id}


def test_a_coordinator_who_declared_a_conflict_does_not_coordinate_that_application():
    coordinator = UserFactory(roles=["coordinator", "patient_expert"])
    application = make_application()
    make_assignment(application, coordinator, status="conflict")
    assert not svc.may_coordinate(coordinator, application)
    assert not svc.can_read_application(coordinator, application)


def test_coordination_pages_of_my_own_application_are_refused_and_hide_reviewer_names(client):
    coordinator = UserFactory(roles=["coordinator", "researcher"])
    call = make_call(state="review")
    own = make_application(coordinator, call, title="Ma propre candidature")
    assignment = make_assignment(own, UserFactory(name="Relectrice Secrète",
                                                  roles=["patient_expert"]))
    db.session.commit()
    web = FormClient(client)
    web.login(coordinator.email)
    assert client.get(f"/clara/coordination/appels/candidatures/{own.id}").status_code == 403
    assert client.get(
        f"/clara/coordination/appels/affectations/{assignment.id}/saisie").status_code == 403
    for page in (f"/clara/coordination/appels/{call.id}",
                 f"/clara/coordination/appels/{call.id}/synthese",
                 f"/clara/coordination/appels/{call.id}/classement"):
        body = client.get(page).get_data(as_text=True)
        assert "Relectrice Secrète" not in body
        assert f"/clara/coordination/appels/candidatures/{own.id}\"" not in body
