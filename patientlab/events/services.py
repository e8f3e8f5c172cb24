"""« Parle-Moi » events: listing, registrations that never oversell, waiting list,
personal links, calendar files, reminders, check-in and purge of personal data.

Every change to an event's seats happens under a lock on the event row, so that
concurrent registrations and cancellations are applied one at a time.
"""

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from icalendar import Calendar
from icalendar import Event as IcsEvent
from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import lazyload

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.days import PARIS
from patientlab.core.errors import ServiceError
from patientlab.core.mail import queue_mail
from patientlab.core.models import utcnow
from patientlab.core.permissions import EVENT_MANAGERS
from patientlab.core.sanitize import plain_text, rich_text
from patientlab.core.security import Role, TokenError, make_token, read_token
from patientlab.core.text import fold, normalise_email, plain_from_html
from patientlab.core.urls import external_url
from patientlab.extensions import db

from .models import ACCOMMODATIONS, EVENT_THEMES, Event, EventFormat, Registration
from .models import RegistrationStatus as S

LINK_PURPOSE = "registration"
LINK_MAX_AGE = 400 * 24 * 3600
# A personal link works until a week after its evening ends (to see what was registered),
# not for the 400 days its signature allows: a link found later in a log or a mailbox
# opens nothing.
LINK_GRACE = timedelta(days=7)
MANAGERS = EVENT_MANAGERS


class AlreadyRegistered(ServiceError):
    def __init__(self, registration: Registration):
        super().__init__(_l("Cette adresse e-mail est déjà inscrite à cette soirée."),
                         field="email")
        self.registration = registration


# --- Reading ---------------------------------------------------------------------


@dataclass
class Counts:
    confirmed: int = 0
    waiting: int = 0
    cancelled: int = 0
    checked_in: int = 0
    registrations: int = 0


def counts_for(event_ids: list[int]) -> dict[int, Counts]:
    """Seats per status for several events, in one query."""
    result = {eid: Counts() for eid in event_ids}
    if not event_ids:
        return result
    seats = Registration.seats
    rows = db.session.execute(
        select(Registration.event_id,
               func.sum(case((Registration.status == S.CONFIRMED, seats), else_=0)),
               func.sum(case((Registration.status == S.WAITING, seats), else_=0)),
               func.sum(case((Registration.status == S.CANCELLED, seats), else_=0)),
               func.sum(case((Registration.checked_in_at.is_not(None), seats), else_=0)),
               func.count())
        .where(Registration.event_id.in_(event_ids)).group_by(Registration.event_id))
    for eid, confirmed, waiting, cancelled, checked_in, count in rows:
        result[eid] = Counts(int(confirmed or 0), int(waiting or 0), int(cancelled or 0),
                             int(checked_in or 0), count)
    return result


def list_events(*, past: bool = False, theme: str = "", fmt: str = "",
                now: datetime | None = None) -> list[Event]:
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
    return list(db.session.scalars(stmt))


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
        return _l("Les inscriptions ouvrent le %(date)s.", date=_fmt(event.registration_opens_at))
    if event.registration_closes_at and now >= event.registration_closes_at:
        return _l("Les inscriptions sont closes.")
    return None


def _fmt(moment):
    from patientlab.core.i18n import datetime_long

    return datetime_long(moment)


# --- Locking and seats -----------------------------------------------------------


def _lock(event_id: int) -> Event:
    """The event row, locked until the transaction ends (FOR UPDATE on PostgreSQL;
    on SQLite the UPDATE below takes the database write lock)."""
    event = db.session.scalars(
        select(Event).where(Event.id == event_id)
        .options(lazyload(Event.organiser))  # no outer join: FOR UPDATE locks this row only
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


def _promote(event: Event, now: datetime) -> list[Registration]:
    """Confirm, in waiting-list order, every waiting group that fits in the free seats."""
    confirmed = _confirmed_seats(event.id)
    promoted = []
    if event.is_cancelled or event.starts_at <= now:
        return promoted
    waiting = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.status == S.WAITING)
        .order_by(Registration.created_at, Registration.id))
    for registration in waiting:
        if confirmed + registration.seats <= event.capacity:
            registration.status = S.CONFIRMED
            registration.confirmed_at = now
            confirmed += registration.seats
            promoted.append(registration)
            audit.record(None, "registration.promote", registration,
                         summary=f"event={event.id} seats={registration.seats}")
            _mail_registration(registration, "registration_promoted", _l(
                "Une place s’est libérée, votre inscription est confirmée : %(title)s",
                title=event.title))
    return promoted


# --- Registering -------------------------------------------------------------------


@dataclass
class RegistrationData:
    name: str
    email: str
    seats: int = 1
    needs: list[str] = field(default_factory=list)
    needs_other: str = ""
    needs_consent: bool = False
    privacy_consent: bool = False
    locale: str = "fr"


def register(event_id: int, data: RegistrationData, user: User | None = None,
             now: datetime | None = None) -> Registration:
    now = now or utcnow()
    event = _lock(event_id)
    problem = registration_problem(event, now)
    if problem:
        raise ServiceError(problem)
    if data.seats not in range(1, 5):
        raise ServiceError(_l("Choisissez entre 1 et 4 places."), field="seats")
    if not data.privacy_consent:
        raise ServiceError(_l("Cochez la case pour accepter l’utilisation de vos données."),
                           field="privacy_consent")
    needs = [key for key in data.needs if key in ACCOMMODATIONS]
    needs_other = plain_text(data.needs_other, multiline=True)
    if (needs or needs_other) and not data.needs_consent:
        raise ServiceError(_l("Pour que nous puissions organiser l’aménagement, cochez la case "
                              "d’accord, ou retirez les besoins indiqués."),
                           field="needs_consent")
    email = normalise_email(data.email)
    registration = db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.email == email))
    if registration is not None and registration.status != S.CANCELLED:
        raise AlreadyRegistered(registration)
    _promote(event, now)  # the rule holds before the newcomer is placed
    fits = _confirmed_seats(event.id) + data.seats <= event.capacity
    status = S.CONFIRMED if fits else S.WAITING
    if registration is None:
        registration = Registration(event_id=event.id, email=email)
        db.session.add(registration)
    registration.user_id = user.id if user is not None else None
    registration.name = plain_text(data.name)
    registration.seats = data.seats
    registration.status = status
    registration.needs = ",".join(needs)
    registration.needs_other = needs_other
    registration.needs_consent_at = now if (needs or needs_other) else None
    registration.privacy_consent_at = now
    registration.created_at = now
    registration.confirmed_at = now if status == S.CONFIRMED else None
    registration.cancelled_at = None
    registration.checked_in_at = None
    registration.link_key = secrets.token_hex(8)
    registration.locale = data.locale if data.locale in current_app.config["LANGUAGES"] \
        else "fr"
    db.session.flush()
    audit.record(user, "registration.create", registration,
                 summary=f"event={event.id} status={status} seats={data.seats}")
    if status == S.CONFIRMED:
        _mail_registration(registration, "registration_confirmed",
                           _l("Inscription confirmée : %(title)s", title=event.title))
    else:
        _mail_registration(registration, "registration_waiting",
                           _l("Liste d’attente : %(title)s", title=event.title))
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
    """Registration id → position on the waiting list (1 first), for the organiser."""
    ids = db.session.scalars(select(Registration.id).where(
        Registration.event_id == event.id, Registration.status == S.WAITING)
        .order_by(Registration.created_at, Registration.id))
    return {registration_id: position for position, registration_id in enumerate(ids, 1)}


def waiting_position(registration: Registration) -> int | None:
    """1 for the first person waiting; None when not on the waiting list."""
    if registration.status != S.WAITING:
        return None
    ahead = db.session.scalar(select(func.count()).where(
        Registration.event_id == registration.event_id, Registration.status == S.WAITING,
        or_(Registration.created_at < registration.created_at,
            (Registration.created_at == registration.created_at)
            & (Registration.id < registration.id))))
    return int(ahead or 0) + 1


def tell_already_registered(registration: Registration, locale: str = "fr") -> None:
    """Someone asked to register an address already registered: its owner gets the link
    again, and nobody else learns anything."""
    _mail_registration(registration, "registration_already",
                       _l("Vous êtes déjà inscrit ou inscrite : %(title)s",
                          title=registration.event.title), locale=locale)


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
    audit.record(actor, "registration.cancel", registration, summary=f"event={event.id}")
    _mail_registration(registration, "registration_cancelled",
                       _l("Inscription annulée : %(title)s", title=event.title))
    return _promote(event, now)


# --- Personal links -----------------------------------------------------------------


def link_token(registration: Registration) -> str:
    return make_token(LINK_PURPOSE, {"r": registration.id, "k": registration.link_key})


def registration_for_token(token: str) -> Registration:
    data = read_token(LINK_PURPOSE, token, LINK_MAX_AGE)
    registration = db.session.get(Registration, data.get("r")) if isinstance(data, dict) else None
    if registration is None or registration.link_key != data.get("k"):
        raise TokenError(expired=False)
    if registration.event.ends_at + LINK_GRACE < utcnow():
        raise TokenError(expired=True)
    return registration


def _mail_registration(registration: Registration, template: str, subject,
                       locale: str | None = None, **context) -> None:
    """In the language the person registered in, unless ``locale`` says otherwise. A
    confirmed registration carries the evening's calendar file; a cancelled one the
    calendar cancellation, so that agendas drop it."""
    event = registration.event
    attachment = None
    if registration.status == S.CONFIRMED:
        attachment = ("parle-moi.ics", "text/calendar", calendar_for([event]))
    elif registration.status == S.CANCELLED and registration.confirmed_at is not None:
        attachment = ("parle-moi-annulation.ics", "text/calendar; method=CANCEL",
                      calendar_for([event], cancel=True))
    queue_mail(registration.email, subject, template, locale=locale or registration.locale or "fr",
               attachment=attachment, position=waiting_position(registration),
               registration=registration, event=event,
               url=external_url("events.registration", token=link_token(registration)),
               event_url=external_url("events.detail", event_id=event.id), **context)


# --- Calendar ---------------------------------------------------------------------------


def calendar_for(events: list[Event], *, cancel: bool = False) -> str:
    """An iCalendar file of ``events``; with ``cancel``, a METHOD:CANCEL message with the
    same UID and a higher SEQUENCE, so that agendas drop the evening."""
    calendar = Calendar()
    calendar.add("prodid", "-//PatientLab//Parle-Moi//FR")
    calendar.add("version", "2.0")
    if cancel:
        calendar.add("method", "CANCEL")
    calendar.add("x-wr-calname", "Parle-Moi — PatientLab")
    calendar.add("x-wr-timezone", "Europe/Paris")
    for event in events:
        item = IcsEvent()
        item.add("uid", f"parle-moi-{event.id}@patientlab.fr")
        item.add("dtstamp", utcnow())
        # Grows with each change of the row, so agendas replace the copy they have.
        item.add("sequence", event.lock_version or 0)
        item.add("last-modified", event.updated_at)
        item.add("dtstart", event.starts_at.astimezone(PARIS))
        item.add("dtend", event.ends_at.astimezone(PARIS))
        item.add("summary", f"Parle-Moi : {event.title}")
        item.add("description", plain_from_html(event.description))
        location = (", ".join(p for p in (event.venue_name, event.address) if p)
                    if event.format == EventFormat.ONSITE else str(_l("En ligne")))
        item.add("location", location)
        item.add("url", external_url("events.detail", event_id=event.id))
        item.add("status", "CANCELLED" if cancel or event.is_cancelled else "CONFIRMED")
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")


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
        value = (getattr(data, name) or "").strip()
        if value and not value.lower().startswith(("https://", "http://")):
            raise ServiceError(_l("Saisissez une adresse web qui commence par https://."),
                               field=name)
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
            event.online_info, event.join_url, event.dial_in)


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
            Registration.event_id == event.id, Registration.status != S.CANCELLED)):
        attachment = ("parle-moi-annulation.ics", "text/calendar; method=CANCEL",
                      calendar_for([event], cancel=True)) \
            if registration.status == S.CONFIRMED else None
        queue_mail(registration.email, _l("Soirée annulée : %(title)s", title=event.title),
                   "event_cancelled", locale=registration.locale or "fr",
                   attachment=attachment, registration=registration, event=event,
                   reason=reason)
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
    stmt = select(Registration).where(Registration.event_id == event.id)
    for word in fold(query).split()[:5]:
        pattern = f"%{word}%"
        stmt = stmt.where(or_(func.lower(Registration.name).like(pattern),
                              func.lower(Registration.email).like(pattern)))
    order = case((Registration.status == S.CONFIRMED, 0), (Registration.status == S.WAITING, 1),
                 else_=2)
    return list(db.session.scalars(stmt.order_by(order, Registration.name,
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
    """The needs of confirmed and waiting people."""
    totals = dict.fromkeys(ACCOMMODATIONS, 0)
    others = []
    for registration in db.session.scalars(select(Registration).where(
            Registration.event_id == event.id, Registration.status != S.CANCELLED,
            or_(Registration.needs != "", Registration.needs_other != ""))
            .order_by(Registration.name)):
        for key in registration.need_list:
            totals[key] += 1
        if registration.needs_other:
            others.append((registration.name, registration.status, registration.needs_other))
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
    audit.record(user, "registration.seats_changed", registration,
                 summary=f"event={event.id} seats={before} → {seats}")
    _mail_registration(registration, "registration_changed",
                       _l("Votre inscription a changé : %(title)s", title=event.title),
                       before=before)
    return _promote(event, now)


def set_checked_in(user: User, event: Event, registration_id: int, present: bool,
                   now: datetime | None = None) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    if not can_manage(user, event):
        raise PermissionError("not an organiser of this event")
    if registration.status != S.CONFIRMED:
        raise ServiceError(_l("Seules les inscriptions confirmées peuvent être pointées."))
    registration.checked_in_at = (now or utcnow()) if present else None
    audit.record(user, "registration.check_in" if present else "registration.check_in_undo",
                 registration)
    return registration


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

    Seats, statuses and check-ins stay, without anyone's identity, for statistics.
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
            registration.user_id = None
            registration.link_key = secrets.token_hex(8)
            erased += 1
        event.purged_at = now
        audit.record(None, "event.purge_registrations", event,
                     summary=f"registrations={erased - before} after {days} days")
    current_app.logger.info("purged personal data of %s registrations", erased)
    return erased
