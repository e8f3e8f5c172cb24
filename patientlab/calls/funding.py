"""What a funded application tells the rest of the platform (core.cycle): the project
page's « Financé par l'appel… », and the call's public results page."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from patientlab.core import cycle
from patientlab.core.models import utcnow
from patientlab.core.urls import external_url
from patientlab.extensions import db

from .models import Application, Assignment, Call, Decision, Review, ReviewStatus

FUNDED = (Decision.FUNDED, Decision.CONDITIONAL)
# A review counts once it was sent and not sent back for rephrasing.
COUNTED = (ReviewStatus.SUBMITTED, ReviewStatus.RELEASED)


def results_are_public(call: Call, now: datetime | None = None) -> bool:
    return call.published_at is not None and (now or utcnow()) >= call.results_at


def _reviewers(application_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for application_id, reviewer_id in db.session.execute(
            select(Assignment.application_id, Assignment.reviewer_id)
            .join(Review, Review.assignment_id == Assignment.id)
            .where(Assignment.application_id.in_(application_ids),
                   Review.status.in_(COUNTED))
            .order_by(Assignment.id)):
        found.setdefault(application_id, []).append(reviewer_id)
    return found


def fundings(application_ids: list[int]) -> dict[int, cycle.Funding]:
    applications = db.session.scalars(select(Application).where(
        Application.id.in_(application_ids), Application.decision.in_(FUNDED))).all()
    reviewers = _reviewers([a.id for a in applications])
    now = utcnow()
    return {a.id: cycle.Funding(
        application_id=a.id, call_id=a.call_id, call_title=a.call.title, title=a.title,
        lay_summary=a.lay_summary, involvement_plan=a.involvement_plan, team=a.team,
        owner_id=a.owner_id, decision_label=str(Decision.LABELS[a.decision]),
        decided_at=a.decided_at, reviewer_ids=tuple(reviewers.get(a.id, ())),
        results_url=external_url("calls.results", call_id=a.call_id) + f"#candidature-{a.id}",
        results_public=results_are_public(a.call, now)) for a in applications}


@dataclass
class FundedLine:
    application: Application
    project: cycle.ProjectRef | None


def funded_applications(call: Call) -> list[FundedLine]:
    """The call's funded applications, by title, with the project page made from each."""
    applications = db.session.scalars(select(Application).where(
        Application.call_id == call.id, Application.decision.in_(FUNDED))
        .order_by(Application.title, Application.id)).all()
    projects = cycle.projects_of_applications([a.id for a in applications])
    return [FundedLine(a, projects.get(a.id)) for a in applications]


def register() -> None:
    cycle.register_fundings(fundings)
