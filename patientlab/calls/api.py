"""What calls tell the rest of the platform (the research cycle reads it): a funded
application as a project page may show it, and whether a call's results are public."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from patientlab.core.models import utcnow
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.networks import context

from .models import Application, Assignment, Call, Decision, Review, ReviewStatus

FUNDED = (Decision.FUNDED, Decision.CONDITIONAL)
# A review counts once it was sent and not sent back for rephrasing.
COUNTED = (ReviewStatus.SUBMITTED, ReviewStatus.RELEASED)


@dataclass(frozen=True)
class Funding:
    """A funded application, as the project page may show it: nothing confidential
    (no score, no reviewer's comment, no budget)."""

    application_id: int
    call_id: int
    network_id: int  # the lead's: a page made from it belongs to the lead network
    network_ids: tuple[int, ...]  # the lead's and the partners' (a joint call)
    call_title: str
    title: str
    lay_summary: str
    involvement_plan: str
    team: str
    owner_id: int | None
    decision_label: str
    decided_at: datetime | None
    reviewer_ids: tuple[int, ...]  # patient experts and associations who sent a review
    results_url: str  # the call's public results, with the decision's explanation
    results_public: bool

    @property
    def patient_reviews(self) -> int:
        """« avec l'avis de N patientes et patients »: one review each."""
        return len(self.reviewer_ids)


def results_are_public(call: Call, now: datetime | None = None) -> bool:
    return call.published_at is not None and (now or utcnow()) >= call.results_at


def is_funded(application: Application) -> bool:
    return application.decision in FUNDED


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


def fundings(application_ids) -> dict[int, Funding]:
    """Application ids → their funding, for funded applications only."""
    ids = [i for i in application_ids if i is not None]
    if not ids:
        return {}
    applications = db.session.scalars(select(Application).where(
        Application.id.in_(ids), Application.decision.in_(FUNDED))).all()
    reviewers = _reviewers([a.id for a in applications])
    now = utcnow()
    return {a.id: Funding(
        application_id=a.id, call_id=a.call_id, network_id=a.call.network_id,
        network_ids=a.call.network_ids, call_title=a.call.title, title=a.title,
        lay_summary=a.lay_summary, involvement_plan=a.involvement_plan, team=a.team,
        owner_id=a.owner_id, decision_label=str(Decision.LABELS[a.decision]),
        decided_at=a.decided_at, reviewer_ids=tuple(reviewers.get(a.id, ())),
        results_url=external_url("calls.results", call_id=a.call_id, _anchor=f"candidature-{a.id}",
                                 network=context.by_id(a.call.network_id).slug),
        results_public=results_are_public(a.call, now)) for a in applications}


def funding(application_id: int | None) -> Funding | None:
    return fundings([application_id]).get(application_id) if application_id else None


def funded_applications(call: Call) -> list[Application]:
    """The call's funded applications, by title."""
    return list(db.session.scalars(select(Application).where(
        Application.call_id == call.id, Application.decision.in_(FUNDED))
        .order_by(Application.title, Application.id)))
