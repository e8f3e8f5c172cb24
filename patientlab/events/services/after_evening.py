"""After the evening: its record (held, the replay sent), the satisfaction question the
day after and its anonymous answers, and the purge of registrants' personal data."""

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.sanitize import plain_text
from patientlab.core.security import TokenError, make_token
from patientlab.core.text import fold
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.networks.context import slug_of

from ..models import (
    SATISFACTION_SCORES,
    Event,
    Registration,
    SatisfactionAnswer,
    SatisfactionReceipt,
)
from ..models import RegistrationSource as Source
from ..models import RegistrationStatus as S
from .access import can_manage
from .mails import mail_registration, registration_signed
from .organiser import check_web_address


def record_evening(user: User, event: Event, replay_url: str, send_replay: bool,
                   now: datetime | None = None) -> int:
    """The organiser says the evening was held, and may add the slides' or replay's link;
    with ``send_replay``, confirmed registrants get it by mail. The satisfaction
    question leaves the next day. Returns how many were sent the link."""
    now = now or utcnow()
    if not can_manage(user, event):
        raise PermissionError("not an organiser of this event")
    if event.is_cancelled:
        raise ServiceError(_l("Cette soirée est annulée."))
    if event.starts_at > now:
        raise ServiceError(_l("La soirée n’a pas encore eu lieu."))
    replay_url = plain_text(replay_url)
    check_web_address(replay_url, "replay_url")
    if send_replay and not replay_url:
        raise ServiceError(_l("Ajoutez le lien à envoyer, ou décochez l’envoi."),
                           field="replay_url")
    first = event.held_at is None
    event.held_at = event.held_at or now
    event.replay_url = replay_url
    sent = 0
    if send_replay:
        for registration in db.session.scalars(select(Registration).where(
                Registration.event_id == event.id, Registration.status == S.CONFIRMED,
                Registration.email.is_not(None)).order_by(Registration.id)):
            mail_registration(registration, "event_replay",
                              _l("Revoir la soirée : %(title)s", title=event.title))
            sent += 1
    audit.record(user, "event.held" if first else "event.held_update", event,
                 summary=f"replay={'yes' if replay_url else 'no'} sent={sent}")
    return sent


SATISFACTION_PURPOSE = "satisfaction"


SATISFACTION_MAX_AGE = 30 * 24 * 3600


SATISFACTION_DELAY = timedelta(hours=12)


# Fewer answers than this and the organiser could tell who wrote what: they are kept,
# and shown once there are enough.
SATISFACTION_MIN_SHOWN = 3


def satisfaction_token(registration: Registration) -> str:
    return make_token(SATISFACTION_PURPOSE, {"r": registration.id, "k": registration.link_key})


def registration_for_satisfaction(token: str) -> Registration:
    registration = registration_signed(SATISFACTION_PURPOSE, token, SATISFACTION_MAX_AGE)
    if registration.satisfaction_asked_at is None:
        raise TokenError(expired=False)
    return registration


def send_satisfaction_requests(now: datetime | None = None) -> int:
    """The day after an evening marked held, ask its confirmed registrants what they
    thought — only those who came, when people were checked in. Safe to run again."""
    now = now or utcnow()
    other = aliased(Registration)
    came = or_(Registration.present > 0, ~select(other.id).where(
        other.event_id == Event.id, other.present > 0).exists())
    due = list(db.session.scalars(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Event.held_at.is_not(None), Event.cancelled_at.is_(None),
               Event.ends_at <= now - SATISFACTION_DELAY,
               Event.ends_at > now - timedelta(days=14), Event.purged_at.is_(None),
               Registration.status == S.CONFIRMED, Registration.email.is_not(None),
               Registration.source != Source.DOOR,
               Registration.satisfaction_asked_at.is_(None), came)
        .order_by(Registration.id)))
    for registration in due:
        registration.satisfaction_asked_at = now
        mail_registration(registration, "event_satisfaction",
                          _l("Votre avis sur la soirée : %(title)s",
                             title=registration.event.title),
                          survey_url=external_url("events.satisfaction",
                                                  token=satisfaction_token(registration),
                                                  network=slug_of(registration.event.network_id)))
    return len(due)


def answer_satisfaction(registration: Registration, score: int, comment: str) -> None:
    """Record an anonymous answer: the registration only remembers that it answered.
    One answer per registration, held by the database: the receipt's primary key refuses
    a second one sent at the same moment (on PostgreSQL the second insert waits for the
    first transaction, then fails; on SQLite writers take turns)."""
    already = ServiceError(_l("Vous avez déjà donné votre avis sur cette soirée. Merci !"))
    if registration.satisfaction_answered:
        raise already
    if score not in SATISFACTION_SCORES:
        raise ServiceError(_l("Choisissez une note de 1 à 5."), field="score")
    try:
        with db.session.begin_nested():
            db.session.add(SatisfactionReceipt(registration_id=registration.id))
    except IntegrityError:
        raise already from None
    db.session.add(SatisfactionAnswer(event_id=registration.event_id, score=score,
                                      comment=plain_text(comment, multiline=True)))
    registration.satisfaction_answered = True


@dataclass
class Satisfaction:
    counts: dict[int, int]
    comments: list[str]
    asked: int

    @property
    def answers(self) -> int:
        return sum(self.counts.values())

    @property
    def shown(self) -> bool:
        return self.answers >= SATISFACTION_MIN_SHOWN

    @property
    def average(self) -> float:
        total = sum(score * count for score, count in self.counts.items())
        return round(total / self.answers, 1) if self.answers else 0.0


def satisfaction_of(event: Event) -> Satisfaction:
    counts = dict.fromkeys(SATISFACTION_SCORES, 0)
    comments = []
    for score, comment in db.session.execute(
            select(SatisfactionAnswer.score, SatisfactionAnswer.comment)
            .where(SatisfactionAnswer.event_id == event.id).order_by(SatisfactionAnswer.id)):
        counts[score] += 1
        if comment:
            comments.append(comment)
    asked = db.session.scalar(select(func.count()).where(
        Registration.event_id == event.id, Registration.satisfaction_asked_at.is_not(None)))
    return Satisfaction(counts, sorted(comments, key=fold), int(asked or 0))


def purge_personal_data(days: int, now: datetime | None = None) -> int:
    """Erase names, addresses and needs of registrations ``days`` after each event.

    Seats, statuses, check-ins and the anonymous satisfaction answers stay, without
    anyone's identity, for statistics.
    Returns the number of registrations erased.
    """
    now = now or utcnow()
    events = db.session.scalars(select(Event).where(
        Event.ends_at <= now - timedelta(days=days), Event.purged_at.is_(None)))
    erased = 0
    for event in events:
        before = erased
        for registration in db.session.scalars(select(Registration).where(
                Registration.event_id == event.id)):
            registration.name = ""
            registration.email = f"effacee-{uuid.uuid4().hex}@invalid"
            registration.needs = ""
            registration.needs_other = ""
            registration.phone = ""
            registration.note = ""
            registration.call_about = ""
            registration.user_id = None
            for companion in registration.companions:
                companion.name, companion.needs, companion.needs_other = "", "", ""
            registration.link_key = secrets.token_hex(8)
            erased += 1
        event.purged_at = now
        audit.record(None, "event.purge_registrations", event,
                     summary=f"registrations={erased - before} after {days} days")
    current_app.logger.info("purged personal data of %s registrations", erased)
    return erased
