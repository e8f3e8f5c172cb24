import csv
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from patientlab.calls import reviewing as rv
from patientlab.calls.models import AssignmentStatus, Decision, ReviewStatus
from patientlab.core.audit import AuditEntry
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.extensions import db
from tests.conftest import outbox
from tests.factories import UserFactory, make_application, make_assignment, make_call

# Default criteria in order: relevance, benefit, left out (text), involvement, clarity
# (quality 1-4), burden (choice 1-3), overall, confidential comment (text).
GOOD = [5, 4, None, 4, 3, 3, 5, None]
TEXTS = ["", "", "Les personnes âgées.", "", "", "", "Très bien.", "Entre nous : bof."]


def answers(call, scores=GOOD, texts=TEXTS):
    return {c.id: rv.AnswerData(score=s, comment=t)
            for c, s, t in zip(call.criteria, scores, texts, strict=True)}


def actions():
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.fixture
def setup():
    coordinator = UserFactory(roles=["coordinator"], email="anne@exemple.fr")
    call = make_call(state="review")
    application = make_application(call=call)
    return coordinator, call, application


def test_full_cycle_from_assignment_to_decision(setup):
    coordinator, call, application = setup
    martine = UserFactory(roles=["patient_expert"], email="martine@exemple.fr")
    karim = UserFactory(roles=["association_rep"], email="karim@exemple.fr")
    [a1, a2] = rv.assign(coordinator, application, [martine.id, karim.id])
    assert "Une candidature vous attend" in outbox("martine@exemple.fr")[0].subject

    # Conflicts of interest come first.
    with pytest.raises(ServiceError):
        rv.save_review(martine, a1, answers(call))
    rv.declare_interests(martine, a1, conflict=False)
    rv.declare_interests(karim, a2, conflict=False)

    # Two sittings: a partial draft, then the rest.
    rv.save_review(martine, a1, {call.criteria[0].id: rv.AnswerData(score=5)})
    assert a1.review.status == ReviewStatus.DRAFT
    with pytest.raises(ServiceError):
        rv.submit_review(martine, a1)
    rv.save_review(martine, a1, answers(call))
    rv.submit_review(martine, a1)
    assert call.is_form_frozen
    rv.save_review(karim, a2, answers(call, [3, 2, None, 2, 2, 2, 3, None],
                                      ["", "Pas sûr.", "Les aidants.", "Trop vague.", "Jargon.",
                                       "Trop de visites.", "Bof.", ""]))
    rv.submit_review(karim, a2)

    # Moderation: one comment edited out, then release.
    rv.edit_comments(coordinator, a2.review, {call.criteria[3].id: "Pas assez précis."})
    released = rv.release_feedback(coordinator, application)
    assert released == 2
    assert "disponibles" in outbox(application.owner.email)[0].subject

    feedback = rv.feedback_for(application)
    # The applicant never gets confidential criteria.
    assert all(s.criterion.is_shared for s in feedback.criteria)
    assert "Entre nous : bof." not in str([a.comment for s in feedback.criteria
                                           for _l, a in s.comments])
    relevance = feedback.criteria[0]
    assert relevance.median == 4
    assert [(score, n) for score, _label, n in relevance.distribution] == \
        [(1, 0), (2, 0), (3, 1), (4, 0), (5, 1)]

    # The applicant answers a comment and the whole review; reviewers are told.
    left_out = next(s for s in feedback.criteria if s.criterion.label.startswith("Qui"))
    letter, comment = left_out.comments[1]
    assert letter == "B"
    rv.respond(application.owner, application, "Nous avons ajouté des visites à domicile.",
               {comment.id: "Un groupe pour les aidants."})
    assert comment.response == "Un groupe pour les aidants."
    assert outbox("karim@exemple.fr")[-1].subject.startswith("Le porteur du projet a répondu")

    rv.record_decision(coordinator, application, Decision.CONDITIONAL, "Financé si…")
    assert application.decision == Decision.CONDITIONAL
    assert "Décision" in outbox("martine@exemple.fr")[-1].subject
    assert "Décision" in outbox(application.owner.email)[-1].subject
    assert actions() == [
        "review.assigned", "review.assigned", "review.no_conflict", "review.no_conflict",
        "review.submitted", "review.submitted", "review.comment_edited", "review.released",
        "review.released", "application.answered", "application.decided"]


def test_declared_conflict_withdraws_the_assignment_and_tells_the_coordination(setup):
    coordinator, _call, application = setup
    reviewer = UserFactory(roles=["patient_expert"])
    [assignment] = rv.assign(coordinator, application, [reviewer.id])
    with pytest.raises(ServiceError):
        rv.declare_interests(reviewer, assignment, conflict=True, reason="")
    rv.declare_interests(reviewer, assignment, conflict=True, reason="same_place")
    assert assignment.status == AssignmentStatus.CONFLICT
    assert "Conflit" in outbox("anne@exemple.fr")[0].subject
    assert assignment not in rv.reviewer_assignments(reviewer)
    assert reviewer not in rv.eligible_reviewers(application)


def test_suggestion_balances_load_and_skips_known_conflicts(setup):
    _coordinator, call, application = setup
    busy, _free, conflicted, _owner_is_reviewer = (
        UserFactory(roles=["patient_expert"]) for _ in range(4))
    other = make_application(application.owner, call)
    third = make_application(call=call)
    make_assignment(third, busy)
    make_assignment(other, conflicted, status=AssignmentStatus.CONFLICT)
    suggested = rv.suggest_reviewers(application, wanted=2)
    assert conflicted not in suggested
    assert busy not in suggested
    assert len(suggested) == 2
    # Researchers and people without a reviewer role are never suggested.
    assert all(u.can_review for u in suggested)


def test_assigning_needs_a_submitted_application_and_eligible_people(setup):
    coordinator, call, _application = setup
    draft = make_application(call=call, submitted=False)
    reviewer = UserFactory(roles=["patient_expert"])
    with pytest.raises(ServiceError):
        rv.assign(coordinator, draft, [reviewer.id])
    submitted = make_application(call=call)
    with pytest.raises(ServiceError):
        rv.assign(coordinator, submitted, [UserFactory(roles=["researcher"]).id])
    with pytest.raises(PermissionError):
        rv.assign(UserFactory(roles=["patient_expert"]), submitted, [reviewer.id])


def test_scores_outside_the_scale_and_missing_answers_are_field_errors(setup):
    _coordinator, call, application = setup
    assignment = make_assignment(application)
    reviewer = assignment.reviewer
    with pytest.raises(ServiceError) as error:
        rv.save_review(reviewer, assignment, {call.criteria[0].id: rv.AnswerData(score=9)})
    assert error.value.field == f"score_{call.criteria[0].id}"
    low = answers(call, [1, 4, None, 4, 3, 3, 5, None], ["", "", "x", "", "", "", "", ""])
    errors = rv.check_answers(call.criteria, low)
    assert set(errors) == {call.criteria[0].id}
    assert "comment" in errors[call.criteria[0].id]
    errors = rv.check_answers(call.criteria, {})
    required = [c.id for c in call.criteria if c.required]
    assert sorted(errors) == sorted(required)


def test_review_deadline_is_exclusive_and_the_draft_is_kept(setup):
    _coordinator, call, application = setup
    assignment = make_assignment(application)
    reviewer = assignment.reviewer
    rv.save_review(reviewer, assignment, answers(call))
    last = call.review_deadline - timedelta(seconds=1)
    with pytest.raises(ServiceError) as error:
        rv.submit_review(reviewer, assignment, now=call.review_deadline)
    assert "brouillon reste enregistré" in str(error.value.message)
    assert assignment.review.status == ReviewStatus.DRAFT
    assert assignment.review.answer_for(call.criteria[0].id).score == 5
    rv.submit_review(reviewer, assignment, now=last)
    assert assignment.review.status == ReviewStatus.SUBMITTED
    with pytest.raises(ServiceError):
        rv.save_review(reviewer, assignment, answers(call), now=call.review_deadline)


def test_rephrase_request_reopens_the_review_after_the_deadline(setup):
    coordinator, call, application = setup
    assignment = make_assignment(application)
    reviewer = assignment.reviewer
    rv.save_review(reviewer, assignment, answers(call))
    review = rv.submit_review(reviewer, assignment)
    with pytest.raises(ServiceError):
        rv.ask_rephrase(coordinator, review, "  ")
    rv.ask_rephrase(coordinator, review, "Retirez le nom de l’hôpital.")
    assert review.status == ReviewStatus.RETURNED
    assert "reformuler" in outbox(reviewer.email)[-1].subject
    later = call.review_deadline + timedelta(days=2)
    rv.save_review(reviewer, assignment, answers(call), now=later)
    rv.submit_review(reviewer, assignment, now=later)
    assert review.status == ReviewStatus.SUBMITTED
    assert "review.returned" in actions()
    assert "review.resubmitted" in actions()


def test_comment_edit_keeps_the_original_in_the_audit_trail(setup):
    coordinator, call, application = setup
    assignment = make_assignment(application)
    rv.save_review(assignment.reviewer, assignment, answers(call))
    review = rv.submit_review(assignment.reviewer, assignment)
    target = call.criteria[2].id
    rv.edit_comments(coordinator, review, {target: "Les personnes âgées."})
    assert "review.comment_edited" not in actions()  # nothing changed, nothing recorded
    rv.edit_comments(coordinator, review, {target: "[retiré]"})
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "review.comment_edited"))
    assert "before: Les personnes âgées." in entry.summary
    assert "after: [retiré]" in entry.summary


def test_coordinator_enters_a_paper_review_on_behalf_and_it_is_recorded(setup):
    coordinator, call, application = setup
    assignment = make_assignment(application, status=AssignmentStatus.PENDING)
    rv.save_review(coordinator, assignment, answers(call), on_behalf=True)
    review = rv.submit_review(coordinator, assignment, on_behalf=True)
    assert review.entered_by_id == coordinator.id
    assert assignment.status == AssignmentStatus.ACCEPTED
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "review.entered_on_behalf"))
    assert entry.actor_id == coordinator.id
    with pytest.raises(PermissionError):
        rv.save_review(UserFactory(roles=["patient_expert"]), assignment, answers(call),
                       on_behalf=True)


def test_reviewers_see_others_feedback_only_after_their_own_is_released(setup):
    coordinator, call, application = setup
    first, second = make_assignment(application), make_assignment(application)
    for assignment in (first, second):
        rv.save_review(assignment.reviewer, assignment, answers(call))
        rv.submit_review(assignment.reviewer, assignment)
    assert not rv.can_see_feedback(first.reviewer, first)
    rv.release_feedback(coordinator, application)
    assert rv.can_see_feedback(first.reviewer, first)
    with pytest.raises(ServiceError):
        rv.release_feedback(coordinator, application)  # nothing new to release


def test_aggregate_maths_on_fixed_data(setup):
    _coordinator, call, application = setup
    scores = [[5, 5, None, 1, 4, 3, 5, None], [4, 3, None, 2, 3, 1, 2, None],
              [2, 3, None, 2, 1, 2, 4, None], [3, 5, None, 2, 2, 3, 4, None]]
    for row in scores:
        assignment = make_assignment(application)
        rv.save_review(assignment.reviewer, assignment,
                       answers(call, row, ["c"] * 8))
        rv.submit_review(assignment.reviewer, assignment)
    feedback = rv.feedback_for(application, confidential=True, released_only=False)
    by_label = {s.criterion.position: s for s in feedback.criteria}
    assert by_label[0].median == 3.5
    assert by_label[0].mean == 3.5
    assert by_label[1].median == 4
    assert by_label[1].mean == 4
    assert by_label[3].median == 2
    assert by_label[3].mean == 1.75
    assert [n for _s, _l, n in by_label[4].distribution] == [1, 1, 1, 1]
    assert by_label[5].median == 2.5
    assert by_label[2].distribution == []
    assert len(by_label[2].comments) == 4
    assert [letter for letter, _r in feedback.reviews] == ["A", "B", "C", "D"]

    [row] = rv.ranking(call)
    assert (row.submitted, row.expected, row.missing) == (4, 4, 0)
    # Normalised 0-100 means: relevance (3.5-1)/4=62.5, benefit 75, involvement 18.75,
    # clarity (2.5-1)/3=50, burden (2.25-1)/2=62.5, overall (3.75-1)/4=68.75.
    assert row.score == pytest.approx((62.5 + 75 + 18.75 + 50 + 62.5 + 68.75) / 6, abs=0.05)


def test_ranking_orders_applications_and_counts_missing_reviews(setup):
    _coordinator, call, strong = setup
    weak = make_application(call=call, title="Projet faible")
    make_application(call=call, submitted=False, title="Brouillon")
    for application, row in ((strong, GOOD), (weak, [1, 1, None, 1, 1, 1, 1, None])):
        assignment = make_assignment(application)
        rv.save_review(assignment.reviewer, assignment,
                       answers(call, row, ["x"] * 8))
        rv.submit_review(assignment.reviewer, assignment)
    make_assignment(weak)  # a review still missing
    rows = rv.ranking(call)
    assert [r.application for r in rows] == [strong, weak]
    assert rows[1].missing == 1
    assert rows[1].score == 0


def test_csv_has_a_bom_semicolons_french_decimals_and_no_formulas(setup):
    _coordinator, call, application = setup
    application.title = "=HYPERLINK(\"http://x\")"
    assignment = make_assignment(application)
    rv.save_review(assignment.reviewer, assignment, answers(call))
    rv.submit_review(assignment.reviewer, assignment)
    content = rv.ranking_csv(call)
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:7] == ["Rang", "Candidature", "Porteur", "Relectures reçues",
                           "Relectures attendues", "Relectures manquantes",
                           "Score moyen (0 à 100)"]
    assert rows[1][1].startswith("'=")
    assert rows[1][3:6] == ["1", "1", "0"]
    assert "," in rows[1][6] or rows[1][6].isdigit()
    comma = list(csv.reader(io.StringIO(rv.ranking_csv(call, ",").lstrip("\ufeff"))))
    assert len(comma[0]) == len(rows[0])


def test_response_is_refused_after_its_deadline_and_before_release(setup):
    coordinator, call, application = setup
    assignment = make_assignment(application)
    rv.save_review(assignment.reviewer, assignment, answers(call))
    rv.submit_review(assignment.reviewer, assignment)
    with pytest.raises(ServiceError):
        rv.respond(application.owner, application, "Merci", {})
    rv.release_feedback(coordinator, application)
    with pytest.raises(ServiceError):
        rv.respond(application.owner, application, "", {})
    with pytest.raises(ServiceError):
        rv.respond(application.owner, application, "Merci", {}, now=call.response_deadline)
    with pytest.raises(PermissionError):
        rv.respond(UserFactory(), application, "Merci", {})
    rv.respond(application.owner, application, "Merci", {},
               now=call.response_deadline - timedelta(seconds=1))


def test_decision_needs_a_known_value_and_a_rationale(setup):
    coordinator, _call, application = setup
    with pytest.raises(ServiceError) as error:
        rv.record_decision(coordinator, application, "maybe", "Texte")
    assert error.value.field == "decision"
    with pytest.raises(ServiceError) as error:
        rv.record_decision(coordinator, application, Decision.FUNDED, " ")
    assert error.value.field == "rationale"


def test_reminders_go_three_days_before_the_deadline_once(setup):
    _coordinator, call, application = setup
    late = make_assignment(application)
    done = make_assignment(application)
    rv.save_review(done.reviewer, done, answers(call))
    rv.submit_review(done.reviewer, done)
    conflicted = make_assignment(application, status=AssignmentStatus.CONFLICT)
    too_early = call.review_deadline - timedelta(days=4)
    assert rv.send_review_reminders(now=too_early) == 0
    now = call.review_deadline - timedelta(days=2)
    assert rv.send_review_reminders(now=now) == 1
    assert rv.send_review_reminders(now=now) == 0
    assert outbox(late.reviewer.email)[-1].subject.startswith("Rappel")
    assert outbox(conflicted.reviewer.email) == []
    assert utcnow() > now - timedelta(days=365)


def test_withdrawing_an_assignment_takes_its_draft_along_but_not_a_sent_review(setup):
    from patientlab.calls.models import Assignment, Review, ReviewAnswer

    coordinator, call, application = setup
    reviewer = UserFactory(roles=["patient_expert"])
    assignment = make_assignment(application, reviewer)
    draft = rv.save_review(reviewer, assignment, answers(call))
    db.session.flush()
    draft_id = draft.id
    rv.unassign(coordinator, assignment)
    assert db.session.get(Assignment, assignment.id) is None
    assert db.session.get(Review, draft_id) is None
    assert not db.session.scalars(
        select(ReviewAnswer).where(ReviewAnswer.review_id == draft_id)).all()
    assert "review.unassigned" in actions()

    sent = make_assignment(application, UserFactory(roles=["patient_expert"]))
    rv.save_review(sent.reviewer, sent, answers(call))
    rv.submit_review(sent.reviewer, sent)
    with pytest.raises(ServiceError):
        rv.unassign(coordinator, sent)
    with pytest.raises(PermissionError):
        rv.unassign(reviewer, sent)


def test_a_draft_answer_is_kept_unsent_until_the_team_sends_it(setup):
    coordinator, call, application = setup
    assignment = make_assignment(application)
    rv.save_review(assignment.reviewer, assignment, answers(call))
    rv.submit_review(assignment.reviewer, assignment)
    rv.release_feedback(coordinator, application)
    comment = next(a for s in rv.feedback_for(application).criteria for _l, a in s.comments)
    sent_before = len(outbox(assignment.reviewer.email))
    rv.save_response_draft(application.owner, application, "Premier jet", {comment.id: "À voir"})
    # Nothing is sent nor shown to the reviewers; the draft survives a new session.
    assert (application.response_general, comment.response) == ("", "")
    assert application.response_sent_at is None
    assert len(outbox(assignment.reviewer.email)) == sent_before
    assert json.loads(application.response_draft) == {
        "general": "Premier jet", "comments": {str(comment.id): "À voir"}}
    with pytest.raises(PermissionError):
        rv.save_response_draft(UserFactory(), application, "x", {})
    rv.respond(application.owner, application, "Version finale", {comment.id: "Fait"})
    assert (application.response_draft, comment.response) == ("", "Fait")
