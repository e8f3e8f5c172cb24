"""How clear a lay summary is, as patient experts and associations rate it (1 to 5, and
what was unclear): the team reads the average and the comments."""

from dataclasses import dataclass

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from patientlab.auth.models import User
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.sanitize import plain_text
from patientlab.core.security import Role
from patientlab.extensions import db

from .models import ClarityRating, Project

RATERS = (Role.PATIENT_EXPERT, Role.ASSOCIATION_REP)


def _user(user) -> User | None:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def can_rate(user) -> bool:
    user = _user(user)
    return bool(user and user.has_any_role(RATERS))


def my_rating(user, project: Project) -> ClarityRating | None:
    user = _user(user)
    if user is None:
        return None
    return db.session.scalar(select(ClarityRating).where(
        ClarityRating.project_id == project.id, ClarityRating.user_id == user.id))


def rate_clarity(user: User, project: Project, score: int, unclear: str) -> ClarityRating:
    if not project.is_published:
        abort(404)
    if not can_rate(user):
        raise PermissionError("only patient experts and association representatives rate")
    if score not in range(1, 6):
        raise ServiceError(_l("Choisissez une note de 1 à 5."), field="score")
    rating = my_rating(user, project)
    if rating is None:
        rating = ClarityRating(project_id=project.id, user_id=user.id, score=score)
        db.session.add(rating)
    rating.score = score
    rating.unclear = plain_text(unclear, multiline=True)
    rating.updated_at = utcnow()
    db.session.flush()
    return rating


@dataclass
class ClaritySummary:
    count: int
    average: float | None
    comments: list[str]


def clarity_summaries(project_ids: list[int]) -> dict[int, ClaritySummary]:
    """Average, count and comments for several projects in two queries."""
    result = {pid: ClaritySummary(0, None, []) for pid in project_ids}
    if not project_ids:
        return result
    rows = db.session.execute(
        select(ClarityRating.project_id, func.count(), func.avg(ClarityRating.score))
        .where(ClarityRating.project_id.in_(project_ids)).group_by(ClarityRating.project_id))
    for pid, count, average in rows:
        result[pid].count = count
        result[pid].average = round(float(average), 1)
    comments = db.session.execute(
        select(ClarityRating.project_id, ClarityRating.unclear)
        .where(ClarityRating.project_id.in_(project_ids), ClarityRating.unclear != "")
        .order_by(ClarityRating.updated_at.desc()))
    for pid, text in comments:
        result[pid].comments.append(text)
    return result
