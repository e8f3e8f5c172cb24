"""/moderation/: the queue, one item with its context, reports and appeals."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from patientlab.auth import suspension
from patientlab.auth.forms import LiftForm, SuspendForm
from patientlab.auth.models import User
from patientlab.core.gates import SUSPENDED, reachable_during
from patientlab.core.pagination import page_number
from patientlab.core.security import acting_user, roles_required
from patientlab.core.transaction import attempt, commit_despite_error
from patientlab.extensions import db

from . import reports, revisions
from . import services as svc
from .forms import (
    AppealDecisionForm,
    AppealForm,
    BulkForm,
    EditTextForm,
    ModerationForm,
    ReportForm,
    RevisionForm,
    TrustForm,
)
from .models import ModerationState as S

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
AGES = {"": 0, "1": 1, "3": 3, "7": 7}



@bp.route("/")
@roles_required(*svc.MODERATORS)
def index():
    name = svc.queue_from_slug(request.args.get("file"))
    kind = _chosen("type", svc.kinds())
    age = _chosen("age", AGES)
    page = svc.queue(name, kind_name=kind, older_than_days=AGES[age],
                     page=page_number(request.args.get("page")))
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("moderation/index.html", page=page, name=name, kind=kind, age=age,
                           account_appeals=svc.open_suspension_appeals() if name == "appeals"
                           else [],
                           counts=svc.counts(), queues=svc.QUEUES, slugs=svc.QUEUE_SLUGS,
                           kinds=svc.kinds(),
                           page_args=args, other_work=svc.other_work(),
                           changes=revisions.waiting() if name == "waiting" and not kind
                           else [],
                           bulk_form=BulkForm(formdata=None, prefix="bulk"))


def _chosen(name: str, allowed) -> str:
    """The filter asked for in the address when it is one of ``allowed``, else none."""
    value = request.args.get(name, "")
    return value if value in allowed else ""


def _flash_errors(form) -> None:
    """A form posted from another page: its first error per field, flashed there."""
    for errors in form.errors.values():
        flash(str(errors[0]), "error")


@bp.route("/lot", methods=["POST"])
@roles_required(*svc.MODERATORS)
def bulk():
    form = BulkForm(prefix="bulk")
    back = url_for("moderation.index", file=svc.QUEUE_SLUGS["waiting"],
                   type=request.args.get("type", ""))
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(back)
    done, skipped = svc.decide_many(acting_user(), form.items.data, form.decision.data,
                                    form.reason.data or "")
    flash(ngettext("%(num)s contenu traité.", "%(num)s contenus traités.", done)
          + (" " + ngettext("%(num)s était déjà traité par un autre modérateur.",
                            "%(num)s étaient déjà traités par un autre modérateur.", skipped)
             if skipped else ""), "success")
    return redirect(back)


@bp.route("/<kind>s/<int:item_id>/texte", methods=["POST"])
@roles_required(*svc.MODERATORS)
def edit_text(kind, item_id):
    kind = svc.kind_of(kind)
    item = svc.get_item_or_404(kind, item_id)
    form = EditTextForm(prefix="text")
    if form.validate_on_submit():
        with attempt() as done:
            changed = svc.edit_text(acting_user(), kind, item, form.text.data or "")
        if done:
            flash(_("Texte corrigé. L’original est gardé dans le journal.") if changed
                  else _("Rien n’a changé."), "success")
    return redirect(url_for("moderation.item", kind=kind.name, item_id=item.id))


def _decision_choices(state: str):
    return [(key, svc.DECISION_LABELS[key]) for key, (allowed, _t) in svc.TRANSITIONS.items()
            if state in allowed]


def _item_page(kind, item, form=None, appeal_form=None, status=200):
    if form is None:
        form = ModerationForm(formdata=None)
    form.decision.choices = _decision_choices(item.moderation_state)
    form.seen_state.data = item.moderation_state
    author = db.session.get(User, item.author_id) if item.author_id else None
    return render_template(
        "moderation/item.html", kind=kind, item=item, form=form, author=author,
        reports=reports.open_reports(kind, item), appeal=svc.get_appeal(kind, item),
        appeal_form=appeal_form or AppealDecisionForm(formdata=None, prefix="appeal"),
        trust_form=TrustForm(formdata=None, prefix="trust"),
        text_form=EditTextForm(formdata=None, prefix="text", text=kind.text(item)),
        waiting_change=revisions.pending_revision(kind.name, item),
        trusted=author is not None and svc.is_trusted(author)), status


@bp.route("/<kind>s/<int:item_id>", methods=["GET", "POST"])
@roles_required(*svc.MODERATORS)
def item(kind, item_id):
    kind = svc.kind_of(kind)
    item = svc.get_item_or_404(kind, item_id)
    form = ModerationForm()
    form.decision.choices = _decision_choices(form.seen_state.data or item.moderation_state)
    if not form.validate_on_submit():
        return _item_page(kind, item, form if form.is_submitted() else None)
    with attempt(form) as done:
        svc.decide(acting_user(), kind, item, form.decision.data,
                   seen_state=form.seen_state.data or "", reason=form.reason.data or "",
                   note=form.note.data or "")
    if not done:
        return _refused_decision(kind, item, form, done.error)
    flash(_("Décision enregistrée."), "success")
    return redirect(url_for("moderation.index"))


def _refused_decision(kind, item, form, error):
    """A refusal about one field comes back on the form; one about the item itself (decided
    meanwhile, one's own) is flashed over the item as it now stands."""
    if error.field:
        return _item_page(kind, item, form)
    flash(str(error.message), "error")
    return redirect(url_for("moderation.item", kind=kind.name, item_id=item.id))


@bp.route("/modifications/<int:revision_id>", methods=["GET", "POST"])
@roles_required(*svc.MODERATORS)
def revision(revision_id):
    """A change to a published text: what changed, word by word, and the decision."""
    entry = revisions.get_waiting_or_404(revision_id)
    form = RevisionForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            revisions.decide(acting_user(), entry, form.decision.data,
                             seen=form.seen_version.data or "",
                             reason=form.reason.data or "", note=form.note.data or "")
        if done:
            flash(_("Décision enregistrée. L’auteur est prévenu par e-mail."), "success")
            return redirect(url_for("moderation.index"))
        if not done.error.field:  # decided meanwhile, or one's own: nothing left to do here
            flash(str(done.error.message), "error")
            return redirect(url_for("moderation.index"))
    return _revision_page(entry, form if form.is_submitted() else None)


def _revision_page(entry, form=None):
    if form is None:
        form = RevisionForm(formdata=None)
    form.seen_version.data = revisions.seen_token(entry.revision)
    author = db.session.get(User, entry.revision.author_id) if entry.revision.author_id \
        else None
    return render_template("moderation/revision.html", entry=entry, form=form, author=author,
                           changes=revisions.changes(entry.revisable, entry.item,
                                                     entry.revision))


@bp.route("/<kind>s/<int:item_id>/recours", methods=["POST"])
@roles_required(*svc.MODERATORS)
def decide_appeal(kind, item_id):
    kind = svc.kind_of(kind)
    item = svc.get_item_or_404(kind, item_id)
    record = svc.get_appeal(kind, item)
    if record is None:
        abort(404)
    form = AppealDecisionForm(prefix="appeal")
    if form.validate_on_submit():
        with attempt(form) as done:
            svc.decide_appeal(acting_user(), kind, item, record, form.outcome.data,
                              form.reason.data)
        if done:
            flash(_("Le recours est tranché. L’auteur est prévenu par e-mail."), "success")
            return redirect(url_for("moderation.index", file=svc.QUEUE_SLUGS["appeals"]))
    return _item_page(kind, item, appeal_form=form)


@bp.route("/confiance/<int:user_id>", methods=["POST"])
@roles_required(*svc.MODERATORS)
def trust(user_id):
    person = db.get_or_404(User, user_id)
    if TrustForm(prefix="trust").validate_on_submit():
        trusted = person.trusted_at is None
        try:
            svc.set_trust(acting_user(), person, trusted)
        except svc.OwnCase:
            commit_despite_error()  # the refused attempt stays in the audit log
            abort(403)
        flash(_("%(name)s est maintenant un auteur de confiance : ses contributions sont "
                "publiées tout de suite.", name=person.public_name) if trusted else
              _("%(name)s n’est plus un auteur de confiance : ses contributions seront relues "
                "avant publication.", name=person.public_name), "success")
    return redirect(request.referrer if request.referrer and request.referrer.startswith(
        request.host_url) else url_for("moderation.index"))


# --- For everyone: report, appeal -------------------------------------------------------


@bp.route("/signaler/<kind>/<int:item_id>", methods=["GET", "POST"])
@login_required
def report(kind, item_id):
    kind = svc.kind_of(kind)
    item = svc.get_item_or_404(kind, item_id)
    if item.moderation_state != S.PUBLISHED:
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            reports.report(acting_user(), kind, item, form.reason.data, form.note.data or "")
        if done:
            flash(_("Merci. Un modérateur va relire ce contenu."), "success")
            return redirect(kind.public_url(item))
    return render_template("moderation/report.html", kind=kind, item=item, form=form)


@bp.route("/recours/<kind>/<int:item_id>", methods=["GET", "POST"])
@login_required
def appeal(kind, item_id):
    kind = svc.kind_of(kind)
    item = svc.get_item_or_404(kind, item_id)
    if item.author_id != current_user.id:
        abort(403)
    form = AppealForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            svc.appeal(acting_user(), kind, item, form.text.data)
        if done:
            flash(_("Votre recours est envoyé. Un autre modérateur va relire la décision ; "
                    "vous recevrez sa réponse par e-mail."), "success")
            return redirect(url_for("moderation.appeal", kind=kind.name, item_id=item.id))
    return render_template("moderation/appeal.html", kind=kind, item=item, form=form,
                           existing=svc.get_appeal(kind, item),
                           can_appeal=svc.can_appeal(acting_user(), kind, item))


@bp.route("/comptes/<int:user_id>/suspension", methods=["GET", "POST"])
@roles_required(*svc.MODERATORS)
def suspend(user_id):
    person = db.get_or_404(User, user_id)
    form = SuspendForm(prefix="suspend")
    if form.validate_on_submit():
        with attempt(form) as done:
            suspension.suspend(acting_user(), person, form.reason.data, form.until.data)
        if done:
            flash(_("Le compte de %(name)s est suspendu. La personne est prévenue par "
                    "e-mail.", name=person.public_name), "success")
            return redirect(url_for("moderation.suspend", user_id=person.id))
    return _suspension_page(person, form)


@bp.route("/comptes/<int:user_id>/lever-suspension", methods=["POST"])
@roles_required(*svc.MODERATORS)
def lift(user_id):
    person = db.get_or_404(User, user_id)
    form = SuspendForm(prefix="suspend", formdata=None)  # the page's errors are listed there
    if LiftForm(prefix="lift").validate_on_submit():
        with attempt(form) as done:
            suspension.lift_suspension(acting_user(), person)
        if done:
            flash(_("La suspension est levée."), "success")
            return redirect(url_for("moderation.suspend", user_id=person.id))
    return _suspension_page(person, form)


def _suspension_page(person, form):
    return render_template("moderation/suspend.html", person=person, form=form,
                           lift_form=LiftForm(prefix="lift", formdata=None),
                           appeal=svc.suspension_appeal(person),
                           appeal_form=AppealDecisionForm(prefix="appeal", formdata=None))


@bp.route("/recours-suspension", methods=["GET", "POST"])
@reachable_during(SUSPENDED)
@login_required
def appeal_suspension():
    user = acting_user()
    if not user.is_suspended and svc.suspension_appeal(user) is None:
        abort(404)
    form = AppealForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            svc.appeal_suspension(user, form.text.data)
        if done:
            flash(_("Votre recours est envoyé. Un autre modérateur va relire la décision ; "
                    "vous recevrez sa réponse par e-mail."), "success")
            return redirect(url_for("moderation.appeal_suspension"))
    return render_template("moderation/appeal_suspension.html", form=form,
                           existing=svc.suspension_appeal(user),
                           can_appeal=svc.can_appeal_suspension(user))


@bp.route("/comptes/<int:user_id>/recours", methods=["POST"])
@roles_required(*svc.MODERATORS)
def decide_suspension_appeal(user_id):
    person = db.get_or_404(User, user_id)
    record = svc.suspension_appeal(person)
    if record is None:
        abort(404)
    form = AppealDecisionForm(prefix="appeal")
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for("moderation.suspend", user_id=person.id))
    with attempt() as done:
        svc.decide_suspension_appeal(acting_user(), person, record, form.outcome.data,
                                     form.reason.data)
    if done:
        flash(_("Le recours est tranché. L’auteur est prévenu par e-mail."), "success")
    return redirect(url_for("moderation.suspend", user_id=person.id))
