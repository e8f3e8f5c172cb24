"""New projects told to the people who follow their cancer type (core.notifications),
the kinds of message about projects, and the checks a summary runs before it speaks of
a project, a question or an answer."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.core import notifications
from patientlab.core.mail import notify
from patientlab.core.permissions import RESEARCH
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.networks.context import slug_of

from .models import CANCER_TYPES, Answer, Project, Publication, Question

TOPIC = "cancer_type"
KIND = "projects_new"
#: News, milestones and results of the projects a person follows, and the invitation to
#: follow a funded project they reviewed.
FOLLOWED = "project_news"
PUBLISHED = "published"


def tell_people(ids, project: Project, subject, template: str, *, kind: str, about: str,
                url: str | None = None, **context) -> int:
    """One message of ``kind`` about ``project`` to each active account among ``ids``,
    its team excepted, by their notification settings. Returns how many were written."""
    ids = [i for i in ids if i != project.owner_id]
    url = url or external_url("projects.detail", project_id=project.id,
                             network=slug_of(project.network_id))
    told = 0
    for user in db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True))
                                   .order_by(User.id)):
        if notify(user, subject, template, kind=kind, about=about, project=project, url=url,
                  **context):
            told += 1
    return told


def tell_followers(project: Project) -> int:
    """Everyone following one of the project's cancer types hears of it, once (at its
    first publication); its team excepted. Returns how many were told."""
    return tell_people(notifications.followers(TOPIC, project.cancer_types), project,
                       _l("Un nouveau projet de recherche sur un sujet que vous suivez"),
                       "project_new", kind=KIND, about=f"project:{project.id}")


def _project_public(user, project_id: int) -> bool:
    project = db.session.get(Project, project_id)
    return project is not None and project.publication == Publication.PUBLISHED


def _question_public(user, question_id: int) -> bool:
    question = db.session.get(Question, question_id)
    return (question is not None and question.moderation_state == PUBLISHED
            and question.project.publication == Publication.PUBLISHED)


def _answer_public(user, answer_id: int) -> bool:
    answer = db.session.get(Answer, answer_id)
    return (answer is not None and answer.moderation_state == PUBLISHED
            and _question_public(user, answer.question_id))


def register() -> None:
    notifications.register_kind(notifications.Kind(
        "answers", _l("Réponses des équipes à mes questions"), order=30))
    notifications.register_kind(notifications.Kind(
        "questions", _l("Questions posées sur mes projets"), order=35, roles=RESEARCH))
    notifications.register_kind(notifications.Kind(
        KIND, _l("Nouveaux projets des types de cancer que je suis"),
        _l("Choisissez les types de cancer plus bas, dans « Les sujets que je suis »."),
        default=notifications.WEEKLY, order=70))
    notifications.register_topic(notifications.Topic(
        TOPIC, _l("Les types de cancer des projets"), lambda: list(CANCER_TYPES.items()),
        KIND, order=20))
    notifications.register_kind(notifications.Kind(
        FOLLOWED, _l("Nouvelles des projets que je suis : étapes, nouvelles, résultats"),
        _l("Suivez un projet depuis sa page (« Suivre ce projet »). Les personnes qui ont "
           "relu un projet financé sont invitées à le suivre."), order=72))
    notifications.register_check("project", _project_public)
    notifications.register_check("question", _question_public)
    notifications.register_check("answer", _answer_public)
