"""A network may answer on its own host name, with the same accounts and session."""

from patientlab.extensions import db
from tests.factories import NetworkFactory, make_event


def test_the_home_of_a_network_s_own_host_is_the_network_s_page(client):
    NetworkFactory(slug="paca", host="parle-moi.exemple.fr")
    db.session.commit()
    answer = client.get("/", headers={"Host": "parle-moi.exemple.fr"})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/paca/")
    # The platform's own host keeps its home page.
    assert client.get("/").status_code == 200


def test_links_made_on_a_network_s_host_lead_to_its_pages(client):
    paca = NetworkFactory(slug="paca", host="parle-moi.exemple.fr")
    event = make_event(network_id=paca.id, title="Reprendre le travail après un cancer")
    db.session.commit()
    page = client.get(f"/paca/evenements/{event.id}", headers={"Host": "parle-moi.exemple.fr"})
    assert page.status_code == 200
    assert f'href="/paca/evenements/{event.id}.ics"' in page.get_data(as_text=True)
    assert 'href="/paca/evenements/"' in page.get_data(as_text=True)


def test_kept_parts_of_a_page_keep_to_the_network_of_the_page(client):
    """The layout's kept parts (footer, menu) link to the page's network: a footer made
    on a PACA page is not shown on a CLARA page."""
    NetworkFactory(slug="paca")
    db.session.commit()
    paca = client.get("/paca/evenements/").get_data(as_text=True)
    assert 'href="/paca/glossaire"' in paca
    clara = client.get("/clara/projets/").get_data(as_text=True)
    assert 'href="/clara/glossaire"' in clara
    assert "/paca/" not in clara


def test_a_network_s_own_evenings_are_in_its_menu_the_agenda_elsewhere(client):
    NetworkFactory(slug="paca")
    db.session.commit()
    paca = client.get("/paca/evenements/").get_data(as_text=True)
    assert 'href="/paca/evenements/"' in paca
    assert 'href="/agenda"' in paca
    home = client.get("/").get_data(as_text=True)
    assert 'href="/agenda"' in home
    assert "Soirées Parle-Moi</a>" not in home


def test_on_a_platform_page_a_network_role_s_menu_entry_leads_to_its_network(web):
    """PACA's organiser on « Mon espace »: « Mes soirées » leads to PACA's evenings (CLARA's
    would refuse her); CLARA's organiser keeps CLARA's."""
    from patientlab.core.security import Role
    from tests.factories import UserFactory

    paca = NetworkFactory(slug="paca")
    UserFactory(email="nicolas@exemple.fr", roles=[Role.ORGANISER], roles__network=paca)
    UserFactory(email="sophie@exemple.fr", roles=[Role.ORGANISER])
    db.session.commit()
    web.login("nicolas@exemple.fr")
    page = web.get("/mon-espace").get_data(as_text=True)
    assert 'href="/paca/organisation/evenements/"' in page
    assert 'href="/clara/organisation/evenements/"' not in page
    web.logout()
    web.login("sophie@exemple.fr")
    page = web.get("/mon-espace").get_data(as_text=True)
    assert 'href="/clara/organisation/evenements/"' in page
