"""The coordination rates reviews privately, as HotCRP does, to coach new reviewers."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.extensions import db

from ..models import Assignment, Review, ReviewRating
from ..services import ensure_may_coordinate
from .reviews import SUBMITTED_STATES


def rate(actor: User, review: Review, rating: str) -> ReviewRating:
    """One rating per coordinator and review, changed as often as needed; never by a
    coordinator involved in the application."""
    ensure_may_coordinate(actor, review.assignment.application)
    if rating not in ReviewRating.LABELS:
        raise ServiceError(_l("Choisissez « utile », « trop vague » ou « pas constructive »."),
                           field="rating")
    if review.status not in SUBMITTED_STATES:
        raise ServiceError(_l("Seule une relecture envoyée peut être évaluée."),
                           field="rating")
    row = db.session.scalar(select(ReviewRating).where(
        ReviewRating.review_id == review.id, ReviewRating.rater_id == actor.id))
    if row is None:
        row = ReviewRating(review_id=review.id, rater_id=actor.id)
        db.session.add(row)
    row.rating, row.created_at = rating, utcnow()
    audit.record(actor, "review.rated", review, summary=rating)
    return row


def rating_by(actor: User, review: Review) -> str | None:
    return db.session.scalar(select(ReviewRating.rating).where(
        ReviewRating.review_id == review.id, ReviewRating.rater_id == actor.id))


def summary_for(reviewer: User) -> dict[str, int]:
    """How the coordination rated this person's reviews: counts only, nobody named."""
    rows = db.session.execute(
        select(ReviewRating.rating, func.count())
        .join(Review, Review.id == ReviewRating.review_id)
        .join(Assignment, Assignment.id == Review.assignment_id)
        .where(Assignment.reviewer_id == reviewer.id).group_by(ReviewRating.rating)).all()
    counts = dict(rows)
    return {key: counts.get(key, 0) for key in ReviewRating.LABELS if counts.get(key)}
