from flask import Blueprint, current_app, make_response, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from patientlab.auth.forms import LanguageForm
from patientlab.auth.models import RequestStatus
from patientlab.auth.services import role_requests_of
from patientlab.core import highlights
from patientlab.core.gates import CHARTER, SUSPENDED, TWO_STEP_SETUP, reachable_during
from patientlab.core.i18n import LANG_COOKIE
from patientlab.core.security import acting_user, safe_next_url
from patientlab.extensions import db

bp = Blueprint("main", __name__)

ONE_YEAR = 365 * 24 * 3600


@bp.route("/")
def home():
    """What is live (the features' highlights), and for a person who could review, where
    they stand: validated, waiting for the coordination, or how to ask."""
    user = acting_user()
    standing = None
    if user is not None:
        waiting = any(r.status == RequestStatus.PENDING for r in role_requests_of(user))
        standing = "validated" if user.can_review else ("waiting" if waiting else None)
    return render_template("main/home.html", live=highlights.highlights(), standing=standing)


@bp.route("/accessibilite")
@reachable_during(CHARTER, TWO_STEP_SETUP)
def accessibility():
    return render_template("main/accessibility.html")


@bp.route("/confidentialite")
@reachable_during(CHARTER, TWO_STEP_SETUP)
def privacy():
    return render_template("main/privacy.html")


@bp.route("/charte")
@reachable_during(CHARTER)
def charter():
    from patientlab.auth.services import current_charter

    return render_template("main/charter.html", charter=current_charter())


@bp.route("/langue", methods=["POST"])
@reachable_during(CHARTER, TWO_STEP_SETUP, SUSPENDED)
def set_language():
    form = LanguageForm()
    target = safe_next_url(form.next.data) or url_for("main.home")
    if not form.validate_on_submit():
        return redirect(target)
    if current_user.is_authenticated:
        current_user.locale = form.lang.data
        db.session.commit()
    response = make_response(redirect(target))
    response.set_cookie(LANG_COOKIE, form.lang.data, max_age=ONE_YEAR, httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/healthz")
@reachable_during(CHARTER, TWO_STEP_SETUP)
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"
        current_app.logger.exception("health check: database unreachable")
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200
