"""The personal data calls hold, for core.privacy. Applications and reviews stay after
erasure, under « Compte supprimé »: the decisions taken on them must remain explicable."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from patientlab.core import privacy
from patientlab.core.privacy import PersonalData, when
from patientlab.extensions import db

from .models import Application, Assignment, Review


def _applications(user) -> list[dict]:
    return [{"call": a.call.title, "title": a.title, "status": a.status,
             "lay_summary": a.lay_summary, "scientific_summary": a.scientific_summary,
             "involvement_plan": a.involvement_plan, "budget_summary": a.budget_summary,
             "team": a.team, "submitted_at": when(a.submitted_at),
             "response_to_reviews": a.response_general, "decision": a.decision or None}
            for a in db.session.scalars(select(Application).where(
                Application.owner_id == user.id))]


def _reviews(user) -> list[dict]:
    rows = []
    for assignment in db.session.scalars(select(Assignment).where(
            Assignment.reviewer_id == user.id)):
        review: Review | None = assignment.review
        rows.append({
            "application": assignment.application.title, "assignment": assignment.status,
            "conflict_reason": assignment.coi_reason or None,
            "review_status": review.status if review else None,
            "answers": [{"criterion_id": a.criterion_id, "score": a.score,
                         "comment": a.comment} for a in review.answers] if review else []})
    return rows


def _committees(user) -> list[dict]:
    from . import committee as cm

    result = []
    for meeting in cm.sessions_for(user):
        scores = cm.my_scores(user, meeting)
        member = cm.member_of(user, meeting)
        result.append({
            "session": meeting.title, "meets_at": when(meeting.meets_at),
            "group": member.group, "present": member.present,
            "scores": [{"application": i.application.title,
                        "conflict": scores[i.id].conflict,
                        "preliminary": scores[i.id].preliminary,
                        "comment": scores[i.id].comment, "final": scores[i.id].final}
                       for i in meeting.items if i.id in scores]})
    return result


def register() -> None:
    privacy.register(PersonalData("applications", _l("Candidatures"), _applications,
                                  columns=("call_application.owner_id",), order=70))
    privacy.register(PersonalData("reviews_written", _l("Relectures"), _reviews,
                                  columns=("review_assignment.reviewer_id",), order=80))
    # A committee's record stays with its call's decisions (the erased account's name goes).
    privacy.register(PersonalData("committees", _l("Comités de sélection"), _committees,
                                  columns=("committee_member.user_id",), order=85))
    for column in ("committee_session.chair_id", "review_rating.rater_id", "call.created_by_id",
                   "call_application.decided_by_id",
                   "review_assignment.assigned_by_id", "review.entered_by_id"):
        privacy.keep(column, "who ran the call: a decision, kept")
