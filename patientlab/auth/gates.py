"""What every request of a logged-in person goes through, before its page: sessions that
end (idle 30 minutes, 12 hours in all), the gates (two-step login to set up, a new
charter to accept, a suspended account's forms), and the display preferences.

Pages that stay reachable while a gate holds say so themselves (core.gates).
"""

import time

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

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
    if current_user.is_authenticated:
        now = int(time.time())
        started = session.get("_started", now)
        seen = session.get("_seen", now)
        cfg = current_app.config
        if (now - seen > cfg["SESSION_IDLE_TIMEOUT"]
                or now - started > cfg["SESSION_ABSOLUTE_TIMEOUT"]):
            current_app.logger.info("session expired user=%s", current_user.id)
            logout_user()
            session.clear()
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
    g.preferences = current_preferences(request, current_user)
    return None


def inject_preferences():
    prefs = getattr(g, "preferences", None) or Preferences()
    return {"preferences": prefs}


