"""What became of a call's funded projects, for the coordination: each project's
milestones, news, evenings, followers and results; and how many patients took part at
each stage of the cycle (reviews, committee, follow-up, evenings).

Each figure is one aggregate query per call or period, whatever the number of projects.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, distinct, func, or_, select

from patientlab.calls.api import COUNTED, FUNDED
from patientlab.calls.committee import PATIENT, CommitteeMember, CommitteeScore, CommitteeSession
from patientlab.calls.models import Application, Assignment, Call, Review
from patientlab.core.notifications import Subscription, follower_counts
from patientlab.core.spreadsheet import csv_for_excel
from patientlab.cycle import services as cycle
from patientlab.cycle.models import ProjectFunding
from patientlab.events.api import EveningRef
from patientlab.events.models import Event, Registration
from patientlab.events.models import RegistrationStatus as RS
from patientlab.extensions import db
from patientlab.moderation.models import ModerationState
from patientlab.networks import context
from patientlab.projects.followup import TOPIC
from patientlab.projects.models import Milestone, Project, ProjectResults, ProjectUpdate

PUBLISHED = ModerationState.PUBLISHED


@dataclass
class ProjectImpact:
    application: Application
    project: Project | None = None
    milestones_planned: int = 0
    milestones_reached: int = 0
    updates: int = 0
    evenings: list[EveningRef] = field(default_factory=list)
    followers: int = 0
    results_published: bool = False

    @property
    def title(self) -> str:
        return self.project.title if self.project is not None else self.application.title


def _counts(stmt) -> dict[int, int]:
    return {key: int(value) for key, value in db.session.execute(stmt).all()}


def call_impact(call: Call) -> list[ProjectImpact]:
    applications = db.session.scalars(select(Application).where(
        Application.call_id == call.id, Application.decision.in_(FUNDED))
        .order_by(Application.title, Application.id)).all()
    rows = {a.id: ProjectImpact(a) for a in applications}
    linked = db.session.execute(select(ProjectFunding.application_id, Project).join(
        Project, Project.id == ProjectFunding.project_id).where(
        ProjectFunding.application_id.in_(list(rows)))).all() if rows else []
    by_id = {p.id: p for _application_id, p in linked}
    application_of = {p.id: application_id for application_id, p in linked}
    for application_id, project in linked:
        rows[application_id].project = project
    ids = list(by_id)
    if not ids:
        return list(rows.values())
    public = Milestone.moderation_state == PUBLISHED
    planned = _counts(select(Milestone.project_id, func.count()).where(
        Milestone.project_id.in_(ids), public).group_by(Milestone.project_id))
    reached = _counts(select(Milestone.project_id, func.count()).where(
        Milestone.project_id.in_(ids), public, Milestone.reached_on.is_not(None))
        .group_by(Milestone.project_id))
    updates = _counts(select(ProjectUpdate.project_id, func.count()).where(
        ProjectUpdate.project_id.in_(ids), ProjectUpdate.moderation_state == PUBLISHED)
        .group_by(ProjectUpdate.project_id))
    followers = {int(value): count
                 for value, count in follower_counts(TOPIC, ids).items()}
    done = set(db.session.scalars(select(ProjectResults.project_id).where(
        ProjectResults.project_id.in_(ids), ProjectResults.moderation_state == PUBLISHED)))
    evenings = cycle.evenings_of_projects(ids)  # published, not cancelled, by date
    for project_id in by_id:
        row = rows[application_of[project_id]]
        row.milestones_planned = planned.get(project_id, 0)
        row.milestones_reached = reached.get(project_id, 0)
        row.updates = updates.get(project_id, 0)
        row.followers = followers.get(project_id, 0)
        row.results_published = project_id in done
        row.evenings = evenings.get(project_id, [])
    return list(rows.values())


def impact_csv(call: Call, rows: list[ProjectImpact], separator: str = ";") -> str:
    header = [str(label) for label in (
        _l("Projet"), _l("Page publiée"), _l("Étapes prévues"), _l("Étapes atteintes"),
        _l("Nouvelles publiées"), _l("Soirées"), _l("Personnes qui suivent"),
        _l("Résultats publiés"))]
    yes, no = str(_l("oui")), str(_l("non"))
    lines = [header]
    for row in rows:
        lines.append([row.title, yes if row.project and row.project.is_published else no,
                      row.milestones_planned, row.milestones_reached, row.updates,
                      len(row.evenings), row.followers, yes if row.results_published else no])
    return csv_for_excel(lines, separator)


# --- How many patients took part at each stage ---------------------------------------------


@dataclass
class Stage:
    key: str
    label: object
    people: int
    explanation: object


def stages(start: datetime, end: datetime) -> list[Stage]:
    """Distinct people at each stage of the cycle in the period. Following: those who
    followed a funded project before the period ended and still follow it (a follow
    given up leaves no row; follows older than their date count as before). In this
    address's network (every network on a page of the whole platform)."""
    reviewers = db.session.scalar(context.scoped(
        select(func.count(distinct(Assignment.reviewer_id)))
        .join(Review, Review.assignment_id == Assignment.id)
        .join(Application, Application.id == Assignment.application_id)
        .join(Call, Call.id == Application.call_id)
        .where(Review.status.in_(COUNTED), Review.submitted_at >= start,
               Review.submitted_at < end), Call.network_id)) or 0
    committee = db.session.scalar(context.scoped(
        select(func.count(distinct(CommitteeMember.user_id)))
        .join(CommitteeSession, CommitteeSession.id == CommitteeMember.session_id)
        .join(Call, Call.id == CommitteeSession.call_id)
        .join(CommitteeScore, CommitteeScore.member_id == CommitteeMember.id)
        .where(CommitteeMember.group == PATIENT, CommitteeScore.final.is_not(None),
               CommitteeSession.meets_at >= start, CommitteeSession.meets_at < end),
        Call.network_id)) or 0
    funded_projects = context.scoped(
        select(cast(ProjectFunding.project_id, String))
        .join(Project, Project.id == ProjectFunding.project_id), Project.network_id)
    followers = db.session.scalar(
        select(func.count(distinct(Subscription.user_id))).where(
            Subscription.topic == TOPIC, Subscription.value.in_(funded_projects),
            or_(Subscription.created_at.is_(None), Subscription.created_at < end))) or 0
    attended = db.session.scalar(context.scoped(
        select(func.coalesce(func.sum(Registration.present), 0))
        .join(Event, Event.id == Registration.event_id)
        .where(Event.starts_at >= start, Event.starts_at < end, Event.cancelled_at.is_(None),
               Registration.status == RS.CONFIRMED), Event.network_id)) or 0
    return [
        Stage("relectures", _l("Relire les candidatures"), int(reviewers),
              _l("patientes, patients et associations qui ont envoyé une relecture")),
        Stage("comite", _l("Décider en comité"), int(committee),
              _l("membres du collège des patients et associations qui ont voté")),
        Stage("suivi", _l("Suivre les projets financés"), int(followers),
              _l("personnes qui suivaient au moins un projet financé à la fin de la période "
                 "et le suivent toujours")),
        Stage("soirees", _l("Écouter les résultats aux soirées"), int(attended),
              _l("personnes présentes aux soirées « Parle-Moi »")),
    ]
