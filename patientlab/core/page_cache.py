"""A page cache for visitors that is never stale.

Public pages a feature registers (``register(endpoint)``) are kept in each worker's
memory for people who are not logged in, keyed by the address, the language, the
display preferences and the **version of the public content**: one number, bumped in the
same transaction as every change to a table public pages read (an evening's seats, a
project, a call, a question…). A page cached before a change is never served after it:
the next visitor reads the new version and the page is made again. Tables no public page
shows register as private (the outbox, the journal…); so do the columns of an account
that never appear publicly (last login, password…). Anything not declared private bumps
the version: a new table is safe by default.

A page with a form carries the visitor's CSRF token: it is kept with a placeholder and
each visitor gets their own token spliced in. A visitor whose session holds anything
else (a message to show, a kept form) is served a fresh page. Pages also expire after
``PAGE_CACHE_SECONDS``, for what changes with the clock alone (registrations closing).

A page asked by a visitor who has no session cookie at all is also kept at the front door
(``FrontDoor``, a WSGI layer before Flask), keyed by the request's own words (address,
host, cookies, languages) and the version: the next identical request gets the very
answer Flask gave, headers included, without Flask's hooks. A page with a form token (an
evening's registration form) is kept there with its placeholder: each visitor gets a new
session holding their own token, signed as Flask and Flask-WTF sign them
(``VisitorTokens``). No other cookie is ever handed out from the door.
"""

import secrets
import time
from collections import OrderedDict
from threading import Lock

from flask import Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import Connection, String, event, inspect, text
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.http import dump_cookie

from patientlab.extensions import db

PUBLIC = "public"
PLACEHOLDER = b"\x00csrf-token-of-this-visitor\x00"
HEADER = "X-Page-Cache"
# What a visitor's session may hold and still be served a shared page: the CSRF token
# (spliced in) and Flask-Login's bookkeeping for an anonymous visitor.
SHAREABLE_SESSION = {"csrf_token", "_fresh", "_id", "_permanent"}

_ENDPOINTS: set[str] = set()
_PRIVATE_TABLES: set[str] = {"content_version"}
_PRIVATE_COLUMNS: dict[str, set[str]] = {}
_KEY_PARTS: list = []


class ContentVersion(db.Model):
    __tablename__ = "content_version"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


def register(*endpoints: str) -> None:
    """Public pages that may be served from the cache to visitors."""
    _ENDPOINTS.update(endpoints)


def register_key_part(part) -> None:
    """``part()`` → what else makes a visitor's page differ (their display preferences)."""
    _KEY_PARTS.append(part)


def register_private_tables(*names: str) -> None:
    _PRIVATE_TABLES.update(names)


def register_private_columns(table: str, *columns: str) -> None:
    """Columns whose change alone shows on no public page (an account's last login)."""
    _PRIVATE_COLUMNS.setdefault(table, set()).update(columns)


# --- The version, bumped with every public change ------------------------------------------


def _public_change(instance) -> bool:
    table = getattr(instance, "__tablename__", None)
    if table is None or table in _PRIVATE_TABLES:
        return False
    private = _PRIVATE_COLUMNS.get(table)
    state = inspect(instance)
    if not private or not state.modified:
        return True
    return any(attr.key not in private and attr.history.has_changes()
               for attr in state.attrs)


def _bump(session: Session) -> None:
    transaction = session.get_transaction()
    marker = id(transaction) if transaction is not None else None
    if session.info.get("page_cache_bumped") == marker:
        return
    session.info["page_cache_bumped"] = marker
    session.connection().execute(text(
        "INSERT INTO content_version (name, version) VALUES (:name, 1) "
        "ON CONFLICT (name) DO UPDATE SET version = content_version.version + 1"),
        {"name": PUBLIC})


def _before_flush(session: Session, _context, _instances) -> None:
    changed = (*session.new, *session.deleted,
               *(instance for instance in session.dirty if session.is_modified(instance)))
    if any(_public_change(instance) for instance in changed):
        _bump(session)


def _on_execute(state) -> None:
    """ORM UPDATE and DELETE statements (seat counters, bulk changes) bump too."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name and name not in _PRIVATE_TABLES:
        _bump(state.session)


def _transaction_ended(session: Session) -> None:
    """after_commit, after_rollback: the next transaction bumps the version again."""
    session.info.pop("page_cache_bumped", None)


_VERSION_SQL = "SELECT version FROM content_version WHERE name = 'public'"


def current_version() -> int:
    """The public content's version. Inside a transaction of this request's session, read
    there (a change made earlier in the request counts); otherwise read as committed, on a
    connection borrowed from the pool for one statement: no session to open and close,
    no transaction to begin and roll back (a sixth of the cost)."""
    registry = db.session.registry
    if ((registry.has() and registry().in_transaction())
            or isinstance(db.session.session_factory.kw.get("bind"), Connection)):
        # Read in the session's transaction (or on the one connection the session is
        # bound to, as the tests' transaction): the driver's own query, no ORM.
        return db.session.connection().exec_driver_sql(_VERSION_SQL).scalar() or 0
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(_VERSION_SQL)
            row = cursor.fetchone()
        finally:
            cursor.close()
    finally:
        connection.close()  # back to the pool, which ends any transaction the driver began
    return (row[0] if row else 0) or 0


# --- The pages ------------------------------------------------------------------------------


class _Store:
    def __init__(self, size: int):
        self.size = size
        self.pages: OrderedDict[tuple, tuple[float, bytes, str]] = OrderedDict()
        self.lock = Lock()

    def get(self, key, max_age: float):
        with self.lock:
            found = self.pages.get(key)
            if found is None:
                return None
            if time.monotonic() - found[0] > max_age:
                del self.pages[key]
                return None
            self.pages.move_to_end(key)
            return found

    def put(self, key, body: bytes, mimetype: str) -> None:
        with self.lock:
            self.pages[key] = (time.monotonic(), body, mimetype)
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()


_store = _Store(500)
_door_store = _Store(500)
_door_paths: set[str] = set()


def clear() -> None:
    _store.clear()
    _door_store.clear()
    _door_paths.clear()


def _visitor_may_share() -> bool:
    """A visitor with nothing personal in their session (a CSRF token at most)."""
    if request.method != "GET" or request.endpoint not in _ENDPOINTS:
        return False
    if current_user.is_authenticated:
        return False
    return set(session.keys()) <= SHAREABLE_SESSION


def scope() -> str:
    """This application's own part of every key kept in this process's memory: two
    applications in one process (tests make several, each on its own database) may
    reach the same version with other content."""
    extensions = current_app.extensions
    found = extensions.get("patientlab.cache_scope")
    if found is None:
        found = extensions.setdefault("patientlab.cache_scope", secrets.token_hex(8))
    return found


def _key() -> tuple:
    # The front door read the version a moment ago, before anything of the page: the
    # same number, one query fewer.
    version = request.environ.get(DOOR_VERSION)
    # Every link of the page starts with the root (configured: core.urls.ApplicationRoot).
    return (scope(), request.script_root, request.full_path, str(get_locale()),
            *(part() for part in _KEY_PARTS),
            current_version() if version is None else version)


def serve():
    """before_request, first: a visitor's public page straight from the cache."""
    if not current_app.config.get("PAGE_CACHE", True) or not _visitor_may_share():
        return None
    key = _key()
    g.page_cache_key = key
    found = _store.get(key, current_app.config.get("PAGE_CACHE_SECONDS", 60))
    if found is None:
        return None
    _stamp, body, mimetype = found
    if PLACEHOLDER in body:
        if not session:  # a new visitor: the front door can make the next ones' tokens
            request.environ[DOOR_OK] = True
            request.environ[DOOR_FORM_PAGE] = body
        body = body.replace(PLACEHOLDER, generate_csrf().encode())
    else:
        request.environ[DOOR_OK] = True
    response = Response(body, mimetype=mimetype)
    response.headers[HEADER] = "hit"
    return response


def keep(response):
    """after_request: a visitor's public page as made, for the next visitors."""
    key = g.pop("page_cache_key", None)
    if key is None or HEADER in response.headers:
        return response
    if (response.status_code != 200 or response.direct_passthrough
            or response.mimetype != "text/html" or not _visitor_may_share()):
        return response
    body = response.get_data()
    token = g.get("csrf_token")
    if token and token.encode() in body:
        body = body.replace(token.encode(), PLACEHOLDER)
        if set(session.keys()) == {"csrf_token"} and not session.permanent:
            # A new visitor's session holds their token alone: the front door can make
            # the next one's (VisitorTokens) and splice it in.
            request.environ[DOOR_OK] = True
            request.environ[DOOR_FORM_PAGE] = body
    else:  # nothing personal in it: the front door may keep it too
        request.environ[DOOR_OK] = True
    _store.put(key, body, response.mimetype)
    response.headers[HEADER] = "miss"
    return response


# --- The front door: before Flask ------------------------------------------------------------

#: Set by ``keep`` on the request's WSGI environ: this answer may be kept at the door.
DOOR_OK = "patientlab.page_cache.door"
DOOR_VERSION = "patientlab.page_cache.version"
#: Set by ``keep`` beside DOOR_OK: the page's body with the visitor's token as a placeholder.
DOOR_FORM_PAGE = "patientlab.page_cache.form_page"
_DOOR_ENVIRON = ("PATH_INFO", "QUERY_STRING", "SCRIPT_NAME", "HTTP_HOST", "wsgi.url_scheme",
                 "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_COOKIE",
                 "HTTP_ACCEPT_LANGUAGE")
MAX_DOOR_PATHS = 20000


class VisitorTokens:
    """A new visitor's session and CSRF token, made as Flask and Flask-WTF make them
    (``generate_csrf`` then the session interface's ``save_session``): a random raw token
    kept in a signed session cookie, and the same token signed with a timestamp for the
    form. The form token is checked by Flask-WTF against the session, as any other."""

    def __init__(self, app):
        config = app.config
        interface = app.session_interface
        self.form_signer = URLSafeTimedSerializer(
            config.get("WTF_CSRF_SECRET_KEY") or app.secret_key, salt="wtf-csrf-token")
        self.session_signer = interface.get_signing_serializer(app)
        self.field = config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
        self.cookie_name = interface.get_cookie_name(app)
        self.cookie = {"domain": interface.get_cookie_domain(app),
                       "path": interface.get_cookie_path(app),
                       "secure": interface.get_cookie_secure(app),
                       "httponly": interface.get_cookie_httponly(app),
                       "samesite": interface.get_cookie_samesite(app),
                       "partitioned": interface.get_cookie_partitioned(app)}

    def new(self) -> tuple[bytes, str]:
        """(the form's token, the Set-Cookie header's value) for one new visitor."""
        raw = secrets.token_hex(20)  # 40 hex characters, as Flask-WTF's raw tokens
        cookie = dump_cookie(self.cookie_name, self.session_signer.dumps({self.field: raw}),
                             **self.cookie)
        return self.form_signer.dumps(raw).encode(), cookie


class FrontDoor:
    """WSGI middleware: a visitor without a session cookie asking again for a page kept
    by ``keep`` gets Flask's earlier answer, read from memory after one look at the
    public version; a page with a form, with that visitor's own new session and token."""

    def __init__(self, wsgi_app, flask_app):
        self.wsgi_app = wsgi_app
        self.flask_app = flask_app
        self.store = _door_store  # keyed by application too: tests make several
        # The paths whose page was kept once: any other (a file, a form page) goes
        # straight to Flask, without reading the version.
        self.paths = _door_paths
        config = flask_app.config
        self.personal_cookies = tuple(f"{name}=" for name in (
            config.get("SESSION_COOKIE_NAME", "session"),
            config.get("REMEMBER_COOKIE_NAME", "remember_token")))
        self._tokens = None

    @property
    def tokens(self) -> VisitorTokens:
        if self._tokens is None:  # at the first page with a form: the configuration is final
            self._tokens = VisitorTokens(self.flask_app)
        return self._tokens

    def _version(self) -> int:
        with self.flask_app.app_context():  # the app's own session, as Flask's pages read
            return current_version()

    def _learn(self, environ, start_response):
        """A path not known yet: Flask answers; if the page was kept, the door learns
        the path and keeps the page from the next time on."""
        result = self.wsgi_app(environ, start_response)
        if environ.get(DOOR_OK):
            if len(self.paths) >= MAX_DOOR_PATHS:
                self.paths.clear()
            self.paths.add(environ.get("PATH_INFO"))
        return result

    def __call__(self, environ, start_response):
        config = self.flask_app.config
        cookies = environ.get("HTTP_COOKIE", "")
        if (environ.get("REQUEST_METHOD") != "GET" or not config.get("PAGE_CACHE", True)
                or any(name in cookies for name in self.personal_cookies)):
            return self.wsgi_app(environ, start_response)
        if environ.get("PATH_INFO") not in self.paths:
            return self._learn(environ, start_response)
        try:
            version = self._version()
        except Exception:  # the database is away: Flask answers, with its error page
            return self.wsgi_app(environ, start_response)
        environ[DOOR_VERSION] = version
        key = (id(self.flask_app), *(environ.get(name, "") for name in _DOOR_ENVIRON), version)
        found = self.store.get(key, config.get("PAGE_CACHE_SECONDS", 60))
        if found is not None:
            _stamp, body, (status, headers, with_token) = found
            if not with_token:
                start_response(status, list(headers))
                return [body]
            token, cookie = self.tokens.new()
            body = body.replace(PLACEHOLDER, token)
            start_response(status, [*((name, str(len(body)) if name == "Content-Length"
                                       else value) for name, value in headers),
                                    ("Set-Cookie", cookie)])
            return [body]
        answer = {}

        def remember(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, remember)
        if not environ.get(DOOR_OK):
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        kept = self._keepable(answer, environ.get(DOOR_FORM_PAGE) is not None)
        if kept is not None:
            self.store.put(key, environ.get(DOOR_FORM_PAGE) or body,
                           (answer["status"], kept, DOOR_FORM_PAGE in environ))
        return [body]

    def _keepable(self, answer: dict, with_token: bool) -> tuple | None:
        """The answer's headers as the next visitors get them, or None if it may not be
        kept: not a 200, ``no-store``, or a cookie other than the new visitor's session
        (which the door makes anew for each one)."""
        if not answer.get("status", "").startswith("200 "):
            return None
        kept = []
        for name, value in answer.get("headers", []):
            lowered = name.lower()
            if lowered == "cache-control" and "no-store" in value:
                return None
            if lowered == "set-cookie":
                if with_token and value.startswith(f"{self.tokens.cookie_name}="):
                    continue
                return None
            kept.append((name, "hit" if name == HEADER else value))
        return tuple(kept)


def init_app(app) -> None:
    for name, listener in (("before_flush", _before_flush), ("do_orm_execute", _on_execute),
                           ("after_commit", _transaction_ended),
                           ("after_rollback", _transaction_ended)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    register_private_tables("audit_entry", "kept_form", "notification_digest",
                            "notification_setting", "outbox_message", "recovery_code",
                            "charter_acceptance", "role_request")
    # First of the hooks: a visitor's shared page needs none of the others (no rate limit
    # applies to these pages, no gate holds a visitor). Right after the upload-size hook.
    funcs = app.before_request_funcs.setdefault(None, [])
    funcs.insert(1 if funcs else 0, serve)
    app.after_request(keep)
    door = FrontDoor(app.wsgi_app, app)
    app.extensions["front_door"] = door
    app.wsgi_app = door
