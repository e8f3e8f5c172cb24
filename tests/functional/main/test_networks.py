"""A network's own pages: its home page (what it runs, its contacts, who is responsible
for the data), its privacy and legal notices, the list of networks; and the pages of
evenings, calls and projects that say which network runs them."""

from patientlab.core.typography import french_spacing as fr
from patientlab.extensions import db
from tests.factories import NetworkFactory, make_call, make_event, make_project


def _paca():
    return NetworkFactory(slug="paca", short_name="PACA",
                          name="Cancéropôle Provence-Alpes-Côte d’Azur",
                          region="Provence-Alpes-Côte d’Azur",
                          contact_email="parle-moi@paca.exemple.fr",
                          controller="GIP Cancéropôle PACA",
                          privacy_notice="Le GIP est responsable.\n\nÉcrivez-nous pour vos droits.",
                          legal_notice="Éditeur : GIP Cancéropôle PACA.")


def text(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def test_a_network_home_page_shows_what_it_runs_and_nothing_of_another(client):
    paca = _paca()
    ours = make_event(title="Soirée à Marseille", network_id=paca.id, town="Marseille")
    make_event(title="Soirée à Lyon")  # CLARA's
    project = make_project(title="Projet marseillais", network_id=paca.id)
    make_project(title="Projet lyonnais")
    call = make_call(title="Appel de PACA", network_id=paca.id)
    db.session.commit()
    page = text(client, "/paca/")
    assert "<h1>Cancéropôle Provence-Alpes-Côte d’Azur</h1>" in page
    assert "Provence-Alpes-Côte d’Azur" in page
    assert f'href="/paca/evenements/{ours.id}"' in page
    assert "Soirée à Lyon" not in page
    assert f'href="/paca/projets/{project.id}"' in page
    assert "Projet lyonnais" not in page
    assert f'href="/paca/appels/{call.id}"' in page
    assert 'href="/paca/evenements/"' in page
    assert 'href="/paca/appels/"' in page
    assert 'href="/paca/projets/"' in page
    assert 'href="mailto:parle-moi@paca.exemple.fr"' in page
    assert "GIP Cancéropôle PACA" in page
    assert 'href="/paca/confidentialite"' in page
    assert 'href="/paca/mentions-legales"' in page
    assert 'href="/confidentialite"' in page


def test_a_network_without_anything_yet_says_so(client):
    _paca()
    db.session.commit()
    page = text(client, "/paca/")
    assert "Aucune soirée n’est annoncée pour le moment." in page
    assert "Aucun appel n’est ouvert en ce moment." in page
    assert "Aucun projet n’est encore publié." in page


def test_an_unknown_network_is_not_found(client):
    assert client.get("/nulle-part/").status_code == 404
    assert client.get("/nulle-part/confidentialite").status_code == 404
    assert client.get("/nulle-part/mentions-legales").status_code == 404


def test_an_address_from_before_networks_still_leads_to_the_first_network(client):
    response = client.get("/evenements/?theme=vivre")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/clara/evenements/?theme=vivre")


def test_a_network_privacy_and_legal_notices_show_its_own_texts(client):
    _paca()
    db.session.commit()
    privacy = text(client, "/paca/confidentialite")
    assert fr("<h1>Données personnelles : Cancéropôle Provence-Alpes-Côte d’Azur</h1>") in privacy
    assert "<p>Le GIP est responsable.</p>" in privacy
    assert "<p>Écrivez-nous pour vos droits.</p>" in privacy
    assert 'href="/confidentialite"' in privacy
    legal = text(client, "/paca/mentions-legales")
    assert "<p>Éditeur : GIP Cancéropôle PACA.</p>" in legal
    assert 'href="/confidentialite"' in legal


def test_a_notice_not_written_yet_says_so(client):
    NetworkFactory(slug="ouest", privacy_notice="", legal_notice="")
    db.session.commit()
    assert "Le réseau n’a pas encore publié ce texte." in text(client, "/ouest/mentions-legales")


def test_the_list_of_networks_links_each_home_page(client):
    _paca()
    db.session.commit()
    page = text(client, "/reseaux")
    assert 'href="/clara/"' in page
    assert 'href="/paca/"' in page
    assert "Provence-Alpes-Côte d’Azur" in page
    assert "Auvergne-Rhône-Alpes" in page
    assert 'href="/reseaux"' in text(client, "/")


def test_evening_call_and_project_pages_say_which_network_runs_them(client):
    paca = _paca()
    event = make_event(network_id=paca.id)
    call = make_call(network_id=paca.id)
    project = make_project(network_id=paca.id)
    db.session.commit()
    evening = text(client, f"/paca/evenements/{event.id}")
    assert ('<a href="/paca/">Organisée par le Cancéropôle Provence-Alpes-Côte d’Azur</a>'
            in evening)
    assert "Appel lancé par le Cancéropôle Provence" in text(client, f"/paca/appels/{call.id}")
    assert "Projet présenté par le Cancéropôle Provence" in text(
        client, f"/paca/projets/{project.id}")


def test_a_network_home_page_is_kept_and_forgotten_when_an_evening_changes(client):
    paca = _paca()
    event = make_event(title="Première version", network_id=paca.id)
    db.session.commit()
    assert client.get("/paca/").headers["X-Page-Cache"] == "miss"
    assert client.get("/paca/").headers["X-Page-Cache"] == "hit"
    event.title = "Seconde version"
    db.session.commit()
    assert "Seconde version" in text(client, "/paca/")


def test_other_addresses_of_one_segment_keep_their_answer(client):
    assert client.get("/clara").status_code == 200
    assert client.get("/nulle-part").status_code == 404
    assert client.get("/langue").status_code == 405
    assert client.get("/evenements").headers["Location"].endswith("/clara/evenements")


def test_no_network_may_take_the_agenda_or_the_list_of_networks_as_its_slug(app):
    from patientlab.networks.services import reserved_slugs

    assert {"agenda", "reseaux"} <= reserved_slugs(app.url_map)
