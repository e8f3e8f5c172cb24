"""The personal data moderation holds, for core.privacy: reports and appeals a person
made (kept after erasure, without the name: moderation decisions must stay explicable)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from patientlab.core import privacy
from patientlab.core.privacy import PersonalData, when
from patientlab.extensions import db

from .models import Appeal, ContentReport, Revision


def _reports(user) -> list[dict]:
    return [{"kind": r.kind, "object_id": r.object_id, "reason": r.reason, "note": r.note,
             "created_at": when(r.created_at)}
            for r in db.session.scalars(select(ContentReport).where(
                ContentReport.reporter_id == user.id))]


def _appeals(user) -> list[dict]:
    return [{"kind": a.kind, "object_id": a.object_id, "text": a.text,
             "created_at": when(a.created_at), "outcome": a.outcome or None}
            for a in db.session.scalars(select(Appeal).where(Appeal.author_id == user.id))]


def _revisions(user) -> list[dict]:
    return [{"kind": r.kind, "object_id": r.object_id, "values": dict(r.values),
             "created_at": when(r.created_at), "updated_at": when(r.updated_at)}
            for r in db.session.scalars(select(Revision).where(Revision.author_id == user.id))]


def _erase_revisions(user, now) -> None:
    """A change not yet published goes with its author; the published text stays."""
    db.session.execute(delete(Revision).where(Revision.author_id == user.id))


def register() -> None:
    privacy.register(PersonalData("reports_made", _l("Signalements"), _reports,
                                  columns=("content_report.reporter_id",), order=85))
    privacy.register(PersonalData("appeals", _l("Recours"), _appeals,
                                  columns=("moderation_appeal.author_id",), order=86))
    privacy.register(PersonalData("waiting_changes", _l("Modifications en attente de relecture"),
                                  _revisions, erase=_erase_revisions,
                                  columns=("moderation_revision.author_id",),
                                  order=87))
    for column in ("moderation_appeal.original_moderator_id", "moderation_appeal.decided_by_id"):
        privacy.keep(column, "who moderated: a decision, kept")
