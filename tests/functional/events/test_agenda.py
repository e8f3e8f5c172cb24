"""The national agenda: every network's evenings to come, filtered without JavaScript,
and its calendar feed."""

import pytest

from patientlab.core.typography import french_spacing as fr
from patientlab.extensions import db
from tests.factories import NetworkFactory, make_event


@pytest.fixture
def two_networks():
    """CLARA's evening in Lyon, the other network's in Marseille and online."""
    other = NetworkFactory(slug="paca", short_name="PACA", name="Cancéropôle PACA",
                           region="Provence-Alpes-Côte d’Azur")
    lyon = make_event(title="Soirée à Lyon", town="Lyon", department="69", theme="entourage")
    marseille = make_event(title="Soirée à Marseille", town="Marseille", department="13",
                           theme="vivre", network_id=other.id, days=5)
    online = make_event(title="Soirée en ligne", format="online", theme="progres",
                        network_id=other.id, days=20)
    db.session.commit()
    return other, lyon, marseille, online


def page(client, query=""):
    response = client.get(f"/agenda{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_agenda_lists_the_evenings_of_every_network_soonest_first(client, two_networks):
    _other, lyon, marseille, _online = two_networks
    text = page(client)
    assert text.index("Soirée à Marseille") < text.index("Soirée à Lyon") \
        < text.index("Soirée en ligne")
    assert "3 soirées à venir" in text
    assert f'href="/paca/evenements/{marseille.id}"' in text
    assert f'href="/clara/evenements/{lyon.id}"' in text
    assert "<dd>PACA</dd>" in text
    assert "<dd>CLARA</dd>" in text
    assert "Marseille (13)" in text


def test_drafts_and_past_evenings_are_not_in_the_agenda(client, two_networks):
    make_event(title="Brouillon caché", published=False, town="Lyon")
    make_event(title="Soirée d’hier", days=-1, town="Lyon")
    db.session.commit()
    text = page(client)
    assert "Brouillon caché" not in text
    assert "Soirée d’hier" not in text
    assert "3 soirées à venir" in text


@pytest.mark.parametrize(("query", "shown"), [
    ("?reseau=paca", {"Soirée à Marseille", "Soirée en ligne"}),
    ("?reseau=clara", {"Soirée à Lyon"}),
    ("?region=Provence-Alpes-C%C3%B4te+d%E2%80%99Azur", {"Soirée à Marseille", "Soirée en ligne"}),
    ("?region=Auvergne-Rh%C3%B4ne-Alpes", {"Soirée à Lyon"}),
    ("?ville=Marseille", {"Soirée à Marseille"}),
    ("?theme=entourage", {"Soirée à Lyon"}),
    ("?en_ligne=1", {"Soirée en ligne"}),
    ("?reseau=paca&ville=Marseille&theme=vivre", {"Soirée à Marseille"}),
    ("?reseau=paca&en_ligne=1", {"Soirée en ligne"}),
])
def test_each_filter_and_filters_together_keep_only_what_they_ask(client, two_networks,
                                                                 query, shown):
    text = page(client, query)
    for title in {"Soirée à Lyon", "Soirée à Marseille", "Soirée en ligne"}:
        assert (title in text) == (title in shown), title
    assert "correspond" in text
    assert 'href="/agenda">Effacer les filtres</a>' in text


def test_the_form_shows_what_is_chosen_and_offers_the_towns_with_evenings(client, two_networks):
    text = page(client, "?reseau=paca&ville=Marseille")
    assert '<option value="paca" selected>' in text
    assert '<option value="Marseille" selected>' in text
    assert '<option value="Lyon">' in text
    assert fr("Ville : Marseille.") in text


def test_unknown_values_are_ignored_and_the_form_still_shows(client, two_networks):
    text = page(client, "?reseau=nulle-part&region=Atlantide&ville=Paris&theme=x&en_ligne=oui"
                        "&page=abc")
    assert "3 soirées à venir" in text
    assert "correspond" not in text
    assert 'name="reseau"' in text
    assert 'name="ville"' in text
    assert " selected>" not in text


def test_a_search_without_evenings_says_so_and_offers_to_clear_it(client, two_networks):
    text = page(client, "?reseau=clara&en_ligne=1")
    assert "0 soirée à venir correspond à votre recherche" in text
    assert "Aucune soirée à venir ne correspond à ces critères." in text
    assert "Effacer les filtres et voir toutes les soirées à venir" in text


def test_the_agenda_is_paginated_with_its_filters_kept(client):
    for day in range(1, 23):
        make_event(title=f"Soirée numéro {day:02d}", town="Lyon", days=day)
    db.session.commit()
    first = page(client, "?ville=Lyon")
    assert "Soirée numéro 20" in first
    assert "Soirée numéro 21" not in first
    assert 'href="/agenda?page=2&amp;ville=Lyon"' in first
    second = page(client, "?ville=Lyon&page=2")
    assert "Soirée numéro 21" in second
    assert "Soirée numéro 01" not in second
    assert "page 2 sur 2" in second


def test_the_agenda_reads_its_evenings_in_a_fixed_number_of_queries(client, two_networks):
    from tests.functional.projects.test_pages import count_queries

    with count_queries() as few:
        page(client)
    for day in range(30, 40):
        make_event(title=f"Encore {day}", network_id=two_networks[0].id, days=day)
    db.session.commit()
    with count_queries() as many:
        page(client)
    assert len(many) == len(few), (few, many)
    assert len(many) <= 7


def test_the_feed_holds_the_evenings_of_a_town_with_their_own_network_links(client,
                                                                            two_networks):
    _other, lyon, marseille, online = two_networks
    response = client.get("/agenda.ics?ville=Marseille")
    assert response.mimetype == "text/calendar"
    body = response.get_data(as_text=True).replace("\r\n ", "")
    assert "Soirée à Marseille" in body
    assert "Soirée à Lyon" not in body
    assert "Soirée en ligne" not in body
    assert f"/paca/evenements/{marseille.id}" in body
    everything = client.get("/agenda.ics").get_data(as_text=True).replace("\r\n ", "")
    assert f"/clara/evenements/{lyon.id}" in everything
    assert f"/paca/evenements/{online.id}" in everything


def test_a_feed_for_a_town_without_evenings_is_empty(client, two_networks):
    body = client.get("/agenda.ics?ville=Brest").get_data(as_text=True)
    assert "BEGIN:VEVENT" not in body


def test_the_agenda_is_in_the_menu_and_on_the_home_page(client, two_networks):
    text = client.get("/").get_data(as_text=True)
    assert text.count('href="/agenda"') >= 2


def test_a_kept_agenda_is_forgotten_when_an_evening_changes(client, two_networks):
    _other, _lyon, marseille, _online = two_networks
    assert client.get("/agenda").headers["X-Page-Cache"] == "miss"
    assert client.get("/agenda").headers["X-Page-Cache"] == "hit"
    marseille.title = "Soirée à Marseille, nouveau titre"
    db.session.commit()
    response = client.get("/agenda")
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Soirée à Marseille, nouveau titre" in response.get_data(as_text=True)
