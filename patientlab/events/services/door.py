"""The door on the night: checking people in one at a time (or a whole group), and
letting in walk-ins while seats are free."""

import secrets
from datetime import datetime

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.days import PARIS
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.sanitize import plain_text
from patientlab.extensions import db

from ..models import Event, Registration
from ..models import RegistrationSource as Source
from ..models import RegistrationStatus as S
from .access import can_manage, get_registration_of
from .figures import Figures
from .seating import companion_rows, confirmed_seats, lock_event

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
    event = lock_event(event.id)
    if not event.is_published or event.is_cancelled:
        raise ServiceError(_l("Cette soirée n’accueille personne : elle est annulée ou pas "
                              "encore publiée."), field="seats")
    if event.ends_at <= now:
        raise ServiceError(_l("La soirée est terminée."), field="seats")
    free = event.capacity - confirmed_seats(event.id)
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
    companion_rows(registration, seats)
    for companion in registration.companions:
        companion.checked_in_at = now
    db.session.flush()
    audit.record(user, "registration.walk_in", registration,
                 summary=f"event={event.id} seats={seats}")
    return registration


def door_open(event: Event, figures: Figures, now: datetime | None = None) -> bool:
    """Whether arrivals are worth showing: from the evening's day (Paris time), or as
    soon as anyone was checked in."""
    now = now or utcnow()
    return figures.checked or event.starts_at.astimezone(PARIS).date() <= \
        now.astimezone(PARIS).date()
