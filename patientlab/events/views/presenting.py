"""The organiser's (or the coordination's) page of the projects an evening presents."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from patientlab.core import cycle
from patientlab.core.security import acting_user
from patientlab.core.transaction import attempt
from patientlab.events import presenting
from patientlab.events.forms import (
    MaterialsForm,
    PresentProjectForm,
    ProjectSearchForm,
    RemoveProjectForm,
)

from .organiser import org


def _page(event, *, materials_form=None, add_form=None, status=200):
    search = ProjectSearchForm(request.args)
    search.validate()
    words = (search.q.data or "").strip()
    shown = presenting.presented(event)
    chosen = {ref.id for ref in shown}
    found = [ref for ref in cycle.find_projects(words, 10) if ref.id not in chosen] \
        if words else []
    return render_template(
        "events/organiser/projects.html", event=event, presented=shown, found=found,
        search=search, words=words,
        materials_form=materials_form or MaterialsForm(formdata=None,
                                                       materials_url=event.materials_url),
        add_form=add_form or PresentProjectForm(formdata=None),
        remove_form=RemoveProjectForm(formdata=None),
        form=materials_form if materials_form is not None else add_form), status


def _back(event):
    return redirect(url_for("organisation.projects", event_id=event.id))


@org.route("/<int:event_id>/projets")
@login_required
def projects(event_id):
    return _page(presenting.get_linkable_event(event_id, acting_user()))


@org.route("/<int:event_id>/projets/ajouter", methods=["POST"])
@login_required
def add_project(event_id):
    event = presenting.get_linkable_event(event_id, acting_user())
    form = PresentProjectForm()
    if not form.validate_on_submit():
        abort(400)
    with attempt() as done:
        ref = presenting.add_project(acting_user(), event, form.project_id.data)
    if done:
        flash(_("La soirée présente le projet « %(title)s ». Sa page le dit.",
                title=ref.title), "success")
    return _back(event)


@org.route("/<int:event_id>/projets/retirer", methods=["POST"])
@login_required
def remove_project(event_id):
    event = presenting.get_linkable_event(event_id, acting_user())
    form = RemoveProjectForm()
    if form.validate_on_submit():
        with attempt() as done:
            presenting.remove_project(acting_user(), event, form.project_id.data)
        if done:
            flash(_("Le projet est retiré de la soirée."), "success")
    return _back(event)


@org.route("/<int:event_id>/projets/documents", methods=["POST"])
@login_required
def materials(event_id):
    event = presenting.get_linkable_event(event_id, acting_user())
    form = MaterialsForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            presenting.set_materials(acting_user(), event, form.materials_url.data or "")
        if done:
            flash(_("Le lien est enregistré. Il est visible sur la page de la soirée et sur "
                    "celles des projets présentés, une fois la soirée passée."), "success")
            return _back(event)
    return _page(event, materials_form=form)
