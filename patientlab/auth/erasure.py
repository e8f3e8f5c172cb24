"""Erasing an account (GDPR art. 17): the person's profile, roles, consents and event
registrations go; what they wrote for others stays, without their name.

The user row itself is kept, emptied, because projects, applications, reviews and
the audit trail point to it: they then show « Compte supprimé ».
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from patientlab.core import audit, privacy
from patientlab.core.errors import ServiceError
from patientlab.core.mail import forget_recipient
from patientlab.core.models import utcnow
from patientlab.core.security import new_session_token, verify_password
from patientlab.extensions import db

from .models import User

ERASED_NAME = "Compte supprimé"


def erase_account(user: User, password: str | None, *, now: datetime | None = None,
                  reason: str = "self") -> None:
    """``password`` re-authenticates a person erasing their own account; retention jobs
    pass None with another ``reason``."""
    now = now or utcnow()
    if reason == "self" and not verify_password(user.password_hash, password or ""):
        raise ServiceError(_l("Ce n’est pas le bon mot de passe."), field="password")
    # Every feature erases what it declared (core.privacy): registrations (seats of
    # evenings to come go to the waiting list), presentation, roles, consents, requests…
    privacy.erase(user, now)
    db.session.expire(user, ["role_rows"])
    forget_recipient(user.email)  # the mail sent to the person, and its saved copies
    user.email = f"compte-supprime-{user.id}@invalid"
    user.name = ERASED_NAME
    user.pseudonym = ""
    user.password_hash = ""  # no password: nobody can log in  # nosec B105
    user.association_id = None
    user.locale = None
    user.email_verified_at = None
    user.last_login_at = None
    user.active = False
    user.trusted_at = None
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    user.session_token = new_session_token()
    db.session.flush()
    audit.record(user if reason == "self" else None, "account.erased", user, reason=reason)
