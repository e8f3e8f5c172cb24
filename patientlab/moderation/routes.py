from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from patientlab.auth.services import ServiceError
from patientlab.core.security import Role, roles_required
from patientlab.extensions import db
from patientlab.moderation.forms import ModerationForm
from patientlab.moderation.models import REFUSAL_REASONS
from patientlab.projects import services as projects
from patientlab.projects.models import Question

bp = Blueprint("moderation", __name__, url_prefix="/moderation")

MODERATORS = (Role.MODERATOR, Role.ADMIN)


@bp.route("/")
@roles_required(*MODERATORS)
def index():
    return render_template("moderation/index.html", questions=projects.pending_questions(),
                           to_publish=projects.submitted_projects())


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@roles_required(*MODERATORS)
def question(question_id):
    item = db.session.get(Question, question_id)
    if item is None:
        abort(404)
    form = ModerationForm()
    if form.validate_on_submit():
        try:
            projects.moderate_question(current_user._get_current_object(), item,
                                       form.decision.data, form.reason.data or "",
                                       form.note.data or "")
        except ServiceError as error:
            db.session.rollback()
            if error.field and hasattr(form, error.field):
                getattr(form, error.field).errors.append(str(error.message))
            else:
                flash(str(error.message), "error")
                return redirect(url_for("moderation.index"))
        else:
            db.session.commit()
            flash(_("Décision enregistrée."), "success")
            return redirect(url_for("moderation.index"))
    return render_template("moderation/question.html", item=item, form=form,
                           reasons=REFUSAL_REASONS)
