"""Validated reviewers choose the networks that may invite them to review."""

from sqlalchemy import select

from patientlab.core.audit import AuditEntry
from patientlab.core.security import Role
from patientlab.extensions import db
from patientlab.networks.services import reviewer_network_ids
from tests.factories import FIRST_NETWORK, NetworkFactory, RoleRequestFactory, UserFactory

PAGE = "/compte/reseaux"


def test_a_patient_expert_ticks_the_networks_that_may_invite_them(web):
    paca = NetworkFactory(name="Cancéropôle PACA", region="Provence-Alpes-Côte d’Azur")
    martine = UserFactory(email="martine@exemple.fr", roles=["patient_expert"])
    db.session.commit()
    web.login("martine@exemple.fr")
    assert PAGE in web.get("/compte/profil").get_data(as_text=True)
    page = web.get(PAGE).get_data(as_text=True)
    assert page.count("<h1>") == 1
    assert "Cancéropôle PACA (Provence-Alpes-Côte d’Azur)" in page
    assert "<legend" in page
    assert "libre d’accepter ou de refuser" in page
    response = web.submit(PAGE, {"networks": [str(paca.id)]})
    assert response.status_code == 302
    assert reviewer_network_ids(martine.id) == {paca.id}
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "reviewer.networks_changed"))
    assert entry.summary == f"networks={paca.slug}"
    assert web.submit(PAGE, {"networks": ["9999"]}).status_code == 200  # not a choice
    assert reviewer_network_ids(martine.id) == {paca.id}
    assert web.submit(PAGE, {}).status_code == 302
    assert reviewer_network_ids(martine.id) == set()


def test_people_who_do_not_review_have_no_such_page(web):
    UserFactory(email="karim@exemple.fr", roles=["researcher"])
    db.session.commit()
    web.login("karim@exemple.fr")
    assert web.get(PAGE).status_code == 403
    assert PAGE not in web.get("/compte/profil").get_data(as_text=True)


def test_the_validating_network_may_invite_the_new_patient_expert_at_once(web):
    paca = NetworkFactory(slug="paca")
    UserFactory(email="paul@exemple.fr", roles=[Role.COORDINATOR], roles__network=paca)
    request = RoleRequestFactory(user__email="jeanne@exemple.fr")
    db.session.commit()
    web.login("paul@exemple.fr")
    url = f"/paca/coordination/validations/{request.id}"
    response = web.submit(f"{url}/accepter", {"approve-submit": "Valider"}, form_url=url,
                          prefix="approve-")
    assert response.status_code == 302
    assert reviewer_network_ids(request.user_id) == {paca.id}
    assert FIRST_NETWORK not in reviewer_network_ids(request.user_id)
