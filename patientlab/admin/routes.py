"""/admin/: the audit journal and the accounts (roles, suspension). Admins only."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from patientlab.auth import services as auth_services
from patientlab.auth import suspension, two_step
from patientlab.auth.forms import (
    LiftForm,
    NetworkRoleForm,
    PublishCharterForm,
    SuspendForm,
    WithdrawRoleForm,
)
from patientlab.auth.network_role_views import withdraw_role_page
from patientlab.core.errors import ServiceError
from patientlab.core.pagination import page_number
from patientlab.core.sanitize import editable
from patientlab.core.security import ROLE_LABELS, Role, acting_user, role_label, roles_required
from patientlab.core.transaction import attempt

from . import networks as admin_networks
from . import services as svc
from .forms import (
    AssociationForm,
    DeleteNetworkForm,
    NetworkForm,
    NewsForm,
    ResetTwoStepForm,
    RolesForm,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")



def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/nouvelles", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def news():
    """A message from the team to everyone, as each person chose to get such news."""
    form = NewsForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            told = svc.send_news(acting_user(), form.subject.data, form.body.data)
        if done:
            flash(ngettext("Le message part vers %(num)s personne, selon ses choix.",
                           "Le message part vers %(num)s personnes, selon leurs choix.", told),
                  "success")
            return redirect(url_for("admin.news"))
    return render_template("admin/news.html", form=form)


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    return render_template("admin/index.html")


@bp.route("/journal")
@roles_required(Role.ADMIN)
def journal():
    query = svc.JournalQuery(
        action=request.args.get("action", "")[:40], object_type=request.args.get("objet", "")[:40],
        actor=request.args.get("auteur", "").strip()[:100], since=_date("depuis"),
        until=_date("jusqua"), page=page_number(request.args.get("page")))
    actions, types = svc.journal_choices()
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/journal.html", result=svc.journal(query), query=query,
                           actions=actions, types=types, page_args=args)


@bp.route("/utilisateurs/")
@roles_required(Role.ADMIN)
def users():
    q = request.args.get("q", "").strip()[:100]
    role = request.args.get("role", "")
    result = svc.search_users(q, role, page_number(request.args.get("page")))
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/users.html", result=result, q=q, role=role,
                           page_args=args, roles=ROLE_LABELS)


def _user_page(user, roles_form=None, suspend_form=None, reset_form=None, status=200):
    if roles_form is None:
        roles_form = RolesForm(formdata=None, prefix="roles")
        roles_form.roles.data = sorted(row.role for row in user.role_rows)
    return render_template(
        "admin/user.html", user=user, roles_form=roles_form,
        suspend_form=suspend_form or SuspendForm(formdata=None, prefix="suspend"),
        reset_form=reset_form or ResetTwoStepForm(formdata=None, prefix="two_step"),
        lift_form=LiftForm(formdata=None, prefix="lift"), activity=svc.user_activity(user),
        network_roles=svc.network_roles_of(user),
        form=(roles_form if roles_form.errors else suspend_form)), status


@bp.route("/utilisateurs/<int:user_id>")
@roles_required(Role.ADMIN)
def user(user_id):
    return _user_page(svc.get_user_or_404(user_id))


@bp.route("/utilisateurs/<int:user_id>/roles", methods=["POST"])
@roles_required(Role.ADMIN)
def roles(user_id):
    user = svc.get_user_or_404(user_id)
    form = RolesForm(prefix="roles")
    if form.validate_on_submit():
        with attempt(form) as done:
            changed = svc.set_roles(acting_user(), user, form.roles.data or [])
        if done:
            flash(_("Les rôles de %(name)s sont enregistrés.", name=user.name) if changed
                  else _("Rien n’a changé."), "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, roles_form=form)


@bp.route("/utilisateurs/<int:user_id>/suspension", methods=["POST"])
@roles_required(Role.ADMIN)
def suspend(user_id):
    user = svc.get_user_or_404(user_id)
    form = SuspendForm(prefix="suspend")
    if form.validate_on_submit():
        with attempt(form) as done:
            suspension.suspend(acting_user(), user, form.reason.data, form.until.data)
        if done:
            flash(_("Le compte de %(name)s est suspendu. La personne est prévenue par e-mail.",
                    name=user.name), "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, suspend_form=form)


@bp.route("/utilisateurs/<int:user_id>/double-authentification", methods=["POST"])
@roles_required(Role.ADMIN)
def reset_two_step(user_id):
    user = svc.get_user_or_404(user_id)
    form = ResetTwoStepForm(prefix="two_step")
    if form.validate_on_submit():
        with attempt(form) as done:
            two_step.reset_by_admin(acting_user(), user, form.reason.data)
        if done:
            flash(_("La double authentification de %(name)s est réinitialisée. La personne est "
                    "prévenue par e-mail.", name=user.name), "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, reset_form=form)


@bp.route("/utilisateurs/<int:user_id>/lever-suspension", methods=["POST"])
@roles_required(Role.ADMIN)
def lift(user_id):
    user = svc.get_user_or_404(user_id)
    if LiftForm(prefix="lift").validate_on_submit():
        suspension.lift_suspension(acting_user(), user)
        flash(_("La suspension est levée."), "success")
    return redirect(url_for("admin.user", user_id=user.id))


# --- Associations ----------------------------------------------------------------------


@bp.route("/associations/")
@roles_required(Role.ADMIN)
def associations():
    from patientlab.associations import services as assoc

    return render_template("admin/associations.html", associations=assoc.list_associations(),
                           members=auth_services.members_per_association())


@bp.route("/associations/nouvelle", methods=["GET", "POST"], defaults={"association_id": None})
@bp.route("/associations/<int:association_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def association(association_id):
    from patientlab.associations import services as assoc

    existing = assoc.get_association_or_404(association_id) if association_id else None
    form = _association_form(existing)
    if form.validate_on_submit():
        with attempt(form) as done:
            saved = assoc.save_association(acting_user(), existing, name=form.name.data,
                                           website=form.website.data or "",
                                           description=form.description.data or "",
                                           network_ids=form.networks.data or [])
        if done:
            flash(_("L’association « %(name)s » est enregistrée.", name=saved.name), "success")
            return redirect(url_for("admin.associations"))
    return render_template("admin/association.html", form=form, association=existing)


def _association_form(existing):
    """The association's form, its networks offered and, on a first view, ticked."""
    from patientlab.associations import services as assoc
    from patientlab.networks import context

    form = AssociationForm(obj=existing) if request.method == "GET" else AssociationForm()
    form.networks.choices = [(n.id, n.name) for n in sorted(
        context.all_networks().values(), key=lambda n: n.name)]
    if request.method == "GET" and not form.restored:
        form.networks.data = sorted(assoc.network_ids_of(existing)) if existing else []
    return form


# --- Charter versions ------------------------------------------------------------------


@bp.route("/charte", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def charter():
    form = _charter_form()
    if form.validate_on_submit():
        with attempt(form) as done:
            published = auth_services.publish_charter(
                acting_user(), form.version.data, form.summary.data, form.body.data,
                form.summary_en.data, form.body_en.data)
        if done:
            flash(_("La version %(version)s de la charte est publiée. Les relecteurs "
                    "l’accepteront à leur prochaine visite.", version=published.version),
                  "success")
            return redirect(url_for("admin.charter"))
    return render_template("admin/charter.html", form=form,
                           versions=auth_services.charter_versions(),
                           current=auth_services.current_charter_version())


def _charter_form() -> PublishCharterForm:
    form = PublishCharterForm()
    current = auth_services.current_charter()
    if request.method == "GET" and current is not None:
        # The new version starts from the text in force: one edits it, one does not retype it.
        form.body.data, form.body_en.data = editable(current.body), editable(current.body_en)
    return form


# --- Platform settings -----------------------------------------------------------------


@bp.route("/reglages", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def settings():
    from patientlab.core import settings as platform

    from .forms import settings_form

    form = settings_form(platform.definitions(), platform.all_settings(),
                         blank=request.method == "GET")
    if form.validate_on_submit():
        with attempt(form) as done:
            changed = _save_settings(platform, form)
        if done:
            flash(_("Réglages enregistrés.") if changed else _("Rien n’a changé."), "success")
            return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form, definitions=platform.definitions())


def _save_settings(platform, form) -> list[str]:
    """The values stored, or the refusal of one of them as a service's refusal: the
    settings stored before it are taken back with it, and its message goes next to it."""
    try:
        return platform.save_settings(acting_user(), {
            name: form[name].data for name in platform.definitions()})
    except platform.SettingError as error:
        raise ServiceError(error.message, field=error.name) from error


# --- Networks ---------------------------------------------------------------------------


@bp.route("/reseaux/")
@roles_required(Role.ADMIN)
def networks():
    return render_template("admin/networks.html", rows=admin_networks.network_rows())


def _network_page(row, form, *, role_form=None, delete_form=None, status=200):
    from patientlab.auth import network_roles

    shown = next((f for f in (role_form, delete_form) if f is not None and f.errors), form)
    return render_template(
        "admin/network.html", row=row, settings_form=form, form=shown,
        role_form=role_form or NetworkRoleForm(formdata=None, prefix="role"),
        delete_form=delete_form or DeleteNetworkForm(formdata=None, prefix="delete"),
        withdraw_form=WithdrawRoleForm(formdata=None),
        holders=network_roles.holders(row.network.id) if row is not None else []), status


def _network_form(row) -> NetworkForm:
    if request.method == "GET":
        form = NetworkForm(obj=row.network) if row is not None else NetworkForm(
            formdata=None, data={"colour": "#1d4f91"})
        if form.host.data is None:
            form.host.data = ""
    else:
        form = NetworkForm()
    if row is not None and row.has_data:
        del form.slug  # its addresses are in mails already sent: shown, never posted
    return form


@bp.route("/reseaux/nouveau", methods=["GET", "POST"], defaults={"network_id": None})
@bp.route("/reseaux/<int:network_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def network(network_id):
    from flask import current_app

    from patientlab.networks.services import reserved_slugs

    row = admin_networks.get_network_row_or_404(network_id) if network_id else None
    form = _network_form(row)
    if form.validate_on_submit():
        values = {name: form[name].data for name in admin_networks.FIELDS if name in form}
        with attempt(form) as done:
            saved = admin_networks.save_network(acting_user(), row, values,
                                                reserved_slugs(current_app.url_map))
        if done:
            flash(_("Le réseau « %(name)s » est enregistré.", name=saved.name), "success")
            return redirect(url_for("admin.network", network_id=saved.id))
    return _network_page(row, form)


@bp.route("/reseaux/<int:network_id>/supprimer", methods=["POST"])
@roles_required(Role.ADMIN)
def delete_network(network_id):
    row = admin_networks.get_network_row_or_404(network_id)
    form = DeleteNetworkForm(prefix="delete")
    if form.validate_on_submit():
        name = row.network.name
        with attempt(form) as done:
            admin_networks.delete_network(acting_user(), row)
        if done:
            flash(_("Le réseau « %(name)s » est supprimé.", name=name), "success")
            return redirect(url_for("admin.networks"))
    return _network_page(row, _network_form(row), delete_form=form)


@bp.route("/reseaux/<int:network_id>/roles", methods=["POST"])
@roles_required(Role.ADMIN)
def grant_network_role(network_id):
    from patientlab.auth import network_roles

    row = admin_networks.get_network_row_or_404(network_id)
    form = NetworkRoleForm(prefix="role")
    if form.validate_on_submit():
        with attempt(form) as done:
            user = network_roles.grant_by_email(acting_user(), row.network, form.email.data,
                                                form.role.data)
        if done:
            flash(_("%(name)s a maintenant le rôle « %(role)s » dans ce réseau. La personne "
                    "est prévenue par e-mail.", name=user.name,
                    role=role_label(form.role.data)), "success")
            return redirect(url_for("admin.network", network_id=network_id, _anchor="roles"))
    return _network_page(row, _network_form(row), role_form=form)


@bp.route("/reseaux/<int:network_id>/roles/retirer", methods=["POST"])
@roles_required(Role.ADMIN)
def withdraw_network_role(network_id):
    row = admin_networks.get_network_row_or_404(network_id)
    back = url_for("admin.network", network_id=network_id, _anchor="roles")
    return withdraw_role_page(row.network, url_for("admin.withdraw_network_role",
                                                   network_id=network_id), back)
