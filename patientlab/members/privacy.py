"""The personal data members hold, for core.privacy: the presentation a person wrote,
exported and erased with the account."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from patientlab.core import privacy
from patientlab.core.privacy import PersonalData, when
from patientlab.extensions import db

from .models import Bio
from .services import bio_of


def _presentation(user) -> list[dict]:
    bio = bio_of(user)
    return [{"text": bio.body, "state": bio.moderation_state,
             "written_at": when(bio.created_at)}] if bio else []


def _erase(user, now: datetime) -> None:
    db.session.execute(delete(Bio).where(Bio.author_id == user.id))


def register() -> None:
    privacy.register(PersonalData("presentation", _l("Présentation"), _presentation,
                                  erase=_erase, columns=("member_bio.author_id",), order=25))
    privacy.keep("member_bio.moderated_by_id", "who moderated: a decision, kept")
