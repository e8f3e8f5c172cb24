import pytest
from sqlalchemy import select

from patientlab.associations import services as svc
from patientlab.core.audit import AuditEntry
from patientlab.core.errors import ServiceError
from patientlab.extensions import db
from tests.factories import AssociationFactory, UserFactory


def test_admin_adds_and_renames_an_association_with_audit():
    admin = UserFactory(roles=["admin"])
    created = svc.save_association(admin, None, name="Ligue — Comité de l’Ain",
                                   website="https://www.ligue-cancer.net", description="")
    svc.save_association(admin, created, name="Ligue contre le cancer — Ain",
                         website="", description="Comité départemental.")
    assert created.name == "Ligue contre le cancer — Ain"
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["association.created", "association.updated"]


def test_duplicate_names_and_bad_websites_are_field_errors():
    admin = UserFactory(roles=["admin"])
    AssociationFactory(name="Vivre après")
    with pytest.raises(ServiceError) as error:
        svc.save_association(admin, None, name="vivre APRÈS".lower(), website="",
                             description="")
    assert error.value.field == "name"
    with pytest.raises(ServiceError) as error:
        svc.save_association(admin, None, name="Autre", website="javascript:alert(1)",
                             description="")
    assert error.value.field == "website"
    with pytest.raises(PermissionError):
        svc.save_association(UserFactory(roles=["coordinator"]), None, name="X", website="",
                             description="")
