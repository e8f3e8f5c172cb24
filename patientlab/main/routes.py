from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import text

from patientlab.auth.forms import LanguageForm
from patientlab.auth.models import RequestStatus
from patientlab.auth.services import requestable_roles, role_requests_of
from patientlab.core import first_steps, highlights, pending
from patientlab.core.gates import CHARTER, SUSPENDED, TWO_STEP_SETUP, reachable_during
from patientlab.core.i18n import LANG_COOKIE, supported_languages
from patientlab.core.security import Role, acting_user, safe_next_url
from patientlab.extensions import db

bp = Blueprint("main", __name__)

ONE_YEAR = 365 * 24 * 3600


def _standing(user) -> str | None:
    """Where a person who could review stands: validated, waiting for the coordination,
    or (None) not asked yet."""
    if user is None:
        return None
    if user.can_review:
        return "validated"
    waiting = any(r.status == RequestStatus.PENDING for r in role_requests_of(user))
    return "waiting" if waiting else None


@bp.route("/")
def home():
    """What is live (the features' highlights), and where the person stands."""
    return render_template("main/home.html", live=highlights.highlights(),
                           standing=_standing(acting_user()))


@bp.route("/mon-espace")
@login_required
def my_space():
    """What waits for the person, most urgent first, then their coming evenings."""
    user = acting_user()
    groups = pending.for_user(user)
    work = [g for g in groups if not g.source.agenda]
    standing = _standing(user)
    return render_template("main/my_space.html", work=work,
                           agenda=[g for g in groups if g.source.agenda],
                           count=pending.count(groups), standing=standing,
                           open_roles=requestable_roles(user),
                           steps=_first_steps() if standing == "validated" and not work else [])


def _first_steps() -> list[tuple[first_steps.Step, highlights.Shown | None]]:
    """A validated reviewer with nothing to review yet: what to do in the meantime, each
    step with the open calls or next evenings it speaks of."""
    live = {shown.highlight.key: shown for shown in highlights.highlights()}
    return [(step, live.get(step.highlight)) for step in first_steps.steps()]


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
    """The charter in force, or (``?version=2026-1``) the version someone accepted."""
    from patientlab.auth.services import charter_version, current_charter

    in_force = current_charter()
    asked = request.args.get("version")
    shown = charter_version(asked) if asked else in_force
    if shown is None and asked:
        abort(404)
    user = acting_user()
    return render_template("main/charter.html", charter=shown, in_force=in_force,
                           may_ask=user is not None and Role.PATIENT_EXPERT
                           in requestable_roles(user))


@bp.route("/langue", methods=["POST"])
@reachable_during(CHARTER, TWO_STEP_SETUP, SUSPENDED)
def set_language():
    form = LanguageForm()
    target = safe_next_url(form.next.data) or url_for("main.home")
    if not form.validate_on_submit():
        return redirect(target)
    if current_user.is_authenticated:
        current_user.locale = form.lang.data
    return _remember_language(redirect(target), form.lang.data)


def _remember_language(response, lang: str):
    """The language cookie on this device: a year, never read by scripts."""
    response = make_response(response)
    response.set_cookie(LANG_COOKIE, lang, max_age=ONE_YEAR, httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/langue/<lang>")
@reachable_during(CHARTER, TWO_STEP_SETUP, SUSPENDED)
def choose_language(lang):
    """A visitor's language link: it only sets the language cookie, so the header needs
    no form, no CSRF token and no session for people who are not logged in. Logged-in
    people use the form above, which also stores the choice on their account."""
    target = safe_next_url(request.args.get("suivant")) or url_for("main.home")
    if lang not in supported_languages():
        return redirect(target)
    return _remember_language(redirect(target), lang)


@bp.route("/healthz")
@reachable_during(CHARTER, TWO_STEP_SETUP)
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"
        current_app.logger.exception("health check: database unreachable")
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200
