"""Reports: anyone with an account may report a published text; once enough established
accounts reported it, it is hidden until a moderator decides."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.sanitize import plain_text
from patientlab.core.settings import setting
from patientlab.extensions import db

from . import revisions
from .models import REPORT_REASONS, ContentReport
from .models import ModerationState as S
from .services import Kind


def report(user: User, kind: Kind, item, reason: str, note: str = "") -> bool:
    """Record a report; True when the item was hidden because K people reported it."""
    if reason not in REPORT_REASONS:
        raise ServiceError(_l("Choisissez pourquoi vous signalez ce contenu."), field="reason")
    if item.moderation_state != S.PUBLISHED:
        raise ServiceError(_l("Ce contenu n’est plus publié."))
    if item.author_id == user.id:
        raise ServiceError(_l("Vous ne pouvez pas signaler votre propre contribution."))
    already = db.session.scalar(select(ContentReport.id).where(
        ContentReport.kind == kind.name, ContentReport.object_id == item.id,
        ContentReport.reporter_id == user.id))
    if already:
        raise ServiceError(_l("Vous avez déjà signalé ce contenu. Merci, l’équipe de "
                              "modération va le relire."))
    db.session.add(ContentReport(kind=kind.name, object_id=item.id, reporter_id=user.id,
                                 reason=reason, note=plain_text(note, multiline=True)))
    db.session.flush()
    audit.record(user, "moderation.reported", item, reason=reason)
    # Every report reaches the moderators; only those of confirmed accounts old enough
    # count toward hiding (one per person: reports are unique per reporter).
    old_enough = utcnow() - timedelta(days=setting("MODERATION_REPORTER_MIN_DAYS"))
    reporters = db.session.scalar(
        select(func.count(func.distinct(ContentReport.reporter_id)))
        .join(User, User.id == ContentReport.reporter_id)
        .where(ContentReport.kind == kind.name, ContentReport.object_id == item.id,
               ContentReport.handled_at.is_(None), User.active.is_(True),
               User.email_verified_at.is_not(None), User.created_at <= old_enough)) or 0
    if reporters < setting("MODERATION_REPORTS_TO_HIDE"):
        return False
    model = kind.model
    hidden = db.session.execute(
        update(model).where(model.id == item.id, model.moderation_state == S.PUBLISHED)
        .values(moderation_state=S.HIDDEN, moderated_by_id=None, moderated_at=utcnow(),
                moderation_reason="reports", moderation_note="")
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(item)
    if hidden:
        revisions.drop(kind.name, item)
        audit.record(None, "moderation.auto_hidden", item,
                     summary=f"{reporters} signalements")
    return bool(hidden)


def open_reports(kind: Kind, item) -> list[ContentReport]:
    return list(db.session.scalars(select(ContentReport).where(
        ContentReport.kind == kind.name, ContentReport.object_id == item.id,
        ContentReport.handled_at.is_(None)).order_by(ContentReport.created_at)))
