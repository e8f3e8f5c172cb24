"""The waiting list's one rule (said on the event page too): seats that free up go, in
the order of the waiting list, to the first person whose whole group fits in them; a
group is never split. After every change (registration, cancellation, capacity), nobody
waiting fits in the free seats, so the places-left figure is exactly what a new
registration gets: asking for at most that many seats confirms at once, more waits.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from patientlab.core import audit
from patientlab.extensions import db

from ..models import Event, Registration
from ..models import RegistrationStatus as S
from .mails import mail_registration
from .seating import confirmed_seats, waiting_order


def _waiting_seats(registration: Registration) -> int:
    return registration.seats if registration.status == S.WAITING else registration.extra_seats


def promote(event: Event, now: datetime) -> list[Registration]:
    """Confirm, in waiting-list order, every waiting group that fits in the free seats."""
    confirmed = confirmed_seats(event.id)
    promoted = []
    if event.is_cancelled or event.starts_at <= now:
        return promoted
    for registration in db.session.scalars(waiting_order(event.id)).all():
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
            mail_registration(registration, "registration_promoted", _l(
                "Une place s’est libérée, votre inscription est confirmée : %(title)s",
                title=event.title))
        else:
            registration.seats += asked
            registration.extra_seats, registration.extra_since = 0, None
            audit.record(None, "registration.promote_extra", registration,
                         summary=f"event={event.id} seats={registration.seats - asked} → "
                                 f"{registration.seats}")
            mail_registration(registration, "registration_grown", _l(
                "Des places se sont libérées pour votre groupe : %(title)s",
                title=event.title), added=asked)
    return promoted
