"""« Mon espace » is a page of the whole platform: each person's work of every network
where they hold the role it needs, each task named by its network and linked to its
network's page; nothing of a network where they hold no role."""

from datetime import timedelta

from patientlab.core import pending
from patientlab.core.models import utcnow
from patientlab.core.typography import french_spacing as fr
from patientlab.projects.models import Publication
from tests.factories import (
    NetworkFactory,
    UserFactory,
    make_application,
    make_assignment,
    make_call,
    make_project,
)


def tasks(app, user, key):
    with app.test_request_context():
        return [task for group in pending.for_user(user) if group.source.key == key
                for task in group.tasks]


def test_a_coordinator_of_one_network_sees_none_of_another_networks_coordination(app):
    paca = NetworkFactory(slug="paca", short_name="PACA")
    soon = utcnow() + timedelta(days=2)
    make_call(title="Appel de CLARA", application_deadline=soon)
    make_call(title="Appel de PACA", application_deadline=soon, network_id=paca.id)
    mine = make_project(published=False, network_id=paca.id)
    mine.publication = Publication.SUBMITTED
    theirs = make_project(published=False)
    theirs.publication = Publication.SUBMITTED
    coordinator = UserFactory(roles=["coordinator"], roles__network=paca)

    calls = tasks(app, coordinator, "appels")
    assert [t.title for t in calls] == [fr("L’appel « Appel de PACA » ferme bientôt")]
    assert calls[0].href.startswith("/paca/coordination/")
    assert calls[0].facts[0] == "PACA"
    publication = tasks(app, coordinator, "publication")
    assert [t.href for t in publication] == ["/paca/projets/a-publier"]


def test_a_reviewer_sees_the_reviews_of_both_networks_each_named_and_linked_to_its_own(app):
    paca = NetworkFactory(slug="paca", short_name="PACA")
    reviewer = UserFactory(roles=["patient_expert"])
    here = make_assignment(make_application(call=make_call(state="review"), title="Ici"),
                           reviewer)
    there = make_assignment(make_application(
        call=make_call(state="review", network_id=paca.id), title="Là-bas"), reviewer)

    found = {t.title: t for t in tasks(app, reviewer, "relectures")}
    assert found[fr("Relire « Ici »")].facts[0] == "CLARA"
    assert found[fr("Relire « Ici »")].href == f"/clara/relectures/{here.id}"
    assert found[fr("Relire « Là-bas »")].facts[0] == "PACA"
    assert found[fr("Relire « Là-bas »")].href == f"/paca/relectures/{there.id}"


def test_under_a_networks_address_the_coordination_page_counts_that_networks_work(app):
    paca = NetworkFactory(slug="paca", short_name="PACA")
    soon = utcnow() + timedelta(days=2)
    make_call(title="Appel de CLARA", application_deadline=soon)
    make_call(title="Appel de PACA", application_deadline=soon, network_id=paca.id)
    admin = UserFactory(roles=["admin"])
    with app.test_request_context("/paca/coordination/"):
        app.preprocess_request()
        groups = pending.for_user(admin, shared_only=True)
    titles = [t.title for g in groups for t in g.tasks]
    assert fr("L’appel « Appel de PACA » ferme bientôt") in titles
    assert fr("L’appel « Appel de CLARA » ferme bientôt") not in titles
    assert all(not t.facts or t.facts[0] != "PACA" for g in groups for t in g.tasks)
