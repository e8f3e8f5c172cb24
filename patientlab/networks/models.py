"""Networks (the cancéropôles) and what ties people and associations to them."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from patientlab.core.models import UTCDateTime, utcnow
from patientlab.extensions import db


class Network(db.Model):
    """A research network that runs calls, evenings and project pages on the platform.

    Its slug starts every address of its pages (``/clara/appels/…``). The legal entity
    named here is the data controller for what people give to this network.
    """

    __tablename__ = "network"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    controller: Mapped[str] = mapped_column(String(300), default="")
    # The network's colour, on which its name is written in white (contrast checked).
    colour: Mapped[str] = mapped_column(String(7), default="#1d4f91")
    mail_sender_name: Mapped[str] = mapped_column(String(120), default="")
    mail_sender_address: Mapped[str] = mapped_column(String(320), default="")
    signature: Mapped[str] = mapped_column(Text, default="")
    privacy_notice: Mapped[str] = mapped_column(Text, default="")
    legal_notice: Mapped[str] = mapped_column(Text, default="")
    host: Mapped[str | None] = mapped_column(String(253), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Network {self.slug!r}>"


class NetworkRole(db.Model):
    """A role held in one network: coordination, organisation of evenings, moderation."""

    __tablename__ = "network_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="RESTRICT"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(30), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class ReviewerNetwork(db.Model):
    """A validated patient expert or representative agrees that this network may invite
    them to review its applications (the pool of reviewers is shared, the choice is
    theirs)."""

    __tablename__ = "reviewer_network"
    __table_args__ = (UniqueConstraint("user_id", "network_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AssociationNetwork(db.Model):
    """An association belongs to one network or more."""

    __tablename__ = "association_network"

    association_id: Mapped[int] = mapped_column(
        ForeignKey("association.id", ondelete="CASCADE"), primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="RESTRICT"), primary_key=True, index=True)
