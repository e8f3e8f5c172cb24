"""Suspending an account: read-only access until a date, with a reason the person is told.

Admins and moderators suspend, never an account whose role ranks at or above their own;
admins lift any suspension. The appeal against a suspension is moderation's.
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from patientlab.core import audit
from patientlab.core.errors import ServiceError
from patientlab.core.mail import notify
from patientlab.core.models import utcnow
from patientlab.core.sanitize import plain_text
from patientlab.core.security import Role, authority
from patientlab.core.urls import external_url
from patientlab.extensions import db

from .models import User


def ensure_may_suspend(actor) -> None:
    """Admins and moderators suspend accounts."""
    if actor is None or not actor.has_any_role((Role.ADMIN, Role.MODERATOR)):
        raise PermissionError("admins and moderators only")


def suspend(actor: User, user: User, reason: str, until: date,
            now: datetime | None = None) -> None:
    """Read-only access until ``until`` (Paris day, included); the person is told why."""
    from patientlab.core.days import end_of_day

    ensure_may_suspend(actor)
    now = now or utcnow()
    reason = plain_text(reason, multiline=True)
    if not reason:
        raise ServiceError(_l("Expliquez la raison de la suspension : elle sera envoyée à la "
                              "personne."), field="reason")
    if end_of_day(until) <= now:
        raise ServiceError(_l("Choisissez une date de fin dans le futur."), field="until")
    if user.id == actor.id:
        raise ServiceError(_l("Vous ne pouvez pas suspendre votre propre compte."))
    if authority(user, user.roles_anywhere) >= authority(actor):
        raise ServiceError(_l("Vous ne pouvez pas suspendre un compte qui a autant de droits "
                              "que le vôtre, ou plus. Demandez à une personne qui administre "
                              "la plateforme."))
    user.suspended_until = end_of_day(until)
    user.suspended_by_id = actor.id
    user.suspended_at = now
    user.suspension_reason = reason
    db.session.flush()
    audit.record(actor, "user.suspended", user, summary=f"until {until.isoformat()}",
                 reason=reason)
    notify(user, _l("Votre compte PatientLab est suspendu"), "account_suspended",
           reason=reason, until=until,
           url=external_url("main.charter"))


def lift_suspension(actor: User, user: User) -> None:
    """Admins lift any suspension; moderators only those of accounts below their own."""
    ensure_may_suspend(actor)
    if user.suspended_until is None:
        return
    if not actor.has_role(Role.ADMIN) and authority(user, user.roles_anywhere) >= authority(actor):
        raise ServiceError(_l("Seule une personne qui administre la plateforme peut lever "
                              "cette suspension."))
    user.suspended_until = None
    user.suspended_by_id = None
    user.suspension_reason = ""
    db.session.flush()
    audit.record(actor, "user.unsuspended", user)
