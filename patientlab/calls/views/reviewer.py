"""The reviewer's pages (/relectures/): assignments, conflicts of interest, the
review form beside the application, the check page, the large-print version."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from patientlab.core import days
from patientlab.core.models import utcnow
from patientlab.core.permissions import REVIEWERS
from patientlab.core.security import acting_user, roles_required
from patientlab.core.transaction import attempt

from .. import reviewing
from ..forms import InterestsForm, SendReviewForm, review_form
from ..models import AssignmentStatus, Decision, ReviewRating, ReviewStatus
from ..reviewing import ratings

bp = Blueprint("reviews", __name__, url_prefix="/relectures")



def answers_from(form, criteria) -> dict[int, reviewing.AnswerData]:
    answers = {}
    for criterion in criteria:
        score = getattr(form, f"score_{criterion.id}", None)
        comment = getattr(form, f"comment_{criterion.id}")
        answers[criterion.id] = reviewing.AnswerData(
            score=score.data if score is not None else None, comment=comment.data or "")
    return answers


def show_answer_errors(form, errors, criteria) -> None:
    """Each problem next to its field, naming its question (« Question 3 : choisissez une
    réponse. »), so that the error summary says which question it is."""
    numbers = {criterion.id: number for number, criterion in enumerate(criteria, start=1)}
    for criterion_id, problems in errors.items():
        for kind, message in problems.items():
            field = getattr(form, f"{kind}_{criterion_id}", None)
            if field is not None:
                text = str(message)
                field.errors = [*field.errors, _("Question %(num)s : %(problem)s",
                                                  num=numbers[criterion_id],
                                                  problem=text[:1].lower() + text[1:])]


@bp.route("/")
@roles_required(*REVIEWERS)
def index():
    assignments = reviewing.reviewer_assignments(acting_user())
    now = utcnow()
    return render_template("calls/reviews/index.html", assignments=assignments, now=now,
                           Status=AssignmentStatus, ReviewStatus=ReviewStatus,
                           last_day=days.last_day, Decision=Decision,
                           ratings=ratings.summary_for(acting_user()),
                           RATING_LABELS=ReviewRating.LABELS)


@bp.route("/guide")
def guide():
    """How to write a review that helps the team: the page the ratings point to."""
    return render_template("calls/reviews/guide.html")


def _review_page(assignment, form=None, interests_form=None, status=200):
    now = utcnow()
    application = assignment.application
    criteria = application.call.criteria
    review = assignment.review
    if form is None and assignment.status == AssignmentStatus.ACCEPTED:
        form = review_form(criteria, answers=reviewing.answers_of(review), blank=True)
    feedback = reviewing.feedback_for(application) \
        if reviewing.can_see_feedback(acting_user(), assignment) else None
    letter = _my_letter(feedback, review)
    return render_template(
        "calls/reviews/review.html", assignment=assignment, application=application,
        call=application.call, criteria=criteria, review=review, form=form,
        interests_form=interests_form or InterestsForm(formdata=None),
        open=reviewing.review_open(assignment, now), feedback=feedback, now=now,
        Status=AssignmentStatus, ReviewStatus=ReviewStatus, Decision=Decision,
        last_day=days.last_day, my_letter=letter,
        my_responses=_responses_to(feedback, letter)), status


def _responses_to(feedback, letter) -> list:
    """The team's answers to this reviewer's own comments, question by question."""
    if feedback is None or letter is None:
        return []
    return [(summary.criterion, answer) for summary in feedback.criteria
            for mine, answer in summary.comments if mine == letter and answer.response]


def _my_letter(feedback, review):
    if feedback is None or review is None:
        return None
    return next((letter for letter, r in feedback.reviews if r.id == review.id), None)


@bp.route("/<int:assignment_id>", methods=["GET", "POST"])
@roles_required(*REVIEWERS)
def detail(assignment_id):
    assignment = reviewing.get_assignment_for_reviewer(assignment_id, acting_user())
    if assignment.status != AssignmentStatus.ACCEPTED:
        return _review_page(assignment)
    criteria = assignment.application.call.criteria
    form = review_form(criteria)
    if not form.is_submitted():
        return _review_page(assignment)
    if not form.validate_on_submit():
        return _review_page(assignment, form)
    with attempt(form) as done:
        reviewing.save_review(acting_user(), assignment, answers_from(form, criteria))
    if not done:
        return _review_page(assignment, form)
    return _after_saving(assignment, form, criteria)


def _after_saving(assignment, form, criteria):
    """The draft is saved; « Vérifier » and « Envoyer » go on to the check page when
    every answer is there, back to the form (with what is missing) when not."""
    if form.check.data or form.send.data:
        errors = reviewing.check_answers(criteria, answers_from(form, criteria))
        if errors:
            show_answer_errors(form, errors, criteria)
            # A confirmation, not an error: what is missing is in the error summary.
            flash(_("Votre brouillon est enregistré. Il reste à compléter les réponses "
                    "signalées avant de pouvoir l’envoyer."), "success")
            return _review_page(assignment, form)
        return redirect(url_for("reviews.confirm", assignment_id=assignment.id))
    flash(_("Brouillon enregistré. Vous pouvez reprendre plus tard, jusqu’à la date limite."),
          "success")
    return redirect(url_for("reviews.detail", assignment_id=assignment.id))


@bp.route("/<int:assignment_id>/interets", methods=["POST"])
@roles_required(*REVIEWERS)
def interests(assignment_id):
    assignment = reviewing.get_assignment_for_reviewer(assignment_id, acting_user())
    form = InterestsForm()
    if form.validate_on_submit():
        conflict = form.conflict.data == "yes"
        with attempt(form) as done:
            reviewing.declare_interests(acting_user(), assignment, conflict=conflict,
                                        reason=form.reason.data or "",
                                        details=form.details.data or "")
        if done:
            return _after_declaring(assignment, conflict)
    return _review_page(assignment, interests_form=form)


def _after_declaring(assignment, conflict: bool):
    if conflict:
        flash(_("Merci. Vous ne relirez pas ce projet ; la coordination est prévenue."),
              "success")
        return redirect(url_for("reviews.index"))
    flash(_("Merci. Vous pouvez commencer la relecture."), "success")
    return redirect(url_for("reviews.detail", assignment_id=assignment.id))


@bp.route("/<int:assignment_id>/verifier", methods=["GET", "POST"])
@roles_required(*REVIEWERS)
def confirm(assignment_id):
    assignment = reviewing.get_assignment_for_reviewer(assignment_id, acting_user())
    if assignment.status != AssignmentStatus.ACCEPTED or assignment.review is None:
        return redirect(url_for("reviews.detail", assignment_id=assignment.id))
    form = SendReviewForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            reviewing.submit_review(acting_user(), assignment)
        if done:
            flash(_("Merci ! Votre relecture est envoyée. Vous pouvez encore la modifier "
                    "jusqu’à la date limite."), "success")
            return redirect(url_for("reviews.index"))
    return _confirm_page(assignment, form)


def _confirm_page(assignment, form):
    """The review read back before it is sent, with what is still missing."""
    criteria = assignment.application.call.criteria
    return render_template(
        "calls/reviews/confirm.html", assignment=assignment, form=form, criteria=criteria,
        review=assignment.review, application=assignment.application,
        errors=reviewing.check_answers(criteria, reviewing.answers_of(assignment.review)),
        open=reviewing.review_open(assignment, utcnow()), last_day=days.last_day)


@bp.route("/<int:assignment_id>/lire")
@roles_required(*REVIEWERS)
def read(assignment_id):
    """The review as it stands, to read back (the link of the mail that confirms it was
    sent), with the way to change it while it may be changed."""
    assignment = reviewing.get_assignment_for_reviewer(assignment_id, acting_user())
    if assignment.status != AssignmentStatus.ACCEPTED or assignment.review is None:
        return redirect(url_for("reviews.detail", assignment_id=assignment.id))
    return render_template(
        "calls/reviews/read.html", assignment=assignment, review=assignment.review,
        application=assignment.application, call=assignment.application.call,
        criteria=assignment.application.call.criteria, ReviewStatus=ReviewStatus,
        open=reviewing.review_open(assignment, utcnow()), last_day=days.last_day)


@bp.route("/<int:assignment_id>/imprimer")
@roles_required(*REVIEWERS)
def print_version(assignment_id):
    assignment = reviewing.get_assignment_for_reviewer(assignment_id, acting_user())
    if assignment.status == AssignmentStatus.PENDING:
        abort(403)
    return render_template("calls/reviews/print.html", assignment=assignment,
                           application=assignment.application, call=assignment.application.call,
                           criteria=assignment.application.call.criteria,
                           last_day=days.last_day)
