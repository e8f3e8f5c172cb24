"""The organiser's evening: creating and changing it (registrants told of a new date,
place or link), publishing, cancelling, writing to its registrants, and the list of
their evenings."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.days import PARIS
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.places import department_of
from patientlab.core.sanitize import plain_text, rich_text
from patientlab.extensions import db
from patientlab.networks import context

from .. import news
from ..models import EVENT_THEMES, Event, EventFormat, Registration
from ..models import RegistrationSource as Source
from ..models import RegistrationStatus as S
from .access import can_manage, managed_events
from .mails import mail_registration
from .seating import lock_event
from .waiting_list import promote


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


def check_web_address(value: str, field: str) -> None:
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
        check_web_address(getattr(data, name) or "", name)
    town, postcode, department = _place_of(data)
    before = None
    if event is None:
        event = Event(organiser_id=user.id, capacity=data.capacity, lock_version=0,
                      network_id=context.for_new().id)
        db.session.add(event)
        action = "event.create"
    else:
        event = lock_event(event.id)
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
    promote(event, now)  # a larger capacity lets waiting people in
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
        mail_registration(registration, "event_changed",
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
    event = lock_event(event.id)
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
        mail_registration(registration, "event_cancelled",
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
        mail_registration(registration, "event_message",
                          _l("%(title)s : %(subject)s", title=event.title, subject=subject),
                          message=body)
    audit.record(user, "event.message", event, summary=f"{subject} → {len(recipients)} "
                 f"({', '.join(sorted(set(audiences) & set(MESSAGE_AUDIENCES)))})",
                 reason=body)
    return len(recipients)


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
