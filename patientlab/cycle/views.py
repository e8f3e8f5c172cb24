"""The cycle's own pages: the coordination makes (or links) the project page of a funded
application; an evening's organiser chooses the projects it presents and gives its
public slides or video. Their addresses stay where people know them (under the projects
and the organisers' evenings)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from patientlab.core.permissions import COORDINATION
from patientlab.core.security import acting_user, roles_required
from patientlab.core.transaction import attempt
from patientlab.events import api as events
from patientlab.networks import context as network_context
from patientlab.projects import api as projects

from . import services as svc
from .forms import FundingPageForm, PresentProjectForm, ProjectSearchForm, RemoveProjectForm

bp = Blueprint("cycle", __name__)

NEW_PAGE = "nouvelle"
EVENING = "/organisation/evenements/<int:event_id>/projets"


# --- The coordination makes the page of a funded application -----------------------------


def _funding_form(funding, posted: bool) -> FundingPageForm:
    form = FundingPageForm() if posted else FundingPageForm(formdata=None)
    form.project.choices = [(NEW_PAGE, _("Créer une nouvelle page à partir de la "
                                         "candidature"))] + [
        (str(p.id), _("Lier au projet « %(title)s » (%(state)s)", title=p.title,
                      state=p.publication_label))
        for p in svc.linkable_projects(funding)]
    return form


def _make_or_link(funding, choice: str) -> projects.ProjectRef:
    if choice == NEW_PAGE:
        return svc.make_page(acting_user(), funding)
    return svc.link_page(acting_user(), funding, int(choice))


@bp.route("/projets/financement/<int:application_id>", methods=["GET", "POST"])
@roles_required(*COORDINATION)
def from_funding(application_id):
    funding = svc.funding_or_404(application_id, acting_user())
    existing = svc.project_of_application(application_id)
    form = _funding_form(funding, request.method == "POST")
    if existing is None and request.method == "POST" and form.validate_on_submit():
        with attempt(form) as done:
            project = _make_or_link(funding, form.project.data)
        if done:
            flash(_("La page du projet est prête. L’équipe est prévenue : elle la complète, "
                    "puis la coordination la publie."), "success")
            # The page is the lead network's (a joint call's partner made it).
            return redirect(url_for("projects.detail", project_id=project.id,
                                    network=network_context.slug_of(project.network_id)))
    return render_template("cycle/from_funding.html", funding=funding, form=form,
                           existing=existing)


# --- The projects an evening presents ----------------------------------------------------


def _evening_page(event, *, materials_form=None, add_form=None, status=200):
    search = ProjectSearchForm(request.args)
    search.validate()
    words = (search.q.data or "").strip()
    shown = svc.presented(event.id)
    chosen = {ref.id for ref in shown}
    found = [ref for ref in projects.find_published(words, 10) if ref.id not in chosen] \
        if words else []
    return render_template(
        "cycle/evening_projects.html", event=event, presented=shown, found=found,
        search=search, words=words,
        materials_form=materials_form or events.MaterialsForm(
            formdata=None, materials_url=event.materials_url),
        add_form=add_form or PresentProjectForm(formdata=None),
        remove_form=RemoveProjectForm(formdata=None),
        form=materials_form if materials_form is not None else add_form), status


def _back(event):
    return redirect(url_for("cycle.evening_projects", event_id=event.id))


@bp.route(EVENING)
@login_required
def evening_projects(event_id):
    return _evening_page(svc.evening_or_404(event_id, acting_user()))


@bp.route(EVENING + "/ajouter", methods=["POST"])
@login_required
def add_project(event_id):
    event = svc.evening_or_404(event_id, acting_user())
    form = PresentProjectForm()
    if not form.validate_on_submit():
        abort(400)
    with attempt() as done:
        ref = svc.add_project(acting_user(), event, form.project_id.data)
    if done:
        flash(_("La soirée présente le projet « %(title)s ». Sa page le dit.",
                title=ref.title), "success")
    return _back(event)


@bp.route(EVENING + "/retirer", methods=["POST"])
@login_required
def remove_project(event_id):
    event = svc.evening_or_404(event_id, acting_user())
    form = RemoveProjectForm()
    if form.validate_on_submit():
        with attempt() as done:
            svc.remove_project(acting_user(), event, form.project_id.data)
        if done:
            flash(_("Le projet est retiré de la soirée."), "success")
    return _back(event)


@bp.route(EVENING + "/documents", methods=["POST"])
@login_required
def materials(event_id):
    event = svc.evening_or_404(event_id, acting_user())
    form = events.MaterialsForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            events.set_materials(acting_user(), event, form.materials_url.data or "")
        if done:
            flash(_("Le lien est enregistré. Il est visible sur la page de la soirée et sur "
                    "celles des projets présentés, une fois la soirée passée."), "success")
            return _back(event)
    return _evening_page(event, materials_form=form)
