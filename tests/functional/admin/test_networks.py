"""The administrators' pages of the networks: list, creation, settings, deletion, roles."""

import pyotp
from sqlalchemy import select

from patientlab.calls.models import CallPartner
from patientlab.core.audit import AuditEntry
from patientlab.core.models import utcnow
from patientlab.core.typography import french_spacing as fr
from patientlab.extensions import db
from patientlab.networks.models import Network, NetworkRole
from tests.conftest import link_in, outbox
from tests.factories import FIRST_NETWORK, NetworkFactory, UserFactory, make_call, make_event

NEW = {"name": "Cancéropôle Provence-Alpes-Côte d’Azur", "short_name": "PACA",
       "slug": "paca", "region": "Provence-Alpes-Côte d’Azur",
       "contact_email": "contact@paca.exemple.fr", "controller": "GIP Cancéropôle PACA",
       "colour": "#7a2048", "mail_sender_name": "", "mail_sender_address": "",
       "signature": "", "privacy_notice": "", "legal_notice": "", "host": ""}


def _admin(web):
    UserFactory(email="admin@exemple.fr", roles=["admin"])
    db.session.commit()
    web.login("admin@exemple.fr")


def _audit(action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_list_counts_calls_evenings_projects_and_coordinators_of_each_network(web):
    other = NetworkFactory(name="Cancéropôle Grand Ouest", short_name="GO", slug="grand-ouest")
    make_call(network_id=other.id)
    make_event(network_id=other.id)
    make_event(network_id=other.id)
    UserFactory(roles=["coordinator"], roles__network=other)
    _admin(web)
    page = web.get("/admin/reseaux/").get_data(as_text=True)
    assert "Cancéropôle Grand Ouest" in page
    assert "<code>/grand-ouest/</code>" in page
    row = page.split("Cancéropôle Grand Ouest", 1)[1].split("</tr>", 1)[0]
    assert [cell.split("</td>")[0] for cell in row.split("<td>")[2:5]] == ["1", "2", "0"]
    assert "1 personne" in row


def test_a_joint_call_counts_for_its_lead_and_partner_only(web):
    """A joint call of CLARA and PACA was counted in every network's row: a new network
    showed « 1 » call, its address was locked and it could not be deleted."""
    paca = NetworkFactory(slug="paca")
    empty = NetworkFactory(name="Cancéropôle Est", slug="est")
    call = make_call()
    db.session.add(CallPartner(call_id=call.id, network_id=paca.id))
    _admin(web)
    page = web.get("/admin/reseaux/").get_data(as_text=True)
    row = page.split("Cancéropôle Est", 1)[1].split("</tr>", 1)[0]
    assert [cell.split("</td>")[0] for cell in row.split("<td>")[2:5]] == ["0", "0", "0"]
    assert "ne peut pas être supprimé" not in web.get(f"/admin/reseaux/{empty.id}").get_data(
        as_text=True)
    page = web.get(f"/admin/reseaux/{paca.id}").get_data(as_text=True)
    assert "ne peut pas être supprimé" in page


def test_an_admin_creates_a_network_errors_next_to_fields_nothing_typed_lost(web):
    _admin(web)
    assert web.get("/admin/reseaux/nouveau").status_code == 200
    wrong = {**NEW, "slug": "admin", "colour": "#ffcc00", "contact_email": "pas une adresse"}
    page = web.submit("/admin/reseaux/nouveau", wrong).get_data(as_text=True)
    assert fr("<title>Erreur :") in page
    assert 'id="contact_email-error"' in page
    assert 'href="#contact_email"' in page
    assert "GIP Cancéropôle PACA" in page  # kept
    response = web.submit("/admin/reseaux/nouveau",
                          {**wrong, "contact_email": NEW["contact_email"]})
    page = response.get_data(as_text=True)
    assert 'id="slug-error"' in page
    assert fr("« admin » est déjà une adresse de la plateforme") in page
    assert 'href="#slug"' in page
    # Both refusals at once, each next to its field and in the summary.
    assert 'id="colour-error"' in page
    assert 'href="#colour"' in page
    response = web.submit("/admin/reseaux/nouveau", {**NEW, "colour": "#ffcc00"})
    page = response.get_data(as_text=True)
    assert 'id="colour-error"' in page
    assert "pas assez lisible" in page
    assert 'value="#ffcc00"' in page
    response = web.submit("/admin/reseaux/nouveau", NEW)
    assert response.status_code == 302
    network = db.session.scalar(select(Network).where(Network.slug == "paca"))
    assert network.controller == "GIP Cancéropôle PACA"
    assert network.host is None
    assert "network=paca" in _audit("network.created")[0].summary
    assert web.get("/paca/appels/").status_code == 200


def test_the_slug_of_a_network_with_data_is_shown_but_cannot_change(web):
    _admin(web)
    url = f"/admin/reseaux/{FIRST_NETWORK}"
    make_event()
    db.session.commit()
    page = web.get(url).get_data(as_text=True)
    assert 'name="slug"' not in page
    assert "<code>/clara/</code>" in page
    assert "ne peut plus changer" in page
    clara = db.session.get(Network, FIRST_NETWORK)
    values = {**NEW, "name": clara.name, "short_name": "CLARA", "slug": "autre",
              "contact_email": clara.contact_email, "controller": clara.controller,
              "colour": clara.colour, "region": "Rhône-Alpes et Auvergne"}
    assert web.submit(url, values).status_code == 302
    db.session.refresh(clara)
    assert clara.slug == "clara"
    assert clara.region == "Rhône-Alpes et Auvergne"
    assert "network=clara" in _audit("network.updated")[0].summary


def test_a_network_without_data_is_deleted_after_confirmation_one_with_data_is_not(web):
    empty = NetworkFactory(slug="vide")
    full = NetworkFactory(slug="plein")
    make_call(network_id=full.id)
    UserFactory(roles=["coordinator"], roles__network=empty)
    _admin(web)
    url = f"/admin/reseaux/{empty.id}"
    page = web.submit(f"{url}/supprimer", {}, form_url=url, prefix="delete-").get_data(
        as_text=True)
    assert 'id="delete-confirm-error"' in page
    response = web.submit(f"{url}/supprimer", {"delete-confirm": "y"}, form_url=url,
                          prefix="delete-")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Network.id).where(Network.slug == "vide")) is None
    assert "network=vide" in _audit("network.deleted")[0].summary
    url = f"/admin/reseaux/{full.id}"
    assert "ne peut pas être supprimé" in web.get(url).get_data(as_text=True)
    page = web.submit(f"{url}/supprimer", {"delete-confirm": "y"}, form_url=url,
                      prefix="delete-").get_data(as_text=True)
    assert "ne peut pas être supprimé" in page
    assert db.session.get(Network, full.id) is not None


def test_an_admin_names_a_first_coordinator_who_gets_a_mail_with_a_working_link(web):
    other = NetworkFactory(slug="grand-ouest", short_name="Grand Ouest",
                           name="Cancéropôle Grand Ouest")
    # Anne set up two-step login already: coordinators need it.
    UserFactory(email="anne@exemple.fr", name="Anne Leroy", totp_enabled_at=utcnow(),
                totp_secret=pyotp.random_base32(length=32))
    _admin(web)
    url = f"/admin/reseaux/{other.id}"
    page = web.submit(f"{url}/roles", {"role-email": "inconnu@exemple.fr",
                                       "role-role": "coordinator"},
                      form_url=url, prefix="role-").get_data(as_text=True)
    assert 'id="role-email-error"' in page
    assert "Aucun compte n’utilise l’adresse inconnu@exemple.fr" in page
    assert 'value="inconnu@exemple.fr"' in page
    response = web.submit(f"{url}/roles", {"role-email": "Anne@exemple.fr",
                                           "role-role": "coordinator"},
                          form_url=url, prefix="role-")
    assert response.status_code == 302
    assert "Anne Leroy" in web.get(url).get_data(as_text=True)
    assert "network=grand-ouest role=coordinator" in _audit("network.role_granted")[0].summary
    mail = outbox("anne@exemple.fr")[-1]
    assert "Grand Ouest" in mail.subject
    assert "Cancéropôle Grand Ouest" in mail.body_text
    link = link_in(mail)
    assert link == "/grand-ouest/coordination/"
    web.logout()
    user = db.session.scalar(select(NetworkRole).where(NetworkRole.network_id == other.id))
    assert user is not None
    web.login("anne@exemple.fr")
    assert web.get(link).status_code == 200
    assert web.get("/clara/coordination/").status_code == 403
