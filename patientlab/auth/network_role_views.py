"""The withdrawal of a network's role, shared by the administrators' page of a network
and its coordinators' page: the first sending shows what will happen and asks to
confirm, the second withdraws (POST both times: nothing changes on a link followed)."""

from flask import abort, flash, redirect, render_template
from flask_babel import gettext as _

from patientlab.core.security import acting_user, role_label
from patientlab.core.transaction import attempt

from . import network_roles
from .forms import WithdrawRoleForm


def withdraw_role_page(network, action: str, back: str, *, after=None):
    """``action``: this form's address; ``back``: the page of the roles; ``after``: where
    to go once done when the actor withdrew their own right to see ``back``."""
    form = WithdrawRoleForm()
    if not form.validate_on_submit():
        abort(400)
    user = network_roles.get_user_or_none(form.user_id.data)
    if user is None:
        abort(404)
    role = form.role.data
    if form.confirmed.data != "1":
        form.confirmed.data = "1"
        return render_template("network_roles/confirm_withdraw.html", form=None,
                               withdraw_form=form, network=network, person=user,
                               role=role_label(role), action=action, back=back,
                               own=user.id == acting_user().id)
    with attempt() as done:
        network_roles.withdraw(acting_user(), network, user, role)
    if done:
        flash(_("Le rôle « %(role)s » de %(name)s dans ce réseau est retiré.",
                role=role_label(role), name=user.name), "success")
        if after is not None and not network_roles.may_manage(acting_user(), network):
            return redirect(after)
    return redirect(back)
