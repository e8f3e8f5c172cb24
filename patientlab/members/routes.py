"""/membres/<id>: who someone is on the platform, for the people logged in."""

from flask import Blueprint, render_template
from flask_login import login_required

from patientlab.core.security import acting_user
from patientlab.moderation.models import REFUSAL_REASONS

from . import services as svc

bp = Blueprint("members", __name__, url_prefix="/membres")


@bp.route("/<int:user_id>")
@login_required
def profile(user_id):
    member = svc.get_member_or_404(user_id, acting_user())
    return render_template("members/profile.html",
                           page=svc.member_page(acting_user(), member),
                           reasons=REFUSAL_REASONS)
