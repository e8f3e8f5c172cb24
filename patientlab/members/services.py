"""Member pages and the presentation people write about themselves."""

from dataclasses import dataclass

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.errors import ServiceError
from patientlab.core.sanitize import plain_text
from patientlab.core.security import Role
from patientlab.extensions import db
from patientlab.moderation import services as moderation

from .models import Bio

BIO_MAX_LENGTH = 1000
RECENT_CONTRIBUTIONS = 10


# Who sees every member page: the people who validate, moderate and run the platform.
STAFF = (Role.MODERATOR, Role.COORDINATOR, Role.ADMIN)


def get_member_or_404(user_id: int, viewer: User) -> User:
    """Erased and closed accounts have no page; nor, for a viewer who shares no context
    with them, does anyone who never spoke in public (see ``speaks_in_public``): walking
    /membres/1…N must not list patient experts, whose role tells of their illness."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        abort(404)
    if not (viewer.id == user.id or viewer.has_any_role(STAFF) or speaks_in_public(user)):
        abort(404)
    return user


def speaks_in_public(member: User) -> bool:
    """The person already appears, under their public name, on a page everyone reads:
    a published question or answer on a published project (moderation's public kinds)."""
    return moderation.speaks_in_public(member.id)


def bio_of(user: User) -> Bio | None:
    return db.session.scalar(select(Bio).where(Bio.author_id == user.id))


def set_bio(user: User, text: str) -> Bio | None:
    """Save the person's presentation; a new text is read by a moderator before it is
    shown, unless its author is trusted. An empty text removes it."""
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
    contributions: list  # their latest contributions that everyone can read


def member_page(viewer: User, member: User) -> MemberPage:
    own = viewer.id == member.id
    bio = bio_of(member)
    if bio is not None and not (bio.is_published or own):
        bio = None
    return MemberPage(member, bio, own,
                      moderation.public_contributions(member.id, RECENT_CONTRIBUTIONS))
