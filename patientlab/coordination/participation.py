"""Participation figures for the coordination: who takes part, in what, over a period.

Each figure is one aggregate query, whatever the amount of data.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, or_, select

from patientlab.associations.models import Association
from patientlab.auth.models import User, UserRole
from patientlab.calls.models import Application, Assignment, Call, Review
from patientlab.calls.reviewing import SUBMITTED_STATES
from patientlab.core.collation import sorted_french
from patientlab.core.days import start_of_day
from patientlab.core.security import Role
from patientlab.core.spreadsheet import csv_for_excel
from patientlab.events.models import EVENT_THEMES, Event, Registration
from patientlab.events.models import RegistrationStatus as RS
from patientlab.extensions import db
from patientlab.moderation.models import ModerationState
from patientlab.networks import context
from patientlab.networks import services as network_services
from patientlab.projects.models import Answer, Project, Question

from . import impact


@dataclass
class Period:
    since: date
    until: date  # included

    @property
    def start(self):
        return start_of_day(self.since)

    @property
    def end(self):
        return start_of_day(self.until + timedelta(days=1))


@dataclass
class Participation:
    period: Period
    reviewers_validated: int = 0
    reviewers_active: int = 0
    reviews_submitted: int = 0
    questions_asked: int = 0
    questions_answered: int = 0
    registrations: int = 0
    attended: int = 0
    associations_involved: list[str] = field(default_factory=list)
    reviews_per_call: list[tuple[str, int]] = field(default_factory=list)
    events: list[tuple[str, str, int, int]] = field(default_factory=list)  # title, theme…
    themes: list[tuple[str, int, int]] = field(default_factory=list)
    stages: list = field(default_factory=list)  # impact.Stage, one per stage of the cycle


def default_period(today: date) -> Period:
    return Period(today - timedelta(days=365), today)


def participation(period: Period) -> Participation:
    """The figures of this address's network: its calls' reviews, its projects' questions,
    its evenings, and the reviewers who agreed that it may invite them (every network's on
    a page of the whole platform)."""
    start, end = period.start, period.end
    result = Participation(period)
    network_id = context.current_id()
    reviewers = select(UserRole.user_id).where(UserRole.role.in_(Role.REVIEWERS))
    if network_id is not None:
        reviewers = reviewers.where(UserRole.user_id.in_(network_services.reviewers_of(network_id)))
    result.reviewers_validated = db.session.scalar(
        select(func.count(distinct(User.id))).where(User.id.in_(reviewers))) or 0

    in_period = (Review.submitted_at >= start) & (Review.submitted_at < end) & \
        Review.status.in_(SUBMITTED_STATES)
    if network_id is not None:  # through the assignment's application's call
        in_period = in_period & Review.assignment_id.in_(
            select(Assignment.id).join(Application, Application.id == Assignment.application_id)
            .join(Call, Call.id == Application.call_id).where(Call.network_id == network_id))
    result.reviews_submitted = db.session.scalar(
        select(func.count()).select_from(Review).where(in_period)) or 0
    asked = (Question.created_at >= start) & (Question.created_at < end)
    answered = [Answer.created_at >= start, Answer.created_at < end,
                Answer.moderation_state == ModerationState.PUBLISHED]
    if network_id is not None:  # through the question's project
        in_network = select(Project.id).where(Project.network_id == network_id)
        asked = asked & Question.project_id.in_(in_network)
        answered.append(Answer.question_id.in_(
            select(Question.id).where(Question.project_id.in_(in_network))))
    result.questions_asked = db.session.scalar(
        select(func.count()).select_from(Question).where(asked)) or 0
    # Answers written in the period and published (moderated, or by a trusted author).
    result.questions_answered = db.session.scalar(
        select(func.count()).select_from(Answer).where(*answered)) or 0

    # Active reviewers: reviewed or asked a question in the period.
    reviewed_by = select(Assignment.reviewer_id).join(
        Review, Review.assignment_id == Assignment.id).where(in_period)
    asked_by = select(Question.author_id).where(asked)
    result.reviewers_active = db.session.scalar(
        select(func.count(distinct(User.id))).where(
            User.id.in_(reviewers), or_(User.id.in_(reviewed_by), User.id.in_(asked_by)))) or 0
    # DISTINCT and a collated ORDER BY do not mix on PostgreSQL: sorted here.
    result.associations_involved = sorted_french(db.session.scalars(
        select(Association.name).join(User, User.association_id == Association.id)
        .where(User.id.in_(reviewers), or_(User.id.in_(reviewed_by), User.id.in_(asked_by)))
        .distinct()))

    result.reviews_per_call = [(title, count) for title, count in db.session.execute(
        select(Call.title, func.count(Review.id))
        .join(Application, Application.call_id == Call.id)
        .join(Assignment, Assignment.application_id == Application.id)
        .join(Review, Review.assignment_id == Assignment.id)
        .where(in_period).group_by(Call.id, Call.title).order_by(Call.title))]

    seats = Registration.seats
    events = (Event.starts_at >= start) & (Event.starts_at < end) & Event.cancelled_at.is_(None)
    if network_id is not None:
        events = events & (Event.network_id == network_id)
    rows = db.session.execute(
        select(Event.title, Event.theme,
               func.coalesce(func.sum(seats).filter(Registration.status == RS.CONFIRMED), 0),
               func.coalesce(func.sum(Registration.present), 0))
        .outerjoin(Registration, Registration.event_id == Event.id)
        .where(events).group_by(Event.id, Event.title, Event.theme, Event.starts_at)
        .order_by(Event.starts_at)).all()
    result.events = [(title, theme, int(confirmed), int(present))
                     for title, theme, confirmed, present in rows]
    by_theme: dict[str, list[int]] = {}
    for _title, theme, confirmed, present in result.events:
        totals = by_theme.setdefault(theme, [0, 0])
        totals[0] += confirmed
        totals[1] += present
    result.themes = [(theme, *by_theme[theme]) for theme in EVENT_THEMES if theme in by_theme]
    result.stages = impact.stages(start, end)
    result.registrations = sum(row[2] for row in result.events)
    result.attended = sum(row[3] for row in result.events)
    return result


def as_csv(data: Participation, separator: str = ";") -> str:
    """One row per figure: section, label, value (UTF-8 with BOM for Excel)."""
    rows = [[str(_l("Rubrique")), str(_l("Libellé")), str(_l("Valeur")), str(_l("Présents"))]]
    general = str(_l("Général"))
    for label, value in [
            (_l("Patientes et patients experts et associations validés"), data.reviewers_validated),
            (_l("Relecteurs actifs sur la période"), data.reviewers_active),
            (_l("Relectures envoyées"), data.reviews_submitted),
            (_l("Questions posées"), data.questions_asked),
            (_l("Questions avec réponse"), data.questions_answered),
            (_l("Places réservées aux soirées"), data.registrations),
            (_l("Personnes présentes aux soirées"), data.attended),
            (_l("Associations impliquées"), len(data.associations_involved))]:
        rows.append([general, str(label), value, ""])
    for stage in data.stages:
        rows.append([str(_l("Étapes du cycle")), str(stage.label), stage.people, ""])
    for title, count in data.reviews_per_call:
        rows.append([str(_l("Relectures par appel")), title, count, ""])
    for title, _theme, confirmed, present in data.events:
        rows.append([str(_l("Soirée")), title, confirmed, present])
    for theme, confirmed, present in data.themes:
        rows.append([str(_l("Thème")), str(EVENT_THEMES[theme]), confirmed, present])
    for name in data.associations_involved:
        rows.append([str(_l("Association")), name, "", ""])
    return csv_for_excel(rows, separator)
