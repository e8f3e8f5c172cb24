"""The applicant's pages (/candidatures/): drafts, attachments, submission, answers to the
feedback."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from patientlab.core import days
from patientlab.core.models import utcnow
from patientlab.core.permissions import RESEARCH
from patientlab.core.security import acting_user, roles_required
from patientlab.core.transaction import attempt

from .. import reviewing
from .. import services as svc
from ..forms import ApplicationForm, SubmitApplicationForm, response_form
from ..models import ApplicationStatus, Decision

applications = Blueprint("applications", __name__, url_prefix="/candidatures")

APPLICANTS = RESEARCH
UPLOAD_ENDPOINTS = ("applications.new", "applications.edit")



# --- Applicant ---------------------------------------------------------------------


@applications.route("/")
@roles_required(*APPLICANTS)
def mine():
    return render_template("calls/applications/mine.html",
                           applications=svc.applications_of(acting_user()), now=utcnow(),
                           Status=ApplicationStatus, Decision=Decision)


def _data(form) -> svc.ApplicationData:
    return svc.ApplicationData(
        title=form.title.data or "", lay_summary=form.lay_summary.data or "",
        scientific_summary=form.scientific_summary.data or "",
        involvement_plan=form.involvement_plan.data or "",
        budget_summary=form.budget_summary.data or "", team=form.team.data or "")


def _edit_page(form, call, application=None, analysis=None, status=200):
    if analysis is None and application is not None and application.lay_summary:
        analysis = svc.lay_summary_readability(application.lay_summary)
    return render_template("calls/applications/edit.html", form=form, call=call,
                           application=application, analysis=analysis,
                           last_day=days.last_day), status


def _save_attachment(form, application) -> None:
    """Store or remove the PDF; a refused file raises ServiceError (its field named), so
    that the draft saved with it is rolled back too."""
    upload = form.attachment.data
    if form.remove_attachment.data:
        svc.delete_attachment(acting_user(), application)
    if upload is not None and getattr(upload, "filename", ""):
        svc.store_attachment(acting_user(), application, upload.stream, upload.filename)


def _after_save(form, application):
    if form.check.data:
        flash(_("Brouillon enregistré. La lisibilité du résumé est calculée ci-dessous."),
              "success")
        return redirect(url_for("applications.edit", application_id=application.id)
                        + "#lisibilite")
    if form.review.data:
        return redirect(url_for("applications.confirm", application_id=application.id))
    flash(_("Brouillon enregistré. Vous pouvez y revenir quand vous voulez jusqu’à la date "
            "limite."), "success")
    return redirect(url_for("applications.edit", application_id=application.id))


@applications.route("/nouvelle/<int:call_id>", methods=["GET", "POST"])
@roles_required(*APPLICANTS)
def new(call_id):
    call = svc.get_call_or_404(call_id, acting_user())
    form = ApplicationForm()
    if not call.accepts_applications(utcnow()):
        flash(_("Cet appel n’accepte pas de candidature en ce moment."), "error")
        return redirect(url_for("calls.detail", call_id=call.id))
    if form.validate_on_submit():
        with attempt(form) as done:
            application = svc.create_application(acting_user(), call, _data(form))
            _save_attachment(form, application)
        if done:
            return _after_save(form, application)
        return _edit_page(form, call)
    analysis = svc.lay_summary_readability(form.lay_summary.data or "") \
        if form.is_submitted() and form.lay_summary.data else None
    return _edit_page(form, call, analysis=analysis)


def _own_application(application_id):
    """The applicant's own application: the coordination reads applications, it does not
    write them (403)."""
    application = svc.get_own_application(application_id, acting_user())
    if application.owner_id != current_user.id:
        abort(403)
    return application


@applications.route("/<int:application_id>/modifier", methods=["GET", "POST"])
@roles_required(*APPLICANTS)
def edit(application_id):
    application = _own_application(application_id)
    if not svc.can_edit_application(application):
        flash(_("La date limite est passée : la candidature ne peut plus être modifiée."),
              "info")
        return redirect(url_for("applications.detail", application_id=application.id))
    form = ApplicationForm() if request.method == "POST" else \
        ApplicationForm(formdata=None, obj=application)
    if form.validate_on_submit():
        with attempt(form) as done:
            svc.update_application(acting_user(), application, _data(form))
            _save_attachment(form, application)
        if done:
            return _after_save(form, application)
    return _edit_page(form, application.call, application)


@applications.route("/<int:application_id>/verifier", methods=["GET", "POST"])
@roles_required(*APPLICANTS)
def confirm(application_id):
    application = _own_application(application_id)
    form = SubmitApplicationForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            svc.submit_application(acting_user(), application)
        if done:
            flash(_("Votre candidature est déposée. Vous pouvez encore la modifier jusqu’à la "
                    "date limite."), "success")
            return redirect(url_for("applications.detail", application_id=application.id))
    return render_template("calls/applications/confirm.html", application=application,
                           form=form, missing=svc.missing_parts(application),
                           editable=svc.can_edit_application(application),
                           last_day=days.last_day)


def _detail_page(application, form=None, status=200):
    now = utcnow()
    feedback = reviewing.feedback_for(application)
    can_respond = application.owner_id == current_user.id and \
        reviewing.can_respond(application, now)
    if form is None and can_respond:
        form = response_form(feedback, application, blank=True)
    return render_template(
        "calls/applications/detail.html", application=application, call=application.call,
        feedback=feedback, form=form, can_respond=can_respond, now=now,
        editable=svc.can_edit_application(application, now), Decision=Decision,
        last_day=days.last_day), status


@applications.route("/<int:application_id>", endpoint="detail")
@roles_required(*APPLICANTS)
def application_detail(application_id):
    return _detail_page(svc.get_own_application(application_id, acting_user()))


@applications.route("/<int:application_id>/reponse", methods=["POST"])
@roles_required(*APPLICANTS)
def respond(application_id):
    application = _own_application(application_id)
    form = response_form(reviewing.feedback_for(application), application)
    if form.validate_on_submit():
        draft = form.save_draft.data
        with attempt(form) as done:
            (reviewing.save_response_draft if draft else reviewing.respond)(
                acting_user(), application, form.general.data or "", _per_comment(form))
        if done:
            flash(_("Brouillon enregistré. Rien n’est envoyé aux personnes qui ont relu "
                    "tant que vous ne choisissez pas « Envoyer ma réponse ».") if draft else
                  _("Votre réponse est envoyée. Les personnes qui ont relu sont prévenues "
                    "et peuvent la lire."), "success")
            return redirect(url_for("applications.detail", application_id=application.id)
                            + "#reponse")
    return _detail_page(application, form)


def _per_comment(form) -> dict[int, str]:
    """The team's answer to each reviewer's comment, by the comment's answer id."""
    return {int(field.short_name.removeprefix("response_")): field.data or ""
            for field in form if field.short_name.startswith("response_")}


@applications.route("/<int:application_id>/document")
@login_required
def attachment(application_id):
    application = svc.get_application_or_404(application_id)
    if not svc.can_read_application(acting_user(), application):
        abort(403)
    path = svc.attachment_path(application)
    if path is None or not path.exists():
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=application.attachment_name, max_age=0)

