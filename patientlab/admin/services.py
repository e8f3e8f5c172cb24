"""Administration: the audit journal, users (roles, suspension).

Every change goes through a service that checks the actor and writes the audit trail.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from patientlab.auth.models import User, UserRole
from patientlab.auth.services import end_all_sessions
from patientlab.core import audit
from patientlab.core.audit import AuditEntry
from patientlab.core.collation import french
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.pagination import Page
from patientlab.core.security import Role
from patientlab.extensions import db
from patientlab.networks import services as network_services

PAGE_SIZE = 50


def ensure_admin(actor) -> None:
    if actor is None or not actor.has_role(Role.ADMIN):
        raise PermissionError("admins only")


# --- Journal --------------------------------------------------------------------------


@dataclass
class JournalQuery:
    action: str = ""
    object_type: str = ""
    actor: str = ""
    since: date | None = None
    until: date | None = None
    page: int = 1


def journal(query: JournalQuery) -> Page:
    """Newest first, filtered; two statements whatever the size of the journal."""
    from patientlab.core.days import start_of_day

    conditions = []
    if query.action:
        conditions.append(AuditEntry.action.startswith(query.action))
    if query.object_type:
        conditions.append(AuditEntry.object_type == query.object_type)
    if query.actor:
        pattern = f"%{query.actor.lower()}%"
        conditions.append(AuditEntry.actor_id.in_(select(User.id).where(or_(
            func.lower(User.email).like(pattern), func.lower(User.name).like(pattern)))))
    if query.since:
        conditions.append(AuditEntry.created_at >= start_of_day(query.since))
    if query.until:
        conditions.append(AuditEntry.created_at < start_of_day(query.until + timedelta(days=1)))
    total = db.session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(*conditions)) or 0
    result = Page.of(total, query.page, PAGE_SIZE)
    rows = db.session.execute(
        select(AuditEntry, User).outerjoin(User, User.id == AuditEntry.actor_id)
        .where(*conditions).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(PAGE_SIZE).offset(result.offset)).all()
    result.items = [(entry, user) for entry, user in rows]
    return result


def journal_choices() -> tuple[list[str], list[str]]:
    """The action families and object types present, for the filters."""
    actions = sorted({a.split(".")[0] for a in db.session.scalars(
        select(AuditEntry.action).distinct())})
    types = sorted(db.session.scalars(select(AuditEntry.object_type).distinct()))
    return actions, [t for t in types if t]


# --- Users ---------------------------------------------------------------------------


def search_users(q: str = "", role: str = "", page: int = 1) -> Page:
    conditions = []
    if q:
        pattern = f"%{q.lower()}%"
        conditions.append(or_(func.lower(User.email).like(pattern),
                              func.lower(User.name).like(pattern)))
    if role == "suspended":
        conditions.append(User.suspended_until > utcnow())
    elif role:
        conditions.append(User.id.in_(
            network_services.holders_anywhere(role) if role in network_services.NETWORK_ROLES
            else select(UserRole.user_id).where(UserRole.role == role)))
    total = db.session.scalar(select(func.count()).select_from(User).where(*conditions)) or 0
    result = Page.of(total, page, PAGE_SIZE)
    result.items = list(db.session.scalars(
        select(User).where(*conditions).order_by(french(User.name), User.id)
        .limit(PAGE_SIZE).offset(result.offset)))
    return result


def get_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def set_roles(actor: User, user: User, roles: list[str]) -> bool:
    """Give exactly ``roles`` of those held across the platform (patient expert,
    representative, researcher, administration); the roles of a network are given on
    its page. An admin cannot remove their own admin role."""
    ensure_admin(actor)
    wanted = {r for r in roles if r in Role.ALL and r not in network_services.NETWORK_ROLES}
    if user.id == actor.id and Role.ADMIN not in wanted:
        raise ServiceError(_l("Vous ne pouvez pas retirer votre propre rôle d’administration."),
                           field="roles")
    before = {row.role for row in user.role_rows}
    if wanted == before:
        return False
    for row in list(user.role_rows):
        if row.role not in wanted:
            user.role_rows.remove(row)
    for role in sorted(wanted - before):
        user.role_rows.append(UserRole(user_id=user.id, role=role, granted_by_id=actor.id))
    # A change of privilege starts new sessions (ASVS 7.2).
    end_all_sessions(user)
    db.session.flush()
    audit.record(actor, "user.roles_changed", user,
                 summary=f"{', '.join(sorted(before)) or '-'} → "
                         f"{', '.join(sorted(wanted)) or '-'}")
    return True


def network_roles_of(user: User) -> list[tuple]:
    """The roles ``user`` holds in each network: [(network, role)], by network name."""
    from patientlab.networks import context

    networks = context.all_networks()
    return sorted(((networks[row.network_id], row.role) for row in user.network_role_rows),
                  key=lambda pair: (pair[0].name, pair[1]))


def user_activity(user: User, limit: int = 20) -> list[AuditEntry]:
    """What this person did and what was done to their account."""
    return list(db.session.scalars(
        select(AuditEntry).where(or_(AuditEntry.actor_id == user.id, (
            (AuditEntry.object_type == "user") & (AuditEntry.object_id == user.id))))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)))



# --- Platform news --------------------------------------------------------------------

NEWS = "news"


def send_news(actor: User, subject: str, body: str) -> int:
    """A message from the team to every active, confirmed account, each as they chose
    (core.notifications: now, in their summary, or not at all). Returns how many will
    receive it."""
    from patientlab.core.mail import notify
    from patientlab.core.sanitize import plain_text

    ensure_admin(actor)
    subject, body = plain_text(subject), plain_text(body)
    told = 0
    for user in db.session.scalars(select(User).where(
            User.active.is_(True), User.email_verified_at.is_not(None)).order_by(User.id)):
        if notify(user, subject, "platform_news", kind=NEWS, text=body) is not None:
            told += 1
    audit.record(actor, "platform.news_sent", None, summary=f"{subject} ({told})")
    return told
