from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from patientlab.auth.models import User
from patientlab.core.models import UTCDateTime, utcnow
from patientlab.extensions import db

EVENT_THEMES = {
    "entourage": _l("Impact des cancers sur l’entourage familial"),
    "nutrition": _l("Nutrition, activité physique & cancers"),
    "progres": _l("Progrès dans la lutte contre les cancers"),
    "vivre": _l("Vivre avec et après un cancer"),
}


class EventFormat:
    ONSITE = "onsite"
    ONLINE = "online"
    LABELS = {ONSITE: _l("Sur place"), ONLINE: _l("En ligne")}


# What a person needs, never their condition.
ACCOMMODATIONS = {
    "step_free": _l("Accès sans marche (fauteuil roulant, déambulateur)"),
    "induction_loop": _l("Boucle magnétique"),
    "lsf": _l("Interprète en langue des signes française (LSF)"),
    "captions": _l("Sous-titrage en direct"),
    "dial_in": _l("Suivre la soirée par téléphone, sans internet"),
    "front_seat": _l("Place près de l’estrade"),
    "companion_seat": _l("Place pour un accompagnant"),
    "large_print": _l("Documents en gros caractères"),
    "quiet_space": _l("Espace calme pour faire une pause"),
}


# Needs that only make sense in a room, or only online.
ROOM_NEEDS = frozenset({"step_free", "induction_loop", "front_seat", "companion_seat",
                        "quiet_space"})
ONLINE_NEEDS = frozenset({"dial_in"})


def needs_for(event_format: str) -> dict:
    """The needs a registrant of an evening of this format may ask for: an online
    evening offers captions, sign language, documents and a phone line, not a seat."""
    left_out = ROOM_NEEDS if event_format == EventFormat.ONLINE else ONLINE_NEEDS
    return {key: label for key, label in ACCOMMODATIONS.items() if key not in left_out}


# The satisfaction question's scale, asked the day after an evening.
SATISFACTION_SCORES = {1: _l("1 — Très décevante"), 2: _l("2 — Décevante"),
                       3: _l("3 — Correcte"), 4: _l("4 — Bien"), 5: _l("5 — Très bien")}


class RegistrationSource:
    """How the person came to be registered: on the site, by the organiser on the phone
    (perhaps without an e-mail address), or at the door without a registration."""

    ONLINE = "online"
    PHONE = "phone"
    DOOR = "door"
    LABELS = {ONLINE: _l("sur le site"), PHONE: _l("par téléphone"),
              DOOR: _l("à l’entrée, sans inscription")}


class RegistrationStatus:
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"
    LABELS = {CONFIRMED: _l("confirmée"), WAITING: _l("sur liste d’attente"),
              CANCELLED: _l("annulée")}


class Event(db.Model):
    __tablename__ = "event"
    __table_args__ = (CheckConstraint("capacity >= 0", name="capacity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The network that runs it (its address starts with the network's slug).
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="RESTRICT"),
                                            index=True)
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                     index=True)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(30), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    speakers: Mapped[str] = mapped_column(Text, default="")
    programme: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    format: Mapped[str] = mapped_column(String(10), default=EventFormat.ONSITE, index=True)
    venue_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    # Where, for the public list's filter and its cards (« Lyon (69) »): the town, its
    # postcode and the department that follows from it; empty for an online evening.
    town: Mapped[str] = mapped_column(String(100), default="", server_default="")
    postcode: Mapped[str] = mapped_column(String(5), default="", server_default="")
    department: Mapped[str] = mapped_column(String(3), default="", server_default="",
                                            index=True)
    online_info: Mapped[str] = mapped_column(Text, default="")
    # Private: shown only to confirmed registrants (their page, their mails), never on the
    # public page, the feed or a public calendar file.
    join_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    dial_in: Mapped[str] = mapped_column(String(200), default="", server_default="")
    replay_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # Public, unlike the replay: the slides or video the speakers agree to share, shown
    # on the evening's page and on the pages of the projects it presented.
    materials_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    step_free: Mapped[bool] = mapped_column(Boolean, default=False)
    hearing_loop: Mapped[bool] = mapped_column(Boolean, default=False)
    sign_language: Mapped[bool] = mapped_column(Boolean, default=False)
    live_captions: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_room: Mapped[bool] = mapped_column(Boolean, default=False)
    transport: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column(Integer)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None: a draft that only its organisers see (preview), until they publish it.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    # Set by the organiser after the evening; the satisfaction question leaves the next day.
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped inside the registration lock; also serialises writers on SQLite.
    lock_version: Mapped[int] = mapped_column(Integer, default=0)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # No page shows the organiser's account: never loaded by accident (lazy="raise").
    organiser: Mapped[User | None] = relationship(lazy="raise")

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def access_features(self) -> list[str]:
        """What the venue offers, in words, for mails (the pages list them with icons)."""
        room = self.format != EventFormat.ONLINE
        features = ((room and self.step_free, _l("accès sans marche")),
                    (room and self.hearing_loop, _l("boucle magnétique")),
                    (self.sign_language, _l("interprète en langue des signes (LSF)")),
                    (self.live_captions, _l("sous-titrage en direct")),
                    (room and self.quiet_room, _l("salle calme")))
        return [str(label) for present, label in features if present]

    def is_past(self, now: datetime) -> bool:
        return self.ends_at <= now


class _Needs:
    """What a person needs to come (``needs``: comma-separated keys of ACCOMMODATIONS;
    ``needs_other``: their own words)."""

    @property
    def need_list(self) -> list[str]:
        return [key for key in self.needs.split(",") if key in ACCOMMODATIONS]

    @property
    def need_labels(self) -> list[str]:
        labels = [str(ACCOMMODATIONS[key]) for key in self.need_list]
        return labels + ([self.needs_other] if self.needs_other else [])


class Registration(_Needs, db.Model):
    __tablename__ = "event_registration"
    __table_args__ = (
        UniqueConstraint("event_id", "email"),
        CheckConstraint("seats BETWEEN 1 AND 4", name="seats_range"),
        CheckConstraint("extra_seats >= 0 AND seats + extra_seats <= 4",
                        name="extra_seats_range"),
        Index("ix_event_registration_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                index=True)
    name: Mapped[str] = mapped_column(String(120))
    # None for someone registered by phone without an address, or a walk-in.
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    source: Mapped[str] = mapped_column(String(10), default=RegistrationSource.ONLINE,
                                        server_default=RegistrationSource.ONLINE)
    seats: Mapped[int] = mapped_column(Integer, default=1)
    # People a confirmed registrant added when the room had no seat for them: they wait
    # together, as one group, from ``extra_since`` (the waiting list's order). A waiting
    # registration whose group grew waits from ``extra_since`` too: it went to the back.
    extra_seats: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    extra_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10))
    needs: Mapped[str] = mapped_column(String(300), default="")  # comma-separated keys
    needs_other: Mapped[str] = mapped_column(Text, default="")
    needs_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    privacy_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The registrant's own arrival; their companions' are on their rows.
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # People of the group checked in (0 to seats), kept by services.set_checked_in.
    present: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The organiser's own note (« arrive en taxi, vers 18 h 45 »), never shown to others.
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # A message someone without e-mail should have had: the team tells them by phone.
    call_about: Mapped[str] = mapped_column(String(40), default="", server_default="")
    satisfaction_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Whether they answered, never what: the answers are anonymous.
    satisfaction_answered: Mapped[bool] = mapped_column(Boolean, default=False,
                                                        server_default="0")
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the personal link's signature: a new key revokes old links.
    link_key: Mapped[str] = mapped_column(String(32))
    # The language the person registered in: every later mail is written in it.
    locale: Mapped[str] = mapped_column(String(5), default="fr", server_default="fr")

    event: Mapped[Event] = relationship(lazy="joined")
    companions: Mapped[list["Companion"]] = relationship(
        back_populates="registration", order_by="Companion.position",
        cascade="all, delete-orphan", lazy="selectin")

    @property
    def is_walk_in(self) -> bool:
        return self.source == RegistrationSource.DOOR

    @property
    def display_name(self) -> str:
        return self.name or str(_l("Personne venue sans inscription"))

    @property
    def people(self) -> list["Registration | Companion"]:
        """Everyone the registration brings into the room: the registrant, then the
        companions of its seats (not those still waiting for a seat)."""
        return [self, *self.companions[:self.seats - 1]]

    @property
    def waiting_companions(self) -> list["Companion"]:
        """The people added to a confirmed registration who wait for a seat."""
        return self.companions[self.seats - 1:]

    @property
    def group_need_labels(self) -> list[str]:
        """The needs of the whole group, each companion's with their name."""
        labels = list(self.need_labels)
        for companion in self.companions:
            labels += [f"{companion.display_name} : {label}" for label in companion.need_labels]
        return labels


class Companion(_Needs, db.Model):
    """One of the people who come with the registrant (a registration of 3 seats has 2):
    their name if given, their own needs, and their own arrival at the door."""

    __tablename__ = "event_companion"
    __table_args__ = (UniqueConstraint("registration_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registration.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, 3
    name: Mapped[str] = mapped_column(String(120), default="")
    needs: Mapped[str] = mapped_column(String(300), default="")
    needs_other: Mapped[str] = mapped_column(Text, default="")
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registration: Mapped[Registration] = relationship(back_populates="companions")

    @property
    def display_name(self) -> str:
        return self.name or str(_l("Personne %(num)s du groupe", num=self.position + 1))


class SatisfactionAnswer(db.Model):
    """An anonymous answer to « Qu’avez-vous pensé de la soirée ? »: linked to the
    evening only, with no time, so that nobody can tell whose it is."""

    __tablename__ = "event_satisfaction"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")


class SatisfactionReceipt(db.Model):
    """That a registration answered the satisfaction question, never what: one row per
    registration, so that two answers sent at the same moment with the same link cannot
    both count (the second insert fails on the primary key, on every database)."""

    __tablename__ = "event_satisfaction_receipt"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registration.id", ondelete="CASCADE"), primary_key=True)
