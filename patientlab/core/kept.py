"""What a person typed survives a session that expired or a form that grew too old.

When a form is posted after the session expired (auth.gates) or with a stale CSRF token
(core.errors), the posted fields are kept here, server-side, for the account that typed
them (or, for a visitor, for their browser's session), and for a few hours only. The
person logs in again or is sent back to the same page; the page's form is filled with
what they typed (core.forms.BaseForm reads ``g.kept_form``) and a notice says so. The
copy goes as soon as that page's form is sent successfully, or when it expires.

Passwords and one-time codes are never kept, nor the CSRF token.

A visitor's form is kept only for a browser that already holds a session made by our
pages, only when it was refused because it carries that session's own token, signed by
us, expired (Flask-WTF's « The CSRF token has expired. »; a fresh token refused for
another reason, such as a missing Referer over HTTPS, keeps nothing), and only the fields
that the platform's forms declare: a script that posts without a cookie or a token, or
with a session and a token of its own, keeps nothing. Copies are capped per visitor,
per client address (a keyed hash of it starts the visitor's key: a script making a new
session for each post is still one address), per account and for all visitors together,
and in size (``KEPT_FORM_*``); the error path that keeps them has its own per-address
rate limit (core.errors).
"""

import hashlib
import hmac
import ipaddress
import json
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, g, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import validate_csrf
from sqlalchemy import ForeignKey, Integer, String, Text, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import MultiDict
from wtforms.validators import ValidationError

from patientlab.core.models import UTCDateTime, utcnow
from patientlab.core.urls import clean_path
from patientlab.extensions import db

VISITOR_KEY = "_visitor"
#: Names of fields never kept: the token, secrets.
NEVER_KEPT = ("csrf_token", "password", "code")
#: Pages with a longer address are not kept (the column's size).
PATH_MAX = 500
#: A copy larger than this is not kept (a form is a few pages of text at most).
MAX_BYTES = 200_000


class KeptForm(db.Model):
    __tablename__ = "kept_form"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                                index=True)
    visitor_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    path: Mapped[str] = mapped_column(String(PATH_MAX))
    fields: Mapped[str] = mapped_column(Text)  # JSON list of [name, value]
    size: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


def _keepable(name: str) -> bool:
    lowered = name.lower()
    return not any(part in lowered for part in NEVER_KEPT)


def _owner(user_id: int | None, visitor_key: str):
    if user_id is not None:
        return KeptForm.user_id == user_id
    return (KeptForm.user_id.is_(None)) & (KeptForm.visitor_key == visitor_key)


ADDRESS_PREFIX = 16  # characters of the address's hash that start a visitor's key


def address_tag(address: str | None = None) -> str:
    """A keyed hash of the client's address (its /64 for IPv6, where one person holds
    many), never the address itself: the start of the visitor keys made from it."""
    from flask_limiter.util import get_remote_address

    text = address if address is not None else (get_remote_address() or "")
    try:
        parsed = ipaddress.ip_address(text)
        if parsed.version == 6:
            text = str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    except ValueError:
        pass
    digest = hmac.new(str(current_app.secret_key).encode(), b"kept-form-address:"
                      + text.encode(), hashlib.sha256).hexdigest()
    return digest[:ADDRESS_PREFIX]


def visitor_key(create: bool = False) -> str:
    """This browser's key for a visitor's kept form (in the signed session): the hash of
    the address it was made from, then a random part."""
    key = session.get(VISITOR_KEY, "")
    if not key and create:
        key = session[VISITOR_KEY] = f"{address_tag()}.{secrets.token_urlsafe(24)}"
    return key


def _same_address(visitor: str):
    tag = visitor.partition(".")[0]
    return KeptForm.user_id.is_(None) & KeptForm.visitor_key.startswith(
        tag + ".", autoescape=True)


def declared_fields(*endpoints: str) -> frozenset[str]:
    """Names of the fields the forms of these endpoints had when this process last built
    them; when it has built none of them yet, those every form of the platform declares
    (those added to a form class at run time included, once added)."""
    from patientlab.core.forms import FIELDS_BY_ENDPOINT, BaseForm

    seen = [FIELDS_BY_ENDPOINT[name] for name in endpoints if name in FIELDS_BY_ENDPOINT]
    if seen:
        return frozenset().union(*seen)
    names, classes = set(), [BaseForm]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        names.update(name for name in dir(cls)
                     if not name.startswith("_") and hasattr(getattr(cls, name, None),
                                                             "field_class"))
    return frozenset(names)


def _count(*conditions) -> int:
    return db.session.scalar(select(func.count(KeptForm.id)).where(*conditions)) or 0


def _room(path: str, user_id: int | None, visitor: str, now: datetime) -> bool:
    """Whether one more copy may be kept: an account or a visitor keeps at most
    ``KEPT_FORMS_PER_ACCOUNT`` / ``_PER_VISITOR`` pages (their oldest copy goes to make
    room), the visitors of one client address at most ``KEPT_FORMS_PER_ADDRESS`` (their
    oldest copy goes), all visitors together at most ``KEPT_FORMS_VISITORS_TOTAL`` (then
    nothing more is kept for a visitor until copies expire)."""
    config = current_app.config
    if user_id is None:
        same = select(KeptForm.id).where(_same_address(visitor)).order_by(
            KeptForm.id.desc()).offset(max(config["KEPT_FORMS_PER_ADDRESS"] - 1, 0))
        extra = list(db.session.scalars(same))
        if extra:
            db.session.execute(delete(KeptForm).where(KeptForm.id.in_(extra))
                               .execution_options(synchronize_session=False))
    if user_id is None and _count(KeptForm.user_id.is_(None), KeptForm.expires_at > now) >= (
            config["KEPT_FORMS_VISITORS_TOTAL"]):
        return False
    limit = config["KEPT_FORMS_PER_ACCOUNT" if user_id is not None else "KEPT_FORMS_PER_VISITOR"]
    others = select(KeptForm.id).where(_owner(user_id, visitor), KeptForm.path != path).order_by(
        KeptForm.id.desc()).offset(max(limit - 1, 0))
    extra = list(db.session.scalars(others))
    if extra:
        db.session.execute(delete(KeptForm).where(KeptForm.id.in_(extra))
                           .execution_options(synchronize_session=False))
    return True


def keep(path: str, form: MultiDict, *, user_id: int | None = None, visitor: str = "",
         now: datetime | None = None, endpoints: tuple[str, ...] = ()) -> bool:
    """Keep what was posted to ``path`` for that account (or that visitor's browser),
    replacing an older copy of the same page; for a visitor only the fields the forms of
    ``endpoints`` declare. False when there was nothing to keep, or no room for it (sizes
    and counts above)."""
    if user_id is None and not visitor:
        return False
    path = clean_path(path)
    if not path or len(path) > PATH_MAX:
        return False
    declared = declared_fields(*endpoints) if user_id is None else None
    fields = [[name, value] for name, value in form.items(multi=True)
              if _keepable(name) and isinstance(value, str)
              and (declared is None or name in declared)]
    if not any(value.strip() for _name, value in fields):
        return False
    text = json.dumps(fields, ensure_ascii=False)
    size = len(text.encode("utf-8"))
    if size > (MAX_BYTES if user_id is not None
               else current_app.config["KEPT_FORM_VISITOR_MAX_BYTES"]):
        return False
    now = now or utcnow()
    forget(path, user_id=user_id, visitor=visitor)
    if not _room(path, user_id, visitor, now):
        return False
    db.session.add(KeptForm(
        user_id=user_id, visitor_key="" if user_id is not None else visitor, path=path,
        fields=text, size=size, created_at=now,
        expires_at=now + timedelta(seconds=current_app.config["KEPT_FORM_MAX_AGE"])))
    return True


def kept(path: str, *, user_id: int | None = None, visitor: str = "",
         now: datetime | None = None) -> MultiDict | None:
    """What was kept for this page and this person, if it has not expired."""
    if user_id is None and not visitor:
        return None
    now = now or utcnow()
    text = db.session.scalar(select(KeptForm.fields).where(
        _owner(user_id, visitor), KeptForm.path == path, KeptForm.expires_at > now)
        .order_by(KeptForm.id.desc()).limit(1))
    return MultiDict([tuple(pair) for pair in json.loads(text)]) if text else None


def forget(path: str, *, user_id: int | None = None, visitor: str = "") -> None:
    if user_id is None and not visitor:
        return
    db.session.execute(delete(KeptForm).where(_owner(user_id, visitor), KeptForm.path == path)
                       .execution_options(synchronize_session=False))


def purge_expired(now: datetime | None = None) -> int:
    """Retention: copies past their time go (run by `flask privacy purge`)."""
    now = now or utcnow()
    return db.session.execute(delete(KeptForm).where(KeptForm.expires_at <= now)
                              .execution_options(synchronize_session=False)).rowcount


# --- The request's side --------------------------------------------------------------


def _person() -> tuple[int | None, str]:
    from flask_login import current_user

    user = current_user._get_current_object()  # the proxy resolved once
    if user is not None and user.is_authenticated:
        return user.id, ""
    return None, visitor_key()


# Forms posted to an address of their own (POST only) and shown on another page: the
# features say which (endpoint → the page's endpoint, with the same arguments).
_FORM_PAGES: dict[str, str] = {}


def register_form_page(endpoint: str, page_endpoint: str) -> None:
    _FORM_PAGES[endpoint] = page_endpoint


def form_page() -> str | None:
    """The page this request's form is shown on: the address posted to when it also
    answers GET, else the page its feature registered; None when there is none."""
    rule = request.url_rule
    if rule is None:
        return None
    if "GET" in (rule.methods or ()):
        return request.path
    page = _FORM_PAGES.get(request.endpoint or "")
    return url_for(page, **(request.view_args or {})) if page else None


def same_origin() -> bool:
    """The request comes from one of our own pages (not a form on another site): the
    browser's Sec-Fetch-Site, else the Origin or Referer it sent. A form without a valid
    token is kept only then, so another site cannot fill a person's form for them."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    return bool(source) and urlsplit(source).netloc == request.host


def _posted_token() -> str:
    """The form token this request carries (a field named like the token, prefixed or
    not, as Flask-WTF looks for it), else the X-CSRFToken header."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
    for key, value in request.form.items():
        if key.endswith(name) and value:
            return value
    return request.headers.get("X-CSRFToken", "")


def own_earlier_token() -> bool:
    """This browser holds a session made by our pages and posted that session's own token,
    signed by us: too old for Flask-WTF (``WTF_CSRF_TIME_LIMIT``, the caller checks that
    this was the refusal), but not older than ``KEPT_FORM_TOKEN_MAX_AGE``. Nothing a
    script can send without first taking a page of ours and waiting hours, and then it is
    one visitor, capped as such and with its address."""
    try:
        validate_csrf(_posted_token(),
                      time_limit=current_app.config["KEPT_FORM_TOKEN_MAX_AGE"])
    except ValidationError:
        return False
    return True


def keep_posted(user_id: int | None = None, *, token_expired: bool = True) -> str | None:
    """Keep this request's posted form for the person (``user_id``, else the current
    account, else this browser's visitor key, created if needed, when the form was
    refused for its token having expired, ``token_expired``, and carries the session's own
    earlier token); the address of the page that shows it again, or None when nothing was
    kept."""
    page = form_page() if request.method == "POST" and request.form else None
    if page is None:
        return None
    if user_id is None:
        user_id, _visitor = _person()
    if user_id is None and not (token_expired and own_earlier_token()):
        return None
    visitor = "" if user_id is not None else visitor_key(create=True)
    endpoints = tuple(name for name in (request.endpoint, _FORM_PAGES.get(request.endpoint or ""))
                      if name)
    if not keep(page, request.form, user_id=user_id, visitor=visitor, endpoints=endpoints):
        return None
    g.form_kept = True  # not to be forgotten by this request's own redirect
    return page


def restore_on_get():
    """before_request: a page whose form was kept for this person shows it filled in."""
    if request.method != "GET" or request.endpoint == "static":
        return
    user_id, visitor = _person()
    if user_id is None and not visitor:
        return
    data = kept(request.path, user_id=user_id, visitor=visitor)
    if data is not None:
        g.kept_form = data
        flash(_("Nous avons gardé ce que vous aviez écrit. Vérifiez-le, puis envoyez le "
                "formulaire à nouveau. Un fichier joint doit être choisi de nouveau."), "info")


def forget_after_success(response):
    """after_request: once a page's form was sent successfully (a redirect), its kept
    copy goes."""
    if (request.method == "POST" and 300 <= response.status_code < 400
            and not g.get("form_kept")):
        user_id, visitor = _person()
        page = form_page() if user_id is not None or visitor else None
        if page is not None:
            forget(page, user_id=user_id, visitor=visitor)  # in the request's transaction
    return response


def _export(user) -> list[dict]:
    from patientlab.core.privacy import when

    return [{"page": row.path, "fields": dict(json.loads(row.fields)),
             "kept_at": when(row.created_at), "until": when(row.expires_at)}
            for row in db.session.scalars(select(KeptForm).where(KeptForm.user_id == user.id))]


def _erase(user, now: datetime) -> None:
    db.session.execute(delete(KeptForm).where(KeptForm.user_id == user.id)
                       .execution_options(synchronize_session=False))


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from patientlab.core import privacy

    app.before_request(restore_on_get)
    app.after_request(forget_after_success)
    privacy.register(privacy.PersonalData(
        "kept_forms", _l("Formulaires gardés après une session expirée"), _export,
        erase=_erase, purge=purge_expired, columns=("kept_form.user_id",), order=95))
