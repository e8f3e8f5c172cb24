"""Calls in two networks: a network's pages list and open only its own calls, and the
coordination's tasks name only the calls of the networks a person coordinates."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import g
from werkzeug.exceptions import NotFound

from patientlab.calls import pending
from patientlab.calls import services as svc
from patientlab.core.models import utcnow
from patientlab.core.typography import french_spacing as fr
from patientlab.networks import context
from tests.factories import NetworkFactory, UserFactory, make_application, make_call


@contextmanager
def _page_of(app, network, path="/"):
    """A request on ``network``'s pages (None: a page of the whole platform). The tests'
    application context outlives it, so its ``g.network`` is taken back after."""
    with app.test_request_context(path):
        if network is not None:
            g.network = network
        try:
            yield
        finally:
            g.pop("network", None)


def _closing_soon(**fields):
    return make_call(state="open", application_deadline=utcnow() + timedelta(days=3), **fields)


def test_a_call_of_another_network_is_not_found_under_this_networks_address(app):
    other = NetworkFactory()
    clara_call = make_call(title="Appel de CLARA")
    with _page_of(app, other), pytest.raises(NotFound):
        svc.get_call_or_404(clara_call.id)
    with _page_of(app, context.by_id(clara_call.network_id)):
        assert svc.get_call_or_404(clara_call.id) is clara_call


def test_an_application_to_another_networks_call_is_not_found_under_this_networks_address(
        app):
    other = NetworkFactory()
    researcher = UserFactory(roles=["researcher"])
    clara = make_application(researcher, make_call(title="Appel de CLARA"))
    theirs = make_application(researcher, make_call(network_id=other.id))
    with _page_of(app, other):
        with pytest.raises(NotFound):
            svc.get_application_or_404(clara.id)
        assert svc.get_application_or_404(theirs.id) is theirs
        assert svc.applications_of(researcher) == [theirs]
    with _page_of(app, None, "/mon-espace"):  # a page of the whole platform: both
        assert set(svc.applications_of(researcher)) == {clara, theirs}


def test_a_networks_call_lists_show_only_its_own_calls(app):
    other = NetworkFactory()
    clara_call = make_call(title="Appel de CLARA")
    other_call = make_call(title="Appel de l’autre réseau", network_id=other.id)
    with _page_of(app, other):
        assert other_call in svc.list_public_calls()
        assert clara_call not in svc.list_public_calls()
        assert clara_call not in svc.list_all_calls()
    with _page_of(app, None, "/mon-espace"):  # a page of the whole platform
        assert {clara_call, other_call} <= set(svc.list_all_calls())


def test_a_coordinator_of_one_network_gets_no_task_for_another_networks_call(app):
    other = NetworkFactory()
    _closing_soon(title="Appel de CLARA")
    _closing_soon(title="Appel de l’autre réseau", network_id=other.id)
    theirs = UserFactory(roles=["coordinator"], roles__network=other)
    clara = UserFactory(roles=["coordinator"])
    with _page_of(app, None, "/mon-espace"):
        tasks = pending.coordination_tasks(theirs, utcnow())
        assert [t.title for t in tasks] == [fr("L’appel « Appel de l’autre réseau » ferme bientôt")]
        assert tasks[0].href.startswith(f"/{other.slug}/coordination/appels/")
        tasks = pending.coordination_tasks(clara, utcnow())
        assert [t.title for t in tasks] == [fr("L’appel « Appel de CLARA » ferme bientôt")]
        assert tasks[0].href.startswith("/clara/coordination/appels/")
