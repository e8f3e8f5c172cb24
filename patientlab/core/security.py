"""Roles, password hashing, signed tokens, safe redirects and HTTP security headers."""

import secrets
from functools import cache, wraps
from importlib import resources
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class Role:
    """The roles a user may hold (several at once)."""

    PATIENT_EXPERT = "patient_expert"
    ASSOCIATION_REP = "association_rep"
    RESEARCHER = "researcher"
    ORGANISER = "organiser"
    MODERATOR = "moderator"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    ALL = (
        PATIENT_EXPERT,
        ASSOCIATION_REP,
        RESEARCHER,
        ORGANISER,
        MODERATOR,
        COORDINATOR,
        ADMIN,
    )
    # Roles that a coordinator must validate before they take effect.
    NEED_VALIDATION = (PATIENT_EXPERT, ASSOCIATION_REP)
    # Roles that may review applications to calls once validated.
    REVIEWERS = (PATIENT_EXPERT, ASSOCIATION_REP)


# Who may act on whose account: a suspension (and its lifting) only reaches accounts
# whose highest role ranks below the actor's. Other roles rank 0.
AUTHORITY = {Role.MODERATOR: 1, Role.COORDINATOR: 2, Role.ADMIN: 3}


def authority(user, roles=None) -> int:
    """The rank of ``user``'s highest role here (or of ``roles``)."""
    return max((AUTHORITY.get(role, 0) for role in (user.roles if roles is None else roles)),
               default=0)


ROLE_LABELS = {
    Role.PATIENT_EXPERT: _l("Patiente experte ou patient expert"),
    Role.ASSOCIATION_REP: _l("Représentante ou représentant d’association"),
    Role.RESEARCHER: _l("Chercheuse ou chercheur"),
    Role.ORGANISER: _l("Organisation des soirées"),
    Role.MODERATOR: _l("Modération"),
    Role.COORDINATOR: _l("Coordination"),
    Role.ADMIN: _l("Administration"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def acting_user():
    """The account behind this request (Flask-Login's proxy unwrapped), None for a visitor.

    Services take the real object: they compare it, store it and pass it on.
    """
    user = current_user._get_current_object()  # the proxy resolved once
    return user if user is not None and user.is_authenticated else None


def roles_required(*roles: str):
    """Route decorator: 401 (login page) for visitors, 403 without one of ``roles``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not current_user.has_any_role(roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# --- Passwords -------------------------------------------------------------


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; an empty hash (no password set) never matches."""
    if not password_hash:
        # Spend comparable time so that timing does not reveal unknown accounts.
        _hasher().hash(password)
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("patientlab.core.data").joinpath("common-passwords.txt").read_text(
        encoding="utf-8"
    )
    return frozenset(
        line.strip().casefold() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def is_common_password(password: str) -> bool:
    return password.casefold() in common_passwords()


# --- Signed tokens ---------------------------------------------------------


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"patientlab.{purpose}")


def make_token(purpose: str, payload) -> str:
    return _serializer(purpose).dumps(payload)


class TokenError(Exception):
    """A signed link was tampered with, or is too old."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def read_token(purpose: str, token: str, max_age: int):
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError(expired=True) from exc
    except BadSignature as exc:
        raise TokenError(expired=False) from exc


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


# --- Redirects -------------------------------------------------------------


def safe_next_url(target: str | None) -> str | None:
    """Return ``target`` only when it is a local path on this site, else None."""
    if not target:
        return None
    target = target.strip()
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    return target


# --- Headers ---------------------------------------------------------------

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'"
)


def sent_from_our_pages() -> bool:
    """The request comes from one of our own pages, as OWASP's CSRF cheat sheet checks
    it without a token (« Fetch Metadata » and « Verifying Origin With Standard Headers »):
    the browser's ``Sec-Fetch-Site`` says ``same-origin``, or, from a browser that does
    not send it, ``Origin`` is our own (the request's, or the configured PUBLIC_URL's
    behind a proxy). Neither header, or another site: no."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = (request.headers.get("Origin") or "").lower().rstrip("/")
    if not origin or origin == "null":
        return False
    public = urlsplit(current_app.config.get("PUBLIC_URL") or "")
    ours = {f"{request.scheme}://{request.host}".lower()}
    if public.scheme and public.netloc:
        ours.add(f"{public.scheme}://{public.netloc}".lower())
    return origin in ours


def private_page(view):
    """Route decorator: the page shows personal data or carries a working token, so no
    browser, proxy or back-forward cache keeps it, whoever asks (a visitor included)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        g.private_page = True
        return view(*args, **kwargs)

    return wrapped


#: Sent with every answer unless the view set its own (lower-case name, name, value).
ALWAYS = tuple((name.lower(), name, value) for name, value in (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
))
HSTS = ("strict-transport-security", "Strict-Transport-Security",
        "max-age=63072000; includeSubDomains")


def set_security_headers(response):
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}  # one pass, not one each
    wanted = (*ALWAYS, HSTS) if current_app.config.get("HSTS") else ALWAYS
    for lower, name, value in wanted:
        if lower not in present:
            headers.add(name, value)
    if request.endpoint != "static" and (
            g.get("private_page") or request.method not in ("GET", "HEAD")
            or (current_user and current_user.is_authenticated)
            # A page with this visitor's form token (login, sign-up…) is theirs alone.
            or current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g):
        headers["Cache-Control"] = "no-store"
    return response

