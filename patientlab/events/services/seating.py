"""Seats under the event's lock: the lock itself, the seats confirmed, the waiting
list's order and positions, and the companion rows of a group.

Every change to an event's seats happens under a lock on the event row, so that
concurrent registrations and cancellations are applied one at a time.
"""

from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import case, func, or_, select

from patientlab.core.sanitize import plain_text
from patientlab.extensions import db

from ..models import ACCOMMODATIONS, Companion, Event, Registration
from ..models import RegistrationStatus as S


def lock_event(event_id: int) -> Event:
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


def confirmed_seats(event_id: int) -> int:
    return int(db.session.scalar(
        select(func.coalesce(func.sum(Registration.seats), 0))
        .where(Registration.event_id == event_id, Registration.status == S.CONFIRMED)) or 0)


def _waiting_since():
    """A place in the waiting list: when the registration was made (or when its waiting
    group last grew: it went to the back), or, for people added to a confirmed
    registration, when they were added."""
    return case((Registration.status == S.WAITING,
                 func.coalesce(Registration.extra_since, Registration.created_at)),
                else_=Registration.extra_since)


def waiting_order(event_id: int):
    """Who waits, in order: waiting registrations and the people added to confirmed ones
    (each a group of its own, never split)."""
    return (select(Registration)
            .where(Registration.event_id == event_id,
                   or_(Registration.status == S.WAITING,
                       (Registration.status == S.CONFIRMED) & (Registration.extra_seats > 0)))
            .order_by(_waiting_since(), Registration.id))


def waiting_positions(event: Event) -> dict[int, int]:
    """Registration id → position on the waiting list (1 first), for the organiser; a
    confirmed registration is there when people it added wait for a seat."""
    ids = db.session.scalars(waiting_order(event.id).with_only_columns(Registration.id))
    return {registration_id: position for position, registration_id in enumerate(ids, 1)}


def waiting_position(registration: Registration) -> int | None:
    """1 for the first group waiting; None when nobody of the registration waits (for a
    confirmed registration: the place of the people it added)."""
    if registration.status == S.CANCELLED or (
            registration.status == S.CONFIRMED and not registration.extra_seats):
        return None
    return waiting_positions(registration.event).get(registration.id)


@dataclass
class CompanionData:
    """Someone who comes with the registrant: all optional."""

    name: str = ""
    needs: list[str] = field(default_factory=list)
    needs_other: str = ""

    def __bool__(self) -> bool:
        return bool(self.name.strip() or self.needs or self.needs_other.strip())


def companion_rows(registration: Registration, seats: int,
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
