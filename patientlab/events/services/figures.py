"""The figures of an evening, for the organiser: one definition of each, counted in
one query for any number of evenings."""

from dataclasses import dataclass
from functools import cache

from sqlalchemy import bindparam, case, func, select

from patientlab.extensions import db

from ..models import Event, Registration
from ..models import RegistrationSource as Source
from ..models import RegistrationStatus as S


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
