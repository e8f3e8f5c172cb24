"""The organiser's work on the registrations of an evening: finding them, what the
team prepares, changing a group's seats, moving it to another evening, the team's note,
and the phone calls to make."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import case, func, or_, select

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.collation import french
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.sanitize import plain_text
from patientlab.core.security import Role
from patientlab.core.text import fold
from patientlab.extensions import db

from ..models import ACCOMMODATIONS, Companion, Event, Registration
from ..models import RegistrationStatus as S
from .access import can_manage, get_registration_of
from .mails import mail_registration
from .registration import AlreadyRegistered, RegistrationData, place_registration
from .seating import CompanionData, companion_rows, confirmed_seats, lock_event
from .waiting_list import promote


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
    event = lock_event(event.id)
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
        free = event.capacity - confirmed_seats(event.id)
        if seats - before > free:
            raise ServiceError(ngettext(
                "Il ne reste que %(num)s place libre : le groupe ne peut pas s’agrandir autant.",
                "Il ne reste que %(num)s places libres : le groupe ne peut pas s’agrandir "
                "autant.", free), field="seats")
    registration.seats = seats
    registration.extra_seats, registration.extra_since = 0, None  # the team decided
    companion_rows(registration, seats)
    audit.record(user, "registration.seats_changed", registration,
                 summary=f"event={event.id} seats={before} → {seats}")
    mail_registration(registration, "registration_changed",
                      _l("Votre inscription a changé : %(title)s", title=event.title),
                      before=before)
    return promote(event, now)


def same_theme_evenings(event: Event, user: User, now: datetime | None = None) -> list[Event]:
    """Where the organiser can move a registration: the other published, coming,
    not cancelled evenings of the same theme that they run."""
    now = now or utcnow()
    stmt = select(Event).where(
        Event.network_id == event.network_id,  # a registration stays in its network
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
    locked = {first: lock_event(first), second: lock_event(second)}
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
        moved = place_registration(target, data, registration.source, None, user, now, mail=False)
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
    mail_registration(moved, "registration_moved",
                      _l("Votre inscription est déplacée : %(title)s", title=target.title),
                      old_event=event, also_cancel=event)
    promote(event, now)
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
