"""The coordination's pages for calls: the call and its review form, assignments,
moderation and release of reviews, decisions, ranking, CSV and committee summary."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from patientlab.core import days
from patientlab.core.forms import add_service_error
from patientlab.core.models import utcnow
from patientlab.core.security import acting_user, roles_required
from patientlab.core.transaction import attempt
from patientlab.networks import context as network_context

from .. import api, committee, reviewing
from .. import services as svc
from ..forms import (
    AssignForm,
    CallForm,
    CriterionForm,
    DecisionForm,
    DeleteForm,
    MoveForm,
    ReleaseForm,
    RephraseForm,
    ReviewRatingForm,
    UnassignForm,
    comments_form,
    review_form,
)
from ..models import (
    ApplicationStatus,
    AssignmentStatus,
    CallState,
    CriterionKind,
    Decision,
    ReviewRating,
    ReviewStatus,
    Visibility,
)
from ..reviewing import ratings
from .reviewer import answers_from, show_answer_errors

bp = Blueprint("call_admin", __name__, url_prefix="/coordination/appels")
COORDINATION = svc.COORDINATION



def _context(**values):
    return {"State": CallState, "Status": ApplicationStatus, "AssignmentStatus": AssignmentStatus,
            "ReviewStatus": ReviewStatus, "Decision": Decision, "Kind": CriterionKind,
            "Visibility": Visibility, "last_day": days.last_day, "now": utcnow(), **values}


# --- Calls -------------------------------------------------------------------------


@bp.route("/")
@roles_required(*COORDINATION)
def index():
    calls = svc.list_all_calls()
    return render_template("calls/admin/index.html",
                           **_context(calls=[(c, reviewing.call_progress(c)) for c in calls]))


def _call_data(form) -> svc.CallData:
    return svc.CallData(
        title=form.title.data, description=form.description.data or "",
        eligibility=form.eligibility.data or "", opens_on=form.opens_on.data,
        application_deadline_on=form.application_deadline_on.data,
        review_deadline_on=form.review_deadline_on.data,
        response_deadline_on=form.response_deadline_on.data, results_on=form.results_on.data,
        published=form.published.data,
        partner_ids=tuple(form.partners.data or ()) if "partners" in form else None)


def _call_form(call=None, **kwargs) -> CallForm:
    """The call's form; the partner networks offered to the lead network's coordination
    (every network but the lead), read-only for a partner's."""
    form = CallForm(**kwargs)
    if not svc.may_choose_partners(acting_user(), call):
        del form.partners
        return form
    lead = call.network_id if call is not None else network_context.for_new().id
    form.partners.choices = [(n.id, n.name) for n in sorted(
        network_context.all_networks().values(), key=lambda n: n.name) if n.id != lead]
    if call is not None and "formdata" in kwargs:
        form.partners.data = list(call.partner_ids)
    return form


def _save_call(form, call=None):
    if form.validate_on_submit():
        data = _call_data(form)
        errors = svc.check_timeline(data)
        for error in errors:
            add_service_error(form, error)
        if not errors:
            with attempt(form) as done:
                call = svc.save_call(acting_user(), call, data)
            if done:
                flash(_("L’appel est enregistré."), "success")
                return redirect(url_for("call_admin.call", call_id=call.id))
    return render_template("calls/admin/edit.html", **_context(form=form, call=call))


@bp.route("/nouveau", methods=["GET", "POST"])
@roles_required(*COORDINATION)
def new():
    return _save_call(_call_form())


@bp.route("/<int:call_id>/modifier", methods=["GET", "POST"])
@roles_required(*COORDINATION)
def edit(call_id):
    call = svc.get_call_or_404(call_id, acting_user())
    if request.method == "GET":
        form = _call_form(call, formdata=None, obj=call)
        form.opens_on.data = days.paris_day(call.opens_at)
        form.application_deadline_on.data = days.last_day(call.application_deadline)
        form.review_deadline_on.data = days.last_day(call.review_deadline)
        form.response_deadline_on.data = days.last_day(call.response_deadline)
        form.results_on.data = days.paris_day(call.results_at)
        form.published.data = call.published_at is not None
        return render_template("calls/admin/edit.html", **_context(form=form, call=call))
    return _save_call(_call_form(call), call)


@bp.route("/<int:call_id>")
@roles_required(*COORDINATION)
def call(call_id):
    call = svc.get_call_or_404(call_id, acting_user())
    applications = reviewing.applications_for_coordination(call)
    rows = {row.application.id: row for row in reviewing.ranking(call)}
    involved = svc.applications_involving(acting_user(), call)
    return render_template("calls/admin/call.html", **_context(
        call=call, applications=applications, rows=rows, involved=involved,
        progress=reviewing.call_progress(call),
        to_moderate=[r for r in reviewing.reviews_to_moderate(call)
                     if r.assignment.application_id not in involved]))


# --- Review form ---------------------------------------------------------------------


@bp.route("/<int:call_id>/grille")
@roles_required(*COORDINATION)
def criteria(call_id):
    call = svc.get_call_or_404(call_id, acting_user())
    return render_template("calls/admin/criteria.html", **_context(
        call=call, move_form=MoveForm(formdata=None), delete_form=DeleteForm(formdata=None)))


def _criterion_data(form) -> svc.CriterionData:
    return svc.CriterionData(
        label=form.label.data, help_text=form.help_text.data or "", kind=form.kind.data,
        anchors=form.anchors.data or "", required=form.required.data,
        comment_below=form.comment_below.data, visibility=form.visibility.data)


def _save_criterion(call, form, criterion=None):
    if call.is_form_frozen:
        flash(_("La grille ne peut plus changer : une relecture a déjà été envoyée avec elle."),
              "error")
        return redirect(url_for("call_admin.criteria", call_id=call.id))
    if form.validate_on_submit():
        with attempt(form) as done:
            svc.save_criterion(acting_user(), call, criterion, _criterion_data(form))
        if done:
            flash(_("La question est enregistrée."), "success")
            return redirect(url_for("call_admin.criteria", call_id=call.id))
    return render_template("calls/admin/criterion.html",
                           **_context(call=call, form=form, criterion=criterion))


@bp.route("/<int:call_id>/grille/nouvelle", methods=["GET", "POST"])
@roles_required(*COORDINATION)
def new_criterion(call_id):
    call = svc.get_call_or_404(call_id, acting_user())
    form = CriterionForm()
    if request.method == "GET":
        form.anchors.data = "\n".join(str(a) for a in CriterionKind.DEFAULT_ANCHORS)
        form.comment_below.data = 2
    return _save_criterion(call, form)


@bp.route("/<int:call_id>/grille/<int:criterion_id>", methods=["GET", "POST"])
@roles_required(*COORDINATION)
def edit_criterion(call_id, criterion_id):
    call = svc.get_call_or_404(call_id, acting_user())
    criterion = svc.get_criterion_or_404(call, criterion_id)
    form = CriterionForm(formdata=None, obj=criterion) if request.method == "GET" \
        else CriterionForm()
    return _save_criterion(call, form, criterion)


@bp.route("/<int:call_id>/grille/<int:criterion_id>/deplacer", methods=["POST"])
@roles_required(*COORDINATION)
def move_criterion(call_id, criterion_id):
    call = svc.get_call_or_404(call_id, acting_user())
    criterion = svc.get_criterion_or_404(call, criterion_id)
    form = MoveForm()
    if form.validate_on_submit():
        with attempt():
            svc.move_criterion(acting_user(), call, criterion, -1 if form.up.data else 1)
    return redirect(url_for("call_admin.criteria", call_id=call.id)
                    + f"#critere-{criterion.id}")


@bp.route("/<int:call_id>/grille/<int:criterion_id>/supprimer", methods=["POST"])
@roles_required(*COORDINATION)
def delete_criterion(call_id, criterion_id):
    call = svc.get_call_or_404(call_id, acting_user())
    criterion = svc.get_criterion_or_404(call, criterion_id)
    if DeleteForm().validate_on_submit():
        with attempt() as done:
            svc.delete_criterion(acting_user(), call, criterion)
        if done:
            flash(_("La question est supprimée."), "success")
    return redirect(url_for("call_admin.criteria", call_id=call.id))


# --- Ranking, CSV, committee summary -----------------------------------------------------


@bp.route("/<int:call_id>/classement")
@roles_required(*COORDINATION)
def ranking(call_id):
    call = svc.get_call_or_404(call_id, acting_user())
    return render_template("calls/admin/ranking.html", **_context(
        call=call, rows=reviewing.ranking(call),
        involved=svc.applications_involving(acting_user(), call),
        scored=[c for c in call.criteria if c.is_scored]))


@bp.route("/<int:call_id>/classement.csv")
@roles_required(*COORDINATION)
def ranking_csv(call_id):
    call = svc.get_call_or_404(call_id, acting_user())
    separator = "," if request.args.get("separateur") == "virgule" else ";"
    return Response(reviewing.ranking_csv(call, separator),
                    mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="classement-appel-{call.id}.csv"'})


@bp.route("/<int:call_id>/synthese")
@roles_required(*COORDINATION)
def summary(call_id):
    call = svc.get_call_or_404(call_id, acting_user())
    return render_template("calls/admin/summary.html", **_context(
        call=call, items=reviewing.committee_summary(call),
        involved=svc.applications_involving(acting_user(), call),
        scored=[c for c in call.criteria if c.is_scored]))


# --- One application: assignments, release, decision -----------------------------------------


def _application_page(application, assign_form=None, decision_form=None, status=200):
    suggested = []
    if request.args.get("suggestion") == "1":
        suggested = [u.id for u in reviewing.suggest_reviewers(application)]
    if assign_form is None:
        assign_form = AssignForm(formdata=None, prefix="assign")
        assign_form.reviewers.data = suggested
    eligible = reviewing.eligible_reviewers(application)
    load = reviewing.load_in_call(application.call)
    assign_form.reviewers.choices = [(u.id, u.name) for u in eligible]
    recommended = committee.recommendation_for(application)
    if decision_form is None:
        decision_form = DecisionForm(formdata=None, prefix="decision")
        decision_form.decision.data = application.decision or None
        decision_form.rationale.data = application.decision_rationale
        if not application.decision and recommended is not None:
            # The committee's recommendation and reasons, for the coordination to confirm.
            decision_form.decision.data = recommended.recommendation
            decision_form.rationale.data = recommended.reasons
    assignments = reviewing.assignments_of(application)
    return render_template("calls/admin/application.html", **_context(
        funded=api.is_funded(application),
        application=application, call=application.call, assignments=assignments,
        assign_form=assign_form, eligible=eligible, load=load, suggested=suggested,
        known_conflicts=reviewing.known_conflicts(application),
        unassign_form=UnassignForm(formdata=None),
        release_form=ReleaseForm(formdata=None, prefix="release"),
        decision_form=decision_form, recommended=recommended,
        form=assign_form if assign_form.errors else decision_form,
        waiting_release=[a for a in assignments if a.review is not None
                         and a.review.status == ReviewStatus.SUBMITTED],
        feedback=reviewing.feedback_for(application, confidential=True,
                                        released_only=False))), status


@bp.route("/candidatures/<int:application_id>")
@roles_required(*COORDINATION)
def application(application_id):
    return _application_page(svc.get_application_for_coordination(application_id,
                                                                   acting_user()))


@bp.route("/candidatures/<int:application_id>/affecter", methods=["POST"])
@roles_required(*COORDINATION)
def assign(application_id):
    application = svc.get_application_for_coordination(application_id, acting_user())
    form = AssignForm(prefix="assign")
    form.reviewers.choices = [(u.id, u.name) for u in reviewing.eligible_reviewers(application)]
    if form.validate_on_submit():
        with attempt(form) as done:
            created = reviewing.assign(acting_user(), application, form.reviewers.data or [])
        if done:
            flash(ngettext("%(num)s affectation enregistrée. La personne est prévenue par "
                           "e-mail.", "%(num)s affectations enregistrées. Les personnes sont "
                           "prévenues par e-mail.", len(created)), "success")
            return redirect(url_for("call_admin.application", application_id=application.id))
    elif not form.errors.get("csrf_token"):
        form.reviewers.errors = [_("Choisissez au moins une personne pour relire.")]
    return _application_page(application, assign_form=form)


@bp.route("/affectations/<int:assignment_id>/retirer", methods=["POST"])
@roles_required(*COORDINATION)
def unassign(assignment_id):
    assignment = reviewing.get_assignment_or_404(assignment_id)
    application_id = svc.get_application_for_coordination(assignment.application_id,
                                                          acting_user()).id
    if UnassignForm().validate_on_submit():
        with attempt() as done:
            reviewing.unassign(acting_user(), assignment)
        if done:
            flash(_("L’affectation est retirée."), "success")
    return redirect(url_for("call_admin.application", application_id=application_id))


@bp.route("/candidatures/<int:application_id>/transmettre", methods=["POST"])
@roles_required(*COORDINATION)
def release(application_id):
    application = svc.get_application_for_coordination(application_id, acting_user())
    if ReleaseForm(prefix="release").validate_on_submit():
        with attempt() as done:
            count = reviewing.release_feedback(acting_user(), application)
        if done:
            flash(ngettext("%(num)s relecture transmise. Le porteur du projet est prévenu.",
                           "%(num)s relectures transmises. Le porteur du projet est prévenu.",
                           count), "success")
    return redirect(url_for("call_admin.application", application_id=application.id))


@bp.route("/candidatures/<int:application_id>/decision", methods=["POST"])
@roles_required(*COORDINATION)
def decide(application_id):
    application = svc.get_application_for_coordination(application_id, acting_user())
    form = DecisionForm(prefix="decision")
    if form.validate_on_submit():
        with attempt(form) as done:
            reviewing.record_decision(acting_user(), application, form.decision.data,
                                      form.rationale.data)
        if done:
            flash(_("La décision est enregistrée. L’équipe du projet et les personnes qui ont "
                    "relu sont prévenues."),
                  "success")
            return redirect(url_for("call_admin.application", application_id=application.id))
    return _application_page(application, decision_form=form)


# --- Moderating one review, entering a paper review ----------------------------------------


def _moderated_review(review_id):
    """The review, for the coordination of its call (404 / 403 otherwise)."""
    review = reviewing.get_review_or_404(review_id)
    svc.get_application_for_coordination(review.assignment.application_id, acting_user())
    return review


def _with_comments(review) -> list:
    return [c for c in review.assignment.application.call.criteria
            if review.answer_for(c.id) is not None]


def _review_page(review, *, edit_form=None, rephrase_form=None):
    """The review to moderate: its comments to correct, a rephrasing to ask for, the
    rating; a form sent back with its errors is shown as it was typed."""
    assignment = review.assignment
    edit_form = edit_form or comments_form(review, _with_comments(review), blank=True)
    rephrase_form = rephrase_form or RephraseForm(prefix="rephrase", formdata=None)
    return render_template("calls/admin/review.html", **_context(
        review=review, assignment=assignment, application=assignment.application,
        criteria=assignment.application.call.criteria, edit_form=edit_form,
        rephrase_form=rephrase_form, rating_form=_rating_form(review, blank=True),
        form=edit_form if edit_form.errors else rephrase_form))


@bp.route("/relectures/<int:review_id>")
@roles_required(*COORDINATION)
def review(review_id):
    return _review_page(_moderated_review(review_id))


@bp.route("/relectures/<int:review_id>/corrections", methods=["POST"])
@roles_required(*COORDINATION)
def edit_comments(review_id):
    """Corrects the review's comments (the original text stays in the log)."""
    review = _moderated_review(review_id)
    with_comments = _with_comments(review)
    form = comments_form(review, with_comments)
    if not form.validate_on_submit():
        return _review_page(review, edit_form=form)
    with attempt() as done:
        changed = reviewing.edit_comments(acting_user(), review, {
            c.id: getattr(form, f"comment_{c.id}").data or "" for c in with_comments})
    if done:
        flash(ngettext("%(num)s commentaire corrigé. Le texte d’origine est gardé dans le "
                       "journal.", "%(num)s commentaires corrigés. Le texte d’origine est "
                       "gardé dans le journal.", changed), "success")
    return redirect(url_for("call_admin.review", review_id=review.id))


@bp.route("/relectures/<int:review_id>/reformulation", methods=["POST"])
@roles_required(*COORDINATION)
def ask_rephrase(review_id):
    """Asks the reviewer to rephrase; back to the application once the request is sent."""
    review = _moderated_review(review_id)
    form = RephraseForm(prefix="rephrase")
    if not form.validate_on_submit():
        return _review_page(review, rephrase_form=form)
    with attempt() as done:
        reviewing.ask_rephrase(acting_user(), review, form.message.data)
    if not done:
        return redirect(url_for("call_admin.review", review_id=review.id))
    flash(_("La demande de reformulation est envoyée."), "success")
    return redirect(url_for("call_admin.application",
                            application_id=review.assignment.application_id))


def _rating_form(review, *, blank: bool) -> ReviewRatingForm:
    form = ReviewRatingForm(formdata=None) if blank else ReviewRatingForm()
    form.rating.choices = list(ReviewRating.LABELS.items())
    if blank:
        form.rating.data = ratings.rating_by(acting_user(), review)
    return form


@bp.route("/relectures/<int:review_id>/evaluation", methods=["POST"])
@roles_required(*COORDINATION)
def rate_review(review_id):
    """The coordination's private rating of a review, to coach its author."""
    review = reviewing.get_review_or_404(review_id)
    svc.get_application_for_coordination(review.assignment.application_id, acting_user())
    form = _rating_form(review, blank=False)
    if form.validate_on_submit():
        with attempt(form) as done:
            ratings.rate(acting_user(), review, form.rating.data)
        if done:
            flash(_("L’évaluation est enregistrée. La personne n’en voit que le résumé, "
                    "sans savoir qui l’a faite."), "success")
    else:
        flash(_("Choisissez « utile », « trop vague » ou « pas constructive »."), "error")
    return redirect(url_for("call_admin.review", review_id=review.id, _anchor="evaluation"))


def _not_enterable(assignment):
    """Back to the application when this review cannot be entered on paper (a conflict,
    or a review already sent), else None."""
    review_obj = assignment.review
    if assignment.status == AssignmentStatus.CONFLICT or (
            review_obj is not None and review_obj.status != ReviewStatus.DRAFT):
        flash(_("Cette relecture ne peut pas être saisie ici."), "error")
        return redirect(url_for("call_admin.application",
                                application_id=assignment.application_id))
    return None


def _enter_paper_review(assignment, form, criteria) -> bool:
    """The paper review saved and sent in the reviewer's name; False, with what is
    missing or refused on the form, when it cannot be."""
    answers = answers_from(form, criteria)
    errors = reviewing.check_answers(criteria, answers)
    if errors:
        show_answer_errors(form, errors, criteria)
        return False
    with attempt(form) as done:
        reviewing.save_review(acting_user(), assignment, answers, on_behalf=True)
        reviewing.submit_review(acting_user(), assignment, on_behalf=True)
    return bool(done)


@bp.route("/affectations/<int:assignment_id>/saisie", methods=["GET", "POST"])
@roles_required(*COORDINATION)
def enter_review(assignment_id):
    assignment = reviewing.get_assignment_or_404(assignment_id)
    svc.get_application_for_coordination(assignment.application_id, acting_user())
    if (refused := _not_enterable(assignment)) is not None:
        return refused
    criteria = assignment.application.call.criteria
    form = review_form(criteria) if request.method == "POST" else review_form(
        criteria, answers=reviewing.answers_of(assignment.review), blank=True)
    if form.validate_on_submit() and _enter_paper_review(assignment, form, criteria):
        flash(_("La relecture papier est enregistrée au nom de %(name)s.",
                name=assignment.reviewer.name), "success")
        return redirect(url_for("call_admin.application",
                                application_id=assignment.application_id))
    return render_template("calls/admin/enter_review.html", **_context(
        assignment=assignment, application=assignment.application, criteria=criteria,
        form=form))
