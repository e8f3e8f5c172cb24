"""Account rules: registration, verification, login, reset, profile, role validation.

Services flush and never commit: the request commits once. Mails go to the
outbox in the same transaction.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from patientlab.core import audit, first_steps
from patientlab.core.errors import ServiceError
from patientlab.core.mail import notify, queue_mail
from patientlab.core.models import utcnow
from patientlab.core.sanitize import plain_text, rich_text
from patientlab.core.security import (
    Role,
    TokenError,
    hash_password,
    make_token,
    new_session_token,
    password_needs_rehash,
    read_token,
    verify_password,
)
from patientlab.core.text import normalise_email, plain_from_html
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.networks import context
from patientlab.networks import services as network_services
from patientlab.networks.models import ReviewerNetwork

from .models import (
    CharterAcceptance,
    CharterVersion,
    RequestStatus,
    RoleRequest,
    User,
    UserRole,
)
from .preferences import Preferences
from .signals import address_confirmed

VERIFY = "verify-email"
RESET = "reset-password"
CHANGE_EMAIL = "change-email"


class Profile:
    """What a person chooses to be at registration."""

    PATIENT_EXPERT = "patient_expert"
    ASSOCIATION_REP = "association_rep"
    RESEARCHER = "researcher"
    CITIZEN = "citizen"


def members_per_association() -> dict[int, int]:
    """How many accounts name each association."""
    return dict(db.session.execute(
        select(User.association_id, func.count()).where(User.association_id.is_not(None))
        .group_by(User.association_id)).all())


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def get_active_user(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


def get_user_by_session_token(token: str) -> User | None:
    if not token:
        return None
    return db.session.scalar(select(User).where(User.session_token == token))


# --- Registration and verification -----------------------------------------


@dataclass
class Registration:
    email: str
    password: str
    name: str
    profile: str
    pseudonym: str = ""
    association_id: int | None = None
    motivation: str = ""
    charter_accepted: bool = False
    locale: str = "fr"
    # The display the visitor chose on this device (text size…): the new account keeps it.
    preferences: Preferences | None = None


def register(data: Registration) -> User | None:
    """Create an account, or tell the existing owner of the address.

    Returns None when the address is taken: the caller shows the same
    « check your mail » page so that registration does not reveal accounts.
    """
    email = normalise_email(data.email)
    existing = get_user_by_email(email)
    if existing is not None:
        notify(existing, _l("Quelqu’un a voulu créer un compte avec votre adresse"),
               "account_exists", fallback_locale=data.locale,
               login_url=external_url("auth.login"),
               reset_url=external_url("auth.forgot_password"))
        return None
    if data.profile == Profile.PATIENT_EXPERT and not data.charter_accepted:
        raise ServiceError(_l("Acceptez la charte de participation pour devenir patiente "
                              "experte ou patient expert."), field="charter")
    user = User(
        email=email,
        password_hash=hash_password(data.password),
        name=plain_text(data.name),
        pseudonym=plain_text(data.pseudonym),
        locale=data.locale,
    )
    (data.preferences or Preferences()).apply_to_user(user)
    if data.profile == Profile.ASSOCIATION_REP:
        user.association_id = data.association_id
    db.session.add(user)
    db.session.flush()
    if data.profile == Profile.RESEARCHER:
        db.session.add(UserRole(user_id=user.id, role=Role.RESEARCHER))
    elif data.profile in (Profile.PATIENT_EXPERT, Profile.ASSOCIATION_REP):
        db.session.add(RoleRequest(user_id=user.id, role=data.profile,
                                   motivation=plain_text(data.motivation, multiline=True)))
    if data.charter_accepted:
        accept_charter(user)
    audit.record(user, "account.register", user, summary=f"profile={data.profile}")
    send_verification(user)
    db.session.flush()
    db.session.expire(user, ["role_rows"])
    return user


def current_charter() -> "CharterVersion | None":
    """The latest published version (the first one comes with the database)."""
    return db.session.scalar(select(CharterVersion).order_by(
        CharterVersion.published_at.desc(), CharterVersion.id.desc()).limit(1))


def charter_versions() -> list[CharterVersion]:
    """Every published version, the one in force first."""
    return list(db.session.scalars(select(CharterVersion).order_by(
        CharterVersion.published_at.desc(), CharterVersion.id.desc())))


def charter_version(version: str) -> "CharterVersion | None":
    """A published version by its number: what someone accepted, to read again."""
    return db.session.scalar(select(CharterVersion).where(CharterVersion.version == version))


def current_charter_version() -> str:
    charter = current_charter()
    return charter.version if charter else current_app.config["CHARTER_VERSION"]


def needs_charter(user) -> bool:
    """Reviewers must have accepted the current version before they go on."""
    if user is None or not user.is_authenticated or not user.can_review:
        return False
    latest = latest_charter_acceptance(user)
    return latest is None or latest.version != current_charter_version()


def publish_charter(actor: User, version: str, summary: str, body: str,
                    summary_en: str, body_en: str) -> CharterVersion:
    """A new version, with its whole text in French and in English: what people will read
    and accept. The texts are cleaned (core.sanitize); one left empty is refused."""
    if not actor.has_role(Role.ADMIN):
        raise PermissionError("admins only")
    version = plain_text(version)
    exists = db.session.scalar(select(CharterVersion.id).where(CharterVersion.version == version))
    if exists or version == current_app.config["CHARTER_VERSION"]:
        raise ServiceError(_l("Ce numéro de version existe déjà : choisissez-en un autre, par "
                              "exemple « 2027-1 »."), field="version")
    texts = {"summary": plain_text(summary, multiline=True),
             "summary_en": plain_text(summary_en, multiline=True),
             "body": rich_text(body), "body_en": rich_text(body_en)}
    for name, message in _CHARTER_TEXT_MISSING.items():
        if not plain_from_html(texts[name]):
            raise ServiceError(message, field=name)
    charter = CharterVersion(version=version, published_by_id=actor.id, **texts)
    db.session.add(charter)
    db.session.flush()
    audit.record(actor, "charter.published", charter, summary=version)
    return charter


# What to say when a text of a new version is empty once cleaned (only markup was typed).
_CHARTER_TEXT_MISSING = {
    "summary": _l("Expliquez ce qui change : c’est ce que les relecteurs liront d’abord."),
    "summary_en": _l("Expliquez ce qui change, en anglais."),
    "body": _l("Collez le texte complet de la charte : c’est ce que les relecteurs liront "
               "et accepteront."),
    "body_en": _l("Collez le texte complet de la charte en anglais."),
}


def accept_charter(user: User) -> CharterAcceptance:
    version = current_charter_version()
    acceptance = db.session.scalar(
        select(CharterAcceptance).where(CharterAcceptance.user_id == user.id,
                                        CharterAcceptance.version == version)
    )
    if acceptance is None:
        acceptance = CharterAcceptance(user_id=user.id, version=version, accepted_at=utcnow())
        db.session.add(acceptance)
    return acceptance


def latest_charter_acceptance(user: User) -> CharterAcceptance | None:
    return db.session.scalar(
        select(CharterAcceptance).where(CharterAcceptance.user_id == user.id)
        .order_by(CharterAcceptance.accepted_at.desc()).limit(1)
    )


def send_verification(user: User) -> None:
    token = make_token(VERIFY, {"id": user.id, "email": user.email})
    notify(user, _l("Confirmez votre adresse e-mail"), "verify_email",
           url=external_url("auth.verify_email", token=token),
           hours=current_app.config["EMAIL_VERIFICATION_MAX_AGE"] // 3600)


def verify_email(token: str) -> User:
    """Mark the address verified. Raises TokenError for a bad or old link."""
    data = read_token(VERIFY, token, current_app.config["EMAIL_VERIFICATION_MAX_AGE"])
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or user.email != data.get("email"):
        raise TokenError(expired=False)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        audit.record(user, "account.verify_email", user)
    address_confirmed.send(user)
    return user


# --- Login -----------------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    """The user when the e-mail and password match an active account, else None."""
    user = get_user_by_email(email)
    if user is None:
        verify_password(None, password)  # same work either way
        return None
    if not verify_password(user.password_hash, password):
        return None
    if not user.active:
        return None
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    if user.email_verified_at is not None:
        address_confirmed.send(user)  # guest registrations made since with the address
    return user


def end_all_sessions(user: User) -> None:
    """Invalidate every session of this account (Flask-Login alternative id)."""
    user.session_token = new_session_token()


# --- Password reset --------------------------------------------------------


def _reset_fingerprint(user: User) -> str:
    # A used link stops working because the password hash changes.
    return user.password_hash[-16:]


def request_password_reset(email: str, locale: str = "fr") -> None:
    """Mail a reset link when the account exists; do nothing visible otherwise."""
    user = get_user_by_email(email)
    if user is None or not user.active:
        return
    token = make_token(RESET, {"id": user.id, "fp": _reset_fingerprint(user)})
    notify(user, _l("Choisir un nouveau mot de passe"), "reset_password",
           fallback_locale=locale, url=external_url("auth.reset_password", token=token))


def user_for_reset_token(token: str) -> User:
    data = read_token(RESET, token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or data.get("fp") != _reset_fingerprint(user):
        raise TokenError(expired=False)
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    set_password(user, new_password)
    if user.email_verified_at is None:
        # Following a link sent to the address proves it.
        user.email_verified_at = utcnow()
    audit.record(user, "account.reset_password", user)
    address_confirmed.send(user)
    return user


def set_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise ServiceError(_l("Le mot de passe actuel n’est pas le bon."), field="current_password")
    set_password(user, new_password)
    audit.record(user, "account.change_password", user)
    notify(user, _l("Votre mot de passe a été changé"), "password_changed",
           reset_url=external_url("auth.forgot_password"))


# --- E-mail change ---------------------------------------------------------


def request_email_change(user: User, current_password: str, new_email: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise ServiceError(_l("Le mot de passe actuel n’est pas le bon."), field="current_password")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise ServiceError(_l("C’est déjà votre adresse actuelle."), field="email")
    other = get_user_by_email(new_email)
    if other is not None:
        # Same answer as for a free address; the owner is told.
        notify(other, _l("Quelqu’un a voulu utiliser votre adresse"), "email_in_use")
        return
    token = make_token(CHANGE_EMAIL, {"id": user.id, "from": user.email, "to": new_email})
    queue_mail(new_email, _l("Confirmez votre nouvelle adresse e-mail"), "change_email",
               locale=user.locale or "fr", user=user,
               url=external_url("auth.confirm_email_change", token=token),
               hours=current_app.config["EMAIL_VERIFICATION_MAX_AGE"] // 3600)


def confirm_email_change(token: str) -> User:
    data = read_token(CHANGE_EMAIL, token, current_app.config["EMAIL_VERIFICATION_MAX_AGE"])
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or user.email != data.get("from"):
        raise TokenError(expired=False)
    if get_user_by_email(data["to"]) is not None:
        raise ServiceError(_l("Cette adresse est maintenant utilisée par un autre compte."))
    old = user.email
    user.email = data["to"]
    user.email_verified_at = utcnow()
    audit.record(user, "account.change_email", user, summary=f"{old} -> {user.email}")
    address_confirmed.send(user)
    queue_mail(old, _l("Votre adresse e-mail a été changée"), "email_changed",
               locale=user.locale or "fr", user=user, new_email=user.email)
    return user


# --- Profile ---------------------------------------------------------------


def update_profile(user: User, *, name: str, pseudonym: str, bio: str,
                   association_id: int | None) -> None:
    """Name, public name and association; the presentation goes to its provider (members,
    which sends it to moderation)."""
    from .presentation import save_presentation

    user.name = plain_text(name)
    user.pseudonym = plain_text(pseudonym)
    user.association_id = association_id
    save_presentation(user, bio)
    audit.record(user, "account.update_profile", user)


def _pending_request(user: User, role: str) -> RoleRequest | None:
    return db.session.scalar(
        select(RoleRequest).where(RoleRequest.user_id == user.id, RoleRequest.role == role,
                                  RoleRequest.status == RequestStatus.PENDING)
    )


def role_requests_of(user: User) -> list[RoleRequest]:
    return list(db.session.scalars(
        select(RoleRequest).where(RoleRequest.user_id == user.id)
        .order_by(RoleRequest.created_at.desc())
    ))


# Who may not ask to review: the coordination validates the requests and reads every
# review with its author's name before passing it on, and the administration grants
# roles; either reviewing would judge projects it also steers, and validate itself.
# Organisers and moderators keep the offer: they are often patients or association
# volunteers, and running evenings or moderating questions gives no hand on reviews.
NO_REVIEWER_REQUEST = (Role.COORDINATOR, Role.ADMIN)


def requestable_roles(user: User) -> list[str]:
    """The roles this person may still ask for: neither held nor waiting for a decision,
    and none for the coordination and the administration (NO_REVIEWER_REQUEST)."""
    if any(user.has_role(role) for role in NO_REVIEWER_REQUEST):
        return []
    waiting = {r.role for r in role_requests_of(user) if r.status == RequestStatus.PENDING}
    return [role for role in Role.NEED_VALIDATION
            if not user.has_role(role) and role not in waiting]


def request_role(user: User, role: str, motivation: str = "",
                 charter_accepted: bool = False) -> RoleRequest:
    """Ask to become a patient expert or association representative later on."""
    if role not in Role.NEED_VALIDATION or any(user.has_role(r) for r in NO_REVIEWER_REQUEST):
        raise ServiceError(_l("Ce rôle ne se demande pas ici."), field="role")
    if user.has_role(role):
        raise ServiceError(_l("Vous avez déjà ce rôle."), field="role")
    if _pending_request(user, role) is not None:
        raise ServiceError(_l("Votre demande est déjà en attente de validation."), field="role")
    if role == Role.PATIENT_EXPERT:
        if not charter_accepted:
            raise ServiceError(_l("Acceptez la charte de participation pour devenir patiente "
                                  "experte ou patient expert."), field="charter")
        accept_charter(user)
    req = RoleRequest(user_id=user.id, role=role,
                      motivation=plain_text(motivation, multiline=True))
    db.session.add(req)
    db.session.flush()
    audit.record(user, "role.request", req, summary=role)
    return req


# --- Role validation by coordinators ---------------------------------------


def pending_role_requests() -> list[RoleRequest]:
    return list(db.session.scalars(
        select(RoleRequest).where(RoleRequest.status == RequestStatus.PENDING)
        .order_by(RoleRequest.created_at)
    ))


def recent_decisions(limit: int = 20) -> list[RoleRequest]:
    return list(db.session.scalars(
        select(RoleRequest).where(RoleRequest.status != RequestStatus.PENDING)
        .order_by(RoleRequest.decided_at.desc()).limit(limit)
    ))


def _ensure_coordinator(actor: User) -> None:
    if not actor.has_any_role((Role.COORDINATOR, Role.ADMIN)):
        raise PermissionError("only coordinators validate roles")


def _ensure_pending(req: RoleRequest) -> None:
    if req.status != RequestStatus.PENDING:
        raise ServiceError(_l("Cette demande a déjà été traitée."))


def _ensure_not_own_request(actor: User, req: RoleRequest) -> None:
    """Nobody decides about their own request (made before they joined the coordination)."""
    if req.user_id == actor.id:
        raise ServiceError(_l("C’est votre propre demande : une autre personne de la "
                              "coordination doit en décider."))


def approve_role_request(actor: User, req: RoleRequest) -> None:
    _ensure_coordinator(actor)
    _ensure_pending(req)
    _ensure_not_own_request(actor, req)
    req.status = RequestStatus.APPROVED
    req.decided_at = utcnow()
    req.decided_by_id = actor.id
    if not req.user.has_role(req.role):
        db.session.add(UserRole(user_id=req.user_id, role=req.role, granted_by_id=actor.id))
    db.session.flush()
    db.session.expire(req.user, ["role_rows"])
    network_id = context.current_id()
    # The network whose coordination validated may invite the person at once; the person
    # chooses the others on their account (auth.reviewer_networks).
    if (req.role in Role.REVIEWERS and network_id is not None
            and network_id not in network_services.reviewer_network_ids(req.user_id)):
        db.session.add(ReviewerNetwork(user_id=req.user_id, network_id=network_id))
        db.session.flush()
    audit.record(actor, "role.approve", req, summary=f"user={req.user_id} role={req.role}"
                 + (f" network={context.slug_of(network_id)}" if network_id else ""))
    # What to do now: the mail says it, with links, and « Mon espace » shows it too.
    notify(req.user, _l("Votre demande a été acceptée"), "role_approved", role=req.role,
           url=external_url("main.my_space"),
           steps=[(step, external_url(step.endpoint)) for step in first_steps.steps()])


def refuse_role_request(actor: User, req: RoleRequest, reason: str) -> None:
    _ensure_coordinator(actor)
    _ensure_pending(req)
    _ensure_not_own_request(actor, req)
    reason = plain_text(reason, multiline=True)
    if not reason:
        raise ServiceError(_l("Expliquez la raison du refus : elle sera envoyée à la personne."),
                           field="reason")
    req.status = RequestStatus.REFUSED
    req.decided_at = utcnow()
    req.decided_by_id = actor.id
    req.reason = reason
    audit.record(actor, "role.refuse", req, summary=f"user={req.user_id} role={req.role}",
                 reason=reason)
    notify(req.user, _l("Votre demande n’a pas été acceptée"), "role_refused",
           role=req.role, reason=reason,
           contact=current_app.config["CONTACT_EMAIL"])


def get_role_request_or_none(request_id: int) -> RoleRequest | None:
    return db.session.get(RoleRequest, request_id)
