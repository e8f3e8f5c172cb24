"""What the coordination sees of a call: ranking, progress, the committee summary."""


import statistics
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from patientlab.core.spreadsheet import csv_for_excel
from patientlab.extensions import db

from ..models import (
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    Call,
    Criterion,
    Decision,
    Review,
    ReviewAnswer,
    ReviewStatus,
)
from .feedback import Feedback, feedback_for
from .reviews import SUBMITTED_STATES

# --- Coordination views -------------------------------------------------------------------------


def normalised(criterion: Criterion, score: float) -> float:
    """0 (lowest answer) to 100 (best answer), whatever the scale."""
    return (score - 1) / (criterion.max_score - 1) * 100


@dataclass
class RankingRow:
    application: Application
    submitted: int
    expected: int
    means: dict[int, float | None]
    score: float | None

    @property
    def missing(self) -> int:
        return max(self.expected - self.submitted, 0)


def ranking(call: Call) -> list[RankingRow]:
    """Every submitted application with its reviews counted and its mean scores.

    Three queries whatever the number of applications and reviews.
    """
    applications = list(db.session.scalars(
        select(Application).where(Application.call_id == call.id,
                                  Application.status == ApplicationStatus.SUBMITTED)
        .order_by(Application.id)))
    ids = [a.id for a in applications]
    expected = dict(db.session.execute(
        select(Assignment.application_id, func.count())
        .where(Assignment.application_id.in_(ids),
               Assignment.status != AssignmentStatus.CONFLICT)
        .group_by(Assignment.application_id)).all()) if ids else {}
    scores: dict[int, dict[int, list[int]]] = {i: {} for i in ids}
    submitted: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        rows = db.session.execute(
            select(Assignment.application_id, Review.id, ReviewAnswer.criterion_id,
                   ReviewAnswer.score)
            .join(Review, Review.assignment_id == Assignment.id)
            .join(ReviewAnswer, ReviewAnswer.review_id == Review.id)
            .where(Assignment.application_id.in_(ids), Review.status.in_(SUBMITTED_STATES)))
        for app_id, review_id, criterion_id, score in rows:
            submitted[app_id].add(review_id)
            if score is not None:
                scores[app_id].setdefault(criterion_id, []).append(score)
    scored = [c for c in call.criteria if c.is_scored]
    result = []
    for application in applications:
        means = {c.id: (round(statistics.fmean(scores[application.id][c.id]), 2)
                        if scores[application.id].get(c.id) else None) for c in scored}
        parts = [normalised(c, means[c.id]) for c in scored if means[c.id] is not None]
        result.append(RankingRow(application, len(submitted[application.id]),
                                 expected.get(application.id, 0), means,
                                 round(statistics.fmean(parts), 1) if parts else None))
    result.sort(key=lambda r: (r.score is None, -(r.score or 0), r.application.id))
    return result


def ranking_csv(call: Call, separator: str = ";") -> str:
    """One row per submitted application, best first (see core.spreadsheet)."""
    scored = [c for c in call.criteria if c.is_scored]
    rows = [[str(_l("Rang")), str(_l("Candidature")), str(_l("Porteur")),
             str(_l("Relectures reçues")), str(_l("Relectures attendues")),
             str(_l("Relectures manquantes")), str(_l("Score moyen (0 à 100)")),
             *[c.label for c in scored], str(_l("Décision"))]]
    for rank, row in enumerate(ranking(call), start=1):
        app = row.application
        rows.append([
            rank, app.title, app.owner.name if app.owner else "",
            row.submitted, row.expected, row.missing,
            _number(row.score), *[_number(row.means[c.id]) for c in scored],
            str(Decision.LABELS.get(app.decision, "")),
        ])
    return csv_for_excel(rows, separator)


def _number(value) -> str:
    return "" if value is None else f"{value:g}".replace(".", ",")


def call_progress(call: Call) -> dict[str, int]:
    applications = db.session.scalar(select(func.count()).select_from(Application).where(
        Application.call_id == call.id, Application.status == ApplicationStatus.SUBMITTED)) or 0
    counts = dict(db.session.execute(
        select(Review.status, func.count()).join(Assignment, Assignment.id == Review.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.call_id == call.id).group_by(Review.status)).all())
    return {"applications": applications,
            "submitted": counts.get(ReviewStatus.SUBMITTED, 0),
            "returned": counts.get(ReviewStatus.RETURNED, 0),
            "released": counts.get(ReviewStatus.RELEASED, 0)}


def applications_for_coordination(call: Call) -> list[Application]:
    return list(db.session.scalars(select(Application).where(Application.call_id == call.id)
                                   .order_by(Application.status.desc(), Application.id)))


def committee_summary(call: Call) -> list[tuple[RankingRow, Feedback]]:
    rows = ranking(call)
    return [(row, feedback_for(row.application, confidential=True, released_only=False))
            for row in rows]


def reviews_to_moderate(call: Call | None = None) -> list[Review]:
    query = (select(Review).join(Assignment, Assignment.id == Review.assignment_id)
             .options(selectinload(Review.assignment))
             .where(Review.status == ReviewStatus.SUBMITTED).order_by(Review.submitted_at))
    if call is not None:
        query = query.join(Application, Application.id == Assignment.application_id).where(
            Application.call_id == call.id)
    return list(db.session.scalars(query))
