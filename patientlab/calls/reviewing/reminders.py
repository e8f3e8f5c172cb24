"""Reminders to reviewers three days before the review deadline."""


from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from patientlab.core.models import utcnow
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.networks.context import slug_of

from ..models import (
    Application,
    Assignment,
    AssignmentStatus,
    Call,
)
from .notices import tell
from .reviews import SUBMITTED_STATES

# --- Reminders -------------------------------------------------------------------------------


def send_review_reminders(now: datetime | None = None) -> int:
    """Mail reviewers whose review is not sent 3 days before the deadline. Safe to re-run."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Assignment).join(Application, Application.id == Assignment.application_id)
        .join(Call, Call.id == Application.call_id)
        .where(Call.review_deadline > now, Call.review_deadline <= now + timedelta(days=3),
               Assignment.status != AssignmentStatus.CONFLICT,
               Assignment.reminder_sent_at.is_(None)))
    sent = 0
    for assignment in due:
        if assignment.review is not None and assignment.review.status in SUBMITTED_STATES:
            continue
        tell(assignment.reviewer, _l("Rappel : votre relecture est attendue dans 3 jours"),
              "review_reminder", kind="reviews", about=f"assignment:{assignment.id}",
              assignment=assignment, application=assignment.application,
              call=assignment.application.call,
              url=external_url("reviews.detail", assignment_id=assignment.id,
                               network=slug_of(assignment.application.call.network_id)))
        assignment.reminder_sent_at = now
        sent += 1
    db.session.flush()
    return sent
