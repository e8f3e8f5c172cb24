"""Questions and the team's answers are kinds of moderated content; lay summaries waiting
for publication are shown beside the moderation queue."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from patientlab.core.mail import notify
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.moderation import revisions
from patientlab.moderation.models import ModerationState
from patientlab.moderation.services import Kind, OtherWork, register_kind, register_other_work
from patientlab.networks import context
from patientlab.networks.context import slug_of

from .models import (
    RESULT_FIELDS,
    Answer,
    Milestone,
    Project,
    ProjectResults,
    ProjectUpdate,
    Publication,
    Question,
)


def _results_show(values: dict) -> list[tuple[object, str]]:
    """Results as a moderator compares two versions: section by section, under the
    headings readers see, with each link's address."""
    from patientlab.core.text import plain_from_html

    from .followup import RESULT_TITLES

    return [*((RESULT_TITLES[name], plain_from_html(values.get(name) or "", links=True))
              for name in RESULT_FIELDS),
            (_l("Version « Facile à lire et à comprendre » (FALC)"),
             values.get("falc_text") or "")]


def _question_url(question) -> str:
    return url_for("projects.detail", project_id=question.project_id) + f"#question-{question.id}"


def _published_projects():
    return select(Project.id).where(Project.publication == Publication.PUBLISHED)


def _public_question():
    """A published question is public when its project is."""
    return [Question.project_id.in_(_published_projects())]


def _public_answer():
    return [Answer.question_id.in_(select(Question.id).where(
        Question.moderation_state == ModerationState.PUBLISHED,
        Question.project_id.in_(_published_projects())))]


def _on_public_project(model):
    """Milestones, news and results are public when their project is."""
    return lambda: [model.project_id.in_(_published_projects())]


def _projects_of(network_id: int):
    return select(Project.id).where(Project.network_id == network_id)


def _in_network(model):
    """Questions, milestones, news and results belong to their project's network."""
    return lambda network_id: [model.project_id.in_(_projects_of(network_id))]


def _answers_in(network_id: int) -> list:
    return [Answer.question_id.in_(select(Question.id).where(
        Question.project_id.in_(_projects_of(network_id))))]


def _project_network(item) -> int:
    return item.project.network_id


def _followup_url(anchor: str):
    return lambda item: url_for("projects.detail", project_id=item.project_id) + anchor


def tell_project_team(question: Question) -> None:
    """A question is public: its project's owner is asked to answer it."""
    owner = question.project.owner
    notify(owner, _l("Une question vous attend"), "question_to_answer", kind="questions",
           about=f"question:{question.id}", project=question.project, question=question,
           url=external_url("projects.detail", project_id=question.project_id,
                            network=slug_of(question.project.network_id)))


def _to_publish() -> int:
    """Lay summaries waiting for publication, in this address's network."""
    return db.session.scalar(context.scoped(select(func.count()).select_from(Project).where(
        Project.publication == Publication.SUBMITTED), Project.network_id)) or 0


def register_kinds() -> None:
    from .services import tell_asker

    register_kind(Kind("question", _l("Question sur un projet"), Question, "body",
                       _question_url, lambda q: q.project.title, tell_project_team,
                       public_where=_public_question, network_of=_project_network,
                       in_network=_in_network(Question)))
    register_kind(Kind("answer", _l("Réponse d’une équipe de recherche"), Answer, "body",
                       lambda a: _question_url(a.question),
                       lambda a: a.question.project.title, tell_asker,
                       public_where=_public_answer, fields=("body",),
                       details=lambda a: [(_l("En réponse à la question"), a.question.body)],
                       network_of=lambda a: a.question.project.network_id,
                       in_network=_answers_in))
    from .followup import tell_results, tell_update

    register_kind(Kind("milestone", _l("Étape d’un projet"), Milestone, "label",
                       _followup_url("#suivi"), lambda m: m.project.title,
                       public_where=_on_public_project(Milestone),
                       network_of=_project_network, in_network=_in_network(Milestone)))
    register_kind(Kind("project_update", _l("Nouvelle d’un projet"), ProjectUpdate, "body",
                       lambda u: url_for("projects.detail", project_id=u.project_id)
                       + f"#nouvelle-{u.id}", lambda u: u.project.title, tell_update,
                       public_where=_on_public_project(ProjectUpdate), fields=("body",),
                       network_of=_project_network, in_network=_in_network(ProjectUpdate)))
    register_kind(Kind("project_results", _l("Résultats d’un projet"), ProjectResults,
                       "moderation_text",
                       lambda r: url_for("projects.results", project_id=r.project_id),
                       lambda r: r.project.title, tell_results,
                       public_where=_on_public_project(ProjectResults), editable=False,
                       fields=(*RESULT_FIELDS, "falc_text"), revision_show=_results_show,
                       network_of=_project_network, in_network=_in_network(ProjectResults)))
    from . import services

    revisions.register(revisions.Revisable(
        "project", _l("Page d’un projet publié"), Project, services.REVISED_FIELDS,
        show=services.revision_show,
        url=lambda p: url_for("projects.detail", project_id=p.id), describe=lambda p: p.title,
        apply=services.apply_revision, read=services.revision_values,
        network_of=lambda p: p.network_id,
        in_network=lambda network_id: [Project.network_id == network_id]))
    register_other_work(OtherWork(
        "projects", _to_publish,
        lambda n: ngettext("%(num)s projet à publier", "%(num)s projets à publier", n),
        "projects.review_queue", _l("Voir les projets à publier")))
