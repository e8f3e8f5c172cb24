"""Rate limits every form a visitor can send, before anything of it is read or kept.

Routes that work without an account state their own limits (login, registration, an
evening's registration…). Beneath them, every POST from someone not logged in counts
toward ``RATE_LIMIT_VISITOR_POST_PER_IP``, per address and per endpoint, in the first
hook of the request: before the CSRF check (whose error path may keep the form,
core.kept), before the gates and before the view. A new public form is limited the day
it is added, without anyone having to remember it.

The counters are Flask-Limiter's (same storage: Redis with several workers).
"""

from flask import abort, current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse_many

from patientlab.extensions import limiter

SCOPE = "visitor-post"


def within(setting: str, scope: str, *keys: str) -> bool:
    """One more hit of the limits named by config ``setting`` for this address (and
    ``keys``); False once any is past. Always True when rate limits are off."""
    if not limiter.enabled:
        return True
    address = get_remote_address()
    allowed = True
    for item in parse_many(current_app.config[setting]):  # each limit counts this hit
        allowed = limiter.limiter.hit(item, scope, address, *keys) and allowed
    return allowed


def limit_visitor_posts():
    """before_request, before the extensions' hooks: a visitor's POST past the limit
    gets the 429 page."""
    if request.method != "POST" or not limiter.enabled:
        return
    if current_user.is_authenticated:
        return
    if not within("RATE_LIMIT_VISITOR_POST_PER_IP", SCOPE, request.endpoint or "-"):
        current_app.logger.info("visitor posts limit reached ip=%s path=%r",
                                request.remote_addr, request.path)
        abort(429)


@limiter.request_filter  # Flask-Limiter's public hook; registered once, on the shared extension
def reading_needs_no_limit() -> bool:
    """A page read (GET, HEAD) that no limit can apply to: every route's own limit is on
    its POST, and none is set for the whole application. Flask-Limiter would otherwise
    look up, at every page, the limits of a route that has none (a fifth of a millisecond,
    a sixth of the home page). With an application-wide or default limit, it looks."""
    if request.method not in ("GET", "HEAD"):
        return False
    manager = limiter.limit_manager
    return not (manager.application_limits or manager.default_limits)


def init_app(app) -> None:
    """Called before the extensions are set up (create_app): Flask runs before-request
    hooks in the order they were registered, so this one comes before CSRF's."""
    app.before_request(limit_visitor_posts)
