"""A network's coordinators give and withdraw the roles of their own network only."""

from sqlalchemy import select

from patientlab.core.audit import AuditEntry
from patientlab.extensions import db
from patientlab.networks.models import NetworkRole
from tests.conftest import link_in, outbox
from tests.factories import FIRST_NETWORK, NetworkFactory, UserFactory

PAGE = "/clara/coordination/roles"


def _roles(network_id):
    return set(db.session.execute(select(NetworkRole.user_id, NetworkRole.role).where(
        NetworkRole.network_id == network_id)).all())


def test_a_coordinator_lists_gives_and_withdraws_roles_of_their_network(web):
    anne = UserFactory(email="anne@exemple.fr", name="Anne Martin", roles=["coordinator"])
    sophie = UserFactory(email="sophie@exemple.fr", name="Sophie Bernard")
    db.session.commit()
    web.login("anne@exemple.fr")
    page = web.get(PAGE).get_data(as_text=True)
    assert "Anne Martin" in page
    assert page.count("<h1>") == 1
    response = web.submit(PAGE, {"role-email": "personne@exemple.fr", "role-role": "organiser"},
                          prefix="role-")
    page = response.get_data(as_text=True)
    assert 'id="role-email-error"' in page
    assert 'href="#role-email"' in page
    assert "Erreur" in page.split("</title>")[0]
    page = web.submit(PAGE, {"role-email": "sophie@exemple.fr"}, prefix="role-").get_data(
        as_text=True)
    assert 'id="role-role-error"' in page
    response = web.submit(PAGE, {"role-email": "sophie@exemple.fr", "role-role": "organiser"},
                          prefix="role-")
    assert response.status_code == 302
    assert (sophie.id, "organiser") in _roles(FIRST_NETWORK)
    mail = outbox("sophie@exemple.fr")[-1]
    assert "CLARA" in mail.subject
    assert link_in(mail) == "/clara/evenements/"
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "network.role_granted"))
    assert entry.summary == "network=clara role=organiser"
    # Withdrawing asks first, then withdraws.
    data = {"user_id": str(sophie.id), "role": "organiser"}
    page = web.submit(f"{PAGE}/retirer", data, form_url=PAGE).get_data(as_text=True)
    assert "Retirer le rôle" in page
    assert (sophie.id, "organiser") in _roles(FIRST_NETWORK)
    response = web.submit(f"{PAGE}/retirer", {**data, "confirmed": "1"}, form_url=PAGE)
    assert response.status_code == 302
    assert (sophie.id, "organiser") not in _roles(FIRST_NETWORK)
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "network.role_withdrawn"))
    assert entry.summary == "network=clara role=organiser"
    assert anne.id


def test_the_last_coordinator_cannot_withdraw_their_own_role(web):
    anne = UserFactory(email="anne@exemple.fr", roles=["coordinator"])
    db.session.commit()
    web.login("anne@exemple.fr")
    data = {"user_id": str(anne.id), "role": "coordinator", "confirmed": "1"}
    response = web.submit(f"{PAGE}/retirer", data, form_url=PAGE, follow=True)
    assert "seule personne à la coordination" in response.get_data(as_text=True)
    assert (anne.id, "coordinator") in _roles(FIRST_NETWORK)


def test_a_coordinator_who_withdraws_their_own_role_goes_to_their_space(web):
    anne = UserFactory(email="anne@exemple.fr", roles=["coordinator"])
    UserFactory(roles=["coordinator"])
    db.session.commit()
    web.login("anne@exemple.fr")
    data = {"user_id": str(anne.id), "role": "coordinator", "confirmed": "1"}
    response = web.submit(f"{PAGE}/retirer", data, form_url=PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/mon-espace")
    assert web.get(PAGE).status_code == 403


def test_a_coordinator_of_another_network_can_neither_see_nor_change_these_roles(web):
    other = NetworkFactory(slug="paca")
    UserFactory(email="paul@exemple.fr", roles=["coordinator"], roles__network=other)
    anne = UserFactory(email="anne@exemple.fr", roles=["coordinator"])
    UserFactory(email="sophie@exemple.fr")
    db.session.commit()
    web.login("paul@exemple.fr")
    assert web.get("/paca/coordination/roles").status_code == 200
    assert web.get(PAGE).status_code == 403
    token_page = "/paca/coordination/roles"
    response = web.submit(PAGE, {"role-email": "sophie@exemple.fr", "role-role": "coordinator"},
                          form_url=token_page, prefix="role-")
    assert response.status_code == 403
    response = web.submit(f"{PAGE}/retirer", {"user_id": str(anne.id), "role": "coordinator",
                                              "confirmed": "1"}, form_url=token_page)
    assert response.status_code == 403
    assert _roles(FIRST_NETWORK) == {(anne.id, "coordinator")}
    page = web.get(token_page).get_data(as_text=True)
    assert "anne@exemple.fr" not in page
