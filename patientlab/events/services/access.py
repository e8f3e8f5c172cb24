"""Who runs an evening, and the lookups that answer 404 for an unknown evening or
registration and 403 for someone else's."""


from flask import abort
from sqlalchemy import select

from patientlab.core.permissions import EVENT_MANAGERS
from patientlab.core.security import Role
from patientlab.extensions import db
from patientlab.networks import context

from ..models import Event, Registration

MANAGERS = EVENT_MANAGERS


def can_manage(user, event: Event | None = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if event is None:  # may the person run evenings here at all
        return user.has_role(Role.ADMIN) or user.has_role(Role.ORGANISER)
    # on a known evening, the roles held in its network count, whoever calls
    roles = user.roles_in(event.network_id)
    return Role.ADMIN in roles or (Role.ORGANISER in roles and event.organiser_id == user.id)


def get_event_or_404(event_id: int) -> Event:
    """An evening of this address's network (404 for another network's)."""
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    context.ensure_in_current(event.network_id)
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
    """The evenings the person runs, of this address's network (every network's on a page
    of the whole platform, limited to those where they organise)."""
    stmt = context.scoped(select(Event).order_by(Event.starts_at.desc()), Event.network_id)
    if not user.has_role(Role.ADMIN):
        stmt = stmt.where(Event.organiser_id == user.id)
        if context.current() is None:
            stmt = stmt.where(Event.network_id.in_(user.network_ids_with(Role.ORGANISER)))
    return list(db.session.scalars(stmt))
