"""Patient associations: the list used at registration, managed by admins."""

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from patientlab.associations.models import Association
from patientlab.core import audit
from patientlab.core.collation import french
from patientlab.core.errors import ServiceError
from patientlab.core.sanitize import plain_text
from patientlab.core.security import Role
from patientlab.extensions import db


def list_associations() -> list[Association]:
    return list(db.session.scalars(select(Association).order_by(french(Association.name))))


def get_association_or_404(association_id: int) -> Association:
    association = db.session.get(Association, association_id)
    if association is None:
        abort(404)
    return association


def save_association(actor, association: Association | None, *, name: str,
                     website: str, description: str) -> Association:
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
    audit.record(actor, "association.created" if creating else "association.updated",
                 association, summary=name)
    return association
