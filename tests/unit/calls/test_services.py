import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from patientlab.calls import services as svc
from patientlab.calls.models import ApplicationStatus, CallState, CriterionKind, Visibility
from patientlab.core import days
from patientlab.core.audit import AuditEntry
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.typography import french_spacing as fr
from patientlab.extensions import db
from tests.factories import UserFactory, make_application, make_call

PARIS = ZoneInfo("Europe/Paris")


def _call_data(**changes):
    data = {"title": "Oncostarter 2027", "description": "Un appel.", "eligibility": "",
            "opens_on": date(2027, 1, 10), "application_deadline_on": date(2027, 3, 15),
            "review_deadline_on": date(2027, 4, 30), "response_deadline_on": date(2027, 5, 20),
            "results_on": date(2027, 6, 15), "published": True}
    data.update(changes)
    return svc.CallData(**data)


def test_new_call_gets_the_default_review_form_with_a_confidential_comment():
    coordinator = UserFactory(roles=["coordinator"])
    call = svc.save_call(coordinator, None, _call_data())
    labels = [c.label for c in call.criteria]
    assert len(labels) == 8
    assert labels[0].startswith("Le projet est-il important pour les patients")
    kinds = {c.label: c.kind for c in call.criteria}
    assert kinds[fr("Le résumé pour les patients est-il clair ?")] == CriterionKind.QUALITY
    assert kinds[fr("Qui risque d’être laissé de côté ?")] == CriterionKind.TEXT
    confidential = [c for c in call.criteria if c.visibility == Visibility.CONFIDENTIAL]
    assert [c.label for c in confidential] == ["Commentaire confidentiel pour le comité"]
    assert db.session.scalar(select(AuditEntry.action)) == "call.created"


def test_deadlines_are_paris_days_and_the_last_day_is_included():
    coordinator = UserFactory(roles=["coordinator"])
    call = svc.save_call(coordinator, None, _call_data())
    # 15 March 2027 at 23:59:59 in Paris is still open; midnight is too late.
    last_second = datetime(2027, 3, 15, 23, 59, 59, tzinfo=PARIS)
    midnight = datetime(2027, 3, 16, 0, 0, tzinfo=PARIS)
    assert call.accepts_applications(last_second)
    assert not call.accepts_applications(midnight)
    assert call.state(midnight) == CallState.REVIEW
    assert not call.accepts_applications(datetime(2027, 1, 9, 23, 59, tzinfo=PARIS))
    assert call.state(datetime(2027, 1, 9, 12, 0, tzinfo=PARIS)) == CallState.UPCOMING
    assert call.state(datetime(2027, 6, 15, 0, 0, tzinfo=PARIS)) == CallState.CLOSED
    assert days.last_day(call.application_deadline) == date(2027, 3, 15)


@pytest.mark.parametrize(("field", "value"), [
    ("application_deadline_on", date(2027, 1, 1)),
    ("review_deadline_on", date(2027, 3, 15)),
    ("response_deadline_on", date(2027, 4, 1)),
    ("results_on", date(2027, 5, 20)),
])
def test_timeline_out_of_order_is_refused_on_the_right_field(field, value):
    coordinator = UserFactory(roles=["coordinator"])
    with pytest.raises(ServiceError) as error:
        svc.save_call(coordinator, None, _call_data(**{field: value}))
    assert error.value.field == field


def test_only_coordination_creates_calls():
    with pytest.raises(PermissionError):
        svc.save_call(UserFactory(roles=["researcher"]), None, _call_data())


def test_draft_call_is_hidden_from_everyone_but_the_coordination():
    call = make_call(published=False)
    assert call.state(utcnow()) == CallState.DRAFT
    assert call not in svc.list_public_calls()
    with pytest.raises(NotFound):
        svc.get_call_or_404(call.id, UserFactory(roles=["researcher"]))
    assert svc.get_call_or_404(call.id, UserFactory(roles=["coordinator"])) is call


def test_criteria_can_be_added_moved_and_removed_until_the_form_is_frozen():
    coordinator = UserFactory(roles=["coordinator"])
    call = make_call()
    data = svc.CriterionData(label="Le projet respecte-t-il la vie privée ?", help_text="",
                             kind=CriterionKind.CHOICE, anchors="", required=True,
                             comment_below=2, visibility=Visibility.SHARED)
    added = svc.save_criterion(coordinator, call, None, data)
    assert call.criteria[-1] is added
    svc.move_criterion(coordinator, call, added, -1)
    assert call.criteria[-2] is added
    svc.delete_criterion(coordinator, call, added)
    assert added not in call.criteria
    assert [c.position for c in call.criteria] == list(range(8))
    call.form_frozen_at = utcnow()
    with pytest.raises(ServiceError):
        svc.save_criterion(coordinator, call, None, data)
    with pytest.raises(ServiceError):
        svc.delete_criterion(coordinator, call, call.criteria[0])


def test_a_scale_needs_exactly_five_labels():
    call = make_call()
    data = svc.CriterionData(label="Question", help_text="", kind=CriterionKind.SCALE,
                             anchors="Non\nOui", required=True, comment_below=None,
                             visibility=Visibility.SHARED)
    with pytest.raises(ServiceError) as error:
        svc.save_criterion(UserFactory(roles=["coordinator"]), call, None, data)
    assert error.value.field == "anchors"


def test_researcher_drafts_then_submits_before_the_deadline():
    researcher = UserFactory(roles=["researcher"])
    call = make_call()
    application = svc.create_application(researcher, call, svc.ApplicationData(title="Projet"))
    assert application.status == ApplicationStatus.DRAFT
    with pytest.raises(ServiceError) as error:
        svc.submit_application(researcher, application)
    assert "le résumé pour les patients" in str(error.value.message)
    svc.update_application(researcher, application, svc.ApplicationData(
        title="Projet", lay_summary="Simple.", scientific_summary="Méthode.",
        involvement_plan="Patients.", budget_summary="10 000 €.", team="Dr Morel"))
    svc.submit_application(researcher, application)
    assert application.status == ApplicationStatus.SUBMITTED


def test_after_the_deadline_the_application_is_read_only_and_kept():
    researcher = UserFactory(roles=["researcher"])
    call = make_call()
    application = make_application(researcher, call, submitted=False, lay_summary="Brouillon")
    after = call.application_deadline
    with pytest.raises(ServiceError) as error:
        svc.update_application(researcher, application, svc.ApplicationData(title="Autre"),
                               now=after)
    assert "Votre brouillon reste enregistré" in str(error.value.message)
    with pytest.raises(ServiceError):
        svc.submit_application(researcher, application, now=after)
    assert application.lay_summary == "Brouillon"
    svc.submit_application(researcher, application, now=after - timedelta(seconds=1))
    assert application.is_submitted


def test_only_the_owner_changes_an_application():
    application = make_application(submitted=False)
    other = UserFactory(roles=["researcher"])
    with pytest.raises(PermissionError):
        svc.update_application(other, application, svc.ApplicationData(title="Volé"))


def test_attachment_must_be_a_real_pdf_of_at_most_10_mb(app):
    researcher = UserFactory(roles=["researcher"])
    application = make_application(researcher, submitted=False)
    with pytest.raises(ServiceError) as error:
        svc.store_attachment(researcher, application, io.BytesIO(b"MZ\x90 not a pdf"), "x.pdf")
    assert error.value.field == "attachment"
    big = io.BytesIO(b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ServiceError) as error:
        svc.store_attachment(researcher, application, big, "gros.pdf")
    assert "10 Mo" in str(error.value.message)
    svc.store_attachment(researcher, application, io.BytesIO(b"%PDF-1.4 ok"), "../../plan")
    path = svc.attachment_path(application)
    assert path.read_bytes() == b"%PDF-1.4 ok"
    assert "static" not in str(path)
    assert application.attachment_name == "plan.pdf"
    assert application.attachment_key not in application.attachment_name
    svc.delete_attachment(researcher, application)
    assert path.exists(), "kept until the transaction commits"
    db.session.commit()
    assert not path.exists()


def test_attachment_files_follow_the_transaction(app):
    researcher = UserFactory(roles=["researcher"])
    application = make_application(researcher, submitted=False)
    svc.store_attachment(researcher, application, io.BytesIO(b"%PDF-1.4 v1"), "v1.pdf")
    db.session.commit()
    first = svc.attachment_path(application)
    # A replacement that fails keeps the first file and leaves no stray one behind.
    svc.store_attachment(researcher, application, io.BytesIO(b"%PDF-1.4 v2"), "v2.pdf")
    second = svc.attachment_path(application)
    assert second.exists()
    db.session.rollback()
    assert first.read_bytes() == b"%PDF-1.4 v1"
    assert not second.exists()
    # Nor does a request that ends without committing (the session is just closed).
    db.session.refresh(application)
    svc.store_attachment(researcher, application, io.BytesIO(b"%PDF-1.4 x"), "x.pdf")
    third = svc.attachment_path(application)
    db.session.close()
    assert not third.exists()
    assert first.exists()
    # A replacement that commits removes the first file.
    from patientlab.calls.models import Application

    application = db.session.get(Application, application.id)
    svc.store_attachment(researcher, application, io.BytesIO(b"%PDF-1.4 v3"), "v3.pdf")
    db.session.commit()
    assert not first.exists()
    assert svc.attachment_path(application).read_bytes() == b"%PDF-1.4 v3"


def test_reading_an_application_is_for_owner_coordination_and_assigned_reviewers():
    from tests.factories import make_assignment

    application = make_application()
    reviewer = UserFactory(roles=["patient_expert"])
    conflicted = UserFactory(roles=["patient_expert"])
    make_assignment(application, reviewer)
    make_assignment(application, conflicted, status="conflict")
    assert svc.can_read_application(application.owner, application)
    assert svc.can_read_application(UserFactory(roles=["coordinator"]), application)
    assert svc.can_read_application(reviewer, application)
    assert not svc.can_read_application(conflicted, application)
    assert not svc.can_read_application(UserFactory(roles=["researcher"]), application)
