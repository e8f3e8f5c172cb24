"""Patient associations: the list used at registration, managed by admins."""

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from patientlab.associations.models import Association
from patientlab.core import audit
from patientlab.core.collation import french
from patientlab.core.errors import ServiceError
from patientlab.core.sanitize import plain_text
from patientlab.core.security import Role
from patientlab.extensions import db
from patientlab.networks import context
from patientlab.networks.models import AssociationNetwork


def list_associations() -> list[Association]:
    return list(db.session.scalars(select(Association).order_by(french(Association.name))))


def get_association_or_404(association_id: int) -> Association:
    association = db.session.get(Association, association_id)
    if association is None:
        abort(404)
    return association


def network_ids_of(association: Association) -> set[int]:
    return set(db.session.scalars(select(AssociationNetwork.network_id).where(
        AssociationNetwork.association_id == association.id)))


def _set_networks(association: Association, network_ids) -> list[str]:
    """The association belongs to exactly ``network_ids`` (of those that exist); returns
    the slugs of its networks."""
    networks = context.all_networks()
    wanted = {int(i) for i in network_ids} & set(networks)
    before = network_ids_of(association)
    if before - wanted:
        db.session.execute(delete(AssociationNetwork).where(
            AssociationNetwork.association_id == association.id,
            AssociationNetwork.network_id.in_(before - wanted)))
    for network_id in sorted(wanted - before):
        db.session.add(AssociationNetwork(association_id=association.id, network_id=network_id))
    return sorted(networks[i].slug for i in wanted)


def save_association(actor, association: Association | None, *, name: str,
                     website: str, description: str,
                     network_ids=None) -> Association:
    """``network_ids``: the networks it belongs to (None: unchanged)."""
    if not actor.has_role(Role.ADMIN):
        raise PermissionError("admins only")
    name = plain_text(name)
    website = plain_text(website)
    if website and not website.startswith(("https://", "http://")):
        raise ServiceError(_l("Donnez une adresse web complète, par exemple "
                              "https://www.ligue-cancer.net."), field="website")
    same = db.session.scalar(select(Association).where(
        func.lower(Association.name) == name.lower()))
    if same is not None and same is not association:
        raise ServiceError(_l("Une association porte déjà ce nom."), field="name")
    creating = association is None
    if creating:
        association = Association(name=name)
        db.session.add(association)
    association.name = name
    association.website = website
    association.description = plain_text(description, multiline=True)
    db.session.flush()
    summary = name
    if network_ids is not None:
        summary += f" networks={','.join(_set_networks(association, network_ids)) or '-'}"
        db.session.flush()
    audit.record(actor, "association.created" if creating else "association.updated",
                 association, summary=summary)
    return association
