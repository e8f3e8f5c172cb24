"""Which network a request is about: read from the address, given back to every link,
and addresses from before networks leading to the first network's pages."""

from contextlib import contextmanager

import pytest
from flask import url_for
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from patientlab.events.models import Event
from patientlab.extensions import db
from patientlab.networks import context
from patientlab.networks.models import Network
from tests.factories import FIRST_NETWORK, NetworkFactory, make_event


@contextmanager
def on_page(app, path):
    """As during a request to ``path``: its own app context (its own ``g``, as each
    request has), the address's network read by the URL processors."""
    with app.app_context(), app.test_request_context(path):
        app.preprocess_request()
        yield



def test_a_network_page_knows_its_network(client):
    event = make_event()
    db.session.commit()
    assert client.get(f"/clara/evenements/{event.id}").status_code == 200


@pytest.mark.parametrize("path", ["/inconnu/evenements/", "/inconnu/projets/",
                                  "/paca/appels/", "/inconnu/evenements/1"])
def test_an_unknown_slug_is_not_found(client, path):
    make_event()
    db.session.commit()
    assert client.get(path).status_code == 404


def test_an_old_address_leads_to_the_first_networks_page_with_its_query(client):
    event = make_event()
    db.session.commit()
    answer = client.get(f"/evenements/{event.id}?places=2&x=%C3%A9")
    assert answer.status_code == 308
    assert answer.headers["Location"] == f"/clara/evenements/{event.id}?places=2&x=%C3%A9"
    assert client.get(answer.headers["Location"]).status_code == 200


def test_an_old_address_without_a_query_gets_none(client):
    event = make_event()
    db.session.commit()
    answer = client.get(f"/evenements/{event.id}")
    assert answer.headers["Location"] == f"/clara/evenements/{event.id}"


def test_an_old_address_missing_its_slash_is_led_to_the_network_page(client):
    answer = client.get("/projets")
    assert answer.status_code == 308
    assert answer.headers["Location"] == "/clara/projets"
    assert client.get("/clara/projets").headers["Location"] == "/clara/projets/"


def test_a_form_sent_to_an_old_address_is_sent_again_to_the_new_one(client):
    event = make_event()
    db.session.commit()
    answer = client.post(f"/evenements/{event.id}/inscription?places=1",
                         data={"name": "Nadia"})
    # 308, unlike 301 and 302, tells the browser to send the same POST again.
    assert answer.status_code == 308
    assert answer.headers["Location"] == f"/clara/evenements/{event.id}/inscription?places=1"


def test_an_address_that_exists_nowhere_is_not_found(client):
    assert client.get("/nulle-part").status_code == 404
    assert client.get("/evenements/pas-un-nombre").status_code == 404
    # A national page is not under a network.
    assert client.get("/clara/compte/connexion").status_code == 404


def test_a_method_an_address_does_not_take_is_not_redirected(client):
    assert client.post("/clara/evenements/").status_code == 405


def test_links_made_on_a_national_page_go_to_the_first_network(app):
    NetworkFactory(slug="paca")  # a later network changes nothing
    with on_page(app, "/mon-espace"):
        assert context.current() is None
        assert url_for("events.detail", event_id=3) == "/clara/evenements/3"
        assert url_for("events.detail", event_id=3, network="paca") == "/paca/evenements/3"
        assert url_for("main.home") == "/"


def test_links_made_on_a_network_page_stay_in_that_network(app):
    paca = NetworkFactory(slug="paca")
    with on_page(app, "/paca/evenements/"):
        assert context.current().slug == "paca"
        assert context.current_id() == paca.id
        assert url_for("events.detail", event_id=3) == "/paca/evenements/3"
        assert url_for("events.detail", event_id=3, network="clara") == "/clara/evenements/3"
        assert url_for("auth.login") == "/compte/connexion"


def test_slug_of_and_by_id_name_the_network_of_an_object(app):
    paca = NetworkFactory(slug="paca")
    with app.test_request_context("/"):
        assert context.slug_of(FIRST_NETWORK) == "clara"
        assert context.slug_of(paca.id) == "paca"
        assert context.by_id(paca.id) == paca
        assert context.by_id(None) is None
        assert context.default_network() == db.session.get(Network, FIRST_NETWORK)


def test_an_object_of_another_network_is_not_found_under_this_ones_address(app):
    paca = NetworkFactory(slug="paca")
    with on_page(app, "/paca/evenements/"):
        context.ensure_in_current(paca.id)  # its own: nothing happens
        with pytest.raises(NotFound):
            context.ensure_in_current(FIRST_NETWORK)
        with pytest.raises(NotFound):
            context.ensure_in_current(None)


def test_a_national_page_reaches_objects_of_every_network(app):
    paca = NetworkFactory(slug="paca")
    with on_page(app, "/mon-espace"):
        context.ensure_in_current(paca.id)
        context.ensure_in_current(FIRST_NETWORK)


def test_a_new_object_belongs_to_the_network_of_the_address_else_the_first(app):
    paca = NetworkFactory(slug="paca")
    with on_page(app, "/paca/evenements/"):
        assert context.for_new().id == paca.id
    with on_page(app, "/mon-espace"):
        assert context.for_new().id == FIRST_NETWORK
    assert context.for_new().id == FIRST_NETWORK  # outside any request: commands, jobs


def test_scoped_limits_a_list_to_the_network_of_the_address(app):
    paca = NetworkFactory(slug="paca")
    here, there = make_event(), make_event(network_id=paca.id)
    statement = select(Event.id).order_by(Event.id)
    with on_page(app, "/paca/evenements/"):
        assert list(db.session.scalars(context.scoped(statement, Event.network_id))) == [
            there.id]
    with on_page(app, "/mon-espace"):
        found = list(db.session.scalars(context.scoped(statement, Event.network_id)))
        assert {here.id, there.id} <= set(found)


def test_a_networks_own_host_name_leads_to_its_pages(app, client):
    paca_id = NetworkFactory(slug="paca", host="paca.exemple.fr").id
    db.session.commit()  # for the client's requests; this session is not read again
    home = client.get("/", headers={"Host": "paca.exemple.fr"})
    assert home.status_code == 302
    assert home.headers["Location"] == "/paca/"
    assert client.get("/", headers={"Host": "localhost"}).status_code == 200
    with app.app_context(), app.test_request_context("/mon-espace",
                                                     base_url="http://paca.exemple.fr"):
        app.preprocess_request()
        assert url_for("events.detail", event_id=3) == "/paca/evenements/3"
        assert context.for_new().id == paca_id
