"""The moderation state shared by every kind of user-written content."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from patientlab.core.models import UTCDateTime


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
