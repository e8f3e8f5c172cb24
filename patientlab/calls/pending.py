"""What the calls leave waiting for each person (core.pending): reviewers' declarations
and reviews, applicants' drafts and answers, and the coordination's reading, releasing
and deciding."""

from datetime import datetime, timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from patientlab.core.days import last_day
from patientlab.core.i18n import date_long, datetime_long
from patientlab.core.pending import Task
from patientlab.core.permissions import COORDINATION
from patientlab.core.security import Role
from patientlab.extensions import db
from patientlab.networks import context

from . import reviewing
from .models import (
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    Call,
    CallState,
    Review,
    ReviewStatus,
)
from .services import applications_involving, applications_of, missing_parts

#: The coordination hears of a call closing this many days before.
CLOSING_SOON = timedelta(days=7)


def _by(deadline: datetime) -> str:
    return _("au plus tard le %(date)s inclus", date=date_long(last_day(deadline)))


def _answered(review: Review | None, criteria) -> int:
    if review is None:
        return 0
    answers = {a.criterion_id: a for a in review.answers}
    return sum(1 for c in criteria if c.id in answers and (
        answers[c.id].score is not None or answers[c.id].comment.strip()))


def _network(call: Call, user_network_ids=()) -> int:
    """The network of ``call`` whose pages a task links to: this address's (a joint call
    answers under each of its networks'), else one where the person works, else the lead."""
    current = context.current_id()
    if current is not None and current in call.network_ids:
        return current
    return call.network_for(user_network_ids)


def _decided(application_ids: list[int]) -> set[int]:
    """The applications a committee has given its recommendation on, or that have the
    coordination's decision: a review still to write is no longer awaited."""
    from .models import AgendaItem

    if not application_ids:
        return set()
    return set(db.session.scalars(select(AgendaItem.application_id).where(
        AgendaItem.application_id.in_(application_ids), AgendaItem.state == "done"))) | set(
        db.session.scalars(select(Application.id).where(
            Application.id.in_(application_ids), Application.decision.is_not(None),
            Application.decision != "")))


def reviewer_tasks(user, now: datetime) -> list[Task]:
    tasks = []
    assignments = reviewing.reviewer_assignments(user)
    decided = _decided([a.application_id for a in assignments])
    for assignment in assignments:
        if not reviewing.review_open(assignment, now):
            continue
        application, review = assignment.application, assignment.review
        call = application.call
        network_id = _network(call)
        here = context.label(network_id)
        href = url_for("reviews.detail", assignment_id=assignment.id,
                       **context.link(network_id))
        if application.id in decided and (review is None or review.status in (
                ReviewStatus.DRAFT, ReviewStatus.RETURNED)):
            # The committee decided before this review came: nothing is asked any more.
            tasks.append(Task(_("« %(title)s » : le comité a décidé, votre relecture n’est "
                                "plus attendue", title=application.title), href, None,
                              (*here, _("merci pour le temps que vous y avez passé"))
                              if review is not None else here))
            continue
        if assignment.status == AssignmentStatus.PENDING:
            tasks.append(Task(_("Dire si vous avez un lien avec « %(title)s »",
                                title=application.title), href, call.review_deadline,
                              (*here, _by(call.review_deadline))))
        elif review is not None and review.status == ReviewStatus.RETURNED:
            tasks.append(Task(_("Reformuler votre relecture de « %(title)s »",
                                title=application.title), href, None,
                              (*here, _("à la demande de la coordination"))))
        elif review is None or review.status == ReviewStatus.DRAFT:
            total = len(call.criteria)
            done = _answered(review, call.criteria)
            progress = (ngettext("%(done)s question sur %(num)s", "%(done)s questions sur %(num)s",
                                 total, done=done) if review is not None
                        else _("pas commencée"))
            tasks.append(Task(_("Relire « %(title)s »", title=application.title), href,
                              call.review_deadline,
                              (*here, progress, _by(call.review_deadline))))
    return tasks


def applicant_tasks(user, now: datetime) -> list[Task]:
    tasks = []
    for application in applications_of(user):
        call = application.call
        network_id = _network(call)
        here = context.label(network_id)
        href = url_for("applications.detail", application_id=application.id,
                       **context.link(network_id))
        if application.status == ApplicationStatus.DRAFT and call.state(now) == CallState.OPEN:
            missing = missing_parts(application)
            facts = [_by(call.application_deadline)]
            if missing:
                facts.insert(0, _("il manque : %(parts)s", parts=", ".join(missing)))
            tasks.append(Task(_("Terminer et envoyer votre candidature « %(title)s »",
                                title=application.title), href,
                              call.application_deadline, (*here, *facts)))
        elif (reviewing.can_respond(application, now)
              and application.response_sent_at is None):
            facts = [_by(call.response_deadline)]
            if application.response_draft:
                facts.insert(0, _("brouillon commencé"))
            tasks.append(Task(_("Répondre aux avis des patients sur « %(title)s »",
                                title=application.title),
                              url_for("applications.detail", application_id=application.id,
                                      _anchor="avis", **context.link(network_id)),
                              call.response_deadline, (*here, *facts)))
    return tasks


def _live_calls(user, now: datetime) -> list[Call]:
    """Published calls not yet past their results date: those with work to do, in the
    networks ``user`` coordinates (this address's only, on a network's page)."""
    return list(db.session.scalars(context.held_where(select(Call).where(
        Call.published_at.is_not(None), Call.results_at > now - timedelta(days=90)),
        Call.run_by, user, COORDINATION).order_by(Call.application_deadline)))


def coordination_tasks(user, now: datetime) -> list[Task]:
    """Counts per call: reviews to read, feedback to release, decisions to record, the
    call closing soon. Applications the person is involved in are left out: nobody
    decides about their own application."""
    tasks = []
    coordinated = user.network_ids_with(Role.COORDINATOR)
    for call in _live_calls(user, now):
        network_id = _network(call, coordinated)
        here = context.label(network_id)
        href = url_for("call_admin.call", call_id=call.id, **context.link(network_id))
        mine = applications_involving(user, call)
        if call.state(now) == CallState.OPEN and call.application_deadline - now <= CLOSING_SOON:
            tasks.append(Task(_("L’appel « %(title)s » ferme bientôt", title=call.title), href,
                              call.application_deadline,
                              (*here, _("candidatures jusqu’au %(date)s inclus",
                                        date=date_long(last_day(call.application_deadline))))))
        rows = db.session.execute(
            select(Application.id, Application.decision, Review.status)
            .join(Assignment, Assignment.application_id == Application.id, isouter=True)
            .join(Review, Review.assignment_id == Assignment.id, isouter=True)
            .where(Application.call_id == call.id,
                   Application.status == ApplicationStatus.SUBMITTED)).all()
        to_read, to_release, to_decide = set(), set(), set()
        for app_id, decision, review_status in rows:
            if app_id in mine:
                continue
            if review_status == ReviewStatus.SUBMITTED:
                to_read.add(app_id)
            if now >= call.review_deadline and review_status == ReviewStatus.SUBMITTED:
                to_release.add(app_id)
            if not decision and now >= call.response_deadline:
                to_decide.add(app_id)
        to_read -= to_release
        if to_read:
            tasks.append(Task(ngettext(
                "%(num)s candidature a des relectures à lire",
                "%(num)s candidatures ont des relectures à lire", len(to_read)), href,
                call.review_deadline, (*here, call.title)))
        if to_release:
            tasks.append(Task(ngettext(
                "%(num)s candidature a des avis prêts à transmettre",
                "%(num)s candidatures ont des avis prêts à transmettre", len(to_release)),
                href, call.response_deadline, (*here, call.title)))
        if to_decide:
            tasks.append(Task(ngettext(
                "%(num)s décision à enregistrer", "%(num)s décisions à enregistrer",
                len(to_decide)),
                url_for("call_admin.summary", call_id=call.id, **context.link(network_id)),
                call.results_at, (*here, call.title, _("résultats annoncés le %(date)s",
                                                       date=date_long(last_day(call.results_at))))))
    return tasks


def committee_tasks(user, now: datetime) -> list[Task]:
    """A member's sessions to come: preliminary scores to give, or the item the committee
    discusses now."""
    from . import committee as cm

    tasks = []
    for meeting in cm.sessions_for(user):
        if meeting.state == cm.CLOSED:
            continue
        network_id = _network(meeting.call)
        here = context.label(network_id)
        href = url_for("committee.session", session_id=meeting.id, **context.link(network_id))
        if meeting.current_item_id is not None:
            tasks.append(Task(_("Le comité discute : donnez votre note finale"),
                              url_for("committee.item", session_id=meeting.id,
                                      point_id=meeting.current_item_id,
                                      **context.link(network_id)), now,
                              (*here, meeting.title)))
            continue
        mine = cm.my_scores(user, meeting)
        undeclared = cm.declarations_awaited(user, meeting)  # their reviews' task says so
        todo = [i for i in meeting.items if i.state == cm.WAITING and i.id not in undeclared
                and not cm.conflicted(user, i)
                and (i.id not in mine or mine[i.id].preliminary is None)]
        if todo:
            tasks.append(Task(ngettext(
                "Donner votre note préliminaire sur %(num)s projet",
                "Donner vos notes préliminaires sur %(num)s projets", len(todo)), href,
                meeting.meets_at, (*here, meeting.title, datetime_long(meeting.meets_at))))
    return tasks
