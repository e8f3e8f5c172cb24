"""The committee's rules without HTTP: the reviewer's gates apply at the committee, a
closed session is frozen until the chair reopens it, the preliminary scores stay hidden
until an item is opened, the chair is warned by name of missing final scores."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from patientlab.calls import committee as cm
from patientlab.calls import reviewing as rv
from patientlab.calls import services as svc
from patientlab.calls.models import Decision
from patientlab.core.audit import AuditEntry
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.security import Role
from patientlab.extensions import db
from tests.conftest import outbox
from tests.factories import UserFactory, make_application, make_assignment, make_call

# Default criteria in order: relevance, benefit, left out (text), involvement, clarity
# (quality 1-4), burden (choice 1-3), overall, confidential comment (text).
SCORES = [5, 4, None, 4, 3, 3, 5, None]


def write_review(assignment, overall_comment: str, *, release_by=None):
    call = assignment.application.call
    texts = ["", "", "Les aidants.", "", "", "", overall_comment, ""]
    rv.save_review(assignment.reviewer, assignment, {
        c.id: rv.AnswerData(score=s, comment=t)
        for c, s, t in zip(call.criteria, SCORES, texts, strict=True)})
    rv.submit_review(assignment.reviewer, assignment)
    if release_by is not None:
        rv.release_feedback(release_by, assignment.application)


def build_meeting() -> dict:
    """A call under review, two applications, three members present (two patients, one
    scientist), a coordinator who chairs without being a member."""
    chair = UserFactory(email="anne@exemple.fr", roles=[Role.COORDINATOR])
    call = make_call(state="review")
    first = make_application(call=call, title="Dormir mieux")
    second = make_application(call=call, title="Bouger ensemble")
    session = cm.create_session(chair, call, "Comité de mars", utcnow() + timedelta(days=3),
                                "Salle 2", "", 9)
    people = {
        "martine": UserFactory(email="martine@exemple.fr", name="Martine Durand",
                               roles=[Role.PATIENT_EXPERT]),
        "karim": UserFactory(email="karim@exemple.fr", name="Karim Benali",
                             roles=[Role.PATIENT_EXPERT]),
        "claire": UserFactory(email="claire@exemple.fr", name="Claire Petit",
                              roles=[Role.RESEARCHER]),
    }
    for key, person in people.items():
        cm.add_member(chair, session, person, cm.SCIENTIST if key == "claire" else cm.PATIENT)
    for member in session.members:
        cm.set_present(chair, session, member, True)
    db.session.flush()
    items = {i.application_id: i for i in session.items}
    return {"chair": chair, "session": session, "call": call, "first": first,
            "second": second, "people": people, "item": items[first.id],
            "other": items[second.id]}


@pytest.fixture
def meeting(app):
    return build_meeting()


def test_committee_item_applies_reviewer_gates(meeting):
    first, people = meeting["first"], meeting["people"]
    # Another reviewer's review is released; a third one waits for moderation.
    write_review(make_assignment(first), "Très clair pour les patients.",
                 release_by=meeting["chair"])
    write_review(make_assignment(first), "Pas encore relu par la coordination.")
    # Martine reviews it too and has not declared her interests yet.
    pending = make_assignment(first, people["martine"], status="pending")
    # Karim reviews it, declared no conflict, his review is sent but not released.
    mine = make_assignment(first, people["karim"])
    write_review(mine, "Mon avis.")

    martine = svc.reading_rights(people["martine"], first)
    assert (martine.application, martine.reviews) == (False, False)
    assert martine.declaration == pending
    assert not svc.can_read_application(people["martine"], first)  # nor the PDF
    with pytest.raises(ServiceError):  # no score on what she may not read
        cm.save_preliminary(people["martine"], meeting["item"], 7, "")

    karim = svc.reading_rights(people["karim"], first)
    assert (karim.application, karim.reviews, karim.own_review_pending) == (True, False, True)
    assert not rv.can_see_feedback(people["karim"], mine)  # the reviewer's page: the same

    # Claire is not a reviewer: a member sitting on it reads it and the released reviews.
    claire = svc.reading_rights(people["claire"], first)
    assert (claire.application, claire.reviews) == (True, True)
    assert svc.can_read_application(people["claire"], first)
    # …until she leaves the room for it.
    cm.declare_conflict(people["claire"], meeting["item"])
    assert not svc.reading_rights(people["claire"], first).application
    # Someone who sits on no committee with it reads nothing.
    assert not svc.reading_rights(UserFactory(roles=[Role.RESEARCHER]), first).application
    # Once Martine declared no conflict, the gates open as on her reviewer's page.
    rv.declare_interests(people["martine"], pending, conflict=False)
    assert svc.reading_rights(people["martine"], first).application
    cm.save_preliminary(people["martine"], meeting["item"], 7, "")


def test_closed_session_freezes_scores(meeting):
    item, people, chair = meeting["item"], meeting["people"], meeting["chair"]
    cm.open_item(chair, item)
    cm.save_final(people["martine"], item, 6)
    cm.save_final(people["karim"], item, 8)
    cm.close_session(chair, meeting["session"])
    for change in (lambda: cm.save_final(people["karim"], item, 1),
                   lambda: cm.save_final(people["claire"], item, 1),
                   lambda: cm.save_preliminary(people["claire"], meeting["other"], 1, ""),
                   lambda: cm.declare_conflict(people["martine"], item),
                   lambda: cm.set_present(chair, meeting["session"],
                                          meeting["session"].members[0], False),
                   lambda: cm.save_notes(chair, item, "Changé après."),
                   lambda: cm.record_recommendation(chair, item, cm.FUND, "Oui.",
                                                    without_scores=True),
                   lambda: cm.open_item(chair, meeting["other"]),
                   lambda: cm.add_member(chair, meeting["session"],
                                         UserFactory(roles=[Role.RESEARCHER]), cm.SCIENTIST)):
        with pytest.raises(ServiceError):
            change()
    assert cm.spread(item).final == [6, 8]
    assert all(m.present for m in meeting["session"].members)
    assert not cm.conflicted(people["martine"], item)


def test_minutes_hide_preliminary_scores_until_the_item_is_opened(meeting):
    item, people = meeting["item"], meeting["people"]
    cm.save_preliminary(people["martine"], item, 3, "")
    cm.save_preliminary(people["karim"], item, 9, "")
    hidden = cm.spread(item)
    assert hidden.hidden
    assert hidden.preliminary == []
    # The minutes' batch (every item at once) follows the same rule.
    out, scores = cm.out_of_room(meeting["session"]), cm.scores_of(meeting["session"])
    assert cm.spread(item, out[item.id], scores[item.id]).preliminary == []
    cm.open_item(meeting["chair"], item)
    shown = cm.spread(item)
    assert not shown.hidden
    assert shown.preliminary == [3, 9]


def test_closing_a_session_says_what_is_left_and_is_audited(meeting):
    item, chair = meeting["item"], meeting["chair"]
    cm.open_item(chair, item)
    left = cm.what_is_left(meeting["session"])
    assert [i.id for i in left.undiscussed] == [meeting["other"].id]
    assert [i.id for i in left.unfinished] == [item.id]
    cm.close_session(chair, meeting["session"])
    assert meeting["session"].state == cm.CLOSED
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "committee.closed"))
    assert entry.summary == "1 undiscussed, 1 without recommendation"
    with pytest.raises(PermissionError):
        cm.close_session(meeting["people"]["martine"], meeting["session"])


def test_chair_reopens_a_closed_session_until_decisions_are_recorded(meeting):
    session, chair = meeting["session"], meeting["chair"]
    with pytest.raises(ServiceError):  # not closed
        cm.reopen_session(chair, session, "Erreur.")
    cm.close_session(chair, session)
    with pytest.raises(PermissionError):
        cm.reopen_session(meeting["people"]["martine"], session, "Erreur.")
    with pytest.raises(ServiceError):  # why, for the audit trail
        cm.reopen_session(chair, session, "  ")
    assert cm.may_reopen(chair, session)
    cm.reopen_session(chair, session, "Un projet n’a pas été discuté.")
    assert session.state == cm.OPEN
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "committee.reopened"))
    assert (entry.actor_id, entry.reason) == (chair.id, "Un projet n’a pas été discuté.")
    cm.open_item(chair, meeting["other"])  # the meeting goes on
    cm.save_final(meeting["people"]["martine"], meeting["other"], 7)

    cm.close_session(chair, session)
    rv.record_decision(chair, meeting["first"], Decision.FUNDED, "Le comité l’a recommandé.")
    assert not cm.may_reopen(chair, session)
    with pytest.raises(ServiceError):
        cm.reopen_session(chair, session, "Trop tard.")
    assert session.state == cm.CLOSED


def test_recommendation_warns_by_name_when_a_present_member_has_not_scored(meeting):
    item, people, chair = meeting["item"], meeting["people"], meeting["chair"]
    absent = next(m for m in meeting["session"].members if m.user_id == people["claire"].id)
    cm.set_present(chair, meeting["session"], absent, False)  # absent: not asked
    cm.open_item(chair, item)
    cm.save_final(people["martine"], item, 7)
    assert [m.user_id for m in cm.without_final(item)] == [people["karim"].id]
    with pytest.raises(ServiceError) as refused:
        cm.record_recommendation(chair, item, cm.FUND, "Utile aux patients.")
    assert "Karim Benali" in str(refused.value.message)
    assert "Martine" not in str(refused.value.message)
    assert "Claire" not in str(refused.value.message)
    assert item.state == cm.DISCUSSING
    cm.record_recommendation(chair, item, cm.FUND, "Utile aux patients.", without_scores=True)
    assert item.state == cm.DONE
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "committee.recommendation"))
    assert "without the final score" in entry.summary


def test_coordinator_not_member_is_never_asked_for_a_final_score(meeting):
    item, people, chair = meeting["item"], meeting["people"], meeting["chair"]
    cm.open_item(chair, item)
    for person in people.values():
        cm.save_final(person, item, 6)
    assert cm.without_final(item) == []  # the chair, not a member, is not missing
    cm.record_recommendation(chair, item, cm.CONDITIONAL, "Avec un groupe d’aidants.")
    assert item.state == cm.DONE


def test_closing_sends_each_member_the_members_minutes(meeting):
    chair, session = meeting["chair"], meeting["session"]
    cm.declare_conflict(meeting["people"]["karim"], meeting["item"])
    cm.close_session(chair, session)
    for person in meeting["people"].values():
        [mail] = outbox(person.email)
        assert mail.subject.startswith("Procès-verbal prêt")
        assert f"/clara/comite/{session.id}/proces-verbal" in mail.body_text
        assert "Karim" not in mail.body_text.replace(person.name, "")  # nobody named
    assert outbox(chair.email) == []  # the chair is not a member
    cm.reopen_session(chair, session, "Un oubli.")
    cm.close_session(chair, session)
    assert outbox("martine@exemple.fr")[-1].subject.startswith("Procès-verbal modifié")


def test_the_minutes_mails_are_short_thank_those_present_and_say_what_changed(meeting):
    chair, session, item = meeting["chair"], meeting["session"], meeting["item"]
    absent = cm.member_of(meeting["people"]["claire"], session)
    cm.set_present(chair, session, absent, False)
    cm.open_item(chair, item)
    cm.record_recommendation(chair, item, cm.FUND, "Utile.", without_scores=True)
    cm.close_session(chair, session)
    [mail] = outbox("martine@exemple.fr")
    # The subject said « Le procès-verbal du comité « Comité de mars » est prêt ».
    assert mail.subject == "Procès-verbal prêt\u00a0: Comité de mars" or (
        mail.subject.replace("\u00a0", " ") == "Procès-verbal prêt : Comité de mars")
    assert "Merci d’y avoir participé" in mail.body_text
    [absent_mail] = outbox("claire@exemple.fr")
    assert "Merci d’y avoir participé" not in absent_mail.body_text  # she was not there

    # Reopening tells the members why; the new close says which recommendation changed.
    cm.reopen_session(chair, session, "La recommandation sur « Dormir mieux » était fausse.")
    revising = outbox("martine@exemple.fr")[-1]
    assert revising.subject.replace("\u00a0", " ") == "Procès-verbal en révision : Comité de mars"
    assert "était fausse" in revising.body_text
    item.recommendation = cm.CONDITIONAL
    cm.close_session(chair, session)
    changed = outbox("martine@exemple.fr")[-1].body_text.replace("\u00a0", " ")
    assert "La recommandation a changé pour :\n- Dormir mieux : financer sous conditions" in changed
    assert "Bouger ensemble :" not in changed
