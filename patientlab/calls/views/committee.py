"""The selection committee's pages (/comite/): the coordination prepares a session and
chairs it; members give preliminary and final scores; the minutes. Everything works
without JavaScript, on a laptop or a tablet: the current item is always one link away."""

from datetime import datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from patientlab.auth.services import get_user_by_email
from patientlab.core.days import PARIS
from patientlab.core.errors import ServiceError
from patientlab.core.locking import start_write_transaction
from patientlab.core.permissions import COORDINATION
from patientlab.core.security import acting_user, roles_required
from patientlab.core.transaction import attempt

from .. import committee as cm
from .. import reviewing
from .. import services as svc
from ..forms import (
    ActionForm,
    CloseSessionForm,
    CommitteeMemberForm,
    CommitteeNotesForm,
    CommitteeSessionForm,
    RecommendationForm,
    ReopenSessionForm,
    committee_score_form,
)

bp = Blueprint("committee", __name__, url_prefix="/comite")


@bp.route("/")
@login_required
def index():
    user = acting_user()
    return render_template("calls/committee/index.html", sessions=cm.sessions_for(user),
                           chaired=cm.sessions_chaired_by(user),
                           calls=svc.list_all_calls() if svc.is_coordinator(user) else [],
                           sessions_of_call=cm.sessions_of_call, STATES=cm.STATES)


def _meets_at(form) -> datetime | None:
    try:
        hours, minutes = (int(part) for part in form.time.data.split(":"))
        return datetime.combine(form.day.data, time(hours, minutes), tzinfo=PARIS)
    except (ValueError, AttributeError):
        form.time.errors = [*form.time.errors, _("Indiquez l’heure, par exemple 14:00.")]
        return None


@bp.route("/appels/<int:call_id>/nouvelle", methods=["GET", "POST"])
@roles_required(*COORDINATION)
def new(call_id):
    call = svc.get_call_or_404(call_id, acting_user())
    form = CommitteeSessionForm()
    if form.validate_on_submit() and (meets_at := _meets_at(form)) is not None:
        with attempt(form) as done:
            session = cm.create_session(acting_user(), call, form.title.data, meets_at,
                                        form.place.data or "", form.online_url.data or "",
                                        form.scale_max.data)
        if done:
            flash(_("La séance est créée avec les candidatures dans l’ordre du classement. "
                    "Ajoutez maintenant ses membres."), "success")
            return redirect(url_for("committee.session", session_id=session.id))
    return render_template("calls/committee/new.html", form=form, call=call)


def _member_form():
    form = CommitteeMemberForm(prefix="membre")
    form.group.choices = list(cm.GROUPS.items())
    return form


def _session_page(user, meeting, member_form=None):
    chair = cm.may_chair(user, meeting)
    out, scores = cm.out_of_room(meeting), cm.scores_of(meeting)
    conflicts = {item.id: [m for m in meeting.members if m.user_id in out[item.id]]
                 for item in meeting.items}
    # Who declared their link here (they or the chair may take it back until it opens).
    declared = {item.id: {member_id for member_id, row in scores[item.id].items()
                          if row.conflict} for item in meeting.items}
    return render_template(
        "calls/committee/session.html", meeting=meeting, chair=chair,
        member=cm.member_of(user, meeting),
        member_form=member_form or (_member_form() if chair else None), conflicts=conflicts,
        mine=cm.my_scores(user, meeting), out_for_me={
            item.id for item in meeting.items if user.id in out[item.id]},
        action=ActionForm(formdata=None), cm=cm, may_reopen=cm.may_reopen(user, meeting),
        declare_first=cm.declarations_awaited(user, meeting), declared=declared)


@bp.route("/<int:session_id>")
@login_required
def session(session_id):
    user = acting_user()
    return _session_page(user, cm.get_session_or_404(session_id, user))


def _add_member(user, meeting, form):
    person = get_user_by_email(form.email.data)
    if person is None:
        raise ServiceError(_("Aucun compte n’a cette adresse. La personne doit d’abord créer "
                             "son compte."), field="email")
    cm.add_member(user, meeting, person, form.group.data, bool(form.secretary.data))
    return person


@bp.route("/<int:session_id>/membres", methods=["POST"])
@login_required
def add_member(session_id):
    user = acting_user()
    meeting = cm.get_session_or_404(session_id, user)
    if not cm.may_chair(user, meeting):
        abort(403)
    form = _member_form()
    if form.validate_on_submit():
        with attempt(form) as done:
            person = _add_member(user, meeting, form)
        if done:
            flash(_("%(name)s est membre du comité.", name=person.name), "success")
            return redirect(url_for("committee.session", session_id=meeting.id))
    return _session_page(user, meeting, form)


@bp.route("/<int:session_id>/membres/<int:member_id>/presence", methods=["POST"])
@roles_required(*COORDINATION)
def presence(session_id, member_id):
    meeting = cm.get_session_or_404(session_id, acting_user())
    member = next((m for m in meeting.members if m.id == member_id), None)
    if member is None:
        abort(404)
    if ActionForm().validate_on_submit():
        with attempt():
            cm.set_present(acting_user(), meeting, member, not member.present)
    return redirect(url_for("committee.session", session_id=meeting.id, _anchor="membres"))


@bp.route("/<int:session_id>/points/<int:point_id>/deplacer", methods=["POST"])
@roles_required(*COORDINATION)
def move(session_id, point_id):
    meeting = cm.get_session_or_404(session_id, acting_user())
    item = next((i for i in meeting.items if i.id == point_id), None)
    if item is None:
        abort(404)
    if ActionForm().validate_on_submit():
        with attempt():
            cm.move_item(acting_user(), meeting, item, -1 if "monter" in request.form else 1)
    return redirect(url_for("committee.session", session_id=meeting.id, _anchor="ordre"))


def _item_forms(meeting) -> dict:
    recommendation = RecommendationForm(prefix="avis")
    recommendation.recommendation.choices = list(cm.RECOMMENDATIONS.items())
    return {"prelim": committee_score_form(meeting.scale_max, final=False),
            "final": committee_score_form(meeting.scale_max, final=True),
            "notes": CommitteeNotesForm(prefix="notes"), "recommendation": recommendation}


def _out_of_room(user, meeting, point_id):
    """The page of a member out of the room for this item (403), or None."""
    agenda_item = next((i for i in meeting.items if i.id == point_id), None)
    if agenda_item is None or not cm.conflicted(user, agenda_item):
        return None
    member = cm.member_of(user, meeting)
    declared = member is not None and cm.declared_here(agenda_item, member)
    return render_template(
        "calls/committee/out_of_room.html", meeting=meeting, item=agenda_item,
        member=member, action=ActionForm(formdata=None), declared=declared,
        may_withdraw=declared and cm.may_withdraw_conflict(user, agenda_item, member)), 403


def _item_page(user, meeting, agenda_item, forms, mine):
    chair = cm.may_chair(user, meeting)
    application = agenda_item.application
    # The reviewer's gates, here too: declaration first, the others' reviews once one's
    # own is released, never a review the coordination has not moderated.
    reading = svc.reading_rights(user, application)
    return render_template(
        "calls/committee/item.html", meeting=meeting, item=agenda_item, chair=chair,
        member=cm.member_of(user, meeting), mine=mine, prelim=forms["prelim"],
        final=forms["final"],
        notes=forms["notes"], recommendation=forms["recommendation"], cm=cm,
        application=application, reading=reading,
        feedback=reviewing.feedback_for(application, confidential=True)
        if reading.reviews else None,
        without_final=cm.without_final(agenda_item) if chair and agenda_item.state == cm.DISCUSSING
        else [], action=ActionForm(formdata=None),
        awaited=cm.reviews_awaited(agenda_item) if chair and agenda_item.state != cm.DONE
        else None,
        # The scores follow the reading rule: no declaration, no scores either.
        spread=cm.spread(agenda_item) if chair or reading.application else None)


@bp.route("/<int:session_id>/points/<int:point_id>")
@login_required
def item(session_id, point_id):
    user = acting_user()
    meeting = cm.get_session_or_404(session_id, user)
    if (refused := _out_of_room(user, meeting, point_id)) is not None:
        return refused
    agenda_item = cm.get_item_or_404(meeting, point_id, user)
    forms = _item_forms(meeting)
    mine = cm.my_scores(user, meeting).get(agenda_item.id)
    _show_saved(forms, agenda_item, mine)
    return _item_page(user, meeting, agenda_item, forms, mine)


def _show_saved(forms, agenda_item, mine, posted: str | None = None) -> None:
    """The item's forms show what is saved, except one that brings back what the person
    typed and could not send (core.kept), or the one just sent with an error."""
    prelim, final, notes, recommendation = (
        None if form.restored or name == posted else form for name, form in forms.items())
    if mine is not None and prelim is not None:
        prelim.score.data, prelim.comment.data = mine.preliminary, mine.comment
    if mine is not None and final is not None:
        final.score.data = mine.final
    if notes is not None:
        notes.notes.data = agenda_item.notes
    if recommendation is not None:
        recommendation.reasons.data = agenda_item.reasons
        recommendation.recommendation.data = agenda_item.recommendation or None


# Each of the item's forms posts to its own address; each saves, then says what it saved.

def _save_preliminary(user, item, form, top):
    cm.save_preliminary(user, item, form.score.data, form.comment.data or "")
    return _("Votre note préliminaire pour « %(title)s » est enregistrée : %(score)s sur "
             "%(max)s.", title=item.application.title, score=form.score.data, max=top)


def _save_final(user, item, form, top):
    cm.save_final(user, item, form.score.data)
    saved = _("Votre note finale pour « %(title)s » est enregistrée : %(score)s sur %(max)s.",
              title=item.application.title, score=form.score.data, max=top)
    member = cm.member_of(user, item.session)
    if member is not None and not member.present:  # the committee's score counts the room
        saved += " " + _("Elle comptera quand la présidence aura noté votre présence.")
    return saved


def _save_notes(user, item, form, top):
    cm.save_notes(user, item, form.notes.data or "")
    return _("Les notes de la discussion sur « %(title)s » sont enregistrées.",
             title=item.application.title)


def _save_recommendation(user, item, form, top):
    cm.record_recommendation(user, item, form.recommendation.data, form.reasons.data or "",
                             without_scores=bool(form.without_scores.data))
    return _("La recommandation du comité sur « %(title)s » est enregistrée : "
             "%(recommendation)s.", title=item.application.title,
             recommendation=cm.RECOMMENDATIONS[form.recommendation.data])


ITEM_ACTIONS = {"prelim": _save_preliminary, "final": _save_final, "notes": _save_notes,
                "recommendation": _save_recommendation}


def _item_post(session_id, point_id, which):
    """One of the item's forms: saved, its message, back to the item; or the item's page
    again with the form's errors (the other forms showing what is saved)."""
    start_write_transaction()  # members score at the same moment: each waits its turn
    user = acting_user()
    meeting = cm.get_session_or_404(session_id, user)
    if (refused := _out_of_room(user, meeting, point_id)) is not None:
        return refused
    agenda_item = cm.get_item_or_404(meeting, point_id, user)
    forms = _item_forms(meeting)
    form = forms[which]
    if form.validate_on_submit():
        with attempt(form) as done:
            saved = ITEM_ACTIONS[which](user, agenda_item, form, meeting.scale_max)
        if done:
            flash(saved, "success")
            return redirect(url_for("committee.item", session_id=meeting.id,
                                    point_id=point_id))
    for name, other in forms.items():  # the other forms, as saved (not blank)
        if name != which:
            other.process(formdata=None)
    mine = cm.my_scores(user, meeting).get(agenda_item.id)
    _show_saved(forms, agenda_item, mine, posted=which)
    return _item_page(user, meeting, agenda_item, forms, mine)


@bp.route("/<int:session_id>/points/<int:point_id>/note-preliminaire", methods=["POST"])
@login_required
def preliminary_score(session_id, point_id):
    return _item_post(session_id, point_id, "prelim")


@bp.route("/<int:session_id>/points/<int:point_id>/note-finale", methods=["POST"])
@login_required
def final_score(session_id, point_id):
    return _item_post(session_id, point_id, "final")


@bp.route("/<int:session_id>/points/<int:point_id>/notes", methods=["POST"])
@login_required
def notes(session_id, point_id):
    return _item_post(session_id, point_id, "notes")


@bp.route("/<int:session_id>/points/<int:point_id>/recommandation", methods=["POST"])
@login_required
def recommend(session_id, point_id):
    return _item_post(session_id, point_id, "recommendation")


@bp.route("/<int:session_id>/points/<int:point_id>/ouvrir", methods=["POST"])
@roles_required(*COORDINATION)
def open_item(session_id, point_id):
    meeting = cm.get_session_or_404(session_id, acting_user())
    agenda_item = cm.get_item_or_404(meeting, point_id, acting_user())
    if ActionForm().validate_on_submit():
        with attempt() as done:
            cm.open_item(acting_user(), agenda_item)
        if done:
            flash(_("La discussion est ouverte : les membres peuvent donner leur note "
                    "finale."), "success")
    return redirect(url_for("committee.item", session_id=meeting.id, point_id=point_id))


def _item_or_404(meeting, point_id):
    """One item of the agenda, whoever may see it (get_item_or_404 asks more)."""
    agenda_item = next((i for i in meeting.items if i.id == point_id), None)
    if agenda_item is None:
        abort(404)
    return agenda_item


def _to_agenda(meeting, agenda_item):
    return redirect(url_for("committee.session", session_id=meeting.id,
                            _anchor=f"point-{agenda_item.id}"))


@bp.route("/<int:session_id>/conflit/<int:point_id>", methods=["GET", "POST"])
@login_required
def conflict(session_id, point_id):
    """Leaving the room for a project: a page that says what happens, then the member
    confirms; until the chair opens the item, it can be taken back."""
    user = acting_user()
    meeting = cm.get_session_or_404(session_id, user)
    agenda_item = _item_or_404(meeting, point_id)
    if cm.member_of(user, meeting) is None:
        abort(403)  # the coordination sees the session, only its members leave the room
    if cm.conflicted(user, agenda_item):
        return redirect(url_for("committee.item", session_id=meeting.id, point_id=point_id))
    if ActionForm().validate_on_submit():
        with attempt() as done:
            cm.declare_conflict(user, agenda_item)
        if done:
            flash(_left_the_room(agenda_item), "success")
            return _to_agenda(meeting, agenda_item)
    return _conflict_page(user, meeting, agenda_item)


def _conflict_page(user, meeting, agenda_item):
    return render_template("calls/committee/conflict.html", meeting=meeting,
                           item=agenda_item, action=ActionForm(formdata=None),
                           mine=cm.my_scores(user, meeting).get(agenda_item.id))


def _left_the_room(agenda_item) -> str:
    return _("C’est noté : vous sortez de la salle pour « %(title)s ». Vous ne le verrez plus "
             "et ne le noterez pas.", title=agenda_item.application.title)


def _withdrawn(user, member, agenda_item) -> str:
    if member.user_id != user.id:
        return _("C’est annulé : %(name)s est de nouveau dans la salle pour « %(title)s ».",
                 name=member.user.public_name, title=agenda_item.application.title)
    return _("C’est annulé : vous restez dans la salle pour « %(title)s ».",
             title=agenda_item.application.title)


@bp.route("/<int:session_id>/conflit/<int:point_id>/annuler/<int:member_id>",
          methods=["POST"])
@login_required
def withdraw_conflict(session_id, point_id, member_id):
    """The member, or the chair, takes a declaration back (until the item is opened)."""
    user = acting_user()
    meeting = cm.get_session_or_404(session_id, user)
    agenda_item = _item_or_404(meeting, point_id)
    member = next((m for m in meeting.members if m.id == member_id), None)
    if member is None:
        abort(404)
    if member.user_id != user.id and not cm.may_chair(user, meeting):
        abort(403)
    if ActionForm().validate_on_submit():
        with attempt() as done:
            cm.withdraw_conflict(user, agenda_item, member)
        if done:
            flash(_withdrawn(user, member, agenda_item), "success")
    return _to_agenda(meeting, agenda_item)


@bp.route("/<int:session_id>/cloturer", methods=["GET", "POST"])
@roles_required(*COORDINATION)
def close(session_id):
    """Says what is left undone and asks first: closing freezes the scores."""
    meeting = cm.get_session_or_404(session_id, acting_user())
    if meeting.state == cm.CLOSED:
        return redirect(url_for("committee.session", session_id=meeting.id))
    form = CloseSessionForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            cm.close_session(acting_user(), meeting)
        if done:
            flash(_("La séance est terminée. Le procès-verbal est prêt."), "success")
            return redirect(url_for("committee.minutes", session_id=meeting.id))
    return render_template("calls/committee/close.html", meeting=meeting, form=form,
                           left=cm.what_is_left(meeting))


@bp.route("/<int:session_id>/rouvrir", methods=["GET", "POST"])
@roles_required(*COORDINATION)
def reopen(session_id):
    meeting = cm.get_session_or_404(session_id, acting_user())
    form = ReopenSessionForm()
    if cm.may_reopen(acting_user(), meeting) and form.validate_on_submit():
        with attempt(form) as done:
            cm.reopen_session(acting_user(), meeting, form.reason.data)
        if done:
            flash(_("La séance est rouverte : les notes et les présences peuvent de nouveau "
                    "changer."), "success")
            return redirect(url_for("committee.session", session_id=meeting.id))
    return render_template("calls/committee/reopen.html", meeting=meeting, form=form,
                           left=cm.what_is_left(meeting),
                           may_reopen=cm.may_reopen(acting_user(), meeting))


@bp.route("/<int:session_id>/proces-verbal")
@login_required
def minutes(session_id):
    user = acting_user()
    meeting = cm.get_session_or_404(session_id, user)
    # Who left the room is the coordination's to know; members read counts only. The
    # coordination can read (and print) the members' version too.
    names = cm.may_chair(user, meeting) and request.args.get("version") != "membres"
    out, scores = cm.out_of_room(meeting), cm.scores_of(meeting)
    # Every item keeps its number for everyone; one the reader left the room for shows
    # no score (``mine_out``).
    chair = cm.may_chair(user, meeting)
    # The reading rule (services.reading_rights): a member who reviews a project and has
    # not declared their interests reads no scores either; one statement for the agenda.
    unread = {} if chair else cm.declarations_awaited(user, meeting)
    rows = [(i, cm.spread(i, out[i.id], scores[i.id]),
             [m for m in meeting.members if m.user_id in out[i.id]] if names else [],
             user.id in out[i.id], i.id in unread)
            for i in meeting.items]
    return render_template("calls/committee/minutes.html", meeting=meeting, rows=rows, cm=cm,
                           names=names, chair=chair)
