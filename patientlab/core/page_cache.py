"""Visitors' public pages, kept and revalidated on HTTP's own terms, never stale.

**Versions per scope.** What a public page shows is named by scopes: one evening
(``event:12``), one project, one call, a list (the agenda with its seats, the projects…),
and ``global`` for everything else. Each scope has a version in the ``content_version``
table, bumped in the same transaction as every change to what it covers: a feature maps
each of its tables to the scopes a change of one row touches (a registration: its
evening and the lists that show seats). A table nobody mapped bumps ``global``, which
every page shows: a new table is safe by default. Tables no public page shows register
as private, and so do the columns of an account that never appear publicly (last
login, password…). UPDATE and DELETE statements, whose rows are not known, bump
``global`` too.

**A page says what it shows.** A feature registers each cacheable endpoint with a
function of the URL's values that names its scopes (``events.detail`` shows
``event:<id>`` and the projects it presents). The page's key is made, before the view
runs, of those scopes' versions, the address, the application root, the language, the
display preferences and the minute window (``PAGE_CACHE_SECONDS``, for what changes
with the clock alone: registrations closing).

**Two layers.** A visitor (not logged in, nothing personal in the session) gets the
page from this worker's memory when its key is known (``X-Page-Cache: hit``); the page
also carries an ``ETag`` made of that key and ``Cache-Control: public, no-cache``: a
browser or a proxy in front (nginx, a CDN) may store it but must ask again each time,
and a question with the same ``If-None-Match`` gets ``304 Not Modified`` before any view
or template runs. A page that carries a form token or sets a cookie is never shared.
"""

import hashlib
import os
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from threading import Lock

from flask import Response, current_app, g, has_app_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import Connection, String, bindparam, event, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from patientlab.extensions import db

GLOBAL = "global"
HEADER = "X-Page-Cache"
#: Browsers and proxies may store a visitor's page but ask again every time.
CACHE_CONTROL = "public, no-cache"
#: What else than the address a visitor's page depends on: their cookies (language,
#: display preferences, a session) and the languages their browser asks for.
VARY = "Cookie, Accept-Language"
# What a visitor's session may hold and still be served a shared page: a CSRF token made
# by another page (no shared page carries one) and Flask-Login's bookkeeping.
SHAREABLE_SESSION = {"csrf_token", "_fresh", "_id", "_permanent"}
EXTENSION = "page_cache"

Shows = Callable[..., Iterable[str]]


class ContentVersion(db.Model):
    __tablename__ = "content_version"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


def scope_name(kind: str, key=None) -> str:
    """``scope_name("event", 12)`` → ``"event:12"``; ``scope_name("agenda")`` → ``"agenda"``."""
    return kind if key is None else f"{kind}:{key}"


@dataclass
class Registry:
    """What the features told this application: its cacheable pages and what each
    shows, the scopes each table's rows touch, what is private, what else keys a page."""

    pages: dict[str, Shows] = field(default_factory=dict)
    scopes: dict[str, Callable[[object], Iterable[str]]] = field(default_factory=dict)
    private_tables: set[str] = field(default_factory=lambda: {"content_version"})
    private_columns: dict[str, set[str]] = field(default_factory=dict)
    key_parts: list[Callable[[], str]] = field(default_factory=list)
    # This application's own part of every key kept in the process's memory: two
    # applications in one process (tests make several, each on its own database) may
    # reach the same versions with other content.
    token: str = field(default_factory=lambda: secrets.token_hex(8))


def registry(app=None) -> Registry:
    extensions = (app or current_app).extensions
    found = extensions.get(EXTENSION)
    if found is None:
        found = extensions.setdefault(EXTENSION, Registry())
    return found


def register(app, endpoint: str, shows: Shows = lambda **_values: ()) -> None:
    """A public page that may be kept for visitors; ``shows(**view_args)`` names the
    scopes it shows beyond ``global``."""
    registry(app).pages[endpoint] = shows


def register_scopes(app, table: str, scopes: Callable[[object], Iterable[str]]) -> None:
    """``scopes(row)`` → the scopes a new, changed or deleted row of ``table`` touches."""
    registry(app).scopes[table] = scopes


def register_key_part(app, part: Callable[[], str]) -> None:
    """``part()`` → what else makes a visitor's page differ (their display preferences)."""
    registry(app).key_parts.append(part)


def register_private_tables(app, *names: str) -> None:
    registry(app).private_tables.update(names)


def register_private_columns(app, table: str, *columns: str) -> None:
    """Columns whose change alone shows on no public page (an account's last login)."""
    registry(app).private_columns.setdefault(table, set()).update(columns)


def scope() -> str:
    """This application's part of every key kept in memory (core.fragments too)."""
    return registry().token


# --- The versions, bumped with every public change ------------------------------------------


def _public_change(found: Registry, instance, table: str) -> bool:
    private = found.private_columns.get(table)
    state = inspect(instance)
    if not private or not state.modified:
        return True
    return any(attr.key not in private and attr.history.has_changes()
               for attr in state.attrs)


def _scopes_of(found: Registry, instance) -> Iterable[str]:
    table = getattr(instance, "__tablename__", None)
    if table is None or table in found.private_tables:
        return ()
    if not _public_change(found, instance, table):
        return ()
    mapped = found.scopes.get(table)
    if mapped is None:
        return (GLOBAL,)
    try:
        return tuple(mapped(instance))
    except SQLAlchemyError:  # a deleted row whose values can no longer be read
        return (GLOBAL,)


def _bump(session: Session, names: Iterable[str]) -> None:
    """Each scope once per transaction, in a fixed order (two transactions bumping the
    same scopes lock their rows in the same order)."""
    transaction = session.get_transaction()
    marker = id(transaction) if transaction is not None else None
    seen_marker, seen = session.info.get("page_cache_bumped", (None, set()))
    if seen_marker != marker:
        seen = set()
    new = sorted(set(names) - seen)
    if not new:
        return
    session.info["page_cache_bumped"] = (marker, seen | set(new))
    session.connection().execute(text(
        "INSERT INTO content_version (name, version) VALUES (:name, 1) "
        "ON CONFLICT (name) DO UPDATE SET version = content_version.version + 1"),
        [{"name": name} for name in new])


def _after_flush(session: Session, _context) -> None:
    # After the flush: new rows have their ids (a new registration names its evening's).
    if not has_app_context() or EXTENSION not in current_app.extensions:
        return
    found = registry()
    # A row whose own columns changed: a collection that gained a row (an evening's
    # registrations) is that row's change, mapped to its own scopes.
    changed = (*session.new, *session.deleted,
               *(instance for instance in session.dirty
                 if session.is_modified(instance, include_collections=False)))
    names = {name for instance in changed for name in _scopes_of(found, instance)}
    if names:
        _bump(session, names)


def _on_execute(state) -> None:
    """ORM UPDATE and DELETE statements (bulk changes: their rows are unknown) bump the
    global scope, unless their table is private."""
    if not (state.is_update or state.is_delete):
        return
    if not has_app_context() or EXTENSION not in current_app.extensions:
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name and name not in registry().private_tables:
        _bump(state.session, (GLOBAL,))


def _transaction_ended(session: Session) -> None:
    """after_commit, after_rollback: the next transaction bumps its scopes again."""
    session.info.pop("page_cache_bumped", None)


_PARAMETERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}
_VERSIONS = text("SELECT name, version FROM content_version WHERE name IN :names").bindparams(
    bindparam("names", expanding=True))


def versions(names: Iterable[str]) -> tuple[int, ...]:
    """The versions of ``names`` (0 for a scope never changed), in that order. Inside a
    transaction of this request's session, read there (a change made earlier in the
    request counts); otherwise read as committed, on a connection borrowed from the pool
    for one statement: no session to open and close, no transaction to begin and roll
    back."""
    names = list(names)
    registry_ = db.session.registry
    if ((registry_.has() and registry_().in_transaction())
            or isinstance(db.session.session_factory.kw.get("bind"), Connection)):
        rows = db.session.connection().execute(_VERSIONS, {"names": names}).all()
    else:
        marker = _PARAMETERS.get(db.engine.dialect.paramstyle)
        if marker is None:  # a driver with named parameters: through SQLAlchemy
            with db.engine.connect() as connection:
                rows = connection.execute(_VERSIONS, {"names": names}).all()
        else:
            rows = _read_raw(names, marker)
    found = dict(rows)
    return tuple(found.get(name) or 0 for name in names)


def _read_raw(names: list[str], marker: str) -> list:
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            # Only the driver's placeholders are joined in; the names are parameters.
            placeholders = ", ".join([marker] * len(names))
            query = f"SELECT name, version FROM content_version WHERE name IN ({placeholders})"  # noqa: S608  # nosec B608
            cursor.execute(query, tuple(names))
            return cursor.fetchall()
        finally:
            cursor.close()
    finally:
        connection.close()  # back to the pool, which ends any transaction the driver began


def current_version(*names: str) -> tuple[int, ...]:
    """The versions of ``global`` and of ``names``."""
    return versions((GLOBAL, *names))


# --- The pages ------------------------------------------------------------------------------


class _Store:
    def __init__(self, size: int):
        self.size = size
        self.pages: OrderedDict[tuple, tuple[bytes, str, str]] = OrderedDict()
        self.lock = Lock()

    def get(self, key):
        with self.lock:
            found = self.pages.get(key)
            if found is not None:
                self.pages.move_to_end(key)
            return found

    def put(self, key, body: bytes, mimetype: str, etag: str) -> None:
        with self.lock:
            self.pages[key] = (body, mimetype, etag)
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()


_store = _Store(500)


def clear() -> None:
    _store.clear()


def _release() -> str:
    """What names the code that makes the pages (a new release changes every ETag): the
    configured ``RELEASE``, else the last change to the code, templates and catalogues."""
    configured = current_app.config.get("RELEASE")
    if configured:
        return str(configured)
    return _code_stamp(current_app.root_path, current_app.template_folder or "")


_STAMPS: dict[tuple, str] = {}


def _code_stamp(*folders: str) -> str:
    found = _STAMPS.get(folders)
    if found is None:
        root = os.path.dirname(folders[0])
        latest = 0.0
        for folder in (*folders, os.path.join(root, "translations")):
            for path, _dirs, files in os.walk(folder):
                for name in files:
                    if name.endswith((".py", ".html", ".mo", ".txt")):
                        latest = max(latest, os.stat(os.path.join(path, name)).st_mtime)
        found = _STAMPS[folders] = f"{latest:.0f}"
    return found


def _visitor_may_share(found: Registry) -> bool:
    """A visitor with nothing personal in their session, asking for a cacheable page."""
    if request.method not in ("GET", "HEAD") or request.endpoint not in found.pages:
        return False
    if current_user.is_authenticated:
        return False
    return set(session.keys()) <= SHAREABLE_SESSION


def _key(found: Registry) -> tuple:
    shows = found.pages[request.endpoint]
    names = (GLOBAL, *sorted(set(shows(**(request.view_args or {})))))
    window = int(time.time() // max(1, current_app.config.get("PAGE_CACHE_SECONDS", 60)))
    # Every link of the page starts with the root (configured: core.urls.ApplicationRoot).
    # The address names the network (its slug first); the host name too may (a network's
    # own host name decides where the links of a page of the whole platform lead): both
    # are in the key, so one network's page is never served for another's.
    return (request.script_root, request.host.lower(), request.full_path, str(get_locale()),
            *(part() for part in found.key_parts), window, names, versions(names))


def _etag(key: tuple) -> str:
    return hashlib.sha256(repr((_release(), key)).encode()).hexdigest()[:32]


def _validated(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["Vary"] = VARY
    return response


def serve():
    """before_request, first: ``304`` to a visitor whose copy is current; else their
    page from this worker's memory, when kept."""
    if not current_app.config.get("PAGE_CACHE", True):
        return None
    found = registry()
    if not _visitor_may_share(found):
        return None
    key = _key(found)
    etag = _etag(key)
    g.page_cache_key = (found.token, *key)
    g.page_cache_etag = etag
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        kept = _store.get(g.page_cache_key)
        if kept is None:
            return None
        body, mimetype, _etag_kept = kept
        response = Response(body, mimetype=mimetype)
    response.headers[HEADER] = "hit"
    return _validated(response, etag)


def _token_field() -> bytes:
    name = current_app.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
    return f'name="{name}"'.encode()


def keep(response):
    """after_request: a visitor's public page as made, for the next visitors, with its
    validators; a page with a form token or a cookie of its own is nobody else's."""
    key = g.pop("page_cache_key", None)
    if key is None or HEADER in response.headers:
        return response
    if (response.status_code != 200 or response.direct_passthrough
            or response.mimetype != "text/html" or not _visitor_may_share(registry())):
        return response
    body = response.get_data()
    if "Set-Cookie" in response.headers or _token_field() in body:
        response.headers["Cache-Control"] = "no-store"
        return response
    etag = g.pop("page_cache_etag")
    _store.put(key, body, response.mimetype, etag)
    response.headers[HEADER] = "miss"
    return _validated(response, etag)


def init_app(app) -> None:
    for name, listener in (("after_flush", _after_flush), ("do_orm_execute", _on_execute),
                           ("after_commit", _transaction_ended),
                           ("after_rollback", _transaction_ended)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    register_private_tables(app, "audit_entry", "kept_form", "notification_digest",
                            "notification_setting", "outbox_message", "recovery_code",
                            "charter_acceptance", "role_request")
    app.after_request(keep)


def serve_first(app) -> None:
    """A visitor's shared page (or its 304) needs none of the other hooks (no rate limit
    applies to these pages, no gate holds a visitor, no form is read): create_app
    registers this before the extensions' own, and Flask runs hooks in that order."""
    app.before_request(serve)
