"""Who runs an evening, and the lookups that answer 404 for an unknown evening or
registration and 403 for someone else's."""


from flask import abort
from sqlalchemy import select

from patientlab.core.permissions import EVENT_MANAGERS
from patientlab.core.security import Role
from patientlab.extensions import db

from ..models import Event, Registration

MANAGERS = EVENT_MANAGERS


def can_manage(user, event: Event | None = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.ORGANISER) and (event is None or event.organiser_id == user.id)


def get_event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


def get_managed_event(event_id: int, user) -> Event:
    event = get_event_or_404(event_id)
    if not can_manage(user, event):
        abort(403)
    return event


def get_registration_of(event: Event, registration_id: int) -> Registration:
    """A registration of ``event`` (404 for an unknown one or another evening's)."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


def managed_events(user) -> list[Event]:
    stmt = select(Event).order_by(Event.starts_at.desc())
    if not user.has_role(Role.ADMIN):
        stmt = stmt.where(Event.organiser_id == user.id)
    return list(db.session.scalars(stmt))
