"""Projects: search, editing, publication workflow, glossary, questions, clarity ratings.

Services flush, never commit; permissions are checked here and in the lookup
helpers (404 for what a person may not know exists, 403 for what they may not do).
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from flask import abort, current_app, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import Select, bindparam, exists, func, select
from sqlalchemy.orm import defer, lazyload
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from patientlab.auth.models import User
from patientlab.core import audit, highlights, search
from patientlab.core.errors import ServiceError
from patientlab.core.i18n import Written
from patientlab.core.mail import notify
from patientlab.core.models import utcnow
from patientlab.core.pagination import Page
from patientlab.core.permissions import EDITORS, PUBLISHERS, has_any_in
from patientlab.core.sanitize import plain_text, render_rich_text, rich_text
from patientlab.core.security import Role
from patientlab.core.text import fold, plain_from_html
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.moderation.models import ModerationState
from patientlab.networks import context
from patientlab.networks import services as network_services
from patientlab.networks.context import slug_of

from . import clarity as clarity_mod
from . import news, search_index, signals
from . import terms as terms_mod
from .glossary import Term, mark_terms
from .models import (
    CANCER_TYPES,
    REGIONS,
    THEMES,
    Answer,
    Project,
    ProjectCancerType,
    ProjectTheme,
    Publication,
    Question,
    ResearchStatus,
)

PER_PAGE = 20
SUMMARY_FIELDS = ("why", "what", "change", "involvement")
SORTS = {
    "pertinence": _l("les plus proches de ma recherche"),
    "recent": _l("les plus récents"),
    "titre": _l("titre, de A à Z"),
}


# --- Permissions -------------------------------------------------------------


def _user(user) -> User | None:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def can_edit(user, project: Project) -> bool:
    """The project's owner, and the editors of the project's network."""
    user = _user(user)
    return bool(user and (project.owner_id == user.id
                          or has_any_in(user, EDITORS, project.network_id)))


def can_publish(user, project: Project | None = None) -> bool:
    """Whether ``user`` publishes lay summaries: those of ``project``'s network when it is
    given (always, for a decision on a project), else of this request's network."""
    user = _user(user)
    if user is None:
        return False
    if project is not None:
        return has_any_in(user, PUBLISHERS, project.network_id)
    return user.has_any_role(PUBLISHERS)


def can_see(user, project: Project) -> bool:
    return project.is_published or can_edit(user, project) or can_publish(user, project)


def get_project_or_404(project_id: int, user) -> Project:
    """A project of this address's network that this person may read; unpublished ones
    do not exist for others, another network's do not exist here."""
    project = db.session.get(Project, project_id)
    if project is None:
        abort(404)
    context.ensure_in_current(project.network_id)
    if not can_see(user, project):
        abort(404)
    return project


def get_editable_project(project_id: int, user) -> Project:
    project = get_project_or_404(project_id, user)
    if not can_edit(user, project):
        abort(403)
    return project


# --- Search ------------------------------------------------------------------


@dataclass
class SearchQuery:
    q: str = ""
    cancer: str = ""
    theme: str = ""
    status: str = ""
    sort: str = "pertinence"
    page: int = 1


def _filtered(query: SearchQuery, terms: list[str]) -> tuple[Select, object]:
    """The published projects the query asks for, and the relevance rank of each (lower
    is better) when it has words to look for. This address's network's only."""
    stmt = context.scoped(select(Project).where(Project.publication == Publication.PUBLISHED),
                          Project.network_id)
    rank = None
    if terms:
        found = search_index.matching(db.session.get_bind().dialect.name, terms)
        stmt = stmt.join(found, found.c.id == Project.id)
        rank = found.c.rank
    if query.cancer in CANCER_TYPES:
        stmt = stmt.where(exists().where(ProjectCancerType.project_id == Project.id,
                                         ProjectCancerType.slug == query.cancer))
    if query.theme in THEMES:
        stmt = stmt.where(exists().where(ProjectTheme.project_id == Project.id,
                                         ProjectTheme.slug == query.theme))
    if query.status in ResearchStatus.LABELS:
        stmt = stmt.where(Project.research_status == query.status)
    return stmt, rank


def latest_highlights(limit: int, network_id: int | None = None) -> list[highlights.Item]:
    """For the home page of the whole platform (each project names its network and links
    to its network's page) or a network's home page (``network_id``'s projects only): the
    projects published last, with their teaser."""
    stmt = select(Project).where(Project.publication == Publication.PUBLISHED)
    if network_id is not None:
        stmt = stmt.where(Project.network_id == network_id)
    projects = db.session.scalars(
        stmt.options(lazyload(Project.owner), lazyload(Project.cancer_type_rows),
                 lazyload(Project.theme_rows), defer(Project.why), defer(Project.what),
                 defer(Project.change), defer(Project.involvement),
                 defer(Project.scientific_abstract), defer(Project.search_text),
                 defer(Project.search_stems))
        .order_by(Project.published_at.desc(), Project.id.desc()).limit(limit))
    networks = context.all_networks()
    return [highlights.Item(
        p.title, url_for("projects.detail", project_id=p.id,
                         network=networks[p.network_id].slug),
        (*((networks[p.network_id].short_name,) if network_id is None else ()),
         *(Written(t) for t in (p.teaser,) if t)))
        for p in projects]


@dataclass(frozen=True)
class ProjectCard:
    """What a project's card in the list shows: read as plain rows, no ORM object."""
    id: int
    title: str
    teaser: str
    research_status: str
    region: str
    lab: str
    has_falc: bool
    updated_at: datetime
    cancer_types: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()


def _slugs(model) -> object:
    """A card's tags of one kind, in the card's own row: « sein,poumon »."""
    return (select(func.aggregate_strings(model.slug, ","))
            .where(model.project_id == Project.id).scalar_subquery())


def _card(row) -> ProjectCard:
    def slugs(joined):
        return tuple(sorted(filter(None, (joined or "").split(","))))

    return ProjectCard(*row[:6], bool(row[6]), row[7], slugs(row[8]), slugs(row[9]))


@cache
def _cards_by_id() -> Select:
    """The cards of some projects (``ids``): built once, for every search."""
    return select(*_card_columns()).where(Project.id.in_(bindparam("ids", expanding=True)))


@cache
def _card_columns() -> tuple:
    return (Project.id, Project.title, Project.teaser, Project.research_status,
            Project.region, Project.lab, Project.falc_text != "", Project.updated_at,
            _slugs(ProjectCancerType), _slugs(ProjectTheme))


def search_projects(query: SearchQuery) -> Page:
    """Published projects matching the query, as cards: a count and the page's rows
    with their tags, two queries whatever the number of projects (on SQLite, words alone
    sorted by relevance: read from the index, then the page's cards by id)."""
    terms = search.query_words(query.q)
    dialect = db.session.get_bind().dialect.name
    if (terms and not (query.cancer or query.theme or query.status)
            and query.sort not in ("titre", "recent")):
        matches = search_index.published_matches(dialect, terms, context.current_id())
        if matches is not None:
            result = Page.of(matches.total, query.page, PER_PAGE)
            ids = matches.ranked(PER_PAGE, result.offset)
            found = {row[0]: row for row in db.session.execute(
                _cards_by_id(), {"ids": ids})} if ids else {}
            result.items = [_card(found[i]) for i in ids if i in found]
            return result
    stmt, rank = _filtered(query, terms)
    # Counted on the ids alone: a subquery of every column stops SQLite from using the
    # full-text match once (30 ms → 0.2 ms at 1,000 projects).
    total = db.session.scalar(stmt.with_only_columns(func.count(Project.id)).order_by(None))
    if query.sort == "titre":
        stmt = stmt.order_by(Project.title_sort, Project.id)
    elif query.sort == "recent" or rank is None:
        stmt = stmt.order_by(Project.published_at.desc(), Project.id.desc())
    else:  # « pertinence », the default when words are searched; ties: newest first
        stmt = stmt.order_by(rank, Project.id.desc())
    result = Page.of(total, query.page, PER_PAGE)
    rows = db.session.execute(stmt.with_only_columns(*_card_columns())
                              .limit(PER_PAGE).offset(result.offset)).all()
    result.items = [_card(row) for row in rows]
    return result


# --- Editing -----------------------------------------------------------------


@dataclass
class ProjectData:
    title: str
    teaser: str
    research_status: str
    region: str
    lab: str
    team: str
    cancer_types: list[str]
    themes: list[str]
    why: str
    what: str
    change: str
    involvement: str
    scientific_abstract: str = ""
    start_date: date | None = None
    end_date: date | None = None
    falc_text: str = ""


def _apply(project: Project, data: ProjectData) -> None:
    project.title = plain_text(data.title)
    project.title_sort = fold(project.title)[:200]
    project.teaser = plain_text(data.teaser)
    project.research_status = (data.research_status if data.research_status in
                               ResearchStatus.LABELS else ResearchStatus.PREPARING)
    project.region = data.region if data.region in REGIONS else ""
    project.lab = plain_text(data.lab)
    project.team = plain_text(data.team, multiline=True)
    for name in SUMMARY_FIELDS:
        setattr(project, name, rich_text(getattr(data, name)))
    project.scientific_abstract = plain_text(data.scientific_abstract, multiline=True)
    project.start_date, project.end_date = data.start_date, data.end_date
    project.falc_text = plain_text(data.falc_text, multiline=True)
    project.updated_at = utcnow()
    wanted_types = {slug for slug in data.cancer_types if slug in CANCER_TYPES}
    project.cancer_type_rows = [row for row in project.cancer_type_rows
                                if row.slug in wanted_types] + [
        ProjectCancerType(slug=slug) for slug in sorted(wanted_types - set(project.cancer_types))]
    wanted_themes = {slug for slug in data.themes if slug in THEMES}
    project.theme_rows = [row for row in project.theme_rows if row.slug in wanted_themes] + [
        ProjectTheme(slug=slug) for slug in sorted(wanted_themes - set(project.themes))]
    from flask_babel import force_locale

    with force_locale("fr"):  # labels are searchable in French, the site's language
        labels = [str(CANCER_TYPES[s]) for s in wanted_types] + [str(THEMES[s])
                                                                 for s in wanted_themes]
    project.search_text = fold(" ".join([
        project.title, project.teaser, project.lab, *labels,
        *(plain_from_html(getattr(project, name)) for name in SUMMARY_FIELDS)]))
    project.search_stems = search.stems(project.search_text)


def create_project(user: User, data: ProjectData) -> Project:
    if not user.has_any_role((Role.RESEARCHER, *EDITORS)):
        raise PermissionError("only researchers create projects")
    project = Project(owner_id=user.id, network_id=context.for_new().id)
    project.cancer_type_rows = []
    project.theme_rows = []
    _apply(project, data)
    db.session.add(project)
    db.session.flush()
    audit.record(user, "project.create", project, summary=project.title)
    return project


REVISED_FIELDS = tuple(ProjectData.__dataclass_fields__)
DATE_FIELDS = ("start_date", "end_date")


def revision_values(project_or_data) -> dict:
    """A project's page as a published-text change holds it (moderation.revisions):
    what ``_apply`` would store, dates as ISO strings."""
    if isinstance(project_or_data, ProjectData):
        shaped = Project(cancer_type_rows=[], theme_rows=[])
        _apply(shaped, project_or_data)
    else:
        shaped = project_or_data
    values = {name: getattr(shaped, name) for name in REVISED_FIELDS}
    for name in DATE_FIELDS:
        values[name] = values[name].isoformat() if values[name] else None
    return values


def data_from_values(values: dict) -> ProjectData:
    values = dict(values)
    for name in DATE_FIELDS:
        values[name] = date.fromisoformat(values[name]) if values[name] else None
    return ProjectData(**values)


def update_project(user: User, project: Project, data: ProjectData) -> str:
    """Change a project's page. Once published, the page stays as it is while the change
    waits for the moderators (moderation.revisions), unless the person publishes pages
    themself; the same page saved again changes nothing. Returns what happened (a
    moderation.revisions outcome)."""
    if not can_edit(user, project):
        raise PermissionError("not an editor of this project")
    from patientlab.moderation import revisions

    if project.is_published:
        outcome = revisions.propose(user, revisions.revisable_of("project"), project,
                                    revision_values(data),
                                    at_once=can_publish(user, project))
        if outcome != revisions.UNCHANGED:
            audit.record(user, "project.update", project, summary=f"{project.title} {outcome}")
        return outcome
    _apply(project, data)
    if project.publication == Publication.RETURNED:
        project.publication = Publication.DRAFT
    audit.record(user, "project.update", project, summary=project.title)
    return revisions.APPLIED


def pending_data(project: Project, author: User | None = None) -> ProjectData | None:
    """The team's change to a published page that waits for the moderators (``author``'s
    only, if given: someone else's change is not theirs to go on editing)."""
    from patientlab.moderation import revisions

    values = revisions.pending_values("project", project, author)
    return data_from_values(values) if values is not None else None


def _date_label(value) -> str:
    from patientlab.core.i18n import date_long

    return date_long(date.fromisoformat(value)) if value else ""


def other_change(project: Project, user: User):
    """The change someone else wrote to the published page, waiting for the moderators:
    (author, revision) or None."""
    from patientlab.moderation import revisions

    return revisions.other_change("project", project, user)


def revision_show(values: dict) -> list[tuple[object, str]]:
    """A project's page as a moderator compares two versions of it."""
    return [
        (_l("Titre du projet"), values["title"]),
        (_l("Le projet en une phrase"), values["teaser"]),
        (_l("Avancement de la recherche"),
         str(ResearchStatus.LABELS.get(values["research_status"], ""))),
        (_l("Cancéropôle"), REGIONS.get(values["region"], "")),
        (_l("Laboratoire ou service"), values["lab"]),
        (_l("Équipe"), values["team"]),
        (_l("Types de cancer"), ", ".join(str(CANCER_TYPES[s]) for s in values["cancer_types"]
                                          if s in CANCER_TYPES)),
        (_l("Thèmes"), ", ".join(str(THEMES[s]) for s in values["themes"] if s in THEMES)),
        *((SECTION_TITLES[name], plain_from_html(values[name], links=True))
          for name in SUMMARY_FIELDS),
        (_l("Résumé scientifique"), values["scientific_abstract"]),
        (_l("Date de début"), _date_label(values["start_date"])),
        (_l("Date de fin prévue"), _date_label(values["end_date"])),
        (_l("Version « Facile à lire et à comprendre » (FALC)"), values["falc_text"]),
    ]


def apply_revision(project: Project, values: dict) -> None:
    _apply(project, data_from_values(values))


def missing_for_publication(project: Project) -> list[str]:
    labels = {"teaser": _l("le résumé en une phrase"),
              "why": _l("Pourquoi cette recherche ?"),
              "what": _l("Ce que l’équipe va faire"),
              "change": _l("Ce que cela pourrait changer pour les patients"),
              "involvement": _l("Comment les patients sont associés")}
    missing = [str(label) for name, label in labels.items()
               if not plain_from_html(getattr(project, name)).strip()]
    if not project.cancer_types:
        missing.append(str(_l("au moins un type de cancer")))
    if not project.themes:
        missing.append(str(_l("au moins un thème")))
    return missing


def _coordinators(network_id: int) -> list[User]:
    """The coordination of the project's network."""
    return list(db.session.scalars(select(User).where(
        User.id.in_(network_services.holders(Role.COORDINATOR, network_id)),
        User.active.is_(True)).order_by(User.id)))


def submit_for_publication(user: User, project: Project) -> None:
    if not can_edit(user, project):
        raise PermissionError("not an editor of this project")
    if project.publication in (Publication.SUBMITTED, Publication.PUBLISHED):
        raise ServiceError(_l("Ce projet est déjà envoyé pour publication."))
    missing = missing_for_publication(project)
    if missing:
        raise ServiceError(_l("Avant l’envoi, complétez : %(fields)s.",
                              fields=", ".join(missing)))
    project.publication = Publication.SUBMITTED
    project.return_reason = ""
    audit.record(user, "project.submit", project, summary=project.title)
    for coordinator in _coordinators(project.network_id):
        notify(coordinator, _l("Un projet attend sa publication"), "project_submitted",
               kind="coordination", project=project, url=external_url(
                   "projects.review_queue", network=slug_of(project.network_id)))


def _ensure_not_own(actor: User, project: Project) -> None:
    """Nobody decides about their own content: another publisher does."""
    if project.owner_id == actor.id:
        raise ServiceError(_l("C’est votre projet : une autre personne de la coordination ou "
                              "de la modération doit décider de sa publication."))


def publish(actor: User, project: Project) -> None:
    if not can_publish(actor, project):
        raise PermissionError("only coordinators and moderators publish")
    _ensure_not_own(actor, project)
    if project.publication != Publication.SUBMITTED:
        raise ServiceError(_l("Ce projet n’attend pas de publication."))
    project.publication = Publication.PUBLISHED
    first = project.published_at is None
    project.published_at = project.published_at or utcnow()
    audit.record(actor, "project.publish", project, summary=project.title)
    if first:
        news.tell_followers(project)
        signals.first_published.send(project.id)
    owner = project.owner
    notify(owner, _l("Votre projet est publié"), "project_published", project=project,
           url=external_url("projects.detail", project_id=project.id,
                            network=slug_of(project.network_id)))


def return_to_author(actor: User, project: Project, reason: str) -> None:
    if not can_publish(actor, project):
        raise PermissionError("only coordinators and moderators return projects")
    _ensure_not_own(actor, project)
    if project.publication != Publication.SUBMITTED:
        raise ServiceError(_l("Ce projet n’attend pas de publication."))
    reason = plain_text(reason, multiline=True)
    if not reason:
        raise ServiceError(_l("Dites à l’équipe ce qu’elle doit changer."), field="reason")
    project.publication = Publication.RETURNED
    project.return_reason = reason
    audit.record(actor, "project.return", project, summary=project.title, reason=reason)
    owner = project.owner
    notify(owner, _l("Votre projet est à retravailler"), "project_returned",
           project=project, reason=reason,
           url=external_url("projects.edit", project_id=project.id,
                            network=slug_of(project.network_id)))


def submitted_projects() -> list[Project]:
    """Lay summaries waiting for publication, in this address's network."""
    return list(db.session.scalars(context.scoped(
        select(Project).where(Project.publication == Publication.SUBMITTED), Project.network_id)
        .order_by(Project.updated_at)))


@dataclass
class Summary:
    """A project's lay summary ready to show: HTML sections and the terms explained."""

    sections: list[tuple[str, str, Markup]]
    terms: list[Term] = field(default_factory=list)


SECTION_TITLES = {
    "why": _l("Pourquoi cette recherche ?"),
    "what": _l("Ce que l’équipe va faire"),
    "change": _l("Ce que cela pourrait changer pour les patients"),
    "involvement": _l("Comment les patients sont associés"),
}


def lay_summary(project: Project) -> Summary:
    terms = [Term(t.term, t.slug, t.definition)
             for t in terms_mod.glossary(project.network_id)]
    used: set[str] = set()
    sections = []
    for name in SUMMARY_FIELDS:
        html = render_rich_text(getattr(project, name))
        if html:
            sections.append((name, str(SECTION_TITLES[name]), mark_terms(html, terms, used)))
    explained = [t for t in terms if t.slug in used]
    return Summary(sections, explained)


@dataclass(frozen=True)
class WayBack:
    url: str
    title: str  # the page's name when known (a project's title), else ""


def way_back(path: str | None, user) -> WayBack | None:
    """The way back from the glossary to ``path`` (already checked as a local path): named
    after the project when it is a project page this person may read."""
    if not path:
        return None
    title = ""
    try:
        endpoint, args = current_app.url_map.bind("localhost").match(
            path.split("#")[0].split("?")[0])
    except (HTTPException, RequestRedirect):
        endpoint, args = None, {}
    if endpoint in ("projects.detail", "projects.falc"):
        project = db.session.get(Project, args["project_id"])
        if project is not None and can_see(user, project):
            title = project.title
    return WayBack(path, title)


# --- Questions ---------------------------------------------------------------


def can_ask(user) -> bool:
    user = _user(user)
    return bool(user and user.is_verified and user.active)


def ask_question(user: User, project: Project, body: str) -> Question:
    if not project.is_published:
        abort(404)
    if not can_ask(user):
        raise PermissionError("confirm the e-mail address before asking")
    body = plain_text(body, multiline=True)
    if not body:
        raise ServiceError(_l("Écrivez votre question."), field="body")
    from patientlab.moderation import services as moderation

    question = Question(project_id=project.id, author_id=user.id, body=body)
    db.session.add(question)
    db.session.flush()
    audit.record(user, "question.create", question, summary=f"project={project.id}")
    moderation.submit_text(user, moderation.kind_of("question"), question)
    return question


def published_questions(project: Project) -> list[Question]:
    return list(db.session.scalars(
        select(Question).where(Question.project_id == project.id,
                               Question.moderation_state == ModerationState.PUBLISHED)
        .order_by(Question.created_at)))


def my_pending_questions(user, project: Project) -> list[Question]:
    user = _user(user)
    if user is None:
        return []
    return list(db.session.scalars(
        select(Question).where(Question.project_id == project.id,
                               Question.author_id == user.id,
                               Question.moderation_state == ModerationState.PENDING)))


def get_question_or_404(question_id: int, project: Project) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.project_id != project.id:
        abort(404)
    return question


def answer_question(user: User, question: Question, text: str) -> Answer:
    return save_answer(user, question, text)[0]


def save_answer(user: User, question: Question, text: str) -> tuple[Answer, str]:
    """Write or rewrite the team's answer. Like every text, it is read by a moderator
    first unless its author is trusted; the asker is told once it is public. A published
    answer stays public while its rewrite waits (moderation.revisions). Returns the
    answer and what happened (a moderation.revisions outcome)."""
    if not can_edit(user, question.project):
        raise PermissionError("only the project's team answers")
    if not question.is_published:
        raise ServiceError(_l("Cette question n’est pas publiée."))
    text = plain_text(text, multiline=True)
    if not text:
        raise ServiceError(_l("Écrivez votre réponse."), field="answer")
    from patientlab.moderation import services as moderation

    answer = question.answer
    if answer is None:
        answer = Answer(question_id=question.id, body=text, author_id=user.id)
        db.session.add(answer)
        question.answer = answer
    outcome = moderation.submit_change(user, moderation.kind_of("answer"), answer,
                                       {"body": text})
    if outcome == "applied":
        answer.author_id = user.id
    if outcome != "unchanged":
        audit.record(user, "question.answer", question, summary=f"answer={answer.id} {outcome}")
    return answer, outcome


def pending_answers(questions: list[Question]) -> dict[int, str]:
    """The team's rewritten answers waiting for the moderators, by question."""
    from patientlab.moderation import revisions

    by_answer = {q.answer.id: q.id for q in questions if q.answer is not None}
    return {by_answer[answer_id]: values["body"] for answer_id, values
            in revisions.pending_values_of("answer", list(by_answer)).items()}


def tell_asker(answer: Answer) -> None:
    """Mail the person who asked, the first time an answer to their question is public."""
    question = answer.question
    if answer.asker_told_at is not None or question.author is None:
        return
    answer.asker_told_at = utcnow()
    notify(question.author, _l("L’équipe a répondu à votre question"), "question_answered",
           kind="answers", about=f"answer:{answer.id}", project=question.project, question=question,
           url=external_url("projects.detail", project_id=question.project_id,
                            network=slug_of(question.project.network_id)))


# --- Researcher dashboard ----------------------------------------------------


@dataclass
class DashboardRow:
    project: Project
    clarity: clarity_mod.ClaritySummary
    to_answer: list[Question]


def dashboard(user: User) -> list[DashboardRow]:
    """« Mes projets »: the person's projects in this address's network."""
    projects = list(db.session.scalars(context.scoped(
        select(Project).where(Project.owner_id == user.id), Project.network_id)
        .order_by(Project.updated_at.desc())))
    ids = [p.id for p in projects]
    clarity = clarity_mod.clarity_summaries(ids)
    to_answer: dict[int, list[Question]] = {pid: [] for pid in ids}
    if ids:
        for question in db.session.scalars(
                select(Question).where(Question.project_id.in_(ids),
                                       Question.moderation_state == ModerationState.PUBLISHED,
                                       ~Question.answer.has())
                .order_by(Question.created_at)):
            to_answer[question.project_id].append(question)
    return [DashboardRow(p, clarity[p.id], to_answer[p.id]) for p in projects]
