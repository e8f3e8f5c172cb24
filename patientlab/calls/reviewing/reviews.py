"""Reviews drafted and submitted before the deadline, checked question by question."""


from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.sanitize import plain_text
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.networks.context import slug_of

from ..models import (
    Assignment,
    AssignmentStatus,
    Criterion,
    Review,
    ReviewAnswer,
    ReviewStatus,
)
from ..services import ensure_may_coordinate
from .notices import tell

SUBMITTED_STATES = (ReviewStatus.SUBMITTED, ReviewStatus.RETURNED, ReviewStatus.RELEASED)


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
                problems["score"] = _l("Choisissez une réponse.")
            elif (answer.score is not None and criterion.comment_below is not None
                  and answer.score <= criterion.comment_below and not answer.comment.strip()):
                problems["comment"] = _l("Expliquez votre réponse en quelques mots : un "
                                         "commentaire est demandé pour cette note.")
        elif criterion.required and not answer.comment.strip():
            problems["comment"] = _l("Écrivez votre réponse.")
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
    if not on_behalf:
        _confirm_sent(assignment, review, now, first=first)
    return review


def _confirm_sent(assignment: Assignment, review: Review, now: datetime, *,
                  first: bool) -> None:
    """As HotCRP does: the reviewer keeps a copy of what they sent, in the order of the
    grid, with the link to read it back (and change it until the deadline). Always sent:
    it is the receipt of something the person did, not news they may turn off."""
    application = assignment.application
    tell(assignment.reviewer,
         _l("Votre relecture est envoyée : « %(title)s »", title=application.title)
         if first else
         _l("Votre relecture modifiée est envoyée : « %(title)s »", title=application.title),
         "review_sent", assignment=assignment, application=application,
         call=application.call, review=review, criteria=application.call.criteria,
         sent_at=now, first=first,
         url=external_url("reviews.read", assignment_id=assignment.id,
                          network=slug_of(application.call.network_id)))
