"""The personal data moderation holds, for core.privacy: reports and appeals a person
made (kept after erasure, without the name: moderation decisions must stay explicable)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from patientlab.core import privacy
from patientlab.core.privacy import PersonalData, when
from patientlab.extensions import db

from .models import Appeal, ContentReport


def _reports(user) -> list[dict]:
    return [{"kind": r.kind, "object_id": r.object_id, "reason": r.reason, "note": r.note,
             "created_at": when(r.created_at)}
            for r in db.session.scalars(select(ContentReport).where(
                ContentReport.reporter_id == user.id))]


def _appeals(user) -> list[dict]:
    return [{"kind": a.kind, "object_id": a.object_id, "text": a.text,
             "created_at": when(a.created_at), "outcome": a.outcome or None}
            for a in db.session.scalars(select(Appeal).where(Appeal.author_id == user.id))]


def register() -> None:
    privacy.register(PersonalData("reports_made", _l("Signalements"), _reports,
                                  columns=("content_report.reporter_id",), order=85))
    privacy.register(PersonalData("appeals", _l("Recours"), _appeals,
                                  columns=("moderation_appeal.author_id",), order=86))
    for column in ("moderation_appeal.original_moderator_id", "moderation_appeal.decided_by_id"):
        privacy.keep(column, "who moderated: a decision, kept")
