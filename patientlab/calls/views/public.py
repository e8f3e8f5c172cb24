"""Public call pages: the open, upcoming and closed « Expérience patient » calls."""

from flask import Blueprint, render_template

from patientlab.core import days
from patientlab.core.models import utcnow
from patientlab.core.security import acting_user

from .. import api
from .. import services as svc
from ..models import CallState

bp = Blueprint("calls", __name__)


@bp.route("/appels/")
def index():
    return render_template("calls/index.html", calls=svc.list_public_calls(), now=utcnow())


@bp.route("/appels/<int:call_id>")
def detail(call_id):
    user = acting_user()
    call = svc.get_call_or_404(call_id, user)
    mine = [a for a in svc.applications_of(user) if a.call_id == call.id] if user else []
    return render_template("calls/detail.html", call=call, now=utcnow(), mine=mine,
                           can_apply=svc.can_apply(user), State=CallState,
                           last_day=days.last_day, day=days.paris_day)


@bp.route("/appels/<int:call_id>/resultats")
def results(call_id):
    """The funded projects of a call and why they were chosen, once results are out."""
    call = svc.get_call_or_404(call_id, acting_user())
    now = utcnow()
    public = api.results_are_public(call, now)
    return render_template("calls/results.html", call=call, now=now, public=public,
                           funded=api.funded_applications(call) if public else [])
