"""Member pages and the presentation people write about themselves."""

from dataclasses import dataclass

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from patientlab.auth.models import User
from patientlab.auth.services import ServiceError
from patientlab.core import audit
from patientlab.core.sanitize import plain_text
from patientlab.extensions import db
from patientlab.moderation.models import ModerationState

from .models import Bio

BIO_MAX_LENGTH = 1000
RECENT_QUESTIONS = 10


def get_member_or_404(user_id: int) -> User:
    """Erased and closed accounts have no page."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        abort(404)
    return user


def bio_of(user: User) -> Bio | None:
    return db.session.scalar(select(Bio).where(Bio.author_id == user.id))


def set_bio(user: User, text: str) -> Bio | None:
    """Save the person's presentation; a new text is read by a moderator before it is
    shown, unless its author is trusted. An empty text removes it."""
    from patientlab.moderation import services as moderation

    text = plain_text(text or "", multiline=True)
    if len(text) > BIO_MAX_LENGTH:
        raise ServiceError(_l("%(max)s caractères au plus.", max=BIO_MAX_LENGTH), field="bio")
    bio = bio_of(user)
    if not text:
        if bio is not None:
            db.session.execute(delete(Bio).where(Bio.id == bio.id))
            audit.record(user, "profile.bio_removed", user)
        return None
    if bio is not None and bio.body == text:
        return bio
    if bio is None:
        bio = Bio(author_id=user.id, body=text)
        db.session.add(bio)
    bio.body = text
    db.session.flush()
    audit.record(user, "profile.bio_changed", bio)
    moderation.submit_text(user, moderation.kind_of("bio"), bio)
    return bio


@dataclass
class MemberPage:
    member: User
    bio: Bio | None  # shown: published, or any state to its author
    own: bool
    questions: list  # their latest published questions on published projects


def member_page(viewer: User, member: User) -> MemberPage:
    from patientlab.projects.models import Project, Publication, Question

    own = viewer.id == member.id
    bio = bio_of(member)
    if bio is not None and not (bio.is_published or own):
        bio = None
    questions = list(db.session.scalars(
        select(Question).join(Project, Project.id == Question.project_id)
        .where(Question.author_id == member.id,
               Question.moderation_state == ModerationState.PUBLISHED,
               Project.publication == Publication.PUBLISHED)
        .order_by(Question.created_at.desc()).limit(RECENT_QUESTIONS)))
    return MemberPage(member, bio, own, questions)
