"""Moderation of reviews by the coordination, and their release to the applicant."""


from datetime import datetime

from flask import abort
from flask_babel import lazy_gettext as _l

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.sanitize import plain_text
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.networks import context
from patientlab.networks.context import slug_of

from ..models import (
    Application,
    Review,
    ReviewStatus,
)
from ..services import ensure_may_coordinate
from .assignments import assignments_of
from .notices import tell

# --- Moderation and release by the coordination -----------------------------------------------


def get_review_or_404(review_id: int) -> Review:
    """A review within a call of this address's network (404 for another's)."""
    review = db.session.get(Review, review_id)
    if review is None:
        abort(404)
    context.ensure_in_current(review.assignment.application.call.network_ids)
    return review


def ask_rephrase(actor: User, review: Review, message: str) -> None:
    ensure_may_coordinate(actor, review.assignment.application)
    message = plain_text(message, multiline=True)
    if not message:
        raise ServiceError(_l("Écrivez ce qu’il faudrait reformuler."), field="message")
    if review.status != ReviewStatus.SUBMITTED:
        raise ServiceError(_l("Seule une relecture envoyée et pas encore transmise peut être "
                              "renvoyée à la personne qui l’a écrite."))
    review.status = ReviewStatus.RETURNED
    review.return_message = message
    db.session.flush()
    audit.record(actor, "review.returned", review, reason=message)
    assignment = review.assignment
    tell(assignment.reviewer, _l("La coordination vous demande de reformuler votre relecture"),
          "review_returned", kind="reviews", about=f"assignment:{assignment.id}",
          message=message, application=assignment.application,
          url=external_url("reviews.detail", assignment_id=assignment.id,
                           network=slug_of(assignment.application.call.network_id)))


def edit_comments(actor: User, review: Review, comments: dict[int, str]) -> int:
    """Edit out identifying details; the original text is kept in the audit trail."""
    ensure_may_coordinate(actor, review.assignment.application)
    if review.status == ReviewStatus.DRAFT:
        raise ServiceError(_l("Cette relecture n’est pas encore envoyée."))
    changed = 0
    for row in review.answers:
        if row.criterion_id not in comments:
            continue
        new = plain_text(comments[row.criterion_id], multiline=True)
        if new != row.comment:
            audit.record(actor, "review.comment_edited", review,
                         summary=f"criterion {row.criterion_id}\nbefore: {row.comment}\n"
                                 f"after: {new}", reason="anonymisation")
            row.comment = new
            changed += 1
    db.session.flush()
    return changed


def release_feedback(actor: User, application: Application,
                     now: datetime | None = None) -> int:
    """Share every submitted review with the applicant, who is told by mail."""
    ensure_may_coordinate(actor, application)
    now = now or utcnow()
    reviews = [a.review for a in assignments_of(application)
               if a.review is not None and a.review.status == ReviewStatus.SUBMITTED]
    if not reviews:
        raise ServiceError(_l("Aucune relecture envoyée n’attend d’être transmise."))
    for review in reviews:
        review.status = ReviewStatus.RELEASED
        review.released_at = now
        audit.record(actor, "review.released", review)
    first = application.feedback_released_at is None
    application.feedback_released_at = application.feedback_released_at or now
    db.session.flush()
    if application.owner is not None:
        tell(application.owner, _l("Les avis des patients sur votre candidature sont "
                                    "disponibles") if first else
              _l("De nouveaux avis de patients sur votre candidature sont disponibles"),
              "feedback_released", kind="feedback", about=f"application:{application.id}",
              application=application, call=application.call,
              url=external_url("applications.detail", application_id=application.id,
                               network=slug_of(application.call.network_id)))
    return len(reviews)
