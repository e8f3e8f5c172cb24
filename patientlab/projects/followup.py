"""A funded project followed to its results: its milestones and news in plain words,
its « Ce que nous avons trouvé », and the people who follow it.

Milestones, news and results are moderated like every text (pre-moderation for authors
not trusted yet); only the project's team writes them. Followers are told of news and
results through their notification settings (kind ``project_news``); when results are
first public, ``signals.results_published`` tells whoever listens (the research cycle lets
the evenings that presented the project tell the people who came).
"""

from dataclasses import dataclass
from datetime import date

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.core import audit, days, notifications
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.sanitize import plain_text, render_rich_text, rich_text
from patientlab.core.text import plain_from_html
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.moderation import revisions
from patientlab.moderation import services as moderation
from patientlab.moderation.models import ModerationState
from patientlab.networks.context import slug_of

from . import api, news, signals
from .models import (
    RESULT_FIELDS,
    Milestone,
    Project,
    ProjectResults,
    ProjectUpdate,
    Publication,
    ResearchStatus,
)
from .services import _user

TOPIC = "project"  # core.notifications follow topic; the value is the project's id
UPDATE_MAX = 1000
MILESTONE_MAX = 200

RESULT_TITLES = {
    "searched": _l("Ce que nous avons cherché"),
    "found": _l("Ce que nous avons trouvé"),
    "means": _l("Ce que cela veut dire pour les patients"),
    "next_steps": _l("Et maintenant ?"),
}


def is_team(user, project: Project) -> bool:
    """Only the project's team (its owner) writes its milestones, news and results."""
    user = _user(user)
    return bool(user and project.owner_id == user.id)


def _ensure_team(user, project: Project) -> None:
    if not is_team(user, project):
        raise PermissionError("only the project's team")


# --- Following ------------------------------------------------------------------------


def can_follow(user) -> bool:
    user = _user(user)
    return bool(user and user.active)


def is_following(user, project: Project) -> bool:
    user = _user(user)
    return bool(user and notifications.is_following(user, TOPIC, project.id))


def follow(user: User, project: Project) -> bool:
    if not project.is_published:
        abort(404)
    if not can_follow(user):
        raise PermissionError("log in to follow")
    new = notifications.follow(user, TOPIC, project.id)
    if new:
        audit.record(user, "project.follow", project)
    return new


def unfollow(user: User, project: Project) -> bool:
    gone = notifications.unfollow(user, TOPIC, project.id)
    if gone:
        audit.record(user, "project.unfollow", project)
    return gone


def follower_count(project: Project) -> int:
    return notifications.follower_counts(TOPIC, [project.id]).get(str(project.id), 0)


def _tell_followers(project: Project, subject, template: str, about: str, **context) -> int:
    if not project.is_published:
        return 0
    return news.tell_people(notifications.followers(TOPIC, [project.id]), project, subject,
                            template, kind=news.FOLLOWED, about=about, **context)


# --- Milestones --------------------------------------------------------------------------


def _label(label: str) -> str:
    label = plain_text(label)
    if not label:
        raise ServiceError(_l("Écrivez l’étape en quelques mots, par exemple « Les "
                              "inclusions commencent »."), field="label")
    if len(label) > MILESTONE_MAX:
        raise ServiceError(_l("Écrivez l’étape en %(max)s caractères au plus.",
                              max=MILESTONE_MAX), field="label")
    return label


def add_milestone(user: User, project: Project, label: str, planned_on: date | None,
                  reached_on: date | None = None) -> Milestone:
    _ensure_team(user, project)
    milestone = Milestone(project_id=project.id, author_id=user.id, label=_label(label),
                          planned_on=planned_on, reached_on=reached_on)
    if planned_on is None and reached_on is None:
        raise ServiceError(_l("Donnez la date prévue de l’étape, ou la date où elle a été "
                              "atteinte."), field="planned_on")
    db.session.add(milestone)
    db.session.flush()
    audit.record(user, "project.milestone_add", project, summary=milestone.label)
    moderation.submit_text(user, moderation.kind_of("milestone"), milestone)
    return milestone


def get_milestone_or_404(milestone_id: int, project: Project) -> Milestone:
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.project_id != project.id:
        abort(404)
    return milestone


def mark_reached(user: User, milestone: Milestone, reached_on: date) -> None:
    _ensure_team(user, milestone.project)
    if reached_on is None:
        raise ServiceError(_l("Donnez la date où l’étape a été atteinte."), field="reached_on")
    milestone.reached_on = reached_on
    audit.record(user, "project.milestone_reached", milestone.project, summary=milestone.label)


def delete_milestone(user: User, milestone: Milestone) -> None:
    _ensure_team(user, milestone.project)
    audit.record(user, "project.milestone_delete", milestone.project, summary=milestone.label)
    db.session.delete(milestone)


def milestones_of(project: Project, *, public_only: bool = True) -> list[Milestone]:
    stmt = select(Milestone).where(Milestone.project_id == project.id)
    if public_only:
        stmt = stmt.where(Milestone.moderation_state == ModerationState.PUBLISHED)
    rows = db.session.scalars(stmt).all()
    return sorted(rows, key=lambda m: (m.reached_on or m.planned_on or date.max, m.id))


# --- News ----------------------------------------------------------------------------------


def post_update(user: User, project: Project, body: str,
                milestone_id: int | None = None, today: date | None = None) -> ProjectUpdate:
    """News from the team; with a milestone, it also says that step is reached today."""
    _ensure_team(user, project)
    body = _update_body(body)
    milestone = get_milestone_or_404(milestone_id, project) if milestone_id else None
    if milestone is not None and milestone.reached_on is None:
        milestone.reached_on = today or days.today()
    update = ProjectUpdate(project_id=project.id, author_id=user.id, body=body,
                           milestone_id=milestone.id if milestone else None)
    db.session.add(update)
    db.session.flush()
    audit.record(user, "project.update_post", project, summary=f"update={update.id}")
    moderation.submit_text(user, moderation.kind_of("project_update"), update)
    return update


def _update_body(body: str) -> str:
    body = plain_text(body, multiline=True)
    if not body:
        raise ServiceError(_l("Écrivez la nouvelle, par exemple « Les inclusions ont "
                              "commencé : 40 personnes sur 200 ont rejoint l’étude. »"),
                           field="body")
    if len(body) > UPDATE_MAX:
        raise ServiceError(_l("Écrivez la nouvelle en %(max)s caractères au plus.",
                              max=UPDATE_MAX), field="body")
    return body


def get_update_or_404(update_id: int, project: Project) -> ProjectUpdate:
    update = db.session.get(ProjectUpdate, update_id)
    if update is None or update.project_id != project.id:
        abort(404)
    return update


def edit_update(user: User, update: ProjectUpdate, body: str) -> str:
    """Rewrite a piece of news. Published, it stays public while the change waits for
    the moderators (moderation.revisions); followers are not told again. Returns what
    happened (a moderation.revisions outcome)."""
    _ensure_team(user, update.project)
    outcome = moderation.submit_change(user, moderation.kind_of("project_update"), update,
                                       {"body": _update_body(body)})
    if outcome != revisions.UNCHANGED:
        audit.record(user, "project.update_edit", update.project,
                     summary=f"update={update.id} {outcome}")
    return outcome


def pending_updates(updates: list[ProjectUpdate]) -> dict[int, str]:
    """The team's rewritten news waiting for the moderators, by news id."""
    return {update_id: values["body"] for update_id, values in revisions.pending_values_of(
        "project_update", [u.id for u in updates]).items()}


def updates_of(project: Project, *, public_only: bool = True) -> list[ProjectUpdate]:
    stmt = select(ProjectUpdate).where(ProjectUpdate.project_id == project.id)
    if public_only:
        stmt = stmt.where(ProjectUpdate.moderation_state == ModerationState.PUBLISHED)
    return list(db.session.scalars(stmt.order_by(ProjectUpdate.created_at.desc(),
                                                 ProjectUpdate.id.desc())))


def tell_update(update: ProjectUpdate) -> None:
    """The news is public: its followers hear of it, once."""
    if update.followers_told_at is not None:
        return
    update.followers_told_at = utcnow()
    _tell_followers(update.project, _l("Des nouvelles d’un projet que vous suivez"),
                    "project_update", f"project_update:{update.id}", update=update)


# --- Results ------------------------------------------------------------------------------


@dataclass
class ResultsData:
    searched: str = ""
    found: str = ""
    means: str = ""
    next_steps: str = ""
    falc_text: str = ""


def results_of(project: Project) -> ProjectResults | None:
    return db.session.scalar(select(ProjectResults).where(
        ProjectResults.project_id == project.id))


def published_results(project: Project) -> ProjectResults | None:
    results = results_of(project)
    return results if results is not None and results.is_published else None


def save_results(user: User, project: Project,
                 data: ResultsData) -> tuple[ProjectResults, str]:
    """Write or rewrite « Ce que nous avons trouvé »: read by a moderator first unless
    the author is trusted; the people who follow or heard the project are told once.
    Results already public stay public while a change waits for the moderators
    (moderation.revisions); the same text saved again changes nothing. Returns the
    results and what happened (a moderation.revisions outcome)."""
    _ensure_team(user, project)
    missing = [name for name in ("searched", "found")
               if not plain_from_html(rich_text(getattr(data, name))).strip()]
    if missing:
        raise ServiceError(_l("Complétez au moins « %(section)s ».",
                              section=RESULT_TITLES[missing[0]]), field=missing[0])
    values = {name: rich_text(getattr(data, name)) for name in RESULT_FIELDS}
    values["falc_text"] = plain_text(data.falc_text, multiline=True)
    results = results_of(project)
    if results is None:
        results = ProjectResults(project_id=project.id, author_id=user.id)
        db.session.add(results)
    outcome = moderation.submit_change(user, moderation.kind_of("project_results"), results,
                                       values)
    if outcome == revisions.APPLIED:
        results.author_id = user.id
        results.updated_at = utcnow()
    if outcome != revisions.UNCHANGED:
        audit.record(user, "project.results_save", project,
                     summary=f"results={results.id} {outcome}")
    return results, outcome


def revisable_values(results: ProjectResults) -> dict:
    return {name: getattr(results, name) for name in (*RESULT_FIELDS, "falc_text")}


def pending_results(results: ProjectResults | None, author: User | None = None) -> dict | None:
    """The team's change to published results that waits for the moderators (``author``'s
    only, if given)."""
    return revisions.pending_values("project_results", results, author)


def other_change_to_results(results: ProjectResults | None, user: User):
    """The change someone else wrote to published results, waiting: (author, revision)."""
    return revisions.other_change("project_results", results, user) if results else None


def results_sections(results: ProjectResults) -> list[tuple[str, str, object]]:
    sections = []
    for name in RESULT_FIELDS:
        html = render_rich_text(getattr(results, name))
        if html:
            sections.append((name, str(RESULT_TITLES[name]), html))
    return sections


def tell_results(results: ProjectResults) -> None:
    """The results are public: followers are told, and whoever listens to
    ``signals.results_published`` hears of it — the first time only."""
    if results.first_published_at is not None:
        return
    now = utcnow()
    results.first_published_at = now
    project = results.project
    if project.research_status != ResearchStatus.FINISHED:
        project.research_status = ResearchStatus.FINISHED
        project.updated_at = now  # its card in the lists is made again (core.fragments)
    _tell_followers(project, _l("Les résultats d’un projet que vous suivez sont publiés"),
                    "project_results", f"project_results:{results.id}", results=results,
                    results_url=external_url("projects.results", project_id=project.id,
                                             network=slug_of(project.network_id)))
    if project.is_published:
        signals.results_published.send(project.id, ref=api.ref_of(project, has_results=True),
                                       now=now)


def followed_projects(values: list[str]) -> list[tuple[str, str]]:
    """For the notification settings: the published projects among those followed,
    by title."""
    ids = [int(v) for v in values if v.isdigit()]
    if not ids:
        return []
    rows = db.session.execute(select(Project.id, Project.title).where(
        Project.id.in_(ids), Project.publication == Publication.PUBLISHED)
        .order_by(Project.title_sort, Project.id))
    return [(str(project_id), title) for project_id, title in rows]


def register() -> None:
    notifications.register_followed(notifications.Followed(
        TOPIC, _l("Les projets que je suis"), followed_projects))


def _public(item) -> bool:
    return item.is_published and item.project.publication == Publication.PUBLISHED


def visible_update(user, update_id: int) -> bool:
    update = db.session.get(ProjectUpdate, update_id)
    return update is not None and _public(update)


def visible_results(user, results_id: int) -> bool:
    results = db.session.get(ProjectResults, results_id)
    return results is not None and _public(results)
