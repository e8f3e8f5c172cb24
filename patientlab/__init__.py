"""PatientLab: patients and citizens taking part in cancer research."""

import logging
import os
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from patientlab.extensions import babel, csrf, db, limiter, login_manager, migrate

ENVIRONMENTS = ("development", "testing", "production")
PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ConfigurationError(RuntimeError):
    """The application cannot start with this configuration."""


def _load_config(app: Flask, env: str, overrides: dict | None) -> None:
    app.config.from_object("config.default")
    app.config.from_object(f"config.{env}")
    app.config.from_prefixed_env("PATIENTLAB")
    if "DATABASE_URL" in app.config:
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if overrides:
        app.config.update(overrides)
    app.config["ENV_NAME"] = env
    if env == "production":
        _refuse_weak_secrets(app.config)
        if not app.config.get("SQLALCHEMY_DATABASE_URI"):
            raise ConfigurationError("PATIENTLAB_DATABASE_URL must name the production database")
        _refuse_per_process_limits(app.config)
        app.config["SESSION_COOKIE_NAME"] = "__Host-session"
        # A « __Host- » cookie must have « Path=/ » (and no Domain), or browsers refuse it;
        # Flask takes the session cookie's path from APPLICATION_ROOT, so under
        # /patientlab there was no session at all.
        app.config["SESSION_COOKIE_PATH"] = "/"
        app.config["SESSION_COOKIE_DOMAIN"] = None
        # Requests naming another host (Host or X-Forwarded-Host) get a 400: links are
        # built on PUBLIC_URL anyway, but nothing should answer for a host we are not.
        if not app.config.get("TRUSTED_HOSTS"):
            app.config["TRUSTED_HOSTS"] = [urlsplit(app.config["PUBLIC_URL"]).hostname]


def _refuse_per_process_limits(config) -> None:
    """Production never counts rate limits in each process's memory (``memory://``, the
    default) unless it says it runs one process: with gunicorn's workers each would count
    on its own, every limit multiplied by their number."""
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if not config.get("RATELIMIT_ENABLED", True) or not storage.startswith("memory://"):
        return
    if str(config.get("SINGLE_PROCESS", "")).strip().lower() in ("1", "true", "yes"):
        return
    raise ConfigurationError(
        "PATIENTLAB_RATELIMIT_STORAGE_URI is memory://: each worker would count rate limits "
        "on its own. Set it to a Redis URL shared by every worker "
        "(PATIENTLAB_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0), or set "
        "PATIENTLAB_SINGLE_PROCESS=1 if the platform runs in one process only")


#: The development secret (config/default.py) and its kind: never a production key.
DEVELOPMENT_SECRET = "dev-only-secret-change-me"  # noqa: S105  # nosec B105
SECRET_MIN_LENGTH = 32
SECRET_MIN_DISTINCT = 12  # characters: « xxxx… » or « changeme » × 4 is not random


def _weak_secret(value) -> str | None:
    """Why ``value`` cannot sign production sessions and tokens, or None."""
    text = str(value or "").strip()
    if not text:
        return "missing"
    lowered = text.lower()
    if lowered == DEVELOPMENT_SECRET or "dev-only" in lowered or "change-me" in lowered:
        return "the development value"
    if len(text) < SECRET_MIN_LENGTH:
        return f"shorter than {SECRET_MIN_LENGTH} characters"
    if len(set(text)) < SECRET_MIN_DISTINCT:
        return "not random (too few different characters)"
    return None


def _refuse_weak_secrets(config) -> None:
    """Production never starts with the development secret, a missing or short one, nor
    with such a value among the old keys still accepted or as the CSRF key."""
    reason = _weak_secret(config.get("SECRET_KEY"))
    if reason:
        raise ConfigurationError(
            f"PATIENTLAB_SECRET_KEY is {reason}: set it to a random value of at least "
            f"{SECRET_MIN_LENGTH} characters (python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(48))')")
    for name in ("SECRET_KEY_FALLBACKS", "WTF_CSRF_SECRET_KEY"):
        values = config.get(name)
        if values is None:
            continue
        for value in (values if isinstance(values, (list, tuple)) else [values]):
            reason = _weak_secret(value)
            if reason:
                raise ConfigurationError(f"PATIENTLAB_{name} holds a key that is {reason}")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, and let SQLAlchemy drive transactions.

    pysqlite's own transaction handling breaks SAVEPOINT and BEGIN IMMEDIATE;
    with isolation_level None, the "begin" listener below emits BEGIN itself.
    """
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    from patientlab.core.collation import register_sqlite

    register_sqlite(dbapi_connection)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name == "sqlite":
        from patientlab.core.locking import immediate_begin

        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate_begin.get() else "BEGIN")


def create_app(env: str | None = None, config: dict | None = None) -> Flask:
    env = env or os.environ.get("PATIENTLAB_ENV", "development")
    if env not in ENVIRONMENTS:
        raise ConfigurationError(f"unknown PATIENTLAB_ENV {env!r}; use one of {ENVIRONMENTS}")
    from patientlab.core.application import Application

    app = Application(
        __name__,
        instance_path=os.environ.get("PATIENTLAB_INSTANCE_PATH",
                                     os.path.join(PROJECT_ROOT, "instance")),
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
        static_folder=os.path.join(PROJECT_ROOT, "static"),
    )
    _load_config(app, env, config)
    os.makedirs(app.instance_path, exist_ok=True)
    logging.getLogger("patientlab").setLevel(app.config.get("LOG_LEVEL", "INFO"))
    from patientlab.core import logs

    logs.install(app)

    _trust_proxies(app)
    _init_extensions(app)
    from patientlab.core import kept

    # Registrations (menu entries, notification kinds, personal data…) go to this
    # application's registries (core.registries), hence its context.
    with app.app_context():
        _register_features(app)
        kept.init_app(app)  # after the features: a session that ends is ended first
    from patientlab.core import page_cache

    page_cache.init_app(app)
    from patientlab.core import fragments

    fragments.init_app(app)
    from patientlab.core.urls import ApplicationRoot, configured_root

    # Outermost: the root every link starts with is the configured one, whatever the
    # request says (the page cache keeps pages by it).
    app.wsgi_app = ApplicationRoot(app.wsgi_app, configured_root(app.config))

    from patientlab.core import transaction
    from patientlab.core.errors import register_error_handlers
    from patientlab.core.mail import send_after_commit
    from patientlab.core.security import set_security_headers
    from patientlab.core.templating import register_template_helpers
    from patientlab.core.transaction import after_commit

    register_error_handlers(app)
    transaction.init_app(app)
    register_template_helpers(app)
    app.after_request(set_security_headers)
    after_commit(app, send_after_commit)

    from patientlab.cli import register_cli

    register_cli(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind PROXY_HOPS reverse proxies, the client's address and scheme are read from
    the X-Forwarded-For / -Proto headers those proxies set (werkzeug's ProxyFix), so that
    per-IP limits count each person, not the proxy. Off (0) by default: without a proxy,
    those headers are the client's own words and are ignored."""
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _accept_uploads(app: Flask) -> None:
    from flask import request

    @app.before_request
    def allow_uploads():
        """Pages with a file field accept larger bodies (before CSRF reads the form)."""
        if request.endpoint in app.config.get("UPLOAD_ENDPOINTS", ()):
            request.max_content_length = app.config["MAX_UPLOAD_LENGTH"]


def _init_extensions(app: Flask) -> None:
    # Flask runs the before-request hooks in the order they were registered: these
    # come before the extensions' own (CSRF reads the form, the limiter counts). An
    # address from before networks is sent on to its network's first.
    from patientlab import networks
    from patientlab.core.i18n import select_locale, select_timezone

    networks.init_app(app)
    _accept_uploads(app)
    from patientlab.core import limits

    limits.init_app(app)  # a visitor's form is counted before anything of it is read
    from patientlab.core import page_cache

    page_cache.serve_first(app)  # a visitor's kept page, before CSRF, gates and views
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(PROJECT_ROOT, "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=os.path.join(PROJECT_ROOT, "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_token: str):
        from patientlab.auth.services import get_user_by_session_token

        return get_user_by_session_token(session_token)


# The features, in the order their pages and menu entries are registered. Each package's
# init_app(app) plugs in its blueprints, template globals, menu entries, moderated kinds,
# personal data and signal receivers; nothing else names them.
FEATURES = ("main", "auth", "coordination", "projects", "moderation", "members", "events",
            "calls", "cycle", "admin")


def _register_features(app: Flask) -> None:
    from importlib import import_module

    from patientlab.core import settings as _settings  # noqa: F401 - its table is a model

    for name in FEATURES:
        import_module(f"patientlab.{name}").init_app(app)
