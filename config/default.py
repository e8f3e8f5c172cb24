"""Settings shared by every environment.

Any setting can be overridden by an environment variable prefixed with
``PATIENTLAB_`` (for example ``PATIENTLAB_MAIL_SMTP_HOST``); values are parsed as
JSON when possible, so ``PATIENTLAB_MAIL_SMTP_PORT=587`` becomes an integer.
"""

from datetime import timedelta

SECRET_KEY = "dev-only-secret-change-me"  # noqa: S105 - refused in production  # nosec B105
SQLALCHEMY_DATABASE_URI = "sqlite:///patientlab.sqlite3"  # relative to instance/
SQLALCHEMY_ENGINE_OPTIONS: dict = {}

BABEL_DEFAULT_LOCALE = "fr"
BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
LANGUAGES = ("fr", "en")
MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # 2 MB: larger bodies get a 413 page
MAX_UPLOAD_LENGTH = 11 * 1024 * 1024  # pages with a PDF field (the PDF itself: 10 MB)
UPLOAD_DIR = ""  # default: <instance>/uploads, outside static/

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = 4 * 3600

# argon2id parameters (OWASP: m=19 MiB, t=2, p=1 at least)
ARGON2_TIME_COST = 2
ARGON2_MEMORY_COST = 19 * 1024
ARGON2_PARALLELISM = 1
PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128

EMAIL_VERIFICATION_MAX_AGE = 48 * 3600
PASSWORD_RESET_MAX_AGE = 3600
CHARTER_VERSION = "2026-1"

# Mail: every message goes through the outbox table first.
MAIL_FROM = "PatientLab <ne-pas-repondre@patientlab.fr>"
MAIL_SMTP_HOST = ""  # empty: messages are written to instance/mail/ and logged
MAIL_SMTP_PORT = 587
MAIL_SMTP_USERNAME = ""
MAIL_SMTP_PASSWORD = ""  # empty: no SMTP login  # nosec B105
MAIL_SMTP_STARTTLS = True
MAIL_SEND_AFTER_COMMIT = True  # deliver right after the request commits
MAIL_DIR = ""  # default: <instance>/mail
MAIL_MAX_BACKOFF_SECONDS = 6 * 3600
OUTBOX_KEEP_DAYS = 30  # sent messages (and saved copies) are erased after this many days

# Sessions: logged out after 30 minutes without activity, and after 12 hours in any case.
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_ABSOLUTE_TIMEOUT = 12 * 3600
# What was typed in a form posted after the session expired (or with a stale token) is
# kept this long, server-side, for the person to find it again (core.kept).
KEPT_FORM_MAX_AGE = 12 * 3600
# A visitor's form is kept only when refused because it carries their session's own
# token, expired (past WTF_CSRF_TIME_LIMIT) but at most this old, and only the fields
# forms declare; at most this many pages per visitor (and per account), per client address
# (hashed: IPv4, or the /64 of IPv6), this many for all visitors together, each at most
# this large. Every form refused for its token counts toward a
# per-address limit (the 429 page past it).
KEPT_FORM_TOKEN_MAX_AGE = 24 * 3600
KEPT_FORMS_PER_VISITOR = 3
KEPT_FORMS_PER_ACCOUNT = 20
KEPT_FORMS_PER_ADDRESS = 10
KEPT_FORMS_VISITORS_TOTAL = 500
KEPT_FORM_VISITOR_MAX_BYTES = 20_000
RATE_LIMIT_STALE_FORM_PER_IP = "10 per minute;30 per hour"

# Visitors' public pages kept in each worker's memory and revalidated by browsers and
# proxies (ETag, « public, no-cache », 304), never stale: keyed by the versions of the
# scopes each page shows, bumped with every change (core.page_cache). Pages are also keyed
# by a window of this many seconds, for what changes with the clock alone (registrations
# closing). The home page's lists (core.highlights) and parts that are the same for
# everyone (core.fragments) have their own switches.
PAGE_CACHE = True
PAGE_CACHE_SECONDS = 60
HIGHLIGHTS_CACHE = True
FRAGMENT_CACHE = True

# Rate limits (Flask-Limiter). memory:// counts per process: with several gunicorn
# workers or hosts, set PATIENTLAB_RATELIMIT_STORAGE_URI to a Redis URL (production
# refuses to start otherwise).
# Reverse proxies in front of the application (nginx, Caddy…): with 1, the client's
# address is the last one the proxy added to X-Forwarded-For. 0 (default): no proxy, the
# header is ignored. Set it to exactly the number of proxies, never more.
PROXY_HOPS = 0
RATELIMIT_ENABLED = True
RATELIMIT_STORAGE_URI = "memory://"
# Production refuses memory:// (counted in each worker) unless this says the platform runs
# in one process only (PATIENTLAB_SINGLE_PROCESS=1).
SINGLE_PROCESS = False
RATELIMIT_HEADERS_ENABLED = True
RATE_LIMIT_LOGIN_PER_IP = "20 per minute;100 per hour"
RATE_LIMIT_LOGIN_PER_ACCOUNT = "5 per minute;30 per hour"
RATE_LIMIT_REGISTER_PER_IP = "10 per hour"
# Registrations to an evening: per address, and per evening whoever sends them.
RATE_LIMIT_EVENT_REGISTER_PER_IP = "10 per minute;60 per hour"
RATE_LIMIT_EVENT_REGISTER_PER_EVENT = "120 per minute"
# One address typed on registration forms, from any IP: a few tries, not a mail bomb.
RATE_LIMIT_EVENT_REGISTER_PER_EMAIL = "5 per minute;20 per hour"
RATE_LIMIT_RESET_PER_IP = "10 per hour"
RATE_LIMIT_RESET_PER_ACCOUNT = "3 per hour"
RATE_LIMIT_CODE_PER_IP = "20 per minute;100 per hour"
RATE_LIMIT_CODE_PER_ACCOUNT = "5 per minute;20 per hour"
# Every form sent by someone not logged in, per address and per form, before anything of
# it is read (core.limits); the routes' own limits above come on top.
RATE_LIMIT_VISITOR_POST_PER_IP = "30 per minute;300 per hour"

# Two-step login (authenticator app): required for these roles, offered to everyone.
MFA_REQUIRED_ROLES = ("admin", "coordinator", "moderator")
LOGIN_CODE_MAX_AGE = 5 * 60  # seconds between the password and the code

# Moderation: content reported by this many different people is hidden until a
# moderator looks; authors with this many contributions published by a moderator are
# trusted (published at once, moderated afterwards; 0 turns trust off).
MODERATION_REPORTS_TO_HIDE = 3
# Only reports by confirmed accounts at least this many days old count toward hiding:
# three throwaway accounts cannot hide what someone wrote.
MODERATION_REPORTER_MIN_DAYS = 7
MODERATION_TRUST_AFTER = 3
# FALC texts get their « Facile à lire » badge once this many panel readers understood
# every paragraph (projects.falc; admins change it in /admin/reglages).
FALC_READERS_NEEDED = 2

# « Parle-Moi »: registrants' personal data is erased this many days after the event.
EVENT_PURGE_DAYS = 90

# Retention (CNIL): accounts never confirmed are erased after 30 days; accounts without a
# login for 2 years are warned, then erased 30 days later (`flask privacy purge`, daily).
UNVERIFIED_ACCOUNT_DAYS = 30
INACTIVE_ACCOUNT_DAYS = 730
INACTIVITY_WARNING_DAYS = 30

CONTACT_EMAIL = "accessibilite@patientlab.fr"
# Where reviewers, associations and newcomers write to the coordination (the charter, the
# sign-up form, « Mon espace »).
COORDINATION_EMAIL = "coordination@patientlab.fr"
PRIVACY_EMAIL = "dpo@patientlab.fr"
PLATFORM_NAME = "PatientLab"
# Base of every link in a mail or a calendar file (never the request's Host header).
PUBLIC_URL = "http://127.0.0.1:5000"
# Host names this platform answers for; others get a 400. Production defaults to the
# host of PUBLIC_URL; a list such as ["patientlab.fr", "www.patientlab.fr"] adds more.
TRUSTED_HOSTS: list[str] | None = None
HSTS = False
