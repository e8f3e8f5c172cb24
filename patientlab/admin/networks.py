"""The networks, as the platform's administrators run them: creation, settings, deletion.

A network's slug starts the addresses of its pages, and those addresses are in mails
already sent: once a network has calls, evenings or projects, its slug no longer
changes, and the network can no longer be deleted.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select

from patientlab.calls.models import Call, CallPartner
from patientlab.core import audit
from patientlab.core.errors import ServiceError
from patientlab.core.sanitize import plain_text
from patientlab.core.security import Role
from patientlab.events.models import Event
from patientlab.extensions import db
from patientlab.networks import services as network_services
from patientlab.networks.models import AssociationNetwork, Network, NetworkRole, ReviewerNetwork
from patientlab.projects.models import Project

#: The settings an administrator writes, in the order of the form.
FIELDS = ("name", "short_name", "slug", "region", "contact_email", "controller", "colour",
          "mail_sender_name", "mail_sender_address", "signature", "privacy_notice",
          "legal_notice", "host")
_MULTILINE = ("signature", "privacy_notice", "legal_notice")
_HOST = re.compile(r"\A(?=.{4,253}\Z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\Z")


def _ensure_admin(actor) -> None:
    if actor is None or not actor.has_role(Role.ADMIN):
        raise PermissionError("admins only")


@dataclass
class NetworkRow:
    network: Network
    calls: int
    events: int
    projects: int
    coordinators: int

    @property
    def has_data(self) -> bool:
        return bool(self.calls or self.events or self.projects)


def _counted(where=None) -> list[NetworkRow]:
    """Networks with their numbers of calls, evenings, projects and coordinators, in one
    statement (a counting subquery per column, not a query per network)."""

    def count(model, column, *conditions):
        return (select(func.count()).select_from(model)
                .where(column == Network.id, *conditions).scalar_subquery())

    # A call counts for its lead and for its partners (neither may be deleted under it).
    # The partners' subquery names Network without having it in its FROM: without
    # correlate(), it took network in its own FROM and counted every joint call for all.
    calls = (select(func.count()).select_from(Call).where(or_(
        Call.network_id == Network.id, Call.id.in_(select(CallPartner.call_id).where(
            CallPartner.network_id == Network.id).correlate(Network))))
        .correlate(Network).scalar_subquery())
    statement = select(
        Network, calls, count(Event, Event.network_id),
        count(Project, Project.network_id),
        count(NetworkRole, NetworkRole.network_id, NetworkRole.role == Role.COORDINATOR),
    ).order_by(Network.name)
    if where is not None:
        statement = statement.where(where)
    return [NetworkRow(*row) for row in db.session.execute(statement)]


def network_rows() -> list[NetworkRow]:
    return _counted()


def get_network_row_or_404(network_id: int) -> NetworkRow:
    rows = _counted(Network.id == network_id)
    if not rows:
        abort(404)
    return rows[0]


def _clean(values: dict) -> dict:
    cleaned = {name: plain_text(values.get(name) or "", multiline=name in _MULTILINE)
               for name in FIELDS}
    cleaned["slug"] = cleaned["slug"].lower()
    cleaned["host"] = cleaned["host"].lower().rstrip(".")
    cleaned["colour"] = cleaned["colour"].lower()
    return cleaned


def save_network(actor, row: NetworkRow | None, values: dict, reserved: set[str]) -> Network:
    """Create a network (``row`` None) or change its settings; every refusal names its
    field. The slug of a network with calls, evenings or projects stays as it is."""
    _ensure_admin(actor)
    network = row.network if row is not None else None
    values = _clean(values)
    if network is not None and row.has_data and not values["slug"]:
        values["slug"] = network.slug
    problems = _problems(network, row, values, reserved)
    if problems:
        raise ServiceError.all_of(problems)
    values["host"] = values["host"] or None
    creating = network is None
    if creating:
        network = Network(**values)
        db.session.add(network)
        changed = sorted(name for name in FIELDS if values[name])
    else:
        changed = [name for name in FIELDS if getattr(network, name) != values[name]]
        for name in changed:
            setattr(network, name, values[name])
    db.session.flush()
    if creating or changed:
        audit.record(actor, "network.created" if creating else "network.updated", network,
                     summary=f"network={network.slug}: {', '.join(changed) or '-'}")
    return network


def _problems(network, row, values: dict, reserved: set[str]) -> list[ServiceError]:
    """Every refusal of the values at once, each naming its field."""
    problems = []
    if network is not None and row.has_data:
        if values["slug"] != network.slug:
            problems.append(ServiceError(_l(
                "L’adresse de ce réseau ne peut plus changer : ses appels, soirées ou projets "
                "ont déjà des liens dans des e-mails envoyés."), field="slug"))
    elif problem := network_services.slug_problem(values["slug"], reserved, network):
        problems.append(ServiceError(problem, field="slug"))
    if problem := network_services.colour_problem(values["colour"]):
        problems.append(ServiceError(problem, field="colour"))
    same_name = db.session.scalar(select(Network.id).where(
        func.lower(Network.name) == values["name"].lower()))
    if same_name is not None and (network is None or same_name != network.id):
        problems.append(ServiceError(_l("Un autre réseau porte déjà ce nom."), field="name"))
    if values["host"] and not _HOST.match(values["host"]):
        problems.append(ServiceError(_l(
            "Écrivez un nom de domaine sans « https:// » ni « / », par exemple "
            "« patients.canceropole-clara.fr »."), field="host"))
    elif values["host"] == (urlsplit(current_app.config["PUBLIC_URL"]).hostname or ""):
        problems.append(ServiceError(_l(
            "C’est le nom de domaine de la plateforme elle-même : donnez au réseau un nom de "
            "domaine qui lui est propre."), field="host"))
    elif values["host"]:
        same_host = db.session.scalar(select(Network.id).where(Network.host == values["host"]))
        if same_host is not None and (network is None or same_host != network.id):
            problems.append(ServiceError(_l("Un autre réseau utilise déjà ce nom de domaine."),
                                         field="host"))
    return problems


def delete_network(actor, row: NetworkRow) -> None:
    """Delete a network that has no call, evening or project: the roles held in it, the
    reviewers' agreement to be invited by it and its associations' ties go with it."""
    _ensure_admin(actor)
    if row.has_data:
        raise ServiceError(_l("Ce réseau a des appels, des soirées ou des projets : il ne "
                              "peut pas être supprimé. Ses pages et leurs adresses doivent "
                              "rester."))
    network = row.network
    for model in (NetworkRole, ReviewerNetwork, AssociationNetwork):
        db.session.execute(delete(model).where(model.network_id == network.id))
    audit.record(actor, "network.deleted", network,
                 summary=f"network={network.slug}: {network.name}")
    db.session.delete(network)
    db.session.flush()
