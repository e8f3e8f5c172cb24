"""The administration's rules for networks: slug, colour, name, host, deletion, counts."""

import pytest
from sqlalchemy import select

from patientlab.admin import networks as svc
from patientlab.core.audit import AuditEntry
from patientlab.core.errors import ServiceError
from patientlab.extensions import db
from patientlab.networks.models import Network, NetworkRole, ReviewerNetwork
from patientlab.networks.services import reserved_slugs
from tests.factories import (
    FIRST_NETWORK,
    NetworkFactory,
    UserFactory,
    make_call,
    make_event,
    make_project,
)

VALUES = {"name": "Cancéropôle Grand Ouest", "short_name": "Grand Ouest",
          "slug": "grand-ouest", "region": "Bretagne", "contact_email": "go@exemple.fr",
          "controller": "GIP Grand Ouest", "colour": "#1D4F91", "host": ""}


@pytest.fixture
def reserved(app):
    return reserved_slugs(app.url_map)


def _refusal(actor, row, values, reserved):
    with pytest.raises(ServiceError) as error:
        svc.save_network(actor, row, values, reserved)
    return error.value.field


def test_a_network_is_created_cleaned_and_journaled(reserved):
    admin = UserFactory(roles=["admin"])
    network = svc.save_network(admin, None, {**VALUES, "signature": "L’équipe\n  GO "},
                               reserved)
    assert (network.slug, network.colour, network.host) == ("grand-ouest", "#1d4f91", None)
    assert network.signature == "L’équipe\n  GO"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "network.created"))
    assert entry.summary.startswith("network=grand-ouest: ")


def test_each_refusal_names_its_field(reserved):
    admin = UserFactory(roles=["admin"])
    assert _refusal(admin, None, {**VALUES, "slug": "compte"}, reserved) == "slug"
    assert _refusal(admin, None, {**VALUES, "slug": "clara"}, reserved) == "slug"
    assert _refusal(admin, None, {**VALUES, "slug": "Été"}, reserved) == "slug"
    assert _refusal(admin, None, {**VALUES, "colour": "#ffff00"}, reserved) == "colour"
    assert _refusal(admin, None, {**VALUES, "colour": "bleu"}, reserved) == "colour"
    clara = db.session.get(Network, FIRST_NETWORK)
    assert _refusal(admin, None, {**VALUES, "name": clara.name.upper()}, reserved) == "name"
    assert _refusal(admin, None, {**VALUES, "host": "https://x.fr/"}, reserved) == "host"
    NetworkFactory(host="patients.exemple.fr")
    assert _refusal(admin, None, {**VALUES, "host": "Patients.exemple.fr"}, reserved) == "host"
    with pytest.raises(PermissionError):
        svc.save_network(UserFactory(roles=["coordinator"]), None, VALUES, reserved)


def test_the_slug_changes_only_while_the_network_has_no_data(reserved):
    admin = UserFactory(roles=["admin"])
    network = NetworkFactory(slug="vide")
    row = svc.get_network_row_or_404(network.id)
    values = {"name": network.name, "short_name": network.short_name, "slug": "neuf",
              "contact_email": "a@exemple.fr", "controller": "GIP", "colour": "#1d4f91"}
    svc.save_network(admin, row, values, reserved)
    assert network.slug == "neuf"
    make_event(network_id=network.id)
    row = svc.get_network_row_or_404(network.id)
    assert _refusal(admin, row, {**values, "slug": "autre"}, reserved) == "slug"
    svc.save_network(admin, row, {**values, "slug": "", "region": "Corse"}, reserved)
    assert (network.slug, network.region) == ("neuf", "Corse")


def test_the_list_counts_in_one_statement(app):
    other = NetworkFactory(name="AAA premier")
    make_call(network_id=other.id)
    make_project(network_id=other.id)
    make_project(network_id=other.id)
    UserFactory(roles=["coordinator", "organiser"], roles__network=other)
    from sqlalchemy import event

    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        rows = svc.network_rows()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1
    first = rows[0]
    assert (first.network.id, first.calls, first.events, first.projects,
            first.coordinators) == (other.id, 1, 0, 2, 1)
    assert first.has_data


def test_a_network_without_data_is_deleted_with_its_ties_one_with_data_stays():
    admin = UserFactory(roles=["admin"])
    empty = NetworkFactory()
    UserFactory(roles=["coordinator", "patient_expert"], roles__network=empty)
    svc.delete_network(admin, svc.get_network_row_or_404(empty.id))
    assert db.session.get(Network, empty.id) is None
    assert not db.session.scalars(select(NetworkRole).where(
        NetworkRole.network_id == empty.id)).all()
    assert not db.session.scalars(select(ReviewerNetwork).where(
        ReviewerNetwork.network_id == empty.id)).all()
    make_event()
    with pytest.raises(ServiceError, match="ne peut pas être supprimé"):
        svc.delete_network(admin, svc.get_network_row_or_404(FIRST_NETWORK))
