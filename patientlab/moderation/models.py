"""The moderation state shared by every kind of user-written content."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from patientlab.core.models import UTCDateTime, utcnow
from patientlab.extensions import db


class ModerationState:
    PENDING = "pending"
    PUBLISHED = "published"
    REFUSED = "refused"
    HIDDEN = "hidden"

    LABELS = {
        PENDING: _l("en attente"),
        PUBLISHED: _l("publié"),
        REFUSED: _l("refusé"),
        HIDDEN: _l("masqué"),
    }


REFUSAL_REASONS = {
    "third_party_health": _l("Données de santé d’une autre personne"),
    "identifying": _l("Information qui permet d’identifier quelqu’un"),
    "insult": _l("Insulte ou harcèlement"),
    "commercial": _l("Contenu commercial"),
    "off_topic": _l("Hors sujet"),
    "harmful_advice": _l("Conseil médical qui pourrait nuire"),
    "other": _l("Autre raison"),
}


class Moderated:
    """Columns every moderated content has: state, who decided, when and why."""

    moderation_state: Mapped[str] = mapped_column(
        String(12), default=ModerationState.PENDING, index=True)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moderation_reason: Mapped[str] = mapped_column(String(30), default="")
    moderation_note: Mapped[str] = mapped_column(Text, default="")

    @declared_attr
    def moderated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    @property
    def is_published(self) -> bool:
        return self.moderation_state == ModerationState.PUBLISHED

    def resubmit(self, state: str) -> None:
        """New or rewritten text: forget the previous decision. ``state`` is pending, or
        published for a trusted author (moderated afterwards)."""
        self.moderation_state = state
        self.moderated_by_id = None
        self.moderated_at = None
        self.moderation_reason = ""
        self.moderation_note = ""


REPORT_REASONS = {
    "third_party_health": _l("Elle parle de la santé d’une autre personne"),
    "identifying": _l("Elle permet de reconnaître quelqu’un"),
    "insult": _l("Insulte ou harcèlement"),
    "commercial": _l("Publicité"),
    "harmful_advice": _l("Conseil médical dangereux"),
    "other": _l("Autre raison"),
}


class AppealOutcome:
    UPHELD = "upheld"      # the decision stays
    REVERSED = "reversed"  # the content is published again
    LABELS = {UPHELD: _l("décision maintenue"), REVERSED: _l("décision annulée")}


class ContentReport(db.Model):
    """A logged-in person reports published content; K distinct people hide it."""

    __tablename__ = "content_report"
    __table_args__ = (UniqueConstraint("kind", "object_id", "reporter_id"),
                      Index("ix_content_report_object", "kind", "object_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int] = mapped_column(Integer)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a moderator looked at the reports (published again or hidden).
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Appeal(db.Model):
    """The author contests a refusal or a hiding, once; another moderator decides."""

    __tablename__ = "moderation_appeal"
    __table_args__ = (UniqueConstraint("kind", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who took the decision under appeal: they may not decide the appeal.
    original_moderator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    outcome: Mapped[str] = mapped_column(String(10), default="")
    reason: Mapped[str] = mapped_column(Text, default="")


class Revision(db.Model):
    """A change to a text already public, waiting for a moderator while the published
    version stays online (one per text: the author's later edits replace it). Approved,
    its values are copied onto the text; approved or refused, the row goes (the audit
    trail keeps the decision)."""

    __tablename__ = "moderation_revision"
    __table_args__ = (UniqueConstraint("kind", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                  index=True)
    # The new values of the text's fields, as the feature stores them.
    values: Mapped[dict] = mapped_column(JSON)
    # Each edit by the author bumps it: a moderator decides on the version they read.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
