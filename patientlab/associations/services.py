from sqlalchemy import select

from patientlab.associations.models import Association
from patientlab.extensions import db


def list_associations() -> list[Association]:
    return list(db.session.scalars(select(Association).order_by(Association.name)))

