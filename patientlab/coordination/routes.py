from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from patientlab.auth import network_roles
from patientlab.auth import services as auth_svc
from patientlab.auth.forms import NetworkRoleForm, WithdrawRoleForm
from patientlab.auth.network_role_views import withdraw_role_page
from patientlab.calls import services as calls_svc
from patientlab.coordination import impact
from patientlab.coordination import participation as part
from patientlab.coordination.forms import ApproveForm, RefuseForm
from patientlab.core import days, pending
from patientlab.core.models import utcnow
from patientlab.core.permissions import COORDINATION
from patientlab.core.security import Role, acting_user, role_label, roles_required
from patientlab.core.transaction import attempt
from patientlab.networks import context

bp = Blueprint("coordination", __name__, url_prefix="/coordination")



def get_role_request_or_404(request_id: int):
    """A request to be recognised as a patient expert or an association's representative.

    Deliberately not limited to this address's network: those roles are the person's
    across the platform, validated once by the coordination of any network (the request
    names no network). Every network's coordination sees the same requests."""
    req = auth_svc.get_role_request_or_none(request_id)
    if req is None:
        abort(404)
    return req


@bp.route("/")
@roles_required(*COORDINATION)
def index():
    return render_template("coordination/index.html",
                           pending=auth_svc.pending_role_requests(),
                           calls=calls_svc.list_public_calls(),
                           groups=pending.for_user(acting_user(), shared_only=True))


@bp.route("/validations")
@roles_required(*COORDINATION)
def validations():
    return render_template("coordination/validations.html",
                           pending=auth_svc.pending_role_requests(),
                           decided=auth_svc.recent_decisions())


@bp.route("/validations/<int:request_id>")
@roles_required(*COORDINATION)
def validation(request_id):
    return _validation_page(get_role_request_or_404(request_id))


@bp.route("/validations/<int:request_id>/accepter", methods=["POST"])
@roles_required(*COORDINATION)
def approve(request_id):
    req = get_role_request_or_404(request_id)
    form = ApproveForm(prefix="approve")
    if not form.validate_on_submit():
        return _validation_page(req, approve_form=form)
    with attempt() as done:
        auth_svc.approve_role_request(acting_user(), req)
    if not done:
        return redirect(url_for("coordination.validation", request_id=req.id))
    flash(_("La demande de %(name)s est validée. La personne est prévenue par e-mail.",
            name=req.user.name), "success")
    return redirect(url_for("coordination.validations"))


@bp.route("/validations/<int:request_id>/refuser", methods=["POST"])
@roles_required(*COORDINATION)
def refuse(request_id):
    req = get_role_request_or_404(request_id)
    form = RefuseForm(prefix="refuse")
    if not form.validate_on_submit():
        return _validation_page(req, refuse_form=form)
    with attempt() as done:
        auth_svc.refuse_role_request(acting_user(), req, form.reason.data)
    if not done:
        return redirect(url_for("coordination.validation", request_id=req.id))
    flash(_("La demande de %(name)s est refusée. La personne est prévenue par e-mail.",
            name=req.user.name), "success")
    return redirect(url_for("coordination.validations"))


def _validation_page(req, approve_form=None, refuse_form=None):
    """The request, with a form to accept it and one to refuse it (each posts to its own
    address); a refused form comes back with its errors."""
    return render_template(
        "coordination/validation.html", req=req,
        approve_form=approve_form or ApproveForm(prefix="approve", formdata=None),
        refuse_form=refuse_form or RefuseForm(prefix="refuse", formdata=None),
        charter=auth_svc.latest_charter_acceptance(req.user),
    )


def _period() -> part.Period:
    default = part.default_period(days.today())

    def day(name, fallback):
        try:
            return date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            return fallback

    since, until = day("depuis", default.since), day("jusqua", default.until)
    return part.Period(min(since, until), max(since, until))


@bp.route("/participation")
@roles_required(*COORDINATION)
def participation():
    period = _period()
    return render_template("coordination/participation.html", data=part.participation(period),
                           period=period)


@bp.route("/participation.csv")
@roles_required(*COORDINATION)
def participation_csv():
    period = _period()
    separator = "," if request.args.get("separateur") == "virgule" else ";"
    return Response(part.as_csv(part.participation(period), separator),
                    mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="participation-'
                             f'{period.since.isoformat()}-{period.until.isoformat()}.csv"'})


@bp.route("/appels/<int:call_id>/impact")
@roles_required(*COORDINATION)
def impact_page(call_id):
    """What became of each project the call funded."""
    call = calls_svc.get_call_or_404(call_id, acting_user())
    rows = impact.call_impact(call)
    return render_template("coordination/impact.html", call=call, rows=rows, now=utcnow())


@bp.route("/appels/<int:call_id>/impact.csv")
@roles_required(*COORDINATION)
def impact_csv(call_id):
    call = calls_svc.get_call_or_404(call_id, acting_user())
    separator = "," if request.args.get("separateur") == "virgule" else ";"
    return Response(impact.impact_csv(call, impact.call_impact(call), separator),
                    mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="impact-appel-{call.id}.csv"'})


# --- The network's roles -----------------------------------------------------------------


@bp.route("/roles", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def roles():
    """The roles of this network only (its slug is in the address, and the coordinator
    role is checked in it), given by e-mail of an existing account."""
    network = context.current()
    form = NetworkRoleForm(prefix="role")
    if form.validate_on_submit():
        with attempt(form) as done:
            user = network_roles.grant_by_email(acting_user(), network, form.email.data,
                                                form.role.data)
        if done:
            flash(_("%(name)s a maintenant le rôle « %(role)s » dans ce réseau. La personne "
                    "est prévenue par e-mail.", name=user.name,
                    role=role_label(form.role.data)), "success")
            return redirect(url_for("coordination.roles"))
    return render_template("coordination/roles.html", network=network, form=form,
                           role_form=form, withdraw_form=WithdrawRoleForm(formdata=None),
                           holders=network_roles.holders(network.id))


@bp.route("/roles/retirer", methods=["POST"])
@roles_required(Role.COORDINATOR)
def withdraw_role():
    return withdraw_role_page(context.current(), url_for("coordination.withdraw_role"),
                              url_for("coordination.roles"), after=url_for("main.my_space"))
