"""The coordination's page of an application, under PACA's address, leaves out a reviewer
who declared in CLARA a conflict with the same applicant, says why (reason and date), and
never shows CLARA's application or call."""

import html
from datetime import UTC, datetime

from patientlab.calls import reviewing
from patientlab.extensions import db
from patientlab.networks.models import ReviewerNetwork
from tests.factories import (
    NetworkFactory,
    UserFactory,
    make_application,
    make_assignment,
    make_call,
)

COORDINATION = "coord.paca@exemple.fr"


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True)).replace("\u202f", " ").replace(
        "\xa0", " ")


def _setup():
    paca = NetworkFactory(slug="paca", short_name="PACA")
    UserFactory(email=COORDINATION, roles=["coordinator"], roles__network=paca)
    morel = UserFactory(roles=["researcher"], name="Dr Morel")
    martine = UserFactory(roles=["patient_expert"], name="Martine Dupuis")
    paul = UserFactory(roles=["patient_expert"], name="Paul Rey")
    for reviewer in (martine, paul):
        db.session.add(ReviewerNetwork(user_id=reviewer.id, network_id=paca.id))
    in_clara = make_application(
        morel, make_call(state="review", title="Appel confidentiel de CLARA"),
        title="Projet confidentiel de CLARA")
    assignment = make_assignment(in_clara, martine, status="pending")
    reviewing.declare_interests(martine, assignment, conflict=True, reason="same_place",
                                details="Je suis suivie dans son service.",
                                now=datetime(2026, 3, 4, 10, tzinfo=UTC))
    in_paca = make_application(morel, make_call(state="review", network_id=paca.id),
                               title="Projet de PACA")
    db.session.commit()
    return in_paca, martine, paul


def test_pacas_coordination_is_not_offered_a_reviewer_in_conflict_declared_in_clara(web):
    in_paca, martine, paul = _setup()
    web.login(COORDINATION)
    url = f"/paca/coordination/appels/candidatures/{in_paca.id}"
    page = _text(web.get(url))
    form = page.split('id="affecter"', 1)[1]
    assert f'value="{paul.id}"' in form
    assert f'value="{martine.id}"' not in form
    assert "1 personne n’est pas proposée : conflit d’intérêts avec ce porteur" in page
    assert ("Martine Dupuis : « Je me fais soigner ou je travaille dans le même "
            "établissement », déclaré le 4 mars 2026") in page
    for secret in ("Projet confidentiel de CLARA", "Appel confidentiel de CLARA",
                   "Je suis suivie dans son service."):
        assert secret not in page
    # A forged choice is refused too.
    response = web.submit(f"/paca/coordination/appels/candidatures/{in_paca.id}/affecter",
                          {"assign-reviewers": [str(martine.id)], "assign-submit": "1"},
                          form_url=url, prefix="assign-")
    assert response.status_code in (200, 400)
    assert reviewing.assignments_of(in_paca) == []


def test_the_page_without_known_conflicts_shows_no_warning(web):
    in_paca, _martine, _paul = _setup()
    other = make_application(call=in_paca.call, title="Un autre porteur")
    db.session.commit()
    web.login(COORDINATION)
    page = _text(web.get(f"/paca/coordination/appels/candidatures/{other.id}"))
    assert "conflit d’intérêts avec ce porteur" not in page
    assert "Martine Dupuis" in page.split('id="affecter"', 1)[1]
