"""Anonymised feedback: reviewers lettered in submission order, figures per criterion."""


import statistics
from dataclasses import dataclass, field

from sqlalchemy import select

from patientlab.extensions import db

from ..models import (
    Application,
    Assignment,
    Criterion,
    Review,
    ReviewAnswer,
    ReviewStatus,
)
from ..services import reading_rights
from .reviews import SUBMITTED_STATES

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

    @property
    def released(self) -> int:
        """How many the applicants can read (the coordination also sees those waiting)."""
        return sum(review.status == ReviewStatus.RELEASED for _letter, review in self.reviews)


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
    """A reviewer reads the others' released feedback once their own review is released
    (``reading_rights``, the rule the committee's pages follow too)."""
    return reading_rights(user, assignment.application).reviews
