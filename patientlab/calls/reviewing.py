"""Patient review of applications: assignments and conflicts of interest, reviews
drafted and submitted before the deadline, moderation and release by the
coordination, anonymised feedback, the applicant's answers, decisions, ranking.

Reviewers are never named to applicants or to each other: released reviews get a
letter (« Relecteur·rice A ») in the order they were submitted.
"""

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from patientlab.auth.models import User, UserRole
from patientlab.core import audit
from patientlab.core.errors import ServiceError
from patientlab.core.mail import notify
from patientlab.core.models import utcnow
from patientlab.core.sanitize import plain_text
from patientlab.core.security import Role
from patientlab.core.spreadsheet import csv_for_excel
from patientlab.core.urls import external_url
from patientlab.extensions import db

from .models import (
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    Call,
    Criterion,
    Decision,
    Review,
    ReviewAnswer,
    ReviewStatus,
)
from .services import ensure_may_coordinate

SUBMITTED_STATES = (ReviewStatus.SUBMITTED, ReviewStatus.RETURNED, ReviewStatus.RELEASED)


def _mail(user: User, subject, template: str, **context) -> None:
    notify(user, subject, template, **context)


def coordinators() -> list[User]:
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.COORDINATOR, User.active.is_(True)).distinct()))


# --- Assignments -----------------------------------------------------------------------


def get_assignment_or_404(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        abort(404)
    return assignment


def get_assignment_for_reviewer(assignment_id: int, user) -> Assignment:
    """The reviewer's own assignment: 404 if unknown, 403 if someone else's or withdrawn."""
    assignment = get_assignment_or_404(assignment_id)
    if assignment.reviewer_id != user.id or assignment.status == AssignmentStatus.CONFLICT:
        abort(403)
    return assignment


def assignments_of(application: Application) -> list[Assignment]:
    return list(db.session.scalars(select(Assignment)
                                   .where(Assignment.application_id == application.id)
                                   .order_by(Assignment.assigned_at, Assignment.id)))


def reviewer_assignments(user: User) -> list[Assignment]:
    return list(db.session.scalars(
        select(Assignment).join(Application, Application.id == Assignment.application_id)
        .join(Call, Call.id == Application.call_id)
        .where(Assignment.reviewer_id == user.id,
               Assignment.status != AssignmentStatus.CONFLICT)
        .order_by(Call.review_deadline.desc(), Assignment.id)))


def eligible_reviewers(application: Application) -> list[User]:
    """Validated reviewers not yet assigned to (nor in conflict with) this application."""
    taken = select(Assignment.reviewer_id).where(Assignment.application_id == application.id)
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_(Role.REVIEWERS), User.active.is_(True),
               User.id != (application.owner_id or 0), User.id.not_in(taken))
        .distinct().order_by(User.name)))


def load_in_call(call: Call) -> dict[int, int]:
    """Number of live assignments per reviewer in this call."""
    rows = db.session.execute(
        select(Assignment.reviewer_id, func.count())
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.call_id == call.id, Assignment.status != AssignmentStatus.CONFLICT)
        .group_by(Assignment.reviewer_id))
    return dict(rows.all())


def suggest_reviewers(application: Application, wanted: int = 3) -> list[User]:
    """Balance load across the call and skip known conflicts.

    People who declared a conflict with this applicant on another application are
    skipped; the least busy come first.
    """
    live = db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.application_id == application.id,
        Assignment.status != AssignmentStatus.CONFLICT)) or 0
    needed = max(wanted - live, 0)
    if needed == 0:
        return []
    conflicted = set(db.session.scalars(
        select(Assignment.reviewer_id).join(Application,
                                            Application.id == Assignment.application_id)
        .where(Application.owner_id == application.owner_id,
               Assignment.status == AssignmentStatus.CONFLICT)))
    load = load_in_call(application.call)
    candidates = [u for u in eligible_reviewers(application) if u.id not in conflicted]
    candidates.sort(key=lambda u: (load.get(u.id, 0), u.id))
    return candidates[:needed]


def assign(actor: User, application: Application, reviewer_ids: list[int]) -> list[Assignment]:
    ensure_may_coordinate(actor, application)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ServiceError(_l("Seule une candidature déposée peut être relue."))
    eligible = {u.id: u for u in eligible_reviewers(application)}
    chosen = [eligible[i] for i in reviewer_ids if i in eligible]
    if not chosen:
        raise ServiceError(_l("Choisissez au moins un·e relecteur·rice."), field="reviewers")
    created = []
    for reviewer in chosen:
        assignment = Assignment(application_id=application.id, reviewer_id=reviewer.id,
                                assigned_by_id=actor.id)
        assignment.application, assignment.reviewer = application, reviewer
        db.session.add(assignment)
        db.session.flush()
        audit.record(actor, "review.assigned", assignment,
                     summary=f"application {application.id} → user {reviewer.id}")
        _mail(reviewer, _l("Une candidature vous attend pour relecture"), "review_assigned",
              assignment=assignment, application=application, call=application.call,
              url=external_url("reviews.detail", assignment_id=assignment.id))
        created.append(assignment)
    return created


def unassign(actor: User, assignment: Assignment) -> None:
    ensure_may_coordinate(actor, assignment.application)
    if assignment.review is not None and assignment.review.status in SUBMITTED_STATES:
        raise ServiceError(_l("Cette relecture est déjà envoyée : elle ne peut plus être "
                              "retirée."))
    audit.record(actor, "review.unassigned", assignment,
                 summary=f"application {assignment.application_id} → user "
                         f"{assignment.reviewer_id}")
    db.session.delete(assignment)
    db.session.flush()


def declare_interests(user: User, assignment: Assignment, *, conflict: bool, reason: str = "",
                      details: str = "", now: datetime | None = None) -> None:
    """No conflict: the review can start. A conflict withdraws the assignment."""
    now = now or utcnow()
    if assignment.reviewer_id != user.id:
        raise PermissionError("own assignment only")
    if assignment.status != AssignmentStatus.PENDING:
        raise ServiceError(_l("Vous avez déjà fait cette déclaration."))
    assignment.coi_declared_at = now
    if not conflict:
        assignment.status = AssignmentStatus.ACCEPTED
        audit.record(user, "review.no_conflict", assignment)
        db.session.flush()
        return
    if not reason:
        raise ServiceError(_l("Choisissez le lien qui vous concerne."), field="reason")
    assignment.status = AssignmentStatus.CONFLICT
    assignment.coi_reason = reason
    assignment.coi_details = plain_text(details, multiline=True)
    if assignment.review is not None:
        db.session.delete(assignment.review)
    db.session.flush()
    audit.record(user, "review.conflict_declared", assignment, reason=reason)
    for coordinator in coordinators():
        _mail(coordinator, _l("Conflit d’intérêts déclaré sur une candidature"),
              "review_conflict", assignment=assignment, application=assignment.application,
              url=external_url("call_admin.application", application_id=assignment.application_id))


# --- Reviews ---------------------------------------------------------------------------------


@dataclass
class AnswerData:
    score: int | None = None
    comment: str = ""


def review_open(assignment: Assignment, now: datetime) -> bool:
    """Reviewers write until the review deadline, and later only to rephrase on request."""
    review = assignment.review
    if review is not None and review.status == ReviewStatus.RELEASED:
        return False
    if review is not None and review.status == ReviewStatus.RETURNED:
        return True
    return now < assignment.application.call.review_deadline


def check_answers(criteria: list[Criterion], answers: dict[int, AnswerData]) -> dict[int, dict]:
    """Errors per criterion id: {"score": message} or {"comment": message}."""
    errors: dict[int, dict] = {}
    for criterion in criteria:
        answer = answers.get(criterion.id) or AnswerData()
        problems = {}
        if criterion.is_scored:
            valid = {value for value, _label in criterion.options()}
            if answer.score is not None and answer.score not in valid:
                problems["score"] = _l("Choisissez une des réponses proposées.")
            elif answer.score is None and criterion.required:
                problems["score"] = _l("Choisissez une réponse pour cette question.")
            elif (answer.score is not None and criterion.comment_below is not None
                  and answer.score <= criterion.comment_below and not answer.comment.strip()):
                problems["comment"] = _l("Expliquez votre réponse en quelques mots : un "
                                         "commentaire est demandé pour cette note.")
        elif criterion.required and not answer.comment.strip():
            problems["comment"] = _l("Écrivez votre réponse à cette question.")
        if len(answer.comment) > 5000:
            problems["comment"] = _l("5 000 caractères au plus : raccourcissez le texte.")
        if problems:
            errors[criterion.id] = problems
    return errors


def save_review(user: User, assignment: Assignment, answers: dict[int, AnswerData], *,
                now: datetime | None = None, on_behalf: bool = False) -> Review:
    """Save a draft. Scores outside the scale are refused; completeness is not required."""
    now = now or utcnow()
    if on_behalf:
        ensure_may_coordinate(user, assignment.application)
    elif assignment.reviewer_id != user.id:
        raise PermissionError("own review only")
    if assignment.status == AssignmentStatus.CONFLICT:
        raise PermissionError("withdrawn assignment")
    if assignment.status == AssignmentStatus.PENDING and not on_behalf:
        raise ServiceError(_l("Déclarez d’abord vos liens d’intérêts."))
    if not on_behalf and not review_open(assignment, now):
        raise ServiceError(_l("La date limite des relectures est passée : votre relecture ne "
                              "peut plus être modifiée."))
    criteria = assignment.application.call.criteria
    for criterion in criteria:
        answer = answers.get(criterion.id)
        valid = {value for value, _label in criterion.options()}
        if answer is not None and answer.score is not None and answer.score not in valid:
            raise ServiceError(_l("Choisissez une des réponses proposées."),
                               field=f"score_{criterion.id}")
    review = assignment.review
    if review is None:
        review = Review(assignment_id=assignment.id, answers=[])
        assignment.review = review
        db.session.add(review)
    for criterion in criteria:
        answer = answers.get(criterion.id) or AnswerData()
        row = review.answer_for(criterion.id)
        if row is None:
            row = ReviewAnswer(criterion_id=criterion.id)
            review.answers.append(row)
        row.score = answer.score if criterion.is_scored else None
        row.comment = plain_text(answer.comment, multiline=True)
    review.updated_at = now
    if review.status == ReviewStatus.SUBMITTED and check_answers(criteria, answers_of(review)):
        review.status = ReviewStatus.DRAFT  # no longer complete: it must be sent again
    db.session.flush()
    return review


def answers_of(review: Review | None) -> dict[int, AnswerData]:
    if review is None:
        return {}
    return {a.criterion_id: AnswerData(a.score, a.comment) for a in review.answers}


def submit_review(user: User, assignment: Assignment, *, now: datetime | None = None,
                  on_behalf: bool = False) -> Review:
    now = now or utcnow()
    review = assignment.review
    if review is None:
        raise ServiceError(_l("Remplissez la relecture avant de l’envoyer."))
    if on_behalf:
        ensure_may_coordinate(user, assignment.application)
    elif assignment.reviewer_id != user.id:
        raise PermissionError("own review only")
    if not on_behalf and not review_open(assignment, now):
        raise ServiceError(_l("La date limite des relectures est passée : votre relecture n’a "
                              "pas été envoyée. Votre brouillon reste enregistré et la "
                              "coordination peut encore l’accepter : écrivez-lui."))
    if review.status == ReviewStatus.RELEASED:
        raise ServiceError(_l("Cette relecture est déjà transmise au porteur du projet."))
    criteria = assignment.application.call.criteria
    if check_answers(criteria, answers_of(review)):
        raise ServiceError(_l("Certaines réponses manquent : complétez-les avant d’envoyer."))
    first = review.submitted_at is None
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = review.submitted_at or now
    review.return_message = ""
    call = assignment.application.call
    if call.form_frozen_at is None:
        call.form_frozen_at = now
    if on_behalf:
        review.entered_by_id = user.id
        if assignment.status == AssignmentStatus.PENDING:
            assignment.status = AssignmentStatus.ACCEPTED
            assignment.coi_declared_at = now
    db.session.flush()
    action = ("review.entered_on_behalf" if on_behalf
              else "review.submitted" if first else "review.resubmitted")
    audit.record(user, action, review,
                 summary=f"assignment {assignment.id}, reviewer {assignment.reviewer_id}")
    return review


# --- Moderation and release by the coordination -----------------------------------------------


def get_review_or_404(review_id: int) -> Review:
    review = db.session.get(Review, review_id)
    if review is None:
        abort(404)
    return review


def ask_rephrase(actor: User, review: Review, message: str) -> None:
    ensure_may_coordinate(actor, review.assignment.application)
    message = plain_text(message, multiline=True)
    if not message:
        raise ServiceError(_l("Écrivez ce qu’il faudrait reformuler."), field="message")
    if review.status != ReviewStatus.SUBMITTED:
        raise ServiceError(_l("Seule une relecture envoyée et pas encore transmise peut être "
                              "renvoyée à son auteur·rice."))
    review.status = ReviewStatus.RETURNED
    review.return_message = message
    db.session.flush()
    audit.record(actor, "review.returned", review, reason=message)
    assignment = review.assignment
    _mail(assignment.reviewer, _l("La coordination vous demande de reformuler votre relecture"),
          "review_returned", message=message, application=assignment.application,
          url=external_url("reviews.detail", assignment_id=assignment.id))


def edit_comments(actor: User, review: Review, comments: dict[int, str]) -> int:
    """Edit out identifying details; the original text is kept in the audit trail."""
    ensure_may_coordinate(actor, review.assignment.application)
    if review.status == ReviewStatus.DRAFT:
        raise ServiceError(_l("Cette relecture n’est pas encore envoyée."))
    changed = 0
    for row in review.answers:
        if row.criterion_id not in comments:
            continue
        new = plain_text(comments[row.criterion_id], multiline=True)
        if new != row.comment:
            audit.record(actor, "review.comment_edited", review,
                         summary=f"criterion {row.criterion_id}\nbefore: {row.comment}\n"
                                 f"after: {new}", reason="anonymisation")
            row.comment = new
            changed += 1
    db.session.flush()
    return changed


def release_feedback(actor: User, application: Application,
                     now: datetime | None = None) -> int:
    """Share every submitted review with the applicant, who is told by mail."""
    ensure_may_coordinate(actor, application)
    now = now or utcnow()
    reviews = [a.review for a in assignments_of(application)
               if a.review is not None and a.review.status == ReviewStatus.SUBMITTED]
    if not reviews:
        raise ServiceError(_l("Aucune relecture envoyée n’attend d’être transmise."))
    for review in reviews:
        review.status = ReviewStatus.RELEASED
        review.released_at = now
        audit.record(actor, "review.released", review)
    first = application.feedback_released_at is None
    application.feedback_released_at = application.feedback_released_at or now
    db.session.flush()
    if application.owner is not None:
        _mail(application.owner, _l("Les avis des patients sur votre candidature sont "
                                    "disponibles") if first else
              _l("De nouveaux avis de patients sur votre candidature sont disponibles"),
              "feedback_released", application=application, call=application.call,
              url=external_url("applications.detail", application_id=application.id))
    return len(reviews)


# --- Feedback: anonymised, aggregated ------------------------------------------------------------


@dataclass
class CriterionSummary:
    criterion: Criterion
    count: int
    median: float | None
    mean: float | None
    distribution: list[tuple[int, str, int]]  # (score, label, number of reviewers)
    comments: list[tuple[str, ReviewAnswer]] = field(default_factory=list)  # (letter, answer)

    @property
    def most(self) -> int:
        return max([n for _s, _l, n in self.distribution] or [0])


@dataclass
class Feedback:
    reviews: list[tuple[str, Review]]
    criteria: list[CriterionSummary]

    @property
    def count(self) -> int:
        return len(self.reviews)


def reviewer_letter(index: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    prefix = letters[index // 26 - 1] if index >= 26 else ""
    return prefix + letters[index % 26]


def _reviews_in_order(application: Application, states) -> list[Review]:
    return list(db.session.scalars(
        select(Review).join(Assignment, Assignment.id == Review.assignment_id)
        .where(Assignment.application_id == application.id, Review.status.in_(states))
        .order_by(Review.submitted_at, Review.id)))


def aggregate(criteria: list[Criterion], reviews: list[Review]) -> list[CriterionSummary]:
    """Per criterion: how many chose each answer, the median, the mean and the comments."""
    lettered = [(reviewer_letter(i), r) for i, r in enumerate(reviews)]
    summaries = []
    for criterion in criteria:
        scores, comments = [], []
        for letter, review in lettered:
            answer = review.answer_for(criterion.id)
            if answer is None:
                continue
            if answer.score is not None:
                scores.append(answer.score)
            if answer.comment:
                comments.append((letter, answer))
        distribution = [(value, label, scores.count(value))
                        for value, label in sorted(criterion.options())]
        summaries.append(CriterionSummary(
            criterion=criterion, count=len(scores),
            median=statistics.median(scores) if scores else None,
            mean=round(statistics.fmean(scores), 2) if scores else None,
            distribution=distribution if criterion.is_scored else [], comments=comments))
    return summaries


def feedback_for(application: Application, *, confidential: bool = False,
                 released_only: bool = True) -> Feedback:
    """Released reviews, anonymised. Applicants never get confidential criteria."""
    states = (ReviewStatus.RELEASED,) if released_only else SUBMITTED_STATES
    reviews = _reviews_in_order(application, states)
    criteria = [c for c in application.call.criteria if confidential or c.is_shared]
    return Feedback([(reviewer_letter(i), r) for i, r in enumerate(reviews)],
                    aggregate(criteria, reviews))


def can_see_feedback(user, assignment: Assignment) -> bool:
    """A reviewer reads the others' released feedback once their own review is released."""
    review = assignment.review
    return review is not None and review.status == ReviewStatus.RELEASED


# --- The applicant's answer ----------------------------------------------------------------


def can_respond(application: Application, now: datetime) -> bool:
    return (application.feedback_released_at is not None
            and now < application.call.response_deadline)


def respond(user: User, application: Application, general: str, per_comment: dict[int, str],
            now: datetime | None = None) -> None:
    """« Vous avez dit, nous avons fait »: saved and shared with the reviewers."""
    now = now or utcnow()
    if application.owner_id != user.id:
        raise PermissionError("owner only")
    if application.feedback_released_at is None:
        raise ServiceError(_l("Les avis ne sont pas encore transmis."))
    if now >= application.call.response_deadline:
        raise ServiceError(_l("La date limite des réponses est passée : votre réponse n’a pas "
                              "été enregistrée."))
    released = feedback_for(application)
    answers = {answer.id: answer for summary in released.criteria
               for _letter, answer in summary.comments}
    general = plain_text(general, multiline=True)
    texts = {aid: plain_text(text, multiline=True) for aid, text in per_comment.items()
             if aid in answers}
    if not general and not any(texts.values()):
        raise ServiceError(_l("Écrivez au moins une réponse : à un commentaire ou à "
                              "l’ensemble des avis."), field="general")
    application.response_general = general
    for aid, text in texts.items():
        answers[aid].response = text
    first = application.response_sent_at is None
    application.response_sent_at = now
    db.session.flush()
    audit.record(user, "application.answered" if first else "application.answer_updated",
                 application)
    for _letter, review in released.reviews:
        assignment = review.assignment
        _mail(assignment.reviewer, _l("Le porteur du projet a répondu aux avis des patients"),
              "applicant_answered", application=application, first=first,
              url=external_url("reviews.detail", assignment_id=assignment.id))


# --- Decision ----------------------------------------------------------------------------------


def record_decision(actor: User, application: Application, decision: str, rationale: str,
                    now: datetime | None = None) -> None:
    ensure_may_coordinate(actor, application)
    now = now or utcnow()
    if decision not in Decision.LABELS:
        raise ServiceError(_l("Choisissez la décision du comité."), field="decision")
    rationale = plain_text(rationale, multiline=True)
    if not rationale:
        raise ServiceError(_l("Expliquez la décision en quelques phrases : elle sera lue par "
                              "le porteur et par les relecteurs."), field="rationale")
    if application.status != ApplicationStatus.SUBMITTED:
        raise ServiceError(_l("Seule une candidature déposée peut recevoir une décision."))
    before = application.decision
    application.decision = decision
    application.decision_rationale = rationale
    application.decided_at = now
    application.decided_by_id = actor.id
    db.session.flush()
    audit.record(actor, "application.decided", application,
                 summary=f"{before or '-'} → {decision}", reason=rationale)
    if application.owner is not None:
        _mail(application.owner, _l("Décision du comité sur votre candidature"),
              "decision_applicant", application=application,
              decision=Decision.LABELS[decision],
              url=external_url("applications.detail", application_id=application.id))
    for assignment in assignments_of(application):
        if assignment.review is not None and assignment.review.status in SUBMITTED_STATES:
            _mail(assignment.reviewer, _l("Décision du comité sur un projet que vous avez relu"),
                  "decision_reviewer", application=application,
                  decision=Decision.LABELS[decision],
                  url=external_url("reviews.detail", assignment_id=assignment.id))


# --- Coordination views -------------------------------------------------------------------------


def normalised(criterion: Criterion, score: float) -> float:
    """0 (lowest answer) to 100 (best answer), whatever the scale."""
    return (score - 1) / (criterion.max_score - 1) * 100


@dataclass
class RankingRow:
    application: Application
    submitted: int
    expected: int
    means: dict[int, float | None]
    score: float | None

    @property
    def missing(self) -> int:
        return max(self.expected - self.submitted, 0)


def ranking(call: Call) -> list[RankingRow]:
    """Every submitted application with its reviews counted and its mean scores.

    Three queries whatever the number of applications and reviews.
    """
    applications = list(db.session.scalars(
        select(Application).where(Application.call_id == call.id,
                                  Application.status == ApplicationStatus.SUBMITTED)
        .order_by(Application.id)))
    ids = [a.id for a in applications]
    expected = dict(db.session.execute(
        select(Assignment.application_id, func.count())
        .where(Assignment.application_id.in_(ids),
               Assignment.status != AssignmentStatus.CONFLICT)
        .group_by(Assignment.application_id)).all()) if ids else {}
    scores: dict[int, dict[int, list[int]]] = {i: {} for i in ids}
    submitted: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        rows = db.session.execute(
            select(Assignment.application_id, Review.id, ReviewAnswer.criterion_id,
                   ReviewAnswer.score)
            .join(Review, Review.assignment_id == Assignment.id)
            .join(ReviewAnswer, ReviewAnswer.review_id == Review.id)
            .where(Assignment.application_id.in_(ids), Review.status.in_(SUBMITTED_STATES)))
        for app_id, review_id, criterion_id, score in rows:
            submitted[app_id].add(review_id)
            if score is not None:
                scores[app_id].setdefault(criterion_id, []).append(score)
    scored = [c for c in call.criteria if c.is_scored]
    result = []
    for application in applications:
        means = {c.id: (round(statistics.fmean(scores[application.id][c.id]), 2)
                        if scores[application.id].get(c.id) else None) for c in scored}
        parts = [normalised(c, means[c.id]) for c in scored if means[c.id] is not None]
        result.append(RankingRow(application, len(submitted[application.id]),
                                 expected.get(application.id, 0), means,
                                 round(statistics.fmean(parts), 1) if parts else None))
    result.sort(key=lambda r: (r.score is None, -(r.score or 0), r.application.id))
    return result


def ranking_csv(call: Call, separator: str = ";") -> str:
    """One row per submitted application, best first (see core.spreadsheet)."""
    scored = [c for c in call.criteria if c.is_scored]
    rows = [[str(_l("Rang")), str(_l("Candidature")), str(_l("Porteur")),
             str(_l("Relectures reçues")), str(_l("Relectures attendues")),
             str(_l("Relectures manquantes")), str(_l("Score moyen (0 à 100)")),
             *[c.label for c in scored], str(_l("Décision"))]]
    for rank, row in enumerate(ranking(call), start=1):
        app = row.application
        rows.append([
            rank, app.title, app.owner.name if app.owner else "",
            row.submitted, row.expected, row.missing,
            _number(row.score), *[_number(row.means[c.id]) for c in scored],
            str(Decision.LABELS.get(app.decision, "")),
        ])
    return csv_for_excel(rows, separator)


def _number(value) -> str:
    return "" if value is None else f"{value:g}".replace(".", ",")


def call_progress(call: Call) -> dict[str, int]:
    applications = db.session.scalar(select(func.count()).select_from(Application).where(
        Application.call_id == call.id, Application.status == ApplicationStatus.SUBMITTED)) or 0
    counts = dict(db.session.execute(
        select(Review.status, func.count()).join(Assignment, Assignment.id == Review.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.call_id == call.id).group_by(Review.status)).all())
    return {"applications": applications,
            "submitted": counts.get(ReviewStatus.SUBMITTED, 0),
            "returned": counts.get(ReviewStatus.RETURNED, 0),
            "released": counts.get(ReviewStatus.RELEASED, 0)}


def applications_for_coordination(call: Call) -> list[Application]:
    return list(db.session.scalars(select(Application).where(Application.call_id == call.id)
                                   .order_by(Application.status.desc(), Application.id)))


def committee_summary(call: Call) -> list[tuple[RankingRow, Feedback]]:
    rows = ranking(call)
    return [(row, feedback_for(row.application, confidential=True, released_only=False))
            for row in rows]


def reviews_to_moderate(call: Call | None = None) -> list[Review]:
    query = (select(Review).join(Assignment, Assignment.id == Review.assignment_id)
             .options(selectinload(Review.assignment))
             .where(Review.status == ReviewStatus.SUBMITTED).order_by(Review.submitted_at))
    if call is not None:
        query = query.join(Application, Application.id == Assignment.application_id).where(
            Application.call_id == call.id)
    return list(db.session.scalars(query))


# --- Reminders -------------------------------------------------------------------------------


def send_review_reminders(now: datetime | None = None) -> int:
    """Mail reviewers whose review is not sent 3 days before the deadline. Safe to re-run."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Assignment).join(Application, Application.id == Assignment.application_id)
        .join(Call, Call.id == Application.call_id)
        .where(Call.review_deadline > now, Call.review_deadline <= now + timedelta(days=3),
               Assignment.status != AssignmentStatus.CONFLICT,
               Assignment.reminder_sent_at.is_(None)))
    sent = 0
    for assignment in due:
        if assignment.review is not None and assignment.review.status in SUBMITTED_STATES:
            continue
        _mail(assignment.reviewer, _l("Rappel : votre relecture est attendue dans 3 jours"),
              "review_reminder", assignment=assignment, application=assignment.application,
              call=assignment.application.call,
              url=external_url("reviews.detail", assignment_id=assignment.id))
        assignment.reminder_sent_at = now
        sent += 1
    db.session.flush()
    return sent

