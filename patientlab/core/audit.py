"""Append-only audit trail: who did what, to which object, when and why.

Services call ``record()`` for every decision that matters (validations, role
changes, moderation, releases…). Entries are never updated or deleted through
the application: the ORM refuses to.
"""

import re
import uuid
from datetime import datetime

from flask import g, has_request_context, request
from sqlalchemy import ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from patientlab.core.models import UTCDateTime, utcnow
from patientlab.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    request_id: Mapped[str] = mapped_column(String(36), default="")


class AuditIsAppendOnly(Exception):
    pass


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(mapper, connection, target):
    raise AuditIsAppendOnly("audit entries cannot be changed or deleted")


# A request id set by the proxy is kept only when it looks like one: no control
# character, markup or space can reach the journal through a header.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,36}")


def request_id() -> str:
    if not has_request_context():
        return ""
    if "request_id" not in g:
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if _REQUEST_ID.fullmatch(given) else str(uuid.uuid4())
    return g.request_id


def record(actor, action: str, obj=None, *, object_type: str = "", object_id=None,
           summary: str = "", reason: str = "") -> AuditEntry:
    """Add an audit entry in the current transaction."""
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = obj.id if object_id is None else object_id
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        reason=reason,
        request_id=request_id(),
    )
    db.session.add(entry)
    return entry
