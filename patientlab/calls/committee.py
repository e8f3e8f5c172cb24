"""The selection committee of a call: patients and scientists decide with equal votes.

A session has members (patient experts and association representatives on one side,
scientists and invited experts on the other: membership is the « membre du comité »
role, per session), an agenda of the call's applications in the order the coordination
sets (the ranking by default), and for each application each member's score twice:
preliminary (before the meeting, with a short comment) and final (after the discussion,
only while the chair has the application open). A member with a conflict — they applied,
they are involved in it, they declared a conflict as a reviewer or here — can neither see
nor score it and « sort de la salle ».

The committee score is the mean of the final scores of present, non-conflicted members:
every member's score counts the same, patient or scientist. The summary shows its spread
and each group's median, so that the coordination sees where patients changed the
outcome. The chair records the recommendation and its reasons in plain words; they
prefill the decision, which stays the coordination's (calls.reviewing.record_decision).
"""

import statistics
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.audit import AuditEntry
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.sanitize import plain_text
from patientlab.core.security import Role
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.networks import context
from patientlab.networks.context import slug_of

from .models import (
    AgendaItem,
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    Call,
    CommitteeMember,
    CommitteeScore,
    CommitteeSession,
)
from .reviewing import ranking
from .reviewing.notices import tell
from .services import ensure_coordinator, involved_in, is_coordinator, reading_rights

PATIENT, SCIENTIST = "patient", "scientist"
GROUPS = {PATIENT: _l("patientes, patients et associations"),
          SCIENTIST: _l("scientifiques et personnes expertes invitées")}
PLANNED, OPEN, CLOSED = "planned", "open", "closed"
STATES = {PLANNED: _l("prévue"), OPEN: _l("en cours"), CLOSED: _l("terminée")}
WAITING, DISCUSSING, DONE = "waiting", "open", "done"
FUND, CONDITIONAL, NOT_FUND = "funded", "conditional", "not_funded"
RECOMMENDATIONS = {FUND: _l("financer"), CONDITIONAL: _l("financer sous conditions"),
                   NOT_FUND: _l("ne pas financer")}
#: A score this far from the median is shown as an outlier (without naming who).
OUTLIER = 3
#: Group medians this far apart: « patients and scientists differed ».
DIFFERED = 2
#: A group's median is shown from this many final scores (one score would be named).
GROUP_MINIMUM = 2


# --- Who sees what -------------------------------------------------------------------


def member_of(user, session: CommitteeSession) -> CommitteeMember | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return next((m for m in session.members if m.user_id == user.id), None)


def may_chair(user, session: CommitteeSession) -> bool:
    """The coordination of the call's network chairs (never about an application it is
    involved in)."""
    return is_coordinator(user, session.call.network_ids)


def may_see(user, session: CommitteeSession) -> bool:
    return may_chair(user, session) or member_of(user, session) is not None


def _score_row(item: AgendaItem, member: CommitteeMember) -> CommitteeScore | None:
    return db.session.scalar(select(CommitteeScore).where(
        CommitteeScore.item_id == item.id, CommitteeScore.member_id == member.id))


def conflicted(user, item: AgendaItem) -> bool:
    """The person applied, declared a conflict as a reviewer, or declared one here. (A
    reviewer without conflict sits on the committee: their review is on the papers.)"""
    return user.id in out_of_room(item.session, [item])[item.id]


def out_of_room(session: CommitteeSession,
                items: list[AgendaItem] | None = None) -> dict[int, set[int]]:
    """Per agenda item of the session (or of ``items``), the ids of the people who leave
    the room for it, as ``conflicted`` says: the applicant, reviewers who declared a
    conflict on the application, members who declared one here. Three statements
    whatever the number of items and members."""
    out: dict[int, set[int]] = {item.id: set() for item in (
        session.items if items is None else items)}
    if not out:
        return out
    items_of: dict[int, list[int]] = {}
    for item_id, application_id, owner_id in db.session.execute(
            select(AgendaItem.id, Application.id, Application.owner_id)
            .join(Application, Application.id == AgendaItem.application_id)
            .where(AgendaItem.id.in_(list(out)))):
        out[item_id].add(owner_id)
        items_of.setdefault(application_id, []).append(item_id)
    for application_id, reviewer_id in db.session.execute(
            select(Assignment.application_id, Assignment.reviewer_id).where(
                Assignment.application_id.in_(list(items_of)),
                Assignment.status == AssignmentStatus.CONFLICT)):
        for item_id in items_of[application_id]:
            out[item_id].add(reviewer_id)
    for item_id, user_id in db.session.execute(
            select(CommitteeScore.item_id, CommitteeMember.user_id)
            .join(CommitteeMember, CommitteeMember.id == CommitteeScore.member_id)
            .where(CommitteeScore.item_id.in_(list(out)), CommitteeMember.session_id == session.id,
                   CommitteeScore.conflict.is_(True))):
        out[item_id].add(user_id)
    return out


def get_session_or_404(session_id: int, user) -> CommitteeSession:
    from flask import abort

    session = db.session.get(CommitteeSession, session_id)
    if session is None:
        abort(404)
    context.ensure_in_current(session.call.network_ids)  # a session is its call's network's
    if not may_see(user, session):
        abort(403)
    return session


def get_item_or_404(session: CommitteeSession, item_id: int, user) -> AgendaItem:
    from flask import abort

    item = next((i for i in session.items if i.id == item_id), None)
    if item is None:
        abort(404)
    if conflicted(user, item):
        abort(403)  # out of the room for this one
    return item


def _ensure_not_closed(session: CommitteeSession, field: str | None = None) -> None:
    """A closed session's scores, conflicts and attendance are frozen: reopening it
    (``reopen_session``, audited) is the only way to change them. The state is read again
    so that a score sent while the chair closes waits for the close and is refused."""
    db.session.flush()  # a refresh would drop this request's own unsaved change
    db.session.refresh(session, ["state"])
    if session.state == CLOSED:
        raise ServiceError(_l("La séance est terminée : ses notes et ses présences ne "
                              "changent plus. Seule la présidence peut la rouvrir."),
                           field=field)


# --- The coordination prepares ---------------------------------------------------------


def create_session(actor: User, call: Call, title: str, meets_at: datetime, place: str,
                   online_url: str, scale_max: int = 9) -> CommitteeSession:
    """A session whose agenda is the call's submitted applications, in ranking order."""
    ensure_coordinator(actor, call.network_ids)
    if not 3 <= scale_max <= 10:
        raise ServiceError(_l("Choisissez une échelle de 3 à 10."), field="scale_max")
    session = CommitteeSession(call_id=call.id, title=plain_text(title), meets_at=meets_at,
                               place=plain_text(place), online_url=online_url.strip(),
                               scale_max=scale_max, chair_id=actor.id)
    ranked = [row.application.id for row in ranking(call)]
    submitted = list(db.session.scalars(select(Application.id).where(
        Application.call_id == call.id, Application.status == ApplicationStatus.SUBMITTED)
        .order_by(Application.id)))
    order = ranked + [i for i in submitted if i not in ranked]
    session.items = [AgendaItem(application_id=app_id, position=n)
                     for n, app_id in enumerate(order, start=1)]
    db.session.add(session)
    db.session.flush()
    audit.record(actor, "committee.created", session, summary=session.title)
    return session


def default_group(user: User) -> str:
    return PATIENT if user.has_any_role(Role.REVIEWERS) else SCIENTIST


def add_member(actor: User, session: CommitteeSession, user: User, group: str,
               secretary: bool = False) -> CommitteeMember:
    ensure_coordinator(actor, session.call.network_ids)
    _ensure_not_closed(session, "email")
    if group not in GROUPS:
        raise ServiceError(_l("Choisissez le collège de la personne."), field="group")
    if member_of(user, session) is not None:
        raise ServiceError(_l("Cette personne est déjà membre du comité."), field="email")
    member = CommitteeMember(session_id=session.id, user_id=user.id, group=group,
                             secretary=secretary)
    db.session.add(member)
    db.session.flush()
    db.session.refresh(session, ["members"])
    audit.record(actor, "committee.member_added", session, summary=f"user {user.id} ({group})")
    return member


def move_item(actor: User, session: CommitteeSession, item: AgendaItem, step: int) -> None:
    ensure_coordinator(actor, session.call.network_ids)
    _ensure_not_closed(session)
    items = list(session.items)
    index = items.index(item)
    other = index + step
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        for position, each in enumerate(items, start=1):
            each.position = position
        audit.record(actor, "committee.agenda_moved", session, summary=f"item {item.id}")


def set_present(actor: User, session: CommitteeSession, member: CommitteeMember,
                present: bool) -> None:
    ensure_coordinator(actor, session.call.network_ids)
    _ensure_not_closed(session)
    member.present = present
    audit.record(actor, "committee.attendance", session,
                 summary=f"member {member.id}: {'present' if present else 'absent'}")


# --- Members score -------------------------------------------------------------------


def _member_for_scoring(user, item: AgendaItem) -> CommitteeMember:
    member = member_of(user, item.session)
    if member is None:
        raise PermissionError("not a member of this committee")
    if conflicted(user, item):
        raise PermissionError("conflicted: out of the room")
    _ensure_not_closed(item.session, "score")
    if not reading_rights(user, item.application).application:
        raise ServiceError(_l("Déclarez d’abord vos liens d’intérêts avec ce projet, depuis "
                              "vos relectures : vous pourrez ensuite le lire et le noter."),
                           field="score")
    return member


def _check_score(session: CommitteeSession, score) -> int:
    if not isinstance(score, int) or not 1 <= score <= session.scale_max:
        raise ServiceError(_l("Choisissez une note de 1 à %(max)s.", max=session.scale_max),
                           field="score")
    return score


def _row_for(item: AgendaItem, member: CommitteeMember) -> CommitteeScore:
    """The member's row, created if needed; two requests at once keep one row."""
    row = _score_row(item, member)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = CommitteeScore(item_id=item.id, member_id=member.id)
            db.session.add(row)
    except IntegrityError:
        row = _score_row(item, member)
    return row


def save_preliminary(user, item: AgendaItem, score: int, comment: str) -> CommitteeScore:
    """Before the discussion: a score and a short comment."""
    member = _member_for_scoring(user, item)
    if item.state != WAITING:
        raise ServiceError(_l("La discussion de ce projet a commencé : donnez maintenant "
                              "votre note finale."), field="score")
    row = _row_for(item, member)
    row.preliminary = _check_score(item.session, score)
    row.comment = plain_text(comment, multiline=True)[:2000]
    audit.record(user, "committee.preliminary_score", item.session,
                 summary=f"item {item.id}")
    return row


def declare_conflict(user, item: AgendaItem) -> None:
    member = member_of(user, item.session)
    if member is None:
        raise PermissionError("not a member of this committee")
    _ensure_not_closed(item.session)
    if item.state != WAITING:
        raise ServiceError(_l("La discussion de ce projet a commencé : dites votre lien avec "
                              "le projet à la présidence, qui vous fera sortir de la salle."))
    row = _row_for(item, member)
    # The preliminary score and comment are set aside (no page counts them: the member is
    # out of the room) until the chair opens the item; taking the declaration back
    # before then finds them again.
    row.conflict, row.final = True, None
    audit.record(user, "committee.conflict_declared", item.session, summary=f"item {item.id}")


def may_withdraw_conflict(user, item: AgendaItem, member: CommitteeMember) -> bool:
    """A declaration made here can be taken back, by the member or the chair, until the
    chair opens the item (then it is final)."""
    return (item.state == WAITING and item.session.state != CLOSED
            and (user.id == member.user_id or may_chair(user, item.session)))


def declared_here(item: AgendaItem, member: CommitteeMember) -> bool:
    """The member declared their link with the project on this committee (not as the
    applicant or as a reviewer: those are not taken back here)."""
    row = _score_row(item, member)
    return bool(row is not None and row.conflict)


def withdraw_conflict(actor, item: AgendaItem, member: CommitteeMember) -> None:
    """The member (« je me suis trompé ») or the chair takes the declaration back; the
    preliminary score set aside counts again. Audited."""
    if member.session_id != item.session_id:
        raise PermissionError("not a member of this committee")
    if actor.id != member.user_id and not may_chair(actor, item.session):
        raise PermissionError("only the member or the chair")
    _ensure_not_closed(item.session)
    db.session.refresh(item, ["state"])
    if item.state != WAITING:
        raise ServiceError(_l("La présidence a ouvert la discussion de ce projet : la sortie "
                              "de la salle ne peut plus être annulée."))
    row = _score_row(item, member)
    if row is None or not row.conflict:
        raise ServiceError(_l("Ce membre n’a pas déclaré de lien avec ce projet ici."))
    row.conflict = False
    audit.record(actor, "committee.conflict_withdrawn", item.session,
                 summary=f"item {item.id}, member {member.id}")


def save_final(user, item: AgendaItem, score: int, now: datetime | None = None) -> None:
    """After the discussion, while the chair has the item open. Each member writes only
    their own row: scores sent at the same moment by several members are all kept."""
    member = _member_for_scoring(user, item)
    db.session.refresh(item, ["state"])
    if item.state != DISCUSSING:
        raise ServiceError(_l("Les notes finales se donnent pendant la discussion de ce "
                              "projet, quand la présidence l’a ouvert."), field="score")
    row = _row_for(item, member)
    row.final = _check_score(item.session, score)
    row.final_at = now or utcnow()
    audit.record(user, "committee.final_score", item.session, summary=f"item {item.id}")


# --- The chair runs the meeting ---------------------------------------------------------


def _ensure_chair(actor, item: AgendaItem) -> None:
    ensure_coordinator(actor, item.application.call.network_ids)
    if conflicted(actor, item) or involved_in(actor, item.application):
        raise PermissionError("the chair does not chair an application it is involved in")


def open_item(actor: User, item: AgendaItem) -> None:
    _ensure_chair(actor, item)
    session = item.session
    _ensure_not_closed(session)
    if item.state == DONE:
        raise ServiceError(_l("Ce projet a déjà sa recommandation."))
    session.state = OPEN
    session.current_item_id = item.id
    item.state = DISCUSSING
    # The declarations made here are final now: the scores set aside are dropped.
    for row in db.session.scalars(select(CommitteeScore).where(
            CommitteeScore.item_id == item.id, CommitteeScore.conflict.is_(True))):
        row.preliminary, row.final, row.comment = None, None, ""
    audit.record(actor, "committee.item_opened", session, summary=f"item {item.id}")


def save_notes(actor: User, item: AgendaItem, notes: str) -> None:
    member = member_of(actor, item.session)
    if not (may_chair(actor, item.session) or (member is not None and member.secretary)):
        raise PermissionError("the chair or the secretary takes the notes")
    if conflicted(actor, item):
        raise PermissionError("conflicted")
    _ensure_not_closed(item.session, "notes")
    item.notes = plain_text(notes, multiline=True)[:20000]
    audit.record(actor, "committee.notes", item.session, summary=f"item {item.id}")


def without_final(item: AgendaItem) -> list[CommitteeMember]:
    """The members present in the room (conflicted ones are out) who have not given their
    final score on this item. The coordination chairs without scoring: only members are
    ever asked."""
    out = out_of_room(item.session, [item])[item.id]
    scored = set(db.session.scalars(select(CommitteeScore.member_id).where(
        CommitteeScore.item_id == item.id, CommitteeScore.final.is_not(None))))
    return [m for m in item.session.members
            if m.present and m.user_id not in out and m.id not in scored]


def names(members: list[CommitteeMember]) -> str:
    """« Karim B., Sylvie M. et Jacques P. » in the page's language."""
    from babel.lists import format_list
    from flask_babel import get_locale

    return format_list([m.user.public_name for m in members], locale=get_locale() or "fr")


def record_recommendation(actor: User, item: AgendaItem, recommendation: str,
                          reasons: str, *, without_scores: bool = False) -> None:
    """The chair records it; while a present member has not given a final score, the
    chair is told who (by name) and records it only by saying so (``without_scores``)."""
    _ensure_chair(actor, item)
    _ensure_not_closed(item.session, "recommendation")
    if recommendation not in RECOMMENDATIONS:
        raise ServiceError(_l("Choisissez la recommandation du comité."),
                           field="recommendation")
    reasons = plain_text(reasons, multiline=True)
    if not reasons.strip():
        raise ServiceError(_l("Écrivez les raisons en mots simples : le porteur du projet "
                              "les lira."), field="reasons")
    missing = without_final(item)
    if missing and not without_scores:
        raise ServiceError(_l("Pas encore de note finale de %(names)s. Attendez leur note, "
                              "ou cochez la case pour enregistrer sans elle.",
                              names=names(missing)), field="without_scores")
    item.recommendation, item.reasons, item.state = recommendation, reasons, DONE
    if item.session.current_item_id == item.id:
        item.session.current_item_id = None
    audit.record(actor, "committee.recommendation", item.session,
                 summary=f"item {item.id}: {recommendation}"
                 + (f" (without the final score of members {[m.id for m in missing]})"
                    if missing else ""))


@dataclass
class Left:
    """What closing a session would leave undone."""

    undiscussed: list[AgendaItem]  # never opened
    unfinished: list[AgendaItem]  # opened, no recommendation yet

    def __bool__(self) -> bool:
        return bool(self.undiscussed or self.unfinished)


def what_is_left(session: CommitteeSession) -> Left:
    return Left([i for i in session.items if i.state == WAITING],
                [i for i in session.items if i.state == DISCUSSING])


def close_session(actor: User, session: CommitteeSession) -> None:
    """Once the chair has seen what is left (``what_is_left``) and confirmed: scores,
    conflicts and attendance freeze until the chair reopens it."""
    ensure_coordinator(actor, session.call.network_ids)
    _ensure_not_closed(session)
    left = what_is_left(session)
    session.state, session.current_item_id = CLOSED, None
    reopened = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "committee.reopened", AuditEntry.object_type == "committee_session",
        AuditEntry.object_id == session.id).order_by(AuditEntry.id.desc()).limit(1))
    again = reopened is not None
    changed = _changed_since(session, reopened) if again else []
    audit.record(actor, "committee.closed", session,
                 summary=f"{len(left.undiscussed)} undiscussed, "
                         f"{len(left.unfinished)} without recommendation")
    # Each member gets the members' minutes (how many left the room, never who).
    url = external_url("committee.minutes", session_id=session.id,
                       network=slug_of(session.call.network_id))
    for member in session.members:
        if member.user.active:
            tell(member.user, _l("Procès-verbal modifié : %(title)s", title=session.title)
                 if again else _l("Procès-verbal prêt : %(title)s", title=session.title),
                 "committee_minutes", meeting=session, again=again, url=url,
                 present=member.present, changed=changed, recommendations=RECOMMENDATIONS)


def _recommendations(session: CommitteeSession) -> str:
    """« item:recommendation » per item, kept in the reopening's audit entry."""
    return ",".join(f"{i.id}:{i.recommendation or '-'}" for i in session.items)


def _changed_since(session: CommitteeSession, reopened: AuditEntry) -> list[AgendaItem]:
    """The items whose recommendation changed since the session was reopened."""
    before = dict(part.split(":", 1) for part in reopened.summary.split(",") if ":" in part)
    return [i for i in session.items
            if before.get(str(i.id), "-") != (i.recommendation or "-")]


def decided(session: CommitteeSession) -> list[AgendaItem]:
    """The items whose application has the coordination's decision."""
    return [i for i in session.items if i.application.decision]


def may_reopen(user, session: CommitteeSession) -> bool:
    return may_chair(user, session) and session.state == CLOSED and not decided(session)


def reopen_session(actor: User, session: CommitteeSession, reason: str) -> None:
    """The chair reopens a closed session (scores and attendance can change again) as
    long as no decision has been recorded on its applications; why is in the audit."""
    ensure_coordinator(actor, session.call.network_ids)
    db.session.flush()
    db.session.refresh(session, ["state"])
    if session.state != CLOSED:
        raise ServiceError(_l("La séance n’est pas terminée."))
    if decided(session):
        raise ServiceError(_l("Une décision est déjà enregistrée sur une candidature de "
                              "cette séance : la séance ne peut plus être rouverte."))
    reason = plain_text(reason, multiline=True).strip()[:2000]
    if not reason:
        raise ServiceError(_l("Dites pourquoi vous rouvrez la séance : c’est gardé dans "
                              "l’historique."), field="reason")
    session.state = OPEN
    audit.record(actor, "committee.reopened", session, reason=reason,
                 summary=_recommendations(session))
    # The members read minutes that may change: they are told why.
    url = external_url("committee.minutes", session_id=session.id,
                       network=slug_of(session.call.network_id))
    for member in session.members:
        if member.user.active:
            tell(member.user, _l("Procès-verbal en révision : %(title)s", title=session.title),
                 "committee_reopened", meeting=session, reason=reason, url=url)


# --- What the committee thinks -----------------------------------------------------------


@dataclass
class Spread:
    preliminary: list[int] = field(default_factory=list)  # sorted, nobody named
    final: list[int] = field(default_factory=list)
    committee_score: float | None = None  # mean of final scores, equal weight
    median: float | None = None
    patient_median: float | None = None
    scientist_median: float | None = None
    outliers: int = 0  # final scores far from the median
    out_of_room: int = 0  # conflicted members
    changed: int = 0  # members whose final differs from their preliminary
    hidden: bool = False  # not yet opened: nobody sees the others' preliminary scores
    present: int = 0  # members present in the room for it (who could give a final score)
    patient_finals: int = 0  # how many final scores each group gave
    scientist_finals: int = 0

    @property
    def differed(self) -> bool:
        return (self.patient_median is not None and self.scientist_median is not None
                and abs(self.patient_median - self.scientist_median) >= DIFFERED)

    def counts(self, values: list[int], scale_max: int) -> list[tuple[str, int]]:
        """(score, how many members gave it), for the chart and its table."""
        return [(str(score), values.count(score)) for score in range(1, scale_max + 1)]


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def scores_of(session: CommitteeSession) -> dict[int, dict[int, CommitteeScore]]:
    """Per agenda item, each member's score row, for the whole session in one statement."""
    rows: dict[int, dict[int, CommitteeScore]] = {item.id: {} for item in session.items}
    for row in db.session.scalars(select(CommitteeScore).where(
            CommitteeScore.item_id.in_(list(rows)))):
        rows[row.item_id][row.member_id] = row
    return rows


def spread(item: AgendaItem, out: set[int] | None = None,
           rows: dict[int, CommitteeScore] | None = None) -> Spread:
    """The item's scores; ``out`` (who leaves the room, ``out_of_room``) and ``rows`` (its
    score rows by member, ``scores_of``) when the page already has them for every item.

    One rule for every page and export: until the chair opens the item, the members'
    preliminary scores stay hidden (each member sees only their own, ``my_scores``)."""
    if rows is None:
        rows = {r.member_id: r for r in db.session.scalars(
            select(CommitteeScore).where(CommitteeScore.item_id == item.id))}
    if out is None:
        out = out_of_room(item.session, [item])[item.id]
    result = Spread(hidden=item.state == WAITING)
    finals_by_group: dict[str, list[int]] = {PATIENT: [], SCIENTIST: []}
    for member in item.session.members:
        row = rows.get(member.id)
        if member.user_id in out:
            result.out_of_room += 1
            continue
        if member.present:
            result.present += 1
        if row is None or result.hidden:
            continue
        if row.preliminary is not None:
            result.preliminary.append(row.preliminary)
        if row.final is not None and member.present:
            result.final.append(row.final)
            finals_by_group[member.group].append(row.final)
            if row.preliminary is not None and row.preliminary != row.final:
                result.changed += 1
    result.preliminary.sort()
    result.final.sort()
    if result.final:
        result.committee_score = round(statistics.fmean(result.final), 1)
        result.median = _median(result.final)
        result.outliers = sum(1 for s in result.final if abs(s - result.median) >= OUTLIER)
    # A group's median of fewer than GROUP_MINIMUM scores would be someone's own score:
    # it is not shown (the count says why).
    result.patient_finals = len(finals_by_group[PATIENT])
    result.scientist_finals = len(finals_by_group[SCIENTIST])
    if result.patient_finals >= GROUP_MINIMUM:
        result.patient_median = _median(finals_by_group[PATIENT])
    if result.scientist_finals >= GROUP_MINIMUM:
        result.scientist_median = _median(finals_by_group[SCIENTIST])
    return result


def sessions_of_call(call: Call) -> list[CommitteeSession]:
    return list(db.session.scalars(select(CommitteeSession).where(
        CommitteeSession.call_id == call.id).order_by(CommitteeSession.meets_at)))


def sessions_for(user) -> list[CommitteeSession]:
    """The sessions a person sits on, about this address's network's calls (every
    network's on a page of the whole platform)."""
    return list(db.session.scalars(context.scoped_where(
        select(CommitteeSession).join(CommitteeMember,
                                      CommitteeMember.session_id == CommitteeSession.id)
        .join(Call, Call.id == CommitteeSession.call_id)
        .where(CommitteeMember.user_id == user.id), Call.run_by)
        .order_by(CommitteeSession.meets_at)))


@dataclass
class Awaited:
    """Reviews of an item's application: received of expected, and the deadline still
    ahead (None once it has passed)."""

    received: int
    expected: int
    deadline: datetime | None

    def __bool__(self) -> bool:
        return self.received < self.expected and self.deadline is not None


def reviews_awaited(item: AgendaItem, now: datetime | None = None) -> Awaited:
    """Before the chair opens or decides an item: how many reviews are in, while the
    reviewers still have time (the call's review deadline is ahead)."""
    from .models import Review, ReviewStatus

    received_states = (ReviewStatus.SUBMITTED, ReviewStatus.RETURNED, ReviewStatus.RELEASED)
    rows = db.session.execute(select(Assignment.id, Review.status).outerjoin(
        Review, Review.assignment_id == Assignment.id).where(
        Assignment.application_id == item.application_id,
        Assignment.status != AssignmentStatus.CONFLICT)).all()
    deadline = item.application.call.review_deadline
    return Awaited(received=sum(1 for _id, status in rows if status in received_states),
                   expected=len(rows),
                   deadline=deadline if deadline and deadline > (now or utcnow()) else None)


def sessions_chaired_by(user) -> list[CommitteeSession]:
    """The sessions a coordinator chairs (they created them, or were named chair), the
    coming ones first."""
    if not is_coordinator(user):
        return []
    stmt = select(CommitteeSession).join(Call, Call.id == CommitteeSession.call_id).where(
        CommitteeSession.chair_id == user.id)
    if context.current() is not None:
        stmt = stmt.where(Call.run_by([context.current_id()]))
    elif not user.has_role(Role.ADMIN):  # on « Mon espace »: where they coordinate
        stmt = stmt.where(Call.run_by(user.network_ids_with(Role.COORDINATOR)))
    return list(db.session.scalars(stmt.order_by(CommitteeSession.meets_at)))


def recommendation_for(application: Application) -> AgendaItem | None:
    """The latest recommendation of a committee on this application: it prefills the
    decision."""
    return db.session.scalar(select(AgendaItem).where(
        AgendaItem.application_id == application.id, AgendaItem.state == DONE)
        .order_by(AgendaItem.id.desc()).limit(1))


def declarations_awaited(user, session: CommitteeSession) -> dict[int, Assignment]:
    """Per agenda item, the person's assignment as a reviewer of its application while
    their interests are undeclared: they may neither read nor score it here
    (``reading_rights``). One statement for the whole agenda."""
    items = {item.application_id: item.id for item in session.items}
    if user is None or not getattr(user, "is_authenticated", False) or not items:
        return {}
    return {items[a.application_id]: a for a in db.session.scalars(select(Assignment).where(
        Assignment.reviewer_id == user.id, Assignment.application_id.in_(list(items)),
        Assignment.status == AssignmentStatus.PENDING))}


def my_scores(user, session: CommitteeSession) -> dict[int, CommitteeScore]:
    member = member_of(user, session)
    if member is None:
        return {}
    return {r.item_id: r for r in db.session.scalars(
        select(CommitteeScore).where(CommitteeScore.member_id == member.id))}
