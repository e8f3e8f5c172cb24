"""Everything PatientLab holds about one person (GDPR art. 15 and 20), as data that a
program reads (JSON) and a page that a person reads (HTML)."""

from sqlalchemy import select

from patientlab.core import audit
from patientlab.core.audit import AuditEntry
from patientlab.core.models import utcnow
from patientlab.extensions import db

from .models import CharterAcceptance, RoleRequest, User


def _when(value):
    return value.isoformat() if value else None


def collect(user: User) -> dict:
    """A plain dict of lists; dates in ISO 8601 (UTC)."""
    from patientlab.calls.models import Application, Assignment, Review
    from patientlab.events.models import Registration
    from patientlab.members.services import bio_of
    from patientlab.moderation.models import Appeal, ContentReport
    from patientlab.projects.models import Answer, ClarityRating, Project, Question

    bio = bio_of(user)
    data = {
        "exported_at": _when(utcnow()),
        "account": {
            "email": user.email, "name": user.name, "public_name": user.pseudonym,
            "bio": bio.body if bio else "",
            "bio_state": bio.moderation_state if bio else None,
            "association": user.association.name if user.association else None,
            "language": user.locale, "created_at": _when(user.created_at),
            "email_verified_at": _when(user.email_verified_at),
            "last_login_at": _when(user.last_login_at), "roles": sorted(user.roles),
            "suspended_until": _when(user.suspended_until),
            # Whether two-step login is on; the secret and the recovery codes stay here.
            "two_step_login_since": _when(user.totp_enabled_at),
            "display_preferences": {
                "text_size": user.pref_text_size, "high_contrast": user.pref_high_contrast,
                "dyslexia_font": user.pref_dyslexia_font,
                "wide_spacing": user.pref_wide_spacing,
                "reduced_motion": user.pref_reduced_motion},
        },
        "consents": [
            {"what": "charter", "version": c.version, "accepted_at": _when(c.accepted_at)}
            for c in db.session.scalars(select(CharterAcceptance).where(
                CharterAcceptance.user_id == user.id).order_by(CharterAcceptance.accepted_at))],
        "role_requests": [
            {"role": r.role, "status": r.status, "motivation": r.motivation,
             "created_at": _when(r.created_at), "decided_at": _when(r.decided_at),
             "reason": r.reason}
            for r in db.session.scalars(select(RoleRequest).where(
                RoleRequest.user_id == user.id).order_by(RoleRequest.created_at))],
        "projects": [
            {"title": p.title, "publication": p.publication, "created_at": _when(p.created_at)}
            for p in db.session.scalars(select(Project).where(Project.owner_id == user.id))],
        "questions": [
            {"project": q.project.title, "question": q.body, "state": q.moderation_state,
             "asked_at": _when(q.created_at),
             "answer": q.published_answer.body if q.published_answer else None}
            for q in db.session.scalars(select(Question).where(Question.author_id == user.id)
                                        .order_by(Question.created_at))],
        "answers_written": [
            {"project": a.question.project.title, "question": a.question.body,
             "answer": a.body, "state": a.moderation_state, "written_at": _when(a.created_at)}
            for a in db.session.scalars(select(Answer).where(Answer.author_id == user.id)
                                        .order_by(Answer.created_at))],
        "clarity_ratings": [
            {"project_id": r.project_id, "score": r.score, "unclear": r.unclear}
            for r in db.session.scalars(select(ClarityRating).where(
                ClarityRating.user_id == user.id))],
        "event_registrations": [
            {"event": r.event.title, "starts_at": _when(r.event.starts_at), "name": r.name,
             "email": r.email, "seats": r.seats, "status": r.status,
             "accessibility_needs": r.need_list, "other_need": r.needs_other,
             "needs_consent_at": _when(r.needs_consent_at),
             "privacy_consent_at": _when(r.privacy_consent_at),
             "registered_at": _when(r.created_at), "checked_in_at": _when(r.checked_in_at)}
            for r in db.session.scalars(select(Registration).where(
                Registration.user_id == user.id).order_by(Registration.created_at))],
        "applications": [
            {"call": a.call.title, "title": a.title, "status": a.status,
             "lay_summary": a.lay_summary, "scientific_summary": a.scientific_summary,
             "involvement_plan": a.involvement_plan, "budget_summary": a.budget_summary,
             "team": a.team, "submitted_at": _when(a.submitted_at),
             "response_to_reviews": a.response_general, "decision": a.decision or None}
            for a in db.session.scalars(select(Application).where(
                Application.owner_id == user.id))],
        "reviews_written": [],
        "reports_made": [
            {"kind": r.kind, "object_id": r.object_id, "reason": r.reason, "note": r.note,
             "created_at": _when(r.created_at)}
            for r in db.session.scalars(select(ContentReport).where(
                ContentReport.reporter_id == user.id))],
        "appeals": [
            {"kind": a.kind, "object_id": a.object_id, "text": a.text,
             "created_at": _when(a.created_at), "outcome": a.outcome or None}
            for a in db.session.scalars(select(Appeal).where(Appeal.author_id == user.id))],
        "actions_in_the_journal": [
            {"action": e.action, "at": _when(e.created_at)}
            for e in db.session.scalars(select(AuditEntry).where(
                AuditEntry.actor_id == user.id).order_by(AuditEntry.created_at))],
    }
    for assignment in db.session.scalars(select(Assignment).where(
            Assignment.reviewer_id == user.id)):
        review: Review | None = assignment.review
        data["reviews_written"].append({
            "application": assignment.application.title, "assignment": assignment.status,
            "conflict_reason": assignment.coi_reason or None,
            "review_status": review.status if review else None,
            "answers": [{"criterion_id": a.criterion_id, "score": a.score,
                         "comment": a.comment} for a in review.answers] if review else []})
    return data


def record_export(user: User, fmt: str) -> None:
    audit.record(user, "account.data_exported", user, summary=fmt)
