"""What every request of a logged-in person goes through, before its page: sessions that
end (idle 30 minutes, 12 hours in all), the gates (two-step login to set up, a new
charter to accept, a suspended account's forms), and the display preferences.

Pages that stay reachable while a gate holds say so themselves (core.gates).
"""

import time

from flask import (
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from patientlab.core import kept
from patientlab.core.gates import CHARTER, SUSPENDED, TWO_STEP_SETUP, is_reachable
from patientlab.core.security import safe_next_url

from . import services as svc
from . import two_step
from .preferences import Preferences, current_preferences


def init_app(app) -> None:
    app.before_request(session_and_gates)
    app.context_processor(inject_preferences)


def session_and_gates():
    """End sessions idle for too long or too old, then load display preferences."""
    if request.endpoint == "static":
        return None
    user = current_user._get_current_object()  # the proxy resolved once
    if user.is_authenticated:
        now = int(time.time())
        started = session.get("_started", now)
        seen = session.get("_seen", now)
        cfg = current_app.config
        if (now - seen > cfg["SESSION_IDLE_TIMEOUT"]
                or now - started > cfg["SESSION_ABSOLUTE_TIMEOUT"]):
            current_app.logger.info("session expired user=%s", current_user.id)
            # A form sent now is kept for this account, shown again after the login.
            page = kept.keep_posted(current_user.id)
            logout_user()
            session.clear()
            if page is not None:
                flash(_("Votre session a expiré. Ce que vous avez écrit est gardé : "
                        "reconnectez-vous pour le retrouver et l’envoyer."), "info")
                target = page
            else:
                flash(_("Votre session a expiré. Reconnectez-vous pour continuer."), "info")
                target = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("auth.login", next=safe_next_url(target)))
        if now - seen > 60:  # refresh the activity mark at most once a minute
            session["_seen"] = now
        session.setdefault("_started", started)
        if (not is_reachable(request.endpoint, TWO_STEP_SETUP)
                and two_step.needs_setup(current_user)):
            target = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("auth.two_step_setup", next=safe_next_url(target)))
        if (request.method == "GET" and not is_reachable(request.endpoint, CHARTER)
                and svc.needs_charter(current_user)):
            return redirect(url_for("auth.accept_charter",
                                    next=safe_next_url(request.full_path.rstrip("?"))))
        if (current_user.is_suspended and request.method == "POST"
                and not is_reachable(request.endpoint, SUSPENDED)):
            current_app.logger.info("refused: suspended user=%s endpoint=%s",
                                    current_user.id, request.endpoint)
            g.preferences = current_preferences(request, current_user)
            return render_template("auth/suspended.html"), 403
    g.preferences = current_preferences(request, user)
    return None


#: The warning comes this long before the session ends.
SESSION_WARNING_SECONDS = 120


def session_remaining() -> int:
    """Seconds before this session ends if nothing happens: the idle limit, or the end
    of the 12 hours if that comes first."""
    cfg = current_app.config
    now = int(time.time())
    idle_left = cfg["SESSION_IDLE_TIMEOUT"] - (now - session.get("_seen", now))
    total_left = cfg["SESSION_ABSOLUTE_TIMEOUT"] - (now - session.get("_started", now))
    return max(0, min(idle_left, total_left))


def inject_preferences():
    prefs = getattr(g, "preferences", None) or Preferences()
    timing = None
    user = current_user._get_current_object() if has_request_context() else None
    if user is not None and user.is_authenticated:
        timing = {"remaining": session_remaining(), "warn": SESSION_WARNING_SECONDS,
                  "idle": current_app.config["SESSION_IDLE_TIMEOUT"],
                  "minutes": current_app.config["SESSION_IDLE_TIMEOUT"] // 60}
    return {"preferences": prefs, "session_timing": timing}


