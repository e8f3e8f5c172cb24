"""The personal data projects hold, for core.privacy. What a person wrote for others
(projects, questions, answers, clarity ratings) stays after erasure, under « Compte
supprimé »."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from patientlab.core import privacy
from patientlab.core.privacy import PersonalData, when
from patientlab.extensions import db

from .models import (
    Answer,
    ClarityRating,
    Milestone,
    Project,
    ProjectResults,
    ProjectUpdate,
    Question,
)


def _projects(user) -> list[dict]:
    return [{"title": p.title, "publication": p.publication, "created_at": when(p.created_at)}
            for p in db.session.scalars(select(Project).where(Project.owner_id == user.id))]


def _questions(user) -> list[dict]:
    return [{"project": q.project.title, "question": q.body, "state": q.moderation_state,
             "asked_at": when(q.created_at),
             "answer": q.published_answer.body if q.published_answer else None}
            for q in db.session.scalars(select(Question).where(Question.author_id == user.id)
                                        .order_by(Question.created_at))]


def _answers(user) -> list[dict]:
    return [{"project": a.question.project.title, "question": a.question.body,
             "answer": a.body, "state": a.moderation_state, "written_at": when(a.created_at)}
            for a in db.session.scalars(select(Answer).where(Answer.author_id == user.id)
                                        .order_by(Answer.created_at))]


def _ratings(user) -> list[dict]:
    return [{"project_id": r.project_id, "score": r.score, "unclear": r.unclear}
            for r in db.session.scalars(select(ClarityRating).where(
                ClarityRating.user_id == user.id))]


def _followup(user) -> list[dict]:
    """Milestones, news and results the person wrote for a project's followers."""
    rows = []
    for model, kind, text in ((Milestone, "milestone", "label"),
                              (ProjectUpdate, "news", "body"),
                              (ProjectResults, "results", "moderation_text")):
        for item in db.session.scalars(select(model).where(model.author_id == user.id)
                                       .order_by(model.id)):
            rows.append({"kind": kind, "project": item.project.title,
                         "text": getattr(item, text), "state": item.moderation_state,
                         "written_at": when(item.created_at)})
    return rows


def register() -> None:
    privacy.register(PersonalData("projects", _l("Projets"), _projects,
                                  columns=("project.owner_id",), order=30))
    privacy.register(PersonalData("questions", _l("Questions posées"), _questions,
                                  columns=("project_question.author_id",), order=40))
    privacy.register(PersonalData("answers_written", _l("Réponses écrites pour un projet"),
                                  _answers, columns=("project_answer.author_id",), order=45))
    privacy.register(PersonalData("clarity_ratings", _l("Avis sur la clarté des résumés"),
                                  _ratings, columns=("clarity_rating.user_id",), order=50))
    privacy.register(PersonalData(
        "project_followup", _l("Étapes, nouvelles et résultats écrits pour un projet"),
        _followup, columns=("project_milestone.author_id", "project_update.author_id",
                            "project_results.author_id"), order=46))
    for column in ("project_question.moderated_by_id", "project_answer.moderated_by_id",
                   "project_milestone.moderated_by_id", "project_update.moderated_by_id",
                   "project_results.moderated_by_id"):
        privacy.keep(column, "who moderated: a decision, kept")
