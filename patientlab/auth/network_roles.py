"""Who holds the roles of a network, and how they are given and withdrawn.

The platform's administrators and a network's own coordinators give the roles of that
network (coordination, organisation of evenings, moderation) to existing accounts,
named by their e-mail address. A network that has a coordinator always keeps one.
Reviewers choose which networks may invite them to review.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from patientlab.core import audit
from patientlab.core.collation import french
from patientlab.core.errors import ServiceError
from patientlab.core.mail import notify
from patientlab.core.security import Role, role_label
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.networks import context
from patientlab.networks import services as network_services
from patientlab.networks.models import Network, NetworkRole, ReviewerNetwork

from .models import User
from .services import end_all_sessions, get_user_by_email

#: Where each role's work starts, for the mail that tells a person of a new role.
ROLE_PAGES = {Role.COORDINATOR: "coordination.index", Role.ORGANISER: "events.index",
              Role.MODERATOR: "moderation.index"}


def may_manage(actor, network: Network) -> bool:
    """Administrators of the platform, and the network's own coordinators."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return bool(actor.roles_in(network.id) & {Role.ADMIN, Role.COORDINATOR})


def _ensure_may_manage(actor, network: Network) -> None:
    if not may_manage(actor, network):
        raise PermissionError("only admins and the network's coordinators give its roles")


@dataclass
class Holder:
    user: User
    role: str


def holders(network_id: int) -> list[Holder]:
    """Every role held in the network, by role then name, in one query."""
    order = {role: index for index, role in enumerate(network_services.NETWORK_ROLES)}
    rows = db.session.execute(
        select(User, NetworkRole.role).join(NetworkRole, NetworkRole.user_id == User.id)
        .where(NetworkRole.network_id == network_id).order_by(french(User.name), User.id)).all()
    return sorted((Holder(user, role) for user, role in rows),
                  key=lambda holder: order.get(holder.role, len(order)))


def coordinator_count(network_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(NetworkRole).where(
        NetworkRole.network_id == network_id, NetworkRole.role == Role.COORDINATOR)) or 0


def grant_by_email(actor, network: Network, email: str, role: str) -> User:
    """Give ``role`` in ``network`` to the account of ``email``; the person is told by
    mail, with the link to where that work starts in the network."""
    _ensure_may_manage(actor, network)
    if role not in network_services.NETWORK_ROLES:
        raise ServiceError(_l("Choisissez un des rôles proposés."), field="role")
    user = get_user_by_email(email)
    if user is None:
        raise ServiceError(_l("Aucun compte n’utilise l’adresse %(email)s. Vérifiez "
                              "l’adresse, ou demandez à la personne de créer son compte "
                              "puis recommencez.", email=email), field="email")
    if not network_services.grant(user, network, role, actor):
        raise ServiceError(_l("%(name)s a déjà ce rôle dans ce réseau.", name=user.name),
                           field="email")
    if user.id != actor.id:
        end_all_sessions(user)  # a change of privilege starts new sessions (ASVS 7.2)
    audit.record(actor, "network.role_granted", user,
                 summary=f"network={network.slug} role={role}")
    notify(user, _l("Un rôle vous est confié dans le réseau %(network)s",
                    network=network.short_name),
           "network_role_granted", role=role_label(role), network=network,
           url=external_url(ROLE_PAGES[role], network=network.slug))
    return user


def withdraw(actor, network: Network, user: User, role: str) -> None:
    """Withdraw ``role`` in ``network`` from ``user``; the last coordinator stays."""
    _ensure_may_manage(actor, network)
    if role not in network_services.network_roles(user, network.id):
        raise ServiceError(_l("%(name)s n’a pas ce rôle dans ce réseau.", name=user.name))
    if role == Role.COORDINATOR and coordinator_count(network.id) <= 1:
        if user.id == actor.id:
            raise ServiceError(_l("Vous êtes la seule personne à la coordination de ce "
                                  "réseau : nommez d’abord une autre personne, puis "
                                  "retirez votre rôle."))
        raise ServiceError(_l("%(name)s est la seule personne à la coordination de ce "
                              "réseau : nommez d’abord une autre personne, puis retirez "
                              "ce rôle.", name=user.name))
    network_services.revoke(user, network, role)
    if user.id != actor.id:
        end_all_sessions(user)
    audit.record(actor, "network.role_withdrawn", user,
                 summary=f"network={network.slug} role={role}")


def get_user_or_none(user_id: int) -> User | None:
    return db.session.get(User, user_id)


# --- Reviewers' networks -----------------------------------------------------------------


def set_reviewer_networks(user: User, network_ids) -> bool:
    """The networks that may invite ``user`` to review, exactly ``network_ids`` (of the
    networks that exist). Returns whether anything changed."""
    if not user.can_review:
        raise PermissionError("only validated reviewers choose their networks")
    wanted = {int(i) for i in network_ids} & set(context.all_networks())
    before = network_services.reviewer_network_ids(user.id)
    if wanted == before:
        return False
    if before - wanted:
        db.session.execute(delete(ReviewerNetwork).where(
            ReviewerNetwork.user_id == user.id, ReviewerNetwork.network_id.in_(before - wanted)))
    for network_id in sorted(wanted - before):
        db.session.add(ReviewerNetwork(user_id=user.id, network_id=network_id))
    db.session.flush()
    slugs = sorted(context.slug_of(i) for i in wanted)
    audit.record(user, "reviewer.networks_changed", user,
                 summary=f"networks={','.join(slugs) or '-'}")
    return True

