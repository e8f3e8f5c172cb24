"""The administration ticks the networks an association belongs to."""

import re

from sqlalchemy import select

from patientlab.core.audit import AuditEntry
from patientlab.extensions import db
from patientlab.networks.models import AssociationNetwork
from tests.factories import FIRST_NETWORK, AssociationFactory, NetworkFactory, UserFactory


def _networks(association_id):
    return set(db.session.scalars(select(AssociationNetwork.network_id).where(
        AssociationNetwork.association_id == association_id)))


def test_an_admin_ticks_the_networks_of_an_association(web):
    paca = NetworkFactory(name="Cancéropôle PACA")
    association = AssociationFactory(name="Les amis du sein")
    UserFactory(email="admin@exemple.fr", roles=["admin"])
    db.session.commit()
    web.login("admin@exemple.fr")
    url = f"/admin/associations/{association.id}"
    page = web.get(url).get_data(as_text=True)
    assert "Réseaux de l’association" in page
    assert "Cancéropôle PACA" in page
    response = web.submit(url, {"name": "Les amis du sein", "website": "",
                                "description": "", "networks": [str(FIRST_NETWORK),
                                                                str(paca.id)]})
    assert response.status_code == 302
    assert _networks(association.id) == {FIRST_NETWORK, paca.id}
    page = web.get(url).get_data(as_text=True)
    ticked = re.findall(r'<input checked[^>]*name="networks"[^>]*value="(\d+)"', page)
    assert sorted(ticked) == sorted([str(FIRST_NETWORK), str(paca.id)])
    response = web.submit(url, {"name": "Les amis du sein", "website": "",
                                "description": "", "networks": [str(paca.id)]})
    assert _networks(association.id) == {paca.id}
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "association.updated").order_by(AuditEntry.id.desc())).first()
    assert entry.summary == f"Les amis du sein networks={paca.slug}"
