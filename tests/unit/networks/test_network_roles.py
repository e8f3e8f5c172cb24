"""The roles of a network: who may give them, the last coordinator, the mail, the journal."""

import pytest
from sqlalchemy import select

from patientlab.auth import network_roles as svc
from patientlab.core.audit import AuditEntry
from patientlab.core.errors import ServiceError
from patientlab.extensions import db
from patientlab.networks.context import by_id
from patientlab.networks.services import network_roles, reviewer_network_ids
from tests.conftest import outbox
from tests.factories import FIRST_NETWORK, NetworkFactory, UserFactory


def _clara():
    return by_id(FIRST_NETWORK)


def test_a_coordinator_gives_a_role_of_their_network_by_email_and_the_person_is_told():
    anne = UserFactory(roles=["coordinator"])
    sophie = UserFactory(email="sophie@exemple.fr")
    token = sophie.session_token
    assert svc.grant_by_email(anne, _clara(), "SOPHIE@exemple.fr", "moderator") is sophie
    assert network_roles(sophie, FIRST_NETWORK) == {"moderator"}
    assert sophie.session_token != token
    mail = outbox("sophie@exemple.fr")[-1]
    assert "Modération" in mail.body_text
    assert "/clara/moderation/" in mail.body_text
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "network.role_granted"))
    assert (entry.object_id, entry.summary) == (sophie.id, "network=clara role=moderator")


def test_giving_refuses_an_unknown_address_a_role_held_and_a_national_role():
    anne = UserFactory(roles=["coordinator"])
    sophie = UserFactory(email="sophie@exemple.fr", roles=["organiser"])
    with pytest.raises(ServiceError) as error:
        svc.grant_by_email(anne, _clara(), "inconnu@exemple.fr", "organiser")
    assert error.value.field == "email"
    with pytest.raises(ServiceError, match="déjà ce rôle"):
        svc.grant_by_email(anne, _clara(), "sophie@exemple.fr", "organiser")
    with pytest.raises(ServiceError) as error:
        svc.grant_by_email(anne, _clara(), "sophie@exemple.fr", "admin")
    assert error.value.field == "role"
    assert network_roles(sophie, FIRST_NETWORK) == {"organiser"}


def test_only_admins_and_the_networks_own_coordinators_give_its_roles():
    other = NetworkFactory()
    paul = UserFactory(roles=["coordinator"], roles__network=other)
    organiser = UserFactory(roles=["organiser"])
    UserFactory(email="sophie@exemple.fr")
    for actor in (paul, organiser, None):
        with pytest.raises(PermissionError):
            svc.grant_by_email(actor, _clara(), "sophie@exemple.fr", "organiser")
    admin = UserFactory(roles=["admin"])
    assert svc.may_manage(admin, _clara())
    assert svc.may_manage(paul, other)
    assert not svc.may_manage(paul, _clara())
    svc.grant_by_email(admin, other, "sophie@exemple.fr", "coordinator")


def test_the_last_coordinator_of_a_network_stays():
    anne = UserFactory(roles=["coordinator"])
    admin = UserFactory(roles=["admin"])
    with pytest.raises(ServiceError, match="Vous êtes la seule"):
        svc.withdraw(anne, _clara(), anne, "coordinator")
    with pytest.raises(ServiceError, match="seule personne"):
        svc.withdraw(admin, _clara(), anne, "coordinator")
    bruno = UserFactory(roles=["coordinator"])
    svc.withdraw(anne, _clara(), anne, "coordinator")
    assert network_roles(anne, FIRST_NETWORK) == set()
    with pytest.raises(ServiceError, match="n’a pas ce rôle"):
        svc.withdraw(bruno, _clara(), anne, "coordinator")
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "network.role_withdrawn"))
    assert entry.summary == "network=clara role=coordinator"


def test_holders_lists_roles_by_role_then_name():
    UserFactory(name="Zoé", roles=["organiser"])
    UserFactory(name="Alice", roles=["moderator", "coordinator"])
    UserFactory(name="Bruno", roles=["coordinator"], roles__network=NetworkFactory())
    found = [(h.user.name, h.role) for h in svc.holders(FIRST_NETWORK)]
    assert found == [("Alice", "coordinator"), ("Zoé", "organiser"), ("Alice", "moderator")]
    assert svc.coordinator_count(FIRST_NETWORK) == 1


def test_a_reviewer_chooses_their_networks_among_those_that_exist():
    other = NetworkFactory()
    martine = UserFactory(roles=["patient_expert"])
    assert reviewer_network_ids(martine.id) == {FIRST_NETWORK}
    assert svc.set_reviewer_networks(martine, [other.id, 12345])
    assert reviewer_network_ids(martine.id) == {other.id}
    assert not svc.set_reviewer_networks(martine, [other.id])
    with pytest.raises(PermissionError):
        svc.set_reviewer_networks(UserFactory(roles=["researcher"]), [other.id])
