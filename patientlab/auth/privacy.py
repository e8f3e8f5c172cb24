"""The personal data accounts hold, for core.privacy (export, erasure)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from patientlab.core import notifications, privacy
from patientlab.core.audit import AuditEntry
from patientlab.core.privacy import PersonalData, when
from patientlab.extensions import db
from patientlab.networks.models import NetworkRole, ReviewerNetwork

from .models import CharterAcceptance, RecoveryCode, RoleRequest, User, UserRole


def _consents(user: User) -> list[dict]:
    return [{"what": "charter", "version": c.version, "accepted_at": when(c.accepted_at)}
            for c in db.session.scalars(select(CharterAcceptance).where(
                CharterAcceptance.user_id == user.id).order_by(CharterAcceptance.accepted_at))]


def _role_requests(user: User) -> list[dict]:
    return [{"role": r.role, "status": r.status, "motivation": r.motivation,
             "created_at": when(r.created_at), "decided_at": when(r.decided_at),
             "reason": r.reason}
            for r in db.session.scalars(select(RoleRequest).where(
                RoleRequest.user_id == user.id).order_by(RoleRequest.created_at))]


def _journal(user: User) -> list[dict]:
    return [{"action": e.action, "at": when(e.created_at)}
            for e in db.session.scalars(select(AuditEntry).where(
                AuditEntry.actor_id == user.id).order_by(AuditEntry.created_at))]


def _notifications(user: User) -> list[dict]:
    frequencies = [{"kind": kind, "frequency": frequency}
                   for kind, frequency in notifications.settings_of(user).items()]
    dates = notifications.follow_dates(user)
    follows = [{"topic": topic, "follows": values,
                "since": {value: when(dates.get((topic, value))) for value in values}}
               for topic, values in notifications.follows_of(user).items() if values]
    return frequencies + follows


def _erase_notifications(user: User, now: datetime) -> None:
    for model in (notifications.NotificationSetting, notifications.Subscription,
                  notifications.DigestRun):
        db.session.execute(delete(model).where(model.user_id == user.id))


def _erase_rows(model, column):
    def erase(user: User, now: datetime) -> None:
        db.session.execute(delete(model).where(column == user.id))
    return erase


def register() -> None:
    privacy.register(PersonalData(
        "consents", _l("Consentements"), _consents,
        erase=_erase_rows(CharterAcceptance, CharterAcceptance.user_id),
        columns=("charter_acceptance.user_id",), order=10))
    privacy.register(PersonalData(
        "role_requests", _l("Demandes de rôle"), _role_requests,
        erase=_erase_rows(RoleRequest, RoleRequest.user_id),
        columns=("role_request.user_id",), order=20))
    # Roles and recovery codes: the roles are in the account section; the codes are
    # secrets, never exported.
    privacy.register(PersonalData(
        "roles", _l("Rôles"), None, erase=_erase_rows(UserRole, UserRole.user_id),
        columns=("user_role.user_id",), order=21))
    privacy.register(PersonalData(
        "network_roles", _l("Rôles dans les réseaux"), None,
        erase=_erase_rows(NetworkRole, NetworkRole.user_id),
        columns=("network_role.user_id",), order=21))
    privacy.register(PersonalData(
        "reviewer_networks", _l("Réseaux qui peuvent vous inviter à relire"), None,
        erase=_erase_rows(ReviewerNetwork, ReviewerNetwork.user_id),
        columns=("reviewer_network.user_id",), order=21))
    privacy.register(PersonalData(
        "recovery_codes", _l("Codes de secours"), None,
        erase=_erase_rows(RecoveryCode, RecoveryCode.user_id),
        columns=("recovery_code.user_id",), order=22))
    privacy.register(PersonalData(
        "notifications", _l("Mes choix de messages et les sujets que je suis"),
        _notifications, erase=_erase_notifications,
        columns=("notification_setting.user_id", "notification_subscription.user_id",
                 "notification_digest.user_id"), order=30))
    # The mail itself is erased by address with the account (core.mail.forget_recipient).
    privacy.keep("outbox_message.user_id", "mail to the person: erased by its address")
    privacy.register(PersonalData(
        "actions_in_the_journal", _l("Actions notées dans le journal"), _journal,
        columns=("audit_entry.actor_id",), order=900))
    privacy.keep("user.suspended_by_id", "who suspended an account: a decision, kept")
    privacy.keep("role_request.decided_by_id", "who decided a request: a decision, kept")
    privacy.keep("user_role.granted_by_id", "who granted a role: a decision, kept")
    privacy.keep("network_role.granted_by_id", "who granted a role: a decision, kept")
    privacy.keep("charter_version.published_by_id", "who published a charter: kept")
