"""Two-step login: a code from an authenticator app (TOTP, RFC 6238) or a recovery code.

Offered to everyone, required for the roles in ``MFA_REQUIRED_ROLES`` (admins,
coordinators and moderators by default): those accounts are sent to the set-up page
until it is done. A code is accepted once (the last accepted time step is kept) and
one time step early or late, for phones whose clock drifts. Recovery codes are kept as
argon2 hashes and used once each.
"""

import hmac
import re
import secrets
from datetime import datetime

import pyotp
import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update

from patientlab.auth.models import RecoveryCode, User
from patientlab.auth.services import end_all_sessions
from patientlab.core import audit
from patientlab.core.errors import ServiceError
from patientlab.core.mail import notify
from patientlab.core.models import utcnow
from patientlab.core.security import Role, hash_password, verify_password
from patientlab.core.urls import external_url
from patientlab.extensions import db

RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: the codes are often copied by hand from paper.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10
_SECRET = re.compile(r"^[A-Z2-7]{32}$")


class TwoStepError(ServiceError):
    pass


# --- Who needs it -------------------------------------------------------------


def required_roles() -> set[str]:
    return set(current_app.config["MFA_REQUIRED_ROLES"])


def is_required(user: User) -> bool:
    return user.has_any_role(required_roles())


def needs_setup(user: User) -> bool:
    """True for an account whose role requires two-step login but has not set it up."""
    return is_required(user) and not user.has_two_step_login


# --- Set-up ---------------------------------------------------------------------


def secret_for_setup(user: User) -> str:
    """The secret shown on the set-up page; the same one until set-up is finished."""
    if user.has_two_step_login:
        raise TwoStepError(_l("La double authentification est déjà activée."))
    if not user.totp_secret or not _SECRET.match(user.totp_secret):
        user.totp_secret = pyotp.random_base32(length=32)
    return user.totp_secret


def grouped(secret: str) -> str:
    """The secret in groups of four letters, easier to copy by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["PLATFORM_NAME"])


def qr_code_data_uri(uri: str) -> str:
    """The QR code of the set-up address as an SVG data URI (allowed by our CSP)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#000",
                                                   light="#fff")


def enable(user: User, code: str, password: str, *, now: datetime | None = None) -> list[str]:
    """Turn two-step login on once the person typed their password and a code from their
    app: whoever holds a session alone cannot bind the account to their own phone.

    Returns the recovery codes, shown once.
    """
    if user.has_two_step_login:
        raise TwoStepError(_l("La double authentification est déjà activée."))
    _check_password(user, password)
    if not user.totp_secret:
        raise TwoStepError(_l("Recommencez : la page de mise en place a changé."),
                           field="code")
    step = _matching_step(user.totp_secret, _digits(code), now or utcnow())
    if step is None:
        raise TwoStepError(_wrong_code_message(), field="code")
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    codes = _replace_recovery_codes(user)
    audit.record(user, "account.two_step_enabled", user)
    _tell(user, _l("La double authentification est activée"), "two_step_enabled")
    return codes


# --- Login ----------------------------------------------------------------------


def check_code(user: User, code: str, *, now: datetime | None = None) -> str | None:
    """``"app"`` or ``"recovery"`` when the code lets this person in, else None.

    Each code works once, even when two requests bring it at the same moment.
    """
    if not user.has_two_step_login:
        return None
    digits = _digits(code)
    if len(digits) == 6:
        step = _matching_step(user.totp_secret, digits, now or utcnow())
        if step is not None and _claim_step(user, step):
            return "app"
        return None
    recovery = _recovery_form(code)
    if recovery and _use_recovery_code(user, recovery):
        audit.record(user, "account.recovery_code_used", user)
        _tell(user, _l("Un code de secours a été utilisé"), "recovery_code_used",
              left=recovery_codes_left(user))
        return "recovery"
    return None


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


# --- Changes from the account's security page -------------------------------------


def new_recovery_codes(user: User, password: str) -> list[str]:
    """Replace every recovery code (the old ones stop working)."""
    _check_password(user, password)
    if not user.has_two_step_login:
        raise TwoStepError(_l("Activez d’abord la double authentification."))
    codes = _replace_recovery_codes(user)
    audit.record(user, "account.recovery_codes_renewed", user)
    _tell(user, _l("Vos codes de secours ont été remplacés"), "recovery_codes_renewed")
    return codes


def turn_off(user: User, password: str) -> None:
    """Turn two-step login off. For roles that require it, set-up starts again at once."""
    _check_password(user, password)
    if not user.has_two_step_login:
        raise TwoStepError(_l("La double authentification n’est pas activée."))
    _clear(user)
    audit.record(user, "account.two_step_disabled", user)
    _tell(user, _l("La double authentification est désactivée"), "two_step_disabled",
          required=is_required(user))


def reset_by_admin(actor: User, user: User, reason: str) -> None:
    """For someone who lost both their phone and their recovery codes.

    The admin checks who is asking (by phone or in person) before doing it; the
    account's sessions end and the owner is told by mail.
    """
    if not actor.has_role(Role.ADMIN):
        raise TwoStepError(_l("Seuls les administrateurs peuvent faire cela."))
    reason = (reason or "").strip()
    if not reason:
        raise TwoStepError(_l("Dites comment vous avez vérifié l’identité de la personne."),
                           field="reason")
    if not user.has_two_step_login:
        raise TwoStepError(_l("Cette personne n’a pas la double authentification."))
    _clear(user)
    end_all_sessions(user)
    audit.record(actor, "user.two_step_reset", user, reason=reason)
    _tell(user, _l("Votre double authentification a été réinitialisée"), "two_step_reset",
          required=is_required(user))


# --- Details ----------------------------------------------------------------------


def _digits(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "")


def _recovery_form(code: str) -> str | None:
    cleaned = _digits(code).lower()
    if len(cleaned) == RECOVERY_LENGTH and all(c in RECOVERY_ALPHABET for c in cleaned):
        return cleaned
    return None


def _wrong_code_message():
    return _l("Ce code ne convient pas. Tapez les 6 chiffres affichés en ce moment par "
              "votre application ; ils changent toutes les 30 secondes.")


def _matching_step(secret: str, digits: str, now: datetime) -> int | None:
    if not re.fullmatch(r"[0-9]{6}", digits):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def _claim_step(user: User, step: int) -> bool:
    """Record the step as used; False when it (or a later one) was used already."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .where(or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    db.session.refresh(user, ["totp_last_step"])
    return True


def _use_recovery_code(user: User, code: str) -> bool:
    unused = db.session.scalars(
        select(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))
    for row in unused:
        if verify_password(row.code_hash, code):
            claimed = db.session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                .values(used_at=utcnow())
                .execution_options(synchronize_session=False))
            return claimed.rowcount == 1
    return False


def _new_code() -> str:
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))


def display_code(code: str) -> str:
    half = RECOVERY_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_password(code))
                       for code in codes)
    return [display_code(code) for code in codes]


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def _check_password(user: User, password: str) -> None:
    if not verify_password(user.password_hash, password or ""):
        raise TwoStepError(_l("Le mot de passe n’est pas le bon."), field="password")


def _tell(user: User, subject, template: str, **context) -> None:
    notify(user, subject, template, security_url=external_url("auth.security"), **context)
