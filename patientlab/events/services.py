"""« Parle-Moi » events: listing, registrations that never oversell, waiting list,
personal links, calendar files, reminders, check-in and purge of personal data.

Every change to an event's seats happens under a lock on the event row, so that
concurrent registrations and cancellations are applied one at a time.
"""

import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from flask import abort, current_app, url_for
from flask_babel import force_locale, ngettext
from flask_babel import lazy_gettext as _l
from icalendar import Calendar
from icalendar import Event as IcsEvent
from sqlalchemy import bindparam, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from patientlab.auth.models import User
from patientlab.core import audit, highlights
from patientlab.core.collation import french
from patientlab.core.days import PARIS
from patientlab.core.errors import ServiceError
from patientlab.core.mail import OutboxMessage, queue_mail
from patientlab.core.models import utcnow
from patientlab.core.permissions import EVENT_MANAGERS
from patientlab.core.places import DEPARTMENTS, department_of
from patientlab.core.sanitize import plain_text, rich_text, without_forbidden
from patientlab.core.security import Role, TokenError, make_token, read_token
from patientlab.core.text import fold, normalise_email, plain_from_html
from patientlab.core.urls import external_url
from patientlab.extensions import db

from . import news
from .models import (
    ACCOMMODATIONS,
    EVENT_THEMES,
    SATISFACTION_SCORES,
    Companion,
    Event,
    EventFormat,
    Registration,
    SatisfactionAnswer,
    SatisfactionReceipt,
    needs_for,
)
from .models import RegistrationSource as Source
from .models import RegistrationStatus as S

LINK_PURPOSE = "registration"
LINK_MAX_AGE = 400 * 24 * 3600
# A personal link works until a week after its evening ends (to see what was registered),
# not for the 400 days its signature allows: a link found later in a log or a mailbox
# opens nothing.
LINK_GRACE = timedelta(days=7)
# « Vous êtes déjà inscrit »: at most one such mail in this time for a registration.
ALREADY_REGISTERED_MAIL_EVERY = timedelta(hours=1)
MANAGERS = EVENT_MANAGERS


class AlreadyRegistered(ServiceError):
    def __init__(self, registration: Registration):
        super().__init__(_l("Cette adresse e-mail est déjà inscrite à cette soirée."),
                         field="email")
        self.registration = registration


# --- Reading ---------------------------------------------------------------------


@dataclass
class Counts:
    confirmed: int = 0  # seats held, walk-ins included: the room is one
    waiting: int = 0
    cancelled: int = 0
    checked_in: int = 0  # people arrived, walk-ins included
    registrations: int = 0
    walk_ins: int = 0  # people let in at the door without a registration


@cache
def _counts_statement():
    """Built once: every evening page asks for it."""
    seats = Registration.seats
    return (select(Registration.event_id,
                   func.sum(case((Registration.status == S.CONFIRMED, seats), else_=0)),
                   # people added to a confirmed registration who wait count as waiting
                   func.sum(case((Registration.status == S.WAITING, seats),
                                 else_=Registration.extra_seats)),
                   func.sum(case((Registration.status == S.CANCELLED, seats), else_=0)),
                   func.sum(Registration.present),
                   func.count(),
                   func.sum(case((Registration.source == Source.DOOR, seats), else_=0)))
            .where(Registration.event_id.in_(bindparam("ids", expanding=True)))
            .group_by(Registration.event_id))


def counts_for(event_ids: list[int]) -> dict[int, Counts]:
    """Seats per status for several events, in one query."""
    result = {eid: Counts() for eid in event_ids}
    if not event_ids:
        return result
    rows = db.session.execute(_counts_statement(), {"ids": list(event_ids)})
    for eid, confirmed, waiting, cancelled, checked_in, count, walk_ins in rows:
        result[eid] = Counts(int(confirmed or 0), int(waiting or 0), int(cancelled or 0),
                             int(checked_in or 0), count, int(walk_ins or 0))
    return result


@dataclass
class Where:
    """The public list's filter by place: a department code, a town (or postcode) as
    typed, and whether evenings online join those there."""

    department: str = ""
    town: str = ""
    online: bool = False

    def __bool__(self) -> bool:
        return bool(self.department or self.town)


def list_events(*, past: bool = False, theme: str = "", fmt: str = "",
                where: Where | None = None, now: datetime | None = None) -> list[Event]:
    now = now or utcnow()
    stmt = select(Event).where(Event.published_at.is_not(None))
    if past:
        stmt = stmt.where(Event.ends_at <= now).order_by(Event.starts_at.desc())
    else:
        stmt = stmt.where(Event.ends_at > now).order_by(Event.starts_at)
    if theme in EVENT_THEMES:
        stmt = stmt.where(Event.theme == theme)
    if fmt in EventFormat.LABELS:
        stmt = stmt.where(Event.format == fmt)
    events = list(db.session.scalars(stmt))
    if where:
        events = [e for e in events if _is_in(e, where)]
    return events


def _is_in(event: Event, where: Where) -> bool:
    """Whether an evening is where the visitor looks: in the department, in a town whose
    name holds what they typed (accents and case aside) or whose postcode starts with it;
    online evenings too when they asked for them."""
    if event.format == EventFormat.ONLINE:
        return where.online
    if where.department and event.department != where.department:
        return False
    typed = _town_key(where.town)
    if typed:
        postcode = typed.replace(" ", "")
        if not (typed in _town_key(event.town) or (postcode.isdigit()
                                                   and event.postcode.startswith(postcode))):
            return False
    return True


def _town_key(text: str) -> str:
    """« Saint-Étienne », « saint etienne » and « ST ETIENNE » alike (saint spelt out)."""
    words = re.split(r"[\s\-’'.]+", fold(text))
    return " ".join("saint" if w == "st" else "sainte" if w == "ste" else w
                    for w in words if w)


def listed_departments(*, past: bool = False, now: datetime | None = None) -> list[str]:
    """The departments that have a published evening in the period, for the filter."""
    now = now or utcnow()
    period = Event.ends_at <= now if past else Event.ends_at > now
    return sorted(db.session.scalars(select(Event.department).distinct().where(
        Event.published_at.is_not(None), Event.department != "", period)),
        key=lambda code: fold(DEPARTMENTS.get(code, code)))


def coming_highlights(limit: int) -> list[highlights.Item]:
    """The next published evenings, for the home page: when, and how many places left."""
    events = list(db.session.scalars(
        select(Event).where(Event.published_at.is_not(None), Event.cancelled_at.is_(None),
                            Event.ends_at > utcnow())
        .order_by(Event.starts_at).limit(limit)))
    counts = counts_for([e.id for e in events])
    items = []
    for event in events:
        left = seats_left(event, counts[event.id])
        places = ngettext("%(num)s place restante", "%(num)s places restantes", left) if left \
            else str(_l("complet, liste d’attente ouverte"))
        items.append(highlights.Item(
            event.title, url_for("events.detail", event_id=event.id),
            (_fmt(event.starts_at), str(EventFormat.LABELS[event.format]), places)))
    return items


def get_event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


def get_public_event_or_404(event_id: int, viewer) -> Event:
    """A published evening; a draft exists only for its organisers (who preview it)."""
    event = get_event_or_404(event_id)
    if not event.is_published and not (viewer is not None and can_manage(viewer, event)):
        abort(404)
    return event


def seats_left(event: Event, counts: Counts) -> int:
    return max(event.capacity - counts.confirmed, 0)


def registration_problem(event: Event, now: datetime | None = None):
    """Why registering is impossible now, or None."""
    now = now or utcnow()
    if not event.is_published:
        return _l("Cette soirée est un brouillon : les inscriptions ouvriront quand elle sera "
                  "publiée.")
    if event.is_cancelled:
        return _l("Cette soirée est annulée.")
    if event.starts_at <= now:
        return _l("Cette soirée a déjà commencé ou est passée.")
    if event.registration_opens_at and now < event.registration_opens_at:
        # A day, chosen without a time (it opens at midnight, Paris time): no « à 00:00 ».
        return _l("Les inscriptions ouvrent le %(date)s.",
                  date=_day(event.registration_opens_at))
    if event.registration_closes_at and now >= event.registration_closes_at:
        return _l("Les inscriptions sont closes.")
    return None


def _fmt(moment):
    from patientlab.core.i18n import datetime_long

    return datetime_long(moment)


def _day(moment):
    from patientlab.core.i18n import date_long

    return date_long(moment)


# --- Locking and seats -----------------------------------------------------------


def _lock(event_id: int) -> Event:
    """The event row, locked until the transaction ends (FOR UPDATE on PostgreSQL;
    on SQLite the UPDATE below takes the database write lock)."""
    event = db.session.scalars(
        select(Event).where(Event.id == event_id)
        .with_for_update(of=Event)
        .execution_options(populate_existing=True)).one_or_none()
    if event is None:
        abort(404)
    event.lock_version += 1
    db.session.flush()
    return event


def _confirmed_seats(event_id: int) -> int:
    return int(db.session.scalar(
        select(func.coalesce(func.sum(Registration.seats), 0))
        .where(Registration.event_id == event_id, Registration.status == S.CONFIRMED)) or 0)


# The waiting list's one rule (said on the event page too): seats that free up go, in the
# order of the waiting list, to the first person whose whole group fits in them; a group
# is never split. After every change (registration, cancellation, capacity), nobody
# waiting fits in the free seats, so the places-left figure is exactly what a new
# registration gets: asking for at most that many seats confirms at once, more waits.


def _waiting_since():
    """A place in the waiting list: when the registration was made (or when its waiting
    group last grew: it went to the back), or, for people added to a confirmed
    registration, when they were added."""
    return case((Registration.status == S.WAITING,
                 func.coalesce(Registration.extra_since, Registration.created_at)),
                else_=Registration.extra_since)


def _waiting_list(event_id: int):
    """Who waits, in order: waiting registrations and the people added to confirmed ones
    (each a group of its own, never split)."""
    return (select(Registration)
            .where(Registration.event_id == event_id,
                   or_(Registration.status == S.WAITING,
                       (Registration.status == S.CONFIRMED) & (Registration.extra_seats > 0)))
            .order_by(_waiting_since(), Registration.id))


def _waiting_seats(registration: Registration) -> int:
    return registration.seats if registration.status == S.WAITING else registration.extra_seats


def _promote(event: Event, now: datetime) -> list[Registration]:
    """Confirm, in waiting-list order, every waiting group that fits in the free seats."""
    confirmed = _confirmed_seats(event.id)
    promoted = []
    if event.is_cancelled or event.starts_at <= now:
        return promoted
    for registration in db.session.scalars(_waiting_list(event.id)).all():
        asked = _waiting_seats(registration)
        if confirmed + asked > event.capacity:
            continue
        confirmed += asked
        promoted.append(registration)
        if registration.status == S.WAITING:
            registration.status = S.CONFIRMED
            registration.confirmed_at = now
            audit.record(None, "registration.promote", registration,
                         summary=f"event={event.id} seats={registration.seats}")
            _mail_registration(registration, "registration_promoted", _l(
                "Une place s’est libérée, votre inscription est confirmée : %(title)s",
                title=event.title))
        else:
            registration.seats += asked
            registration.extra_seats, registration.extra_since = 0, None
            audit.record(None, "registration.promote_extra", registration,
                         summary=f"event={event.id} seats={registration.seats - asked} → "
                                 f"{registration.seats}")
            _mail_registration(registration, "registration_grown", _l(
                "Des places se sont libérées pour votre groupe : %(title)s",
                title=event.title), added=asked)
    return promoted


# --- Registering -------------------------------------------------------------------


@dataclass
class CompanionData:
    """Someone who comes with the registrant: all optional."""

    name: str = ""
    needs: list[str] = field(default_factory=list)
    needs_other: str = ""

    def __bool__(self) -> bool:
        return bool(self.name.strip() or self.needs or self.needs_other.strip())


@dataclass
class RegistrationData:
    name: str
    email: str = ""
    seats: int = 1
    needs: list[str] = field(default_factory=list)
    needs_other: str = ""
    needs_consent: bool = False
    privacy_consent: bool = False
    locale: str = "fr"
    companions: list[CompanionData] = field(default_factory=list)
    phone: str = ""


def register(event_id: int, data: RegistrationData, user: User | None = None,
             now: datetime | None = None) -> Registration:
    """A person registers on the site (logged in as ``user``, or as a guest)."""
    now = now or utcnow()
    event = _lock(event_id)
    problem = registration_problem(event, now)
    if problem:
        raise ServiceError(problem)
    return _place(event, data, Source.ONLINE, user, user, now)


def register_by_phone(organiser: User, event: Event, data: RegistrationData,
                      now: datetime | None = None) -> Registration:
    """The organiser registers someone who called: a name and a phone number are enough
    (no e-mail: the team tells them by phone, and can print their confirmation). The
    same rule as on the site places them, even once online registration has closed."""
    now = now or utcnow()
    if not can_manage(organiser, event):
        raise PermissionError("not an organiser of this event")
    event = _lock(event.id)
    if not event.is_published:
        raise ServiceError(_l("Publiez la soirée avant d’y inscrire quelqu’un."))
    if event.is_cancelled:
        raise ServiceError(_l("Cette soirée est annulée."))
    if event.starts_at <= now:
        raise ServiceError(_l("La soirée a commencé : ajoutez plutôt la personne à l’accueil, "
                              "si la salle le permet."))
    if not plain_text(data.phone):
        raise ServiceError(_l("Saisissez son numéro de téléphone, pour pouvoir la prévenir."),
                           field="phone")
    return _place(event, data, Source.PHONE, None, organiser, now)


def _companion_rows(registration: Registration, seats: int,
                    given: list[CompanionData] | None = None) -> None:
    """Exactly ``seats - 1`` companion rows, positions 1, 2, 3; rows beyond are dropped
    and, when ``given``, the rows take the details typed, in order."""
    existing = {c.position: c for c in registration.companions}
    for position, companion in existing.items():
        if position >= seats:
            registration.companions.remove(companion)
    for position in range(1, seats):
        companion = existing.get(position)
        if companion is None:
            companion = Companion(position=position, name="", needs="", needs_other="")
            registration.companions.append(companion)
        if given is not None:
            details = given[position - 1] if position <= len(given) else CompanionData()
            companion.name = plain_text(details.name)[:120]
            companion.needs = ",".join(k for k in details.needs if k in ACCOMMODATIONS)
            companion.needs_other = plain_text(details.needs_other, multiline=True)
            companion.checked_in_at = None


def _place(event: Event, data: RegistrationData, source: str, user: User | None,
           actor: User | None, now: datetime, mail: bool = True) -> Registration:
    """Check what was typed and give the registration its place, under the event's lock:
    confirmed when the whole group fits in the free seats, else on the waiting list."""
    if data.seats not in range(1, 5):
        raise ServiceError(_l("Choisissez entre 1 et 4 places."), field="seats")
    offered = needs_for(event.format)  # an online evening has no seat near the stage
    companions = [CompanionData(c.name, [k for k in c.needs if k in offered], c.needs_other)
                  for c in data.companions if c]
    if len(companions) > data.seats - 1:
        raise ServiceError(ngettext(
            "Vous avez indiqué %(num)s personne qui vient avec vous : choisissez au moins "
            "%(seats)s places, ou effacez son nom.",
            "Vous avez indiqué %(num)s personnes qui viennent avec vous : choisissez au moins "
            "%(seats)s places, ou effacez leurs noms.", len(companions),
            seats=len(companions) + 1), field="seats")
    if not data.privacy_consent:
        raise ServiceError(_l("Cochez la case pour accepter l’utilisation de vos données."),
                           field="privacy_consent")
    needs = [key for key in data.needs if key in offered]
    needs_other = plain_text(data.needs_other, multiline=True)
    any_needs = needs or needs_other or any(c.needs or c.needs_other.strip()
                                            for c in companions)
    if any_needs and not data.needs_consent:
        raise ServiceError(_l("Pour que nous puissions organiser l’aménagement, cochez la case "
                              "d’accord, ou retirez les besoins indiqués."),
                           field="needs_consent")
    email = normalise_email(data.email) if (data.email or "").strip() else None
    if email is None and source == Source.ONLINE:
        raise ServiceError(_l("Saisissez votre adresse e-mail, par exemple "
                              "prenom.nom@exemple.fr."), field="email")
    registration = None
    if email is not None:
        registration = db.session.scalar(select(Registration).where(
            Registration.event_id == event.id, Registration.email == email))
        if registration is not None and registration.status != S.CANCELLED:
            raise AlreadyRegistered(registration)
    _promote(event, now)  # the rule holds before the newcomer is placed
    fits = _confirmed_seats(event.id) + data.seats <= event.capacity
    status = S.CONFIRMED if fits else S.WAITING
    if registration is None:
        registration = Registration(event_id=event.id, email=email, event=event)
        db.session.add(registration)
    registration.user_id = user.id if user is not None else None
    registration.name = plain_text(data.name)
    registration.phone = plain_text(data.phone)[:40]
    registration.source = source
    registration.seats = data.seats
    registration.extra_seats, registration.extra_since = 0, None
    registration.status = status
    registration.needs = ",".join(needs)
    registration.needs_other = needs_other
    registration.needs_consent_at = now if any_needs else None
    registration.privacy_consent_at = now
    registration.created_at = now
    registration.confirmed_at = now if status == S.CONFIRMED else None
    registration.cancelled_at = None
    registration.checked_in_at = None
    registration.present = 0
    registration.call_about = ""
    registration.link_key = secrets.token_hex(8)
    registration.locale = data.locale if data.locale in current_app.config["LANGUAGES"] \
        else "fr"
    _companion_rows(registration, data.seats, companions)
    db.session.flush()
    audit.record(actor, "registration.create", registration,
                 summary=f"event={event.id} status={status} seats={data.seats} source={source}")
    if mail and status == S.CONFIRMED:
        _mail_registration(registration, "registration_confirmed",
                           _l("Inscription confirmée : %(title)s", title=event.title))
    elif mail:
        # « complète » only when it is: a group may wait while a place or two are left.
        _mail_registration(registration, "registration_waiting",
                           _l("Liste d’attente : %(title)s", title=event.title),
                           left=max(event.capacity - _confirmed_seats(event.id), 0))
    return registration


def claim_guest_registrations(user: User, **_signal) -> int:
    """Registrations made as a guest with the address ``user`` just proved become theirs.

    Only a proved address links a registration to an account: an account that never
    confirmed its address sees and erases nothing registered under it by someone else.
    """
    if user.email_verified_at is None:
        return 0
    claimed = db.session.execute(
        update(Registration)
        .where(Registration.user_id.is_(None), Registration.email == normalise_email(user.email))
        .values(user_id=user.id).execution_options(synchronize_session=False))
    return claimed.rowcount


def waiting_positions(event: Event) -> dict[int, int]:
    """Registration id → position on the waiting list (1 first), for the organiser; a
    confirmed registration is there when people it added wait for a seat."""
    ids = db.session.scalars(_waiting_list(event.id).with_only_columns(Registration.id))
    return {registration_id: position for position, registration_id in enumerate(ids, 1)}


def waiting_position(registration: Registration) -> int | None:
    """1 for the first group waiting; None when nobody of the registration waits (for a
    confirmed registration: the place of the people it added)."""
    if registration.status == S.CANCELLED or (
            registration.status == S.CONFIRMED and not registration.extra_seats):
        return None
    return waiting_positions(registration.event).get(registration.id)


def tell_already_registered(registration: Registration, locale: str = "fr") -> None:
    """Someone asked to register an address already registered: its owner gets the link
    again, and nobody else learns anything."""
    about = f"registration-already:{registration.id}"
    # At most one such mail an hour for a registration: posting the form again and again
    # with someone's address does not fill their mailbox (the outbox remembers it).
    if db.session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.about == about,
            OutboxMessage.created_at > utcnow() - ALREADY_REGISTERED_MAIL_EVERY).limit(1)):
        return
    message = _mail_registration(registration, "registration_already",
                                 _l("Vous êtes déjà inscrit ou inscrite : %(title)s",
                                    title=registration.event.title), locale=locale)
    if message is not None:
        message.about = about


def is_own_address(user: User | None, registration: Registration) -> bool:
    """The logged-in person proved they own the registration's address: the registration
    is theirs (it is linked to their account if it was not yet)."""
    if user is None or user.email_verified_at is None:
        return False
    if normalise_email(user.email) != registration.email:
        return False
    if registration.user_id is None:
        registration.user_id = user.id
    return registration.user_id == user.id


def resend_link(registration: Registration, locale: str = "fr") -> None:
    _mail_registration(registration, "registration_link",
                       _l("Le lien de votre inscription : %(title)s",
                          title=registration.event.title), locale=locale)


def cancel_registration(registration_id: int, actor: User | None = None,
                        now: datetime | None = None) -> list[Registration]:
    """Cancel, then confirm the first waiting people who fit. Returns those promoted."""
    now = now or utcnow()
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        abort(404)
    event = _lock(registration.event_id)
    db.session.refresh(registration)
    if registration.status == S.CANCELLED:
        return []
    if event.starts_at <= now:
        raise ServiceError(_l("La soirée a commencé : l’inscription ne peut plus être annulée."))
    registration.status = S.CANCELLED
    registration.cancelled_at = now
    # The whole group cancels: the people who waited to join it are counted with it (its
    # companions are theirs too), and nobody waits any more.
    registration.seats += registration.extra_seats
    registration.extra_seats, registration.extra_since = 0, None
    audit.record(actor, "registration.cancel", registration, summary=f"event={event.id}")
    _mail_registration(registration, "registration_cancelled",
                       _l("Inscription annulée : %(title)s", title=event.title))
    return _promote(event, now)


@dataclass
class ChangeData:
    """What a registrant changes from their personal page: how many people come (them
    included), who they are and what everyone needs."""

    seats: int
    needs: list[str] = field(default_factory=list)
    needs_other: str = ""
    needs_consent: bool = False
    companions: list[CompanionData] = field(default_factory=list)


def _group_fits(seats: int, companions: list[CompanionData]) -> None:
    if seats not in range(1, 5):
        raise ServiceError(_l("Choisissez entre 1 et 4 places."), field="seats")
    if len(companions) > seats - 1:
        raise ServiceError(ngettext(
            "Vous avez indiqué %(num)s personne qui vient avec vous : choisissez au moins "
            "%(seats)s places, ou effacez son nom.",
            "Vous avez indiqué %(num)s personnes qui viennent avec vous : choisissez au moins "
            "%(seats)s places, ou effacez leurs noms.", len(companions),
            seats=len(companions) + 1), field="seats")


def change_registration(registration_id: int, data: ChangeData, actor: User | None = None,
                        now: datetime | None = None) -> list[Registration]:
    """The registrant changes their registration (their personal link), under the event's
    lock and the waiting list's rule: fewer people at once, and the seats given back go
    to the waiting list; more people join a confirmed group when all of them fit in the
    free seats, else they wait together, as one group, in the waiting list's order (the
    seats already confirmed stay). A waiting registration that shrinks keeps its place;
    one that grows goes to the back of the list (its new people would otherwise pass
    everyone behind it). The registrant is mailed. Returns the registrations confirmed
    by the change."""
    now = now or utcnow()
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        abort(404)
    event = _lock(registration.event_id)
    db.session.refresh(registration)
    if registration.status == S.CANCELLED:
        raise ServiceError(_l("Cette inscription est annulée. Pour venir, inscrivez-vous de "
                              "nouveau depuis la page de la soirée."))
    if event.is_cancelled:
        raise ServiceError(_l("Cette soirée est annulée."))
    if event.starts_at <= now:
        raise ServiceError(_l("La soirée a commencé : l’inscription ne peut plus changer."))
    offered = needs_for(event.format)
    companions = [CompanionData(c.name, [k for k in c.needs if k in offered], c.needs_other)
                  for c in data.companions if c]
    _group_fits(data.seats, companions)
    needs = [key for key in data.needs if key in offered]
    needs_other = plain_text(data.needs_other, multiline=True)
    any_needs = needs or needs_other or any(c.needs or c.needs_other.strip()
                                            for c in companions)
    if any_needs and not data.needs_consent:
        raise ServiceError(_l("Pour que nous puissions organiser l’aménagement, cochez la case "
                              "d’accord, ou retirez les besoins indiqués."),
                           field="needs_consent")
    before = (registration.seats, registration.extra_seats)
    if registration.status == S.WAITING:
        if data.seats > registration.seats:
            registration.extra_since = now  # to the back of the waiting list
        registration.seats = data.seats
    elif data.seats <= registration.seats:
        registration.seats = data.seats
        registration.extra_seats, registration.extra_since = 0, None
    else:
        added = data.seats - registration.seats
        free = event.capacity - _confirmed_seats(event.id)
        if added <= free:
            registration.seats = data.seats
            registration.extra_seats, registration.extra_since = 0, None
        else:
            # Keep their place in the list unless the waiting group grew.
            if not registration.extra_seats or added > registration.extra_seats:
                registration.extra_since = now
            registration.extra_seats = added
    registration.needs = ",".join(needs)
    registration.needs_other = needs_other
    registration.needs_consent_at = (registration.needs_consent_at or now) if any_needs \
        else None
    _companion_rows(registration, registration.seats + registration.extra_seats, companions)
    db.session.flush()
    after = (registration.seats, registration.extra_seats)
    audit.record(actor, "registration.change", registration,
                 summary=f"event={event.id} status={registration.status} "
                         f"seats={before[0]}+{before[1]} → {after[0]}+{after[1]}")
    promoted = _promote(event, now)
    if registration not in promoted:
        _mail_registration(registration, "registration_updated",
                           _l("Votre inscription est changée : %(title)s", title=event.title),
                           before=sum(before))
    return [r for r in promoted if r is not registration]


# --- Personal links -----------------------------------------------------------------


def link_token(registration: Registration) -> str:
    return make_token(LINK_PURPOSE, {"r": registration.id, "k": registration.link_key})


def _registration_signed(purpose: str, token: str, max_age: int) -> Registration:
    """The registration a signed link names, if its key still matches (a new key
    revokes old links); TokenError otherwise."""
    data = read_token(purpose, token, max_age)
    registration = db.session.get(Registration, data.get("r")) if isinstance(data, dict) else None
    if registration is None or registration.link_key != data.get("k"):
        raise TokenError(expired=False)
    return registration


def registration_for_token(token: str) -> Registration:
    registration = _registration_signed(LINK_PURPOSE, token, LINK_MAX_AGE)
    if registration.event.ends_at + LINK_GRACE < utcnow():
        raise TokenError(expired=True)
    return registration


# What someone without e-mail must be told by phone, said to the organiser.
CALL_ABOUT = {
    "registration_promoted": _l("Une place s’est libérée : son inscription est confirmée."),
    "registration_changed": _l("Le nombre de places de son inscription a changé."),
    "registration_moved": _l("Son inscription est déplacée vers une autre soirée."),
    "event_changed": _l("La date, l’heure, le lieu ou le lien de la soirée a changé."),
    "event_cancelled": _l("La soirée est annulée."),
    "event_message": _l("Un message a été envoyé aux personnes inscrites (voir le journal)."),
}


def _mail_registration(registration: Registration, template: str, subject,
                       locale: str | None = None, also_cancel: Event | None = None,
                       **context) -> OutboxMessage | None:
    """In the language the person registered in, unless ``locale`` says otherwise. A
    confirmed registration carries the evening's calendar file; a cancelled one the
    calendar cancellation, so that agendas drop it."""
    event = registration.event
    if not registration.email:
        # Registered by phone without an address: the team tells them what matters.
        if template in CALL_ABOUT:
            registration.call_about = template
        return None
    attachment = None
    # The calendar file is written in the person's language too (« En ligne »).
    with force_locale(locale or registration.locale or "fr"):
        if (event.is_cancelled or registration.status == S.CANCELLED) \
                and registration.confirmed_at is not None:
            attachment = ("parle-moi-annulation.ics", "text/calendar; charset=utf-8; method=CANCEL",
                          calendar_for([event], cancel=True))
        elif registration.status == S.CONFIRMED:
            # Their private mail: the file carries how to join an online evening.
            attachment = ("parle-moi.ics", "text/calendar; charset=utf-8",
                          calendar_for([event], cancelled=[also_cancel] if also_cancel else (),
                                       private=True))
    return queue_mail(registration.email, subject, template,
                      locale=locale or registration.locale or "fr",
                      attachment=attachment, position=waiting_position(registration),
                      registration=registration, event=event,
                      url=external_url("events.registration", token=link_token(registration)),
                      event_url=external_url("events.detail", event_id=event.id), **context)


# --- Calendar ---------------------------------------------------------------------------


def calendar_for(events: list[Event], *, cancel: bool = False, cancelled=(),
                 private: bool = False, waiting: bool = False) -> str:
    """An iCalendar file of ``events``; with ``cancel``, a METHOD:CANCEL message with the
    same UID and a higher SEQUENCE, so that agendas drop the evening. ``cancelled`` adds
    evenings marked CANCELLED (a registration moved: the old one leaves the agenda).
    ``private``: for a confirmed registrant only (their mail), an online evening's file
    carries its join link and phone line; never in a public file. ``waiting``: for a person
    on the waiting list, who holds no place: TENTATIVE, and its title and text say so."""
    calendar = Calendar()
    calendar.add("prodid", "-//PatientLab//Parle-Moi//FR")
    calendar.add("version", "2.0")
    if cancel:
        calendar.add("method", "CANCEL")
    calendar.add("x-wr-calname", "Parle-Moi — PatientLab")
    calendar.add("x-wr-timezone", "Europe/Paris")
    for event in [*events, *cancelled]:
        item = IcsEvent()
        item.add("uid", f"parle-moi-{event.id}@patientlab.fr")
        item.add("dtstamp", utcnow())
        # Grows with each change of the row, so agendas replace the copy they have.
        item.add("sequence", event.lock_version or 0)
        item.add("last-modified", event.updated_at)
        item.add("dtstart", event.starts_at.astimezone(PARIS))
        item.add("dtend", event.ends_at.astimezone(PARIS))
        if waiting and not cancel:
            item.add("summary", str(_l("Parle-Moi (liste d’attente) : %(title)s",
                                       title=event.title)))
        else:
            item.add("summary", f"Parle-Moi : {event.title}")
        description = plain_from_html(event.description)
        if waiting and not cancel:
            description = "\n\n".join(p for p in (str(_l(
                "Vous êtes sur la liste d’attente : votre place n’est pas confirmée. Nous vous "
                "écrirons dès qu’une place se libère pour votre groupe.")), description) if p)
        location = (", ".join(p for p in (event.venue_name, event.address) if p)
                    if event.format == EventFormat.ONSITE else str(_l("En ligne")))
        if private and event.format != EventFormat.ONSITE and event not in cancelled:
            joining = []
            if event.join_url:
                location = event.join_url
                joining.append(str(_l("Rejoindre la soirée en ligne (lien personnel, ne le "
                                      "transmettez pas) : %(url)s", url=event.join_url)))
            if event.dial_in:
                joining.append(str(_l("Pour suivre par téléphone : %(number)s",
                                      number=event.dial_in)))
            description = "\n\n".join(p for p in ("\n".join(joining), description) if p)
        item.add("description", description)
        item.add("location", location)
        item.add("url", external_url("events.detail", event_id=event.id))
        item.add("status", "CANCELLED" if cancel or event.is_cancelled or event in cancelled
                 else "TENTATIVE" if waiting else "CONFIRMED")
        calendar.add_component(item)
    calendar.add_missing_timezones()
    # Every text of the file without the code points HTML forbids (calendar readers do
    # not want them either), whatever was stored before.
    return without_forbidden(calendar.to_ical().decode("utf-8"))


# --- Organisers -----------------------------------------------------------------------


def can_manage(user, event: Event | None = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.ORGANISER) and (event is None or event.organiser_id == user.id)


def get_managed_event(event_id: int, user) -> Event:
    event = get_event_or_404(event_id)
    if not can_manage(user, event):
        abort(403)
    return event


def managed_events(user) -> list[Event]:
    stmt = select(Event).order_by(Event.starts_at.desc())
    if not user.has_role(Role.ADMIN):
        stmt = stmt.where(Event.organiser_id == user.id)
    return list(db.session.scalars(stmt))


@dataclass
class EventData:
    title: str
    theme: str
    description: str
    speakers: str
    programme: str
    starts_at: datetime
    ends_at: datetime
    format: str
    venue_name: str
    address: str
    online_info: str
    step_free: bool
    hearing_loop: bool
    sign_language: bool
    live_captions: bool
    quiet_room: bool
    transport: str
    capacity: int
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    join_url: str = ""
    dial_in: str = ""
    replay_url: str = ""
    town: str = ""
    postcode: str = ""


def _place_of(data: EventData) -> tuple[str, str, str]:
    """The town, postcode and department of an evening on site (empty online). The
    organiser's form asks for both; given one, the other is needed too, and a postcode
    must be a French one (its department is what the public list filters on)."""
    if data.format == EventFormat.ONLINE:
        return "", "", ""
    town = plain_text(data.town)[:100]
    postcode = (data.postcode or "").strip().replace(" ", "")
    if not town and not postcode:
        return "", "", ""
    if not town:
        raise ServiceError(_l("Indiquez la ville, par exemple Lyon."), field="town")
    department = department_of(postcode)
    if department is None:
        raise ServiceError(_l("Saisissez un code postal français de 5 chiffres, par exemple "
                              "69004."), field="postcode")
    return town, postcode, department


def _check_web_address(value: str, field: str) -> None:
    """A link people will open: http(s) only, never javascript: or data:."""
    value = value.strip()
    if value and not value.lower().startswith(("https://", "http://")):
        raise ServiceError(_l("Saisissez une adresse web qui commence par https://."),
                           field=field)


def save_event(user: User, event: Event | None, data: EventData,
               now: datetime | None = None) -> tuple[Event, int]:
    """Create or update an evening. Returns it and how many registrants were mailed
    because its date, time, place or link changed."""
    now = now or utcnow()
    if not can_manage(user, event):
        raise PermissionError("not an organiser of this event")
    if data.ends_at <= data.starts_at:
        raise ServiceError(_l("La fin doit venir après le début."), field="end_time")
    if data.capacity < 0:
        raise ServiceError(_l("La capacité ne peut pas être négative."), field="capacity")
    for name in ("join_url", "replay_url"):
        _check_web_address(getattr(data, name) or "", name)
    town, postcode, department = _place_of(data)
    before = None
    if event is None:
        event = Event(organiser_id=user.id, capacity=data.capacity, lock_version=0)
        db.session.add(event)
        action = "event.create"
    else:
        event = _lock(event.id)
        action = "event.update"
        before = _practical_details(event)
    event.title = plain_text(data.title)
    event.theme = data.theme if data.theme in EVENT_THEMES else "progres"
    event.description = rich_text(data.description)
    event.speakers = plain_text(data.speakers, multiline=True)
    event.programme = plain_text(data.programme, multiline=True)
    event.starts_at, event.ends_at = data.starts_at, data.ends_at
    event.format = data.format if data.format in EventFormat.LABELS else EventFormat.ONSITE
    event.venue_name = plain_text(data.venue_name)
    event.address = plain_text(data.address)
    event.town, event.postcode, event.department = town, postcode, department
    event.online_info = plain_text(data.online_info, multiline=True)
    event.join_url = plain_text(data.join_url)
    event.dial_in = plain_text(data.dial_in)
    event.replay_url = plain_text(data.replay_url)
    for name in ("step_free", "hearing_loop", "sign_language", "live_captions", "quiet_room"):
        setattr(event, name, bool(getattr(data, name)))
    event.transport = plain_text(data.transport, multiline=True)
    event.capacity = data.capacity  # lowering never drops anyone already confirmed
    event.registration_opens_at = data.registration_opens_at
    event.registration_closes_at = data.registration_closes_at
    event.updated_at = now
    db.session.flush()
    told = 0
    if (before is not None and before != _practical_details(event)
            and not event.is_cancelled and event.ends_at > now):
        told = _tell_registrants_of_change(event)
    audit.record(user, action, event, summary=f"capacity={event.capacity}"
                 + (f" changed_details_told={told}" if told else ""))
    _promote(event, now)  # a larger capacity lets waiting people in
    return event, told


def _practical_details(event: Event) -> tuple:
    """What registrants rely on to come: when, where or how to join."""
    return (event.starts_at, event.ends_at, event.format, event.venue_name, event.address,
            event.town, event.postcode, event.online_info, event.join_url, event.dial_in)


def _tell_registrants_of_change(event: Event) -> int:
    """Mail the new date, place or link to everyone still registered (confirmed people
    get the updated calendar file, which replaces the old one in their agenda)."""
    told = 0
    for registration in db.session.scalars(select(Registration).where(
            Registration.event_id == event.id, Registration.status != S.CANCELLED)
            .order_by(Registration.id)):
        _mail_registration(registration, "event_changed",
                           _l("Changement pour la soirée : %(title)s", title=event.title))
        told += 1
    return told


def publish_event(user: User, event: Event, now: datetime | None = None) -> None:
    """A draft becomes public: listed, in the feed, open for registration."""
    if not can_manage(user, event):
        raise PermissionError("not an organiser of this event")
    if event.is_published:
        raise ServiceError(_l("Cette soirée est déjà publiée."))
    event.published_at = now or utcnow()
    audit.record(user, "event.publish", event)
    if event.starts_at > event.published_at:
        news.tell_followers(event)


def unpublish_event(user: User, event: Event) -> None:
    """Back to a draft — refused once people registered: cancelling tells them."""
    if not can_manage(user, event):
        raise PermissionError("not an organiser of this event")
    if not event.is_published:
        raise ServiceError(_l("Cette soirée est déjà un brouillon."))
    registered = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event.id, Registration.status != S.CANCELLED))
    if registered:
        raise ServiceError(_l("Des personnes sont inscrites : la soirée ne peut plus redevenir "
                              "un brouillon. Annulez-la si elle n’a pas lieu, elles seront "
                              "prévenues."))
    event.published_at = None
    audit.record(user, "event.unpublish", event)


def cancel_event(user: User, event: Event, reason: str, now: datetime | None = None) -> int:
    """Cancel the evening and tell every registrant. Returns how many were told."""
    now = now or utcnow()
    if not can_manage(user, event):
        raise PermissionError("not an organiser of this event")
    event = _lock(event.id)
    if event.is_cancelled:
        raise ServiceError(_l("Cette soirée est déjà annulée."))
    reason = plain_text(reason, multiline=True)
    if not reason:
        raise ServiceError(_l("Expliquez en une phrase pourquoi la soirée est annulée."),
                           field="reason")
    event.cancelled_at = now
    event.cancel_reason = reason
    audit.record(user, "event.cancel", event, reason=reason)
    told = 0
    for registration in db.session.scalars(select(Registration).where(
            Registration.event_id == event.id, Registration.status != S.CANCELLED,
            Registration.source != Source.DOOR)):
        _mail_registration(registration, "event_cancelled",
                           _l("Soirée annulée : %(title)s", title=event.title), reason=reason)
        told += 1
    return told


MESSAGE_AUDIENCES = {"confirmed": S.CONFIRMED, "waiting": S.WAITING}


def message_registrants(user: User, event: Event, subject: str, body: str,
                        audiences: list[str]) -> int:
    """The organiser writes to the people of one evening (a change of room, practical
    details): one mail each, in the language they registered in, with their personal
    link; the message is copied in the journal. Returns how many were written to."""
    if not can_manage(user, event):
        raise PermissionError("not an organiser of this event")
    statuses = [MESSAGE_AUDIENCES[a] for a in audiences if a in MESSAGE_AUDIENCES]
    if not statuses:
        raise ServiceError(_l("Choisissez à qui écrire : les personnes confirmées, la liste "
                              "d’attente, ou les deux."), field="audiences")
    subject, body = plain_text(subject), plain_text(body, multiline=True)
    if not subject:
        raise ServiceError(_l("Écrivez l’objet, par exemple « Changement de salle »."),
                           field="subject")
    if not body:
        raise ServiceError(_l("Écrivez le message."), field="body")
    recipients = list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(statuses))
        .order_by(Registration.id)))
    for registration in recipients:
        _mail_registration(registration, "event_message",
                           _l("%(title)s : %(subject)s", title=event.title, subject=subject),
                           message=body)
    audit.record(user, "event.message", event, summary=f"{subject} → {len(recipients)} "
                 f"({', '.join(sorted(set(audiences) & set(MESSAGE_AUDIENCES)))})",
                 reason=body)
    return len(recipients)


def registrations_of(event: Event, query: str = "") -> list[Registration]:
    """The registrations of an evening, confirmed first; ``query`` finds a registrant
    by name, e-mail or phone, or a group by one of its companions' names."""
    stmt = select(Registration).where(Registration.event_id == event.id)
    for word in fold(query).split()[:5]:
        pattern = f"%{word}%"
        stmt = stmt.where(or_(func.lower(Registration.name).like(pattern),
                              func.lower(Registration.email).like(pattern),
                              Registration.phone.like(pattern),
                              select(Companion.id).where(
                                  Companion.registration_id == Registration.id,
                                  func.lower(Companion.name).like(pattern)).exists()))
    order = case((Registration.status == S.CONFIRMED, 0), (Registration.status == S.WAITING, 1),
                 else_=2)
    # The waiting list in its own order (the order seats are given in), so that its
    # positions read 1, 2, 3; the others by name.
    waiting = Registration.status == S.WAITING
    return list(db.session.scalars(stmt.order_by(
        order, case((waiting, Registration.created_at), else_=None),
        case((waiting, Registration.id), else_=None), french(Registration.name),
        Registration.created_at)))


@dataclass
class NeedsSummary:
    """What the team prepares: how many people need each accommodation, and every need
    written in the person's own words (« je viens avec mon chien guide »), with the name."""

    counts: dict[str, int]
    others: list[tuple[str, str, str]]  # (name, status, text)

    def __bool__(self) -> bool:
        return bool(self.counts or self.others)


def needs_summary(event: Event) -> NeedsSummary:
    """The needs of the people confirmed (companions and walk-ins included): those the
    team prepares for. The waiting list's needs are on their registrations, and count
    here once a seat is theirs."""
    totals = dict.fromkeys(ACCOMMODATIONS, 0)
    others = []
    with_needs = or_(Registration.needs != "", Registration.needs_other != "",
                     select(Companion.id).where(
                         Companion.registration_id == Registration.id,
                         or_(Companion.needs != "", Companion.needs_other != "")).exists())
    for registration in db.session.scalars(select(Registration).where(
            Registration.event_id == event.id, Registration.status == S.CONFIRMED,
            with_needs).order_by(french(Registration.name))):
        for person in registration.people:
            for key in person.need_list:
                totals[key] += 1
            if person.needs_other:
                name = person.display_name if person is registration else \
                    f"{person.display_name} ({registration.display_name})"
                others.append((name, registration.status, person.needs_other))
    return NeedsSummary({key: count for key, count in totals.items() if count}, others)


def get_registration_of(event: Event, registration_id: int) -> Registration:
    """A registration of ``event`` (404 for an unknown one or another evening's)."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


def change_seats(user: User, event: Event, registration_id: int, seats: int,
                 now: datetime | None = None) -> list[Registration]:
    """The organiser changes how many seats a registration holds (a person calls: « we
    will be two »). Under the event's lock and the waiting list's rule: a confirmed group
    grows only into free seats (never split, never oversold); seats given back go to the
    waiting list. The person is mailed. Returns the people promoted."""
    now = now or utcnow()
    if not can_manage(user, event):
        raise PermissionError("not an organiser of this event")
    if seats not in range(1, 5):
        raise ServiceError(_l("Choisissez entre 1 et 4 places."), field="seats")
    event = _lock(event.id)
    registration = get_registration_of(event, registration_id)
    db.session.refresh(registration)
    if registration.status == S.CANCELLED:
        raise ServiceError(_l("Cette inscription est annulée."), field="seats")
    if event.starts_at <= now:
        raise ServiceError(_l("La soirée a commencé : les places ne peuvent plus changer."),
                           field="seats")
    before = registration.seats
    if seats == before:
        return []
    if registration.status == S.CONFIRMED and seats > before:
        free = event.capacity - _confirmed_seats(event.id)
        if seats - before > free:
            raise ServiceError(ngettext(
                "Il ne reste que %(num)s place libre : le groupe ne peut pas s’agrandir autant.",
                "Il ne reste que %(num)s places libres : le groupe ne peut pas s’agrandir "
                "autant.", free), field="seats")
    registration.seats = seats
    registration.extra_seats, registration.extra_since = 0, None  # the team decided
    _companion_rows(registration, seats)
    audit.record(user, "registration.seats_changed", registration,
                 summary=f"event={event.id} seats={before} → {seats}")
    _mail_registration(registration, "registration_changed",
                       _l("Votre inscription a changé : %(title)s", title=event.title),
                       before=before)
    return _promote(event, now)


EVERYONE = "all"


def set_checked_in(user: User, event: Event, registration_id: int, present: bool,
                   person: int | str | None = None, now: datetime | None = None) -> str:
    """Check in (or undo) one person of a registration at a time: the registrant when
    ``person`` is None, a companion by id, or the whole group with EVERYONE. Returns the
    name of who was checked in, for the page to say so."""
    if not can_manage(user, event):
        raise PermissionError("not an organiser of this event")
    registration = get_registration_of(event, registration_id)
    if registration.status != S.CONFIRMED:
        raise ServiceError(_l("Seules les inscriptions confirmées peuvent être pointées."))
    moment = (now or utcnow()) if present else None
    if person == EVERYONE:
        people = registration.people
        said = ngettext("le groupe de %(num)s personne", "le groupe de %(num)s personnes",
                        len(people))
    elif person is None:
        people, said = [registration], registration.display_name
    else:
        people = [c for c in registration.people[1:] if c.id == person]  # not those waiting
        if not people:
            abort(404)
        said = people[0].display_name
    for one in people:
        one.checked_in_at = moment
    registration.present = sum(one.checked_in_at is not None for one in registration.people)
    audit.record(user, "registration.check_in" if present else "registration.check_in_undo",
                 registration, summary=f"present={registration.present}/{registration.seats}")
    return str(said)


def add_walk_in(user: User, event: Event, name: str, seats: int,
                now: datetime | None = None) -> Registration:
    """Someone comes without a registration: let in, checked in, counted apart — only
    into free seats, under the event's lock, so the room is never oversold (the waiting
    list's rule means nobody waiting fits there)."""
    now = now or utcnow()
    if not can_manage(user, event):
        raise PermissionError("not an organiser of this event")
    if seats not in range(1, 5):
        raise ServiceError(_l("Choisissez entre 1 et 4 places."), field="seats")
    event = _lock(event.id)
    if not event.is_published or event.is_cancelled:
        raise ServiceError(_l("Cette soirée n’accueille personne : elle est annulée ou pas "
                              "encore publiée."), field="seats")
    if event.ends_at <= now:
        raise ServiceError(_l("La soirée est terminée."), field="seats")
    free = event.capacity - _confirmed_seats(event.id)
    if seats > free:
        raise ServiceError(ngettext(
            "La salle est pleine : il reste %(num)s place libre.",
            "La salle est pleine : il reste %(num)s places libres.", max(free, 0)),
            field="seats")
    registration = Registration(
        event_id=event.id, event=event, email=None, name=plain_text(name)[:120], phone="",
        source=Source.DOOR, seats=seats, status=S.CONFIRMED, created_at=now,
        confirmed_at=now, checked_in_at=now, present=seats, needs="", needs_other="",
        link_key=secrets.token_hex(8), locale="fr")
    db.session.add(registration)
    _companion_rows(registration, seats)
    for companion in registration.companions:
        companion.checked_in_at = now
    db.session.flush()
    audit.record(user, "registration.walk_in", registration,
                 summary=f"event={event.id} seats={seats}")
    return registration


def same_theme_evenings(event: Event, user: User, now: datetime | None = None) -> list[Event]:
    """Where the organiser can move a registration: the other published, coming,
    not cancelled evenings of the same theme that they run."""
    now = now or utcnow()
    stmt = select(Event).where(
        Event.id != event.id, Event.theme == event.theme, Event.published_at.is_not(None),
        Event.cancelled_at.is_(None), Event.starts_at > now).order_by(Event.starts_at)
    if not user.has_role(Role.ADMIN):
        stmt = stmt.where(Event.organiser_id == user.id)
    return list(db.session.scalars(stmt))


def move_registration(user: User, event: Event, registration_id: int, target_id: int,
                      now: datetime | None = None) -> Registration:
    """The person would rather come to another evening of the same theme: a registration
    there, placed by the waiting list's rule (it may wait), with the same people, needs
    and consents; this one is cancelled and its seats go to this evening's waiting list.
    Both evenings are locked, in the order of their ids. Returns the new registration."""
    now = now or utcnow()
    if not can_manage(user, event):
        raise PermissionError("not an organiser of this event")
    choices = {e.id: e for e in same_theme_evenings(event, user, now)}
    if target_id not in choices:
        raise ServiceError(_l("Choisissez une autre soirée à venir du même thème."),
                           field="target")
    first, second = sorted((event.id, target_id))
    locked = {first: _lock(first), second: _lock(second)}
    event, target = locked[event.id], locked[target_id]
    registration = get_registration_of(event, registration_id)
    db.session.refresh(registration)
    if registration.status == S.CANCELLED or registration.is_walk_in:
        raise ServiceError(_l("Cette inscription ne peut pas être déplacée."), field="target")
    if event.starts_at <= now:
        raise ServiceError(_l("La soirée a commencé : l’inscription ne peut plus être "
                              "déplacée."), field="target")
    data = RegistrationData(
        name=registration.name, email=registration.email or "",
        seats=registration.seats + registration.extra_seats,
        needs=registration.need_list, needs_other=registration.needs_other,
        needs_consent=registration.needs_consent_at is not None, privacy_consent=True,
        locale=registration.locale, phone=registration.phone,
        companions=[CompanionData(c.name, c.need_list, c.needs_other)
                    for c in registration.companions])
    try:
        moved = _place(target, data, registration.source, None, user, now, mail=False)
    except AlreadyRegistered:
        raise ServiceError(_l("Cette adresse e-mail est déjà inscrite à l’autre soirée."),
                           field="target") from None
    moved.note = registration.note
    moved.user_id = registration.user_id
    registration.status = S.CANCELLED
    registration.cancelled_at = now
    registration.extra_seats, registration.extra_since = 0, None
    registration.call_about = ""
    audit.record(user, "registration.move", registration,
                 summary=f"event={event.id} → event={target.id} registration={moved.id} "
                         f"status={moved.status}")
    _mail_registration(moved, "registration_moved",
                       _l("Votre inscription est déplacée : %(title)s", title=target.title),
                       old_event=event, also_cancel=event)
    _promote(event, now)
    return moved


def save_note(user: User, event: Event, registration_id: int, note: str) -> Registration:
    """The organiser's note on a registration (« arrive en taxi »): for the team only,
    shown at the door and on the attendance sheet; the journal says it changed, not what."""
    if not can_manage(user, event):
        raise PermissionError("not an organiser of this event")
    registration = get_registration_of(event, registration_id)
    registration.note = plain_text(note, multiline=True)
    audit.record(user, "registration.note", registration,
                 summary="note cleared" if not registration.note else "note written")
    return registration


def calls_due(event: Event) -> list[Registration]:
    """People without e-mail who must be told something by phone."""
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.call_about != "")
        .order_by(french(Registration.name))))


def mark_called(user: User, event: Event, registration_id: int) -> Registration:
    if not can_manage(user, event):
        raise PermissionError("not an organiser of this event")
    registration = get_registration_of(event, registration_id)
    if registration.call_about:
        audit.record(user, "registration.called", registration,
                     summary=registration.call_about)
        registration.call_about = ""
    return registration


# --- The evening's figures, for the organiser --------------------------------------------


@dataclass
class Figures:
    """The figures of one evening, each with one definition, shown with the same words
    on every organiser page (list, dashboard, door, record, attendance sheet, CSV).

    People, not seats or registrations, unless the name says registrations: a confirmed
    registration of 3 is 3 people and 1 registration. Walk-ins (let in at the door
    without a registration) are counted apart from the people registered, and share the
    room with them."""

    capacity: int
    registered: int = 0  # people of confirmed registrations (companions included)
    registrations: int = 0  # confirmed registrations
    arrived: int = 0  # of the people registered, those checked in at the door
    walk_ins: int = 0  # people let in at the door without a registration
    waiting: int = 0  # people on the waiting list
    waiting_registrations: int = 0
    cancelled: int = 0  # people of cancelled registrations
    cancelled_registrations: int = 0

    @property
    def taken(self) -> int:
        """Seats of the room held: people registered and walk-ins."""
        return self.registered + self.walk_ins

    @property
    def left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def not_arrived(self) -> int:
        """People registered not (yet) checked in; after the evening, those who missed it."""
        return max(self.registered - self.arrived, 0)

    @property
    def in_the_room(self) -> int:
        return self.arrived + self.walk_ins

    @property
    def checked(self) -> bool:
        """Whether anyone was checked in (an online evening has nobody at the door)."""
        return self.in_the_room > 0


@cache
def _figures_statement():
    """Built once: every organiser page asks for it."""
    seats, status = Registration.seats, Registration.status
    registered = (status == S.CONFIRMED) & (Registration.source != Source.DOOR)
    walk_in = (status == S.CONFIRMED) & (Registration.source == Source.DOOR)

    def total(condition, value):
        return func.coalesce(func.sum(case((condition, value), else_=0)), 0)

    return (select(Registration.event_id,
                   total(registered, seats), total(registered, 1),
                   total(registered, Registration.present), total(walk_in, seats),
                   total(status == S.WAITING, seats), total(status == S.WAITING, 1),
                   total(status == S.CANCELLED, seats), total(status == S.CANCELLED, 1))
            .where(Registration.event_id.in_(bindparam("ids", expanding=True)))
            .group_by(Registration.event_id))


def figures_for(events: list[Event]) -> dict[int, Figures]:
    """The figures of several evenings (event id → Figures), in one query: the one place
    they are counted."""
    result = {event.id: Figures(event.capacity) for event in events}
    if not events:
        return result
    for event_id, *values in db.session.execute(_figures_statement(),
                                                {"ids": list(result)}):
        result[event_id] = Figures(result[event_id].capacity, *(int(v) for v in values))
    return result


def figures_of(event: Event) -> Figures:
    return figures_for([event])[event.id]


def door_open(event: Event, figures: Figures, now: datetime | None = None) -> bool:
    """Whether arrivals are worth showing: from the evening's day (Paris time), or as
    soon as anyone was checked in."""
    now = now or utcnow()
    return figures.checked or event.starts_at.astimezone(PARIS).date() <= \
        now.astimezone(PARIS).date()


def managed_evenings(user, now: datetime | None = None) -> dict[str, list[Event]]:
    """The organiser's evenings as they need them: tonight's (running or starting later
    today, Paris time), then the coming ones soonest first, then the past ones, most
    recent first."""
    now = now or utcnow()
    today = now.astimezone(PARIS).date()
    groups: dict[str, list[Event]] = {"tonight": [], "coming": [], "past": []}
    for event in sorted(managed_events(user), key=lambda e: e.starts_at):
        if event.starts_at.astimezone(PARIS).date() == today or (
                event.starts_at <= now < event.ends_at):
            groups["tonight"].append(event)
        elif event.starts_at > now:
            groups["coming"].append(event)
        else:
            groups["past"].append(event)
    groups["past"].reverse()
    return groups


# --- After the evening ------------------------------------------------------------------


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
    _check_web_address(replay_url, "replay_url")
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
            _mail_registration(registration, "event_replay",
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
    registration = _registration_signed(SATISFACTION_PURPOSE, token, SATISFACTION_MAX_AGE)
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
        _mail_registration(registration, "event_satisfaction",
                           _l("Votre avis sur la soirée : %(title)s",
                              title=registration.event.title),
                           survey_url=external_url("events.satisfaction",
                                                   token=satisfaction_token(registration)))
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


# --- Scheduled jobs -------------------------------------------------------------------


def send_reminders(now: datetime | None = None) -> int:
    """Mail confirmed people whose evening starts within 48 hours. Safe to run again."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Event.starts_at > now, Event.starts_at <= now + timedelta(hours=48),
               Event.cancelled_at.is_(None), Registration.status == S.CONFIRMED,
               Registration.reminder_sent_at.is_(None)))
    sent = 0
    for registration in due:
        _mail_registration(registration, "registration_reminder",
                           _l("Rappel : %(title)s", title=registration.event.title))
        registration.reminder_sent_at = now
        sent += 1
    return sent


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
