"""The selection committee on fixed data: preliminary → discussion → final →
recommendation → decision, equal votes and the groups' medians, conflicts, the pages'
permissions and the minutes."""

from datetime import timedelta

import pytest

from patientlab.calls import committee as cm
from patientlab.calls import reviewing
from patientlab.calls.models import Decision
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.security import Role
from patientlab.extensions import db
from tests.factories import UserFactory, make_application, make_assignment, make_call

PATIENTS = ["martine@exemple.fr", "karim@exemple.fr", "jeanne@exemple.fr"]
SCIENTISTS = ["claire@exemple.fr", "paul@exemple.fr", "nadia@exemple.fr"]


@pytest.fixture
def meeting(app):
    """A call in its response period, two applications, three patients and three
    scientists on the committee, everyone present."""
    chair = UserFactory(email="anne@exemple.fr", roles=[Role.COORDINATOR])
    call = make_call(state="responses")
    first = make_application(call=call, title="Dormir mieux")
    second = make_application(call=call, title="Bouger ensemble")
    session = cm.create_session(chair, call, "Comité de mars", utcnow() + timedelta(days=3),
                                "Salle 2", "", 9)
    people = {}
    for email in PATIENTS:
        people[email] = UserFactory(email=email, roles=[Role.PATIENT_EXPERT])
        cm.add_member(chair, session, people[email], cm.PATIENT)
    for email in SCIENTISTS:
        people[email] = UserFactory(email=email, roles=[Role.RESEARCHER])
        cm.add_member(chair, session, people[email], cm.SCIENTIST)
    for member in session.members:
        cm.set_present(chair, session, member, True)
    db.session.commit()
    return {"chair": chair, "session": session, "first": first, "second": second,
            "people": people, "items": {i.application_id: i for i in session.items}}


def _score_all(meeting, item, scores, *, final):
    for email, score in zip(PATIENTS + SCIENTISTS, scores, strict=True):
        if score is None:
            continue
        user = meeting["people"][email]
        if final:
            cm.save_final(user, item, score)
        else:
            cm.save_preliminary(user, item, score, "Un commentaire.")


def test_the_full_cycle_from_preliminary_scores_to_the_decision(meeting):
    item = meeting["items"][meeting["first"].id]
    _score_all(meeting, item, [8, 7, 8, 4, 5, 3], final=False)
    with pytest.raises(ServiceError):  # finals only once the chair opens the item
        cm.save_final(meeting["people"][PATIENTS[0]], item, 8)
    cm.open_item(meeting["chair"], item)
    with pytest.raises(ServiceError):  # preliminary scores are closed now
        cm.save_preliminary(meeting["people"][PATIENTS[0]], item, 5, "")
    _score_all(meeting, item, [8, 8, 7, 6, 6, 5], final=True)
    spread = cm.spread(item)
    assert spread.preliminary == [3, 4, 5, 7, 8, 8]
    assert spread.final == [5, 6, 6, 7, 8, 8]
    assert spread.committee_score == 6.7  # (8+8+7+6+6+5) / 6: every member counts the same
    assert (spread.patient_median, spread.scientist_median) == (8.0, 6.0)
    assert spread.differed  # 2 points apart: patients pulled this one up
    assert spread.changed == 5
    cm.save_notes(meeting["chair"], item, "Les patients soulignent le sommeil.")
    cm.record_recommendation(meeting["chair"], item, cm.FUND,
                             "Le projet répond à un besoin que les patients ont dit.")
    assert item.state == cm.DONE
    assert meeting["session"].current_item_id is None
    # The recommendation feeds the decision, which stays the coordination's.
    recommended = cm.recommendation_for(meeting["first"])
    assert (recommended.recommendation, recommended.reasons) == (
        Decision.FUNDED, "Le projet répond à un besoin que les patients ont dit.")
    reviewing.record_decision(meeting["chair"], meeting["first"], recommended.recommendation,
                              recommended.reasons)
    assert meeting["first"].decision == Decision.FUNDED


def test_only_present_members_final_scores_count(meeting):
    item = meeting["items"][meeting["first"].id]
    cm.open_item(meeting["chair"], item)
    _score_all(meeting, item, [9, 9, 9, 1, 1, 1], final=True)
    absent = next(m for m in meeting["session"].members if m.user.email == SCIENTISTS[0])
    cm.set_present(meeting["chair"], meeting["session"], absent, False)
    spread = cm.spread(item)
    assert spread.final == [1, 1, 9, 9, 9]
    assert spread.committee_score == 5.8


def test_conflicted_members_neither_see_nor_score_and_leave_the_room(meeting, web):
    item = meeting["items"][meeting["first"].id]
    karim = meeting["people"]["karim@exemple.fr"]
    # A reviewer who declared a conflict on the application as a reviewer.
    make_assignment(meeting["first"], karim, status="conflict")
    claire = meeting["people"]["claire@exemple.fr"]
    cm.declare_conflict(claire, item)
    db.session.commit()
    assert cm.conflicted(karim, item)
    assert cm.conflicted(claire, item)
    with pytest.raises(PermissionError):
        cm.save_preliminary(karim, item, 5, "")
    cm.open_item(meeting["chair"], item)
    with pytest.raises(PermissionError):
        cm.save_final(claire, item, 1)
    _score_all(meeting, item, [7, None, 7, None, 7, 7], final=True)
    spread = cm.spread(item)
    assert spread.out_of_room == 2
    assert spread.final == [7, 7, 7, 7]

    web.login("karim@exemple.fr")
    assert web.get(f"/comite/{meeting['session'].id}/points/{item.id}").status_code == 403
    page = web.get(f"/comite/{meeting['session'].id}").get_data(as_text=True)
    assert "Vous sortez de la salle pour ce projet." in page


def test_only_members_and_the_coordination_see_a_session(meeting, web):
    UserFactory(email="autre@exemple.fr", roles=[Role.PATIENT_EXPERT])
    db.session.commit()
    web.login("autre@exemple.fr")
    assert web.get(f"/comite/{meeting['session'].id}").status_code == 403
    assert web.get("/comite/999999").status_code == 404


def test_a_member_scores_through_the_pages_and_finds_the_current_item(meeting, web):
    session, item = meeting["session"], meeting["items"][meeting["second"].id]
    web.login("martine@exemple.fr")
    url = f"/comite/{session.id}/points/{item.id}"
    page = web.submit(url, {"prelim-score": "12", "prelim-submit": "1"}).get_data(
        as_text=True)
    assert "Choisissez une des réponses proposées." in page or "de 1 à 9" in page
    assert web.submit(url, {"prelim-score": "7", "prelim-comment": "Utile.",
                            "prelim-submit": "1"}).status_code == 302
    cm.open_item(meeting["chair"], item)
    db.session.commit()
    page = web.get(f"/comite/{session.id}").get_data(as_text=True)
    assert f'href="/comite/{session.id}/points/{item.id}"' in page
    assert "discute en ce moment" in page
    assert web.submit(url, {"final-score": "8", "final-submit": "1"}).status_code == 302
    assert cm.my_scores(meeting["people"]["martine@exemple.fr"], session)[item.id].final == 8


def test_the_minutes_list_attendance_conflicts_scores_and_recommendations(meeting, web):
    item = meeting["items"][meeting["first"].id]
    cm.declare_conflict(meeting["people"]["paul@exemple.fr"], item)
    cm.open_item(meeting["chair"], item)
    _score_all(meeting, item, [8, 8, 8, 6, None, 6], final=True)
    cm.record_recommendation(meeting["chair"], item, cm.CONDITIONAL,
                             "À condition d’ajouter un groupe d’aidants.")
    db.session.commit()
    web.login("anne@exemple.fr")
    page = web.get(f"/comite/{meeting['session'].id}/proces-verbal").get_data(as_text=True)
    assert "Dormir mieux" in page
    assert "Financer sous conditions." in page
    assert "ajouter un groupe d’aidants" in page
    assert "Sortis de la salle" in page


def test_a_recommendation_needs_its_reasons(meeting):
    item = meeting["items"][meeting["first"].id]
    cm.open_item(meeting["chair"], item)
    with pytest.raises(ServiceError):
        cm.record_recommendation(meeting["chair"], item, cm.FUND, "  ")
    with pytest.raises(ServiceError):
        cm.record_recommendation(meeting["chair"], item, "peut-être", "Oui.")
