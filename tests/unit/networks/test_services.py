"""The rules of networks: a colour white text can be read on, a slug free to start
addresses, and the roles people hold in one network."""

import pytest

from patientlab.core.errors import ServiceError
from patientlab.extensions import db
from patientlab.networks import services as svc
from patientlab.networks.models import Network
from tests.factories import FIRST_NETWORK, NetworkFactory, UserFactory

#: French typography: a no-break space inside « » (the French catalogue's).
NBSP = "\u00a0"


def _first():
    return db.session.get(Network, FIRST_NETWORK)


# --- Colours -------------------------------------------------------------------------

def test_a_dark_blue_carries_white_text():
    assert svc.colour_problem("#1d4f91") is None
    assert svc.colour_problem("#1D4F91") is None
    assert svc.contrast_ratio("#1d4f91", "#ffffff") >= 4.5


def test_a_yellow_is_refused_with_its_contrast_ratio_in_french():
    problem = svc.colour_problem("#ffcc00")
    assert problem is not None
    assert "contraste de 1,5 pour 1" in problem
    assert "au moins 4,5 pour 1" in problem


def test_black_and_white_are_the_widest_contrast():
    assert svc.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert svc.contrast_ratio("#ffffff", "#000000") == pytest.approx(21)


@pytest.mark.parametrize("colour", ["", "1d4f91", "#1d4f9", "#1d4f911", "#gggggg", "bleu",
                                    None])
def test_a_colour_not_written_in_hexadecimal_is_refused(colour):
    assert "hexadécimal" in svc.colour_problem(colour)


# --- Slugs -----------------------------------------------------------------------------

@pytest.mark.parametrize("slug", ["paca", "grand-ouest", "idf2", "ab"])
def test_a_free_lowercase_slug_is_accepted(app, slug):
    assert svc.slug_problem(slug, svc.reserved_slugs(app.url_map)) is None


@pytest.mark.parametrize("slug", ["PACA", "Paca", "côte", "île-de-france", "a", "",
                                  "2paca", "-paca", "pa ca", "pa_ca", "a" * 31, None])
def test_a_slug_with_uppercase_accents_or_the_wrong_length_is_refused(app, slug):
    assert "lettres minuscules sans accent" in svc.slug_problem(
        slug, svc.reserved_slugs(app.url_map))


def test_the_platforms_own_first_segments_are_reserved(app):
    reserved = svc.reserved_slugs(app.url_map)
    assert {"compte", "admin", "static", "membres", "mon-espace", "charte", "langue",
            "api", "www"} <= reserved
    # The segments after a network's slug too: « /evenements/ » from before networks
    # leads to the first network's evenings, not to a network called « evenements ».
    assert {"evenements", "projets", "appels", "coordination"} <= reserved
    for slug in ("compte", "admin", "static"):
        assert svc.slug_problem(slug, reserved) == (
            f"«{NBSP}{slug}{NBSP}» est déjà une adresse de la plateforme. Choisissez-en une autre.")


def test_a_slug_another_network_uses_is_taken_but_a_network_keeps_its_own(app):
    reserved = svc.reserved_slugs(app.url_map)
    paca = NetworkFactory(slug="paca")
    taken = f"Un autre réseau utilise déjà «{NBSP}clara{NBSP}»."
    assert svc.slug_problem("clara", reserved) == taken
    assert svc.slug_problem("clara", reserved, network=paca) == taken
    assert svc.slug_problem("paca", reserved, network=paca) is None
    assert svc.slug_problem("clara", reserved, network=_first()) is None


# --- Roles held in one network -----------------------------------------------------

def test_a_role_granted_in_one_network_counts_there_only():
    paca = NetworkFactory()
    anne = UserFactory()
    admin = UserFactory(roles=["admin"])
    assert svc.grant(anne, paca, "coordinator", actor=admin) is True
    assert svc.network_roles(anne, paca.id) == {"coordinator"}
    assert svc.network_roles(anne, FIRST_NETWORK) == set()
    assert anne.roles_in(paca.id) == {"coordinator"}
    assert anne.roles_in(FIRST_NETWORK) == set()
    assert anne.network_ids_with("coordinator") == {paca.id}
    (row,) = anne.network_role_rows
    assert row.granted_by_id == admin.id


def test_granting_a_role_held_already_changes_nothing():
    anne = UserFactory(roles=["organiser"])
    assert svc.grant(anne, _first(), "organiser") is False
    assert len(anne.network_role_rows) == 1


@pytest.mark.parametrize("role", ["patient_expert", "association_rep", "researcher",
                                  "admin", "nobody"])
def test_a_role_of_the_whole_platform_is_not_granted_per_network(role):
    anne = UserFactory()
    with pytest.raises(ServiceError) as error:
        svc.grant(anne, _first(), role)
    assert str(error.value) == "Ce rôle ne se donne pas par réseau."
    assert anne.network_role_rows == []


def test_revoking_takes_the_role_in_that_network_only():
    paca = NetworkFactory()
    anne = UserFactory(roles=["moderator"])
    svc.grant(anne, paca, "moderator")
    assert svc.revoke(anne, paca, "moderator") is True
    assert svc.network_roles(anne, paca.id) == set()
    assert svc.network_roles(anne, FIRST_NETWORK) == {"moderator"}
    assert svc.revoke(anne, paca, "moderator") is False


def test_holders_are_the_people_with_the_role_in_that_network():
    paca = NetworkFactory()
    here = UserFactory(roles=["coordinator"])
    there = UserFactory(roles=["coordinator"], roles__network=paca)
    organiser_there = UserFactory(roles=["organiser"], roles__network=paca)
    assert set(db.session.scalars(svc.holders("coordinator", paca.id))) == {there.id}
    assert set(db.session.scalars(svc.holders("coordinator", FIRST_NETWORK))) == {here.id}
    assert set(db.session.scalars(svc.holders("organiser", paca.id))) == {
        organiser_there.id}
    assert {here.id, there.id} <= set(db.session.scalars(
        svc.holders_anywhere("coordinator")))


def test_reviewers_of_a_network_are_those_who_agreed_it_may_invite_them():
    paca = NetworkFactory()
    martine = UserFactory(roles=["patient_expert"])  # agreed for the first network
    karim = UserFactory(roles=["association_rep"], roles__network=paca)
    assert karim.id in set(db.session.scalars(svc.reviewers_of(paca.id)))
    assert martine.id not in set(db.session.scalars(svc.reviewers_of(paca.id)))
    assert svc.reviewer_network_ids(martine.id) == {FIRST_NETWORK}
    assert svc.reviewer_network_ids(karim.id) == {paca.id}
