"""Pages of a funded project's follow-up: following a project, the team's milestones
and news, and « Ce que nous avons trouvé »."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from patientlab.core.sanitize import editable
from patientlab.core.security import acting_user
from patientlab.core.transaction import attempt
from patientlab.moderation import revisions

from . import followup, writing
from . import services as svc
from .forms import (
    DeleteForm,
    EditUpdateForm,
    FollowForm,
    MilestoneForm,
    ReachedForm,
    ResultsForm,
    UpdateForm,
)
from .models import RESULT_FIELDS, Milestone
from .routes import bp

# --- Following ----------------------------------------------------------------------------


@bp.route("/projets/<int:project_id>/suivre", methods=["POST"])
@login_required
def follow(project_id):
    project = svc.get_project_or_404(project_id, current_user)
    form = FollowForm()
    if form.validate_on_submit():
        # A person who may not follow (PermissionError) gets the 403 page (core.errors).
        with attempt() as done:
            if form.unfollow.data:
                followup.unfollow(acting_user(), project)
            else:
                followup.follow(acting_user(), project)
        if done:
            flash(_("Vous ne suivez plus ce projet.") if form.unfollow.data else
                  _("Vous suivez ce projet : vous recevrez ses nouvelles et ses résultats, "
                    "selon vos réglages de messages."), "success")
    return redirect(url_for("projects.detail", project_id=project.id) + "#suivre")


# --- The team's follow-up page -------------------------------------------------------------


def _team_project(project_id):
    project = svc.get_project_or_404(project_id, current_user)
    if not followup.is_team(acting_user(), project):
        abort(403)
    return project


def _update_form(project, posted: bool):
    form = UpdateForm() if posted else UpdateForm(formdata=None)
    form.milestone.choices = [("", _("Aucune étape"))] + [
        (str(m.id), m.label) for m in followup.milestones_of(project, public_only=False)
        if m.reached_on is None]
    return form


def _edit_update_forms(updates, waiting, posted=None):
    forms = {u.id: EditUpdateForm(formdata=None, prefix=f"nouvelle-{u.id}",
                                  body=waiting.get(u.id, u.body)) for u in updates}
    if posted is not None:
        forms[posted[0]] = posted[1]
    return forms


def _followup_page(project, *, milestone_form=None, update_form=None, analysis=None,
                   reached_forms=None, edit_form=None, status=200):
    milestones = followup.milestones_of(project, public_only=False)
    updates = followup.updates_of(project, public_only=False)
    waiting_updates = followup.pending_updates(updates)
    results = followup.results_of(project)
    reached_forms = reached_forms or {}
    for m in milestones:
        if m.reached_on is None:
            reached_forms.setdefault(m.id, ReachedForm(formdata=None, prefix=f"etape-{m.id}"))
    update_form = update_form or _update_form(project, posted=False)
    return render_template(
        "projects/followup.html", project=project, milestones=milestones,
        updates=updates, waiting_updates=waiting_updates,
        edit_forms=_edit_update_forms(updates, waiting_updates, edit_form),
        results=results, results_waiting=followup.pending_results(results) is not None,
        milestone_form=milestone_form or MilestoneForm(formdata=None),
        update_form=update_form, reached_forms=reached_forms, delete_form=DeleteForm(None),
        analysis=analysis, followers=followup.follower_count(project),
        form=milestone_form if milestone_form and milestone_form.errors else
        edit_form[1] if edit_form else update_form,
    ), status


@bp.route("/projets/<int:project_id>/suivi")
@login_required
def followup_page(project_id):
    return _followup_page(_team_project(project_id))


@bp.route("/projets/<int:project_id>/suivi/etapes", methods=["POST"])
@login_required
def add_milestone(project_id):
    project = _team_project(project_id)
    form = MilestoneForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            milestone = followup.add_milestone(acting_user(), project, form.label.data,
                                               form.planned_on.data, form.reached_on.data)
        if done:
            flash(_("L’étape est ajoutée.") if milestone.is_published else
                  _("L’étape est ajoutée. Elle sera visible après relecture par l’équipe de "
                    "modération."), "success")
            return redirect(url_for("projects.followup_page", project_id=project.id)
                            + "#etapes")
    return _followup_page(project, milestone_form=form)


@bp.route("/projets/<int:project_id>/suivi/etapes/<int:milestone_id>/atteinte",
          methods=["POST"])
@login_required
def milestone_reached(project_id, milestone_id):
    project = _team_project(project_id)
    milestone = followup.get_milestone_or_404(milestone_id, project)
    form = ReachedForm(prefix=f"etape-{milestone.id}")
    if form.validate_on_submit():
        with attempt(form) as done:
            followup.mark_reached(acting_user(), milestone, form.reached_on.data)
        if done:
            flash(_("L’étape « %(label)s » est notée comme atteinte. Annoncez-la aux "
                    "personnes qui suivent le projet avec une nouvelle.",
                    label=milestone.label), "success")
            return redirect(url_for("projects.followup_page", project_id=project.id)
                            + "#etapes")
    return _followup_page(project, reached_forms={milestone.id: form})


@bp.route("/projets/<int:project_id>/suivi/etapes/<int:milestone_id>/supprimer",
          methods=["POST"])
@login_required
def delete_milestone(project_id, milestone_id):
    project = _team_project(project_id)
    milestone: Milestone = followup.get_milestone_or_404(milestone_id, project)
    if DeleteForm().validate_on_submit():
        with attempt() as done:
            followup.delete_milestone(acting_user(), milestone)
        if done:
            flash(_("L’étape est supprimée."), "success")
    return redirect(url_for("projects.followup_page", project_id=project.id) + "#etapes")


@bp.route("/projets/<int:project_id>/suivi/nouvelles", methods=["POST"])
@login_required
def post_update(project_id):
    project = _team_project(project_id)
    form = _update_form(project, posted=True)
    if form.validate_on_submit():
        if form.check.data:
            return _followup_page(project, update_form=form,
                                  analysis=writing.analyse_section(form.body.data))
        with attempt(form) as done:
            update = followup.post_update(acting_user(), project, form.body.data,
                                          int(form.milestone.data or 0) or None)
        if done:
            flash(_update_posted(update), "success")
            return redirect(url_for("projects.followup_page", project_id=project.id)
                            + "#nouvelles")
    return _followup_page(project, update_form=form)


def _update_posted(update) -> str:
    if update.is_published:
        return _("La nouvelle est publiée. Les personnes qui suivent le projet sont "
                 "prévenues.")
    return _("Merci ! La nouvelle sera publiée après relecture par l’équipe de modération ; "
             "les personnes qui suivent le projet seront alors prévenues.")


@bp.route("/projets/<int:project_id>/suivi/nouvelles/<int:update_id>", methods=["POST"])
@login_required
def edit_update(project_id, update_id):
    project = _team_project(project_id)
    update = followup.get_update_or_404(update_id, project)
    form = EditUpdateForm(prefix=f"nouvelle-{update.id}")
    if form.validate_on_submit():
        with attempt(form) as done:
            outcome = followup.edit_update(acting_user(), update, form.body.data)
        if done:
            flash(_change_message(outcome, update.is_published), "success")
            return redirect(url_for("projects.followup_page", project_id=project.id)
                            + "#nouvelles")
    return _followup_page(project, edit_form=(update.id, form))


def _change_message(outcome: str, published: bool) -> str:
    if outcome == revisions.UNCHANGED:
        return _("Rien n’a changé.")
    if outcome == revisions.PENDING:
        return _("Votre modification attend la relecture de l’équipe de modération. En "
                 "attendant, la version publiée reste en ligne.")
    if outcome == revisions.WITHDRAWN:
        return _("Votre modification en attente est retirée : la version publiée reste en "
                 "ligne.")
    if published:
        return _("Les modifications sont enregistrées.")
    return _("Merci ! Le texte sera publié après relecture par l’équipe de modération.")


# --- Results ------------------------------------------------------------------------------


def _results_data(form) -> followup.ResultsData:
    return followup.ResultsData(**{name: getattr(form, name).data or ""
                                   for name in (*RESULT_FIELDS, "falc_text")})


def _results_form(results, waiting) -> ResultsForm:
    """The results as they stand for the team: their change waiting for the moderators,
    if any."""
    form = ResultsForm(formdata=None)
    shown = waiting or (followup.revisable_values(results) if results else None)
    if shown is not None:
        for name in RESULT_FIELDS:
            getattr(form, name).data = editable(shown[name])
        form.falc_text.data = shown["falc_text"]
    return form


def _results_analysis(results, waiting):
    """The writing help on the results as the team goes on editing them (none yet: None)."""
    if results is None:
        return None
    return writing.summary_analysis(followup.ResultsData(**waiting) if waiting else results,
                                    RESULT_FIELDS)


def _results_page(project, form, results, waiting, analysis=None):
    return render_template("projects/results_edit.html", project=project, form=form,
                           results=results, analysis=analysis, waiting=waiting is not None,
                           other_change=followup.other_change_to_results(results,
                                                                         acting_user()),
                           titles=followup.RESULT_TITLES)


def _save_results(project, form):
    """The results saved, their message, back to the follow-up page; None when a service
    refused (the message is on the form)."""
    with attempt(form) as done:
        results, outcome = followup.save_results(acting_user(), project, _results_data(form))
    if not done:
        return None
    flash(_results_message(results, outcome), "success")
    return redirect(url_for("projects.followup_page", project_id=project.id) + "#resultats")


@bp.route("/projets/<int:project_id>/resultats/modifier", methods=["GET", "POST"])
@login_required
def edit_results(project_id):
    project = _team_project(project_id)
    results = followup.results_of(project)
    # A change waiting for the moderators is what the team goes on editing.
    waiting = followup.pending_results(results, acting_user())
    if request.method == "GET":
        return _results_page(project, _results_form(results, waiting), results, waiting,
                             _results_analysis(results, waiting))
    form, analysis = ResultsForm(), None
    if form.validate_on_submit():
        if form.check.data:
            analysis = writing.summary_analysis(_results_data(form), RESULT_FIELDS)
        elif (saved := _save_results(project, form)) is not None:
            return saved
    return _results_page(project, form, results, waiting, analysis)


def _results_message(results, outcome: str) -> str:
    if outcome != revisions.APPLIED:
        return _change_message(outcome, results.is_published)
    if results.is_published:
        return _("Les résultats sont publiés. Les personnes qui suivent le projet et celles "
                 "venues à une soirée qui l’a présenté sont prévenues.")
    return _("Merci ! Les résultats seront publiés après relecture par l’équipe de "
             "modération.")


@bp.route("/projets/<int:project_id>/resultats")
def results(project_id):
    project = svc.get_project_or_404(project_id, current_user)
    found = followup.results_of(project)
    team = followup.is_team(acting_user(), project)
    if found is None or not (found.is_published or team or svc.can_publish(acting_user(), project)):
        abort(404)
    return render_template(
        "projects/results.html", project=project, results=found,
        sections=followup.results_sections(found),
        falc_lines=[line for line in found.falc_text.split("\n") if line.strip()])
