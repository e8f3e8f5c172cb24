from sqlalchemy import select

from patientlab.associations.models import Association
from patientlab.extensions import db


def list_associations() -> list[Association]:
    return list(db.session.scalars(select(Association).order_by(Association.name)))


def get_association(association_id: int | None) -> Association | None:
    if not association_id:
        return None
    return db.session.get(Association, association_id)
