"""What projects tell the rest of the platform (the research cycle reads it): a project
as other pages may show it, published projects found by words, a draft page made for a
team, and an invitation to follow a project. Projects know no other feature: what
happens to a project is sent as a signal (``projects.signals``)."""

from dataclasses import dataclass

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.core import audit, search
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.moderation.models import ModerationState
from patientlab.networks import context
from patientlab.networks.context import slug_of

from . import news, search_index
from .models import Project, ProjectResults, Publication, ResearchStatus
from .services import ProjectData, _apply


@dataclass(frozen=True)
class ProjectRef:
    id: int
    title: str
    url: str
    published: bool
    owner_id: int
    network_id: int | None = None
    results_url: str = ""  # set once « Ce que nous avons trouvé » is published
    publication_label: str = ""


def ref_of(project: Project, has_results: bool = False) -> ProjectRef:
    slug = context.slug_of(project.network_id)  # its own network's page, from anywhere
    return ProjectRef(
        id=project.id, title=project.title, published=project.is_published,
        owner_id=project.owner_id, network_id=project.network_id,
        url=external_url("projects.detail", project_id=project.id, network=slug),
        results_url=external_url("projects.results", project_id=project.id, network=slug)
        if has_results else "",
        publication_label=str(Publication.LABELS[project.publication]))


def _with_results(ids: list[int]) -> set[int]:
    return set(db.session.scalars(select(ProjectResults.project_id).where(
        ProjectResults.project_id.in_(ids),
        ProjectResults.moderation_state == ModerationState.PUBLISHED)))


def refs(project_ids) -> dict[int, ProjectRef]:
    ids = list(project_ids)
    if not ids:
        return {}
    projects = db.session.scalars(select(Project).where(Project.id.in_(ids))).all()
    done = _with_results([p.id for p in projects])
    return {p.id: ref_of(p, p.id in done) for p in projects}


def owned_by(owner_id: int) -> list[ProjectRef]:
    """A team's projects, by title."""
    projects = db.session.scalars(select(Project).where(Project.owner_id == owner_id)
                                  .order_by(Project.title_sort)).all()
    return [ref_of(p) for p in projects]


def find_published(words: str, limit: int = 10) -> list[ProjectRef]:
    """Published projects of this address's network whose text has every word
    (core.search), most relevant first."""
    terms = search.query_words(words)
    if not terms:
        return []
    found = search_index.matching(db.session.get_bind().dialect.name, terms)
    projects = db.session.scalars(context.scoped(
        select(Project).join(found, found.c.id == Project.id)
        .where(Project.publication == Publication.PUBLISHED), Project.network_id)
        .order_by(found.c.rank, Project.title_sort).limit(limit)).all()
    done = _with_results([p.id for p in projects])
    return [ref_of(p, p.id in done) for p in projects]


@dataclass(frozen=True)
class Draft:
    """What a new project page starts from (e.g. a funded application)."""

    owner_id: int
    network_id: int
    title: str
    team: str
    what: str
    involvement: str


def make_draft(actor: User, draft: Draft, *, audit_action: str, audit_summary: str
               ) -> ProjectRef:
    """A draft project page for ``draft.owner_id``'s team; they complete it and the usual
    publication workflow follows."""
    project = Project(owner_id=draft.owner_id, network_id=draft.network_id,
                      cancer_type_rows=[], theme_rows=[])
    _apply(project, ProjectData(
        title=draft.title, teaser="", research_status=ResearchStatus.PREPARING, region="",
        lab="", team=draft.team, cancer_types=[], themes=[], why="",
        what=draft.what, change="", involvement=draft.involvement))
    db.session.add(project)
    db.session.flush()
    audit.record(actor, audit_action, project, summary=audit_summary)
    return ref_of(project)


def record(actor: User, project_id: int, action: str, summary: str) -> None:
    """An audit entry about a project, written by a caller that changed what surrounds it
    (e.g. the funded application it is linked to)."""
    project = db.session.get(Project, project_id)
    if project is not None:
        audit.record(actor, action, project, summary=summary)


def invite_to_follow(project_id: int, user_ids, subject, template: str, **context) -> int:
    """Invite ``user_ids`` to follow the project (notification kind « project news »),
    its team excepted; ``template`` gets ``project`` and ``url`` besides ``context``.
    Returns how many were written."""
    project = db.session.get(Project, project_id)
    if project is None:
        return 0
    return news.tell_people(
        user_ids, project, subject, template, kind=news.FOLLOWED,
        about=f"project:{project.id}",
        url=external_url("projects.detail", project_id=project.id,
                         network=slug_of(project.network_id)) + "#suivre", **context)
