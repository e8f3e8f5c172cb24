"""Assignments of reviewers, suggestions that spread the load, declarations of interests."""


from dataclasses import dataclass
from datetime import datetime

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from patientlab.auth.models import User, UserRole
from patientlab.core import audit
from patientlab.core.collation import sorted_french
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.sanitize import plain_text
from patientlab.core.security import Role
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.networks import context
from patientlab.networks import services as network_services
from patientlab.networks.context import slug_of

from ..models import (
    COI_REASONS,
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    Call,
)
from ..services import ensure_may_coordinate
from .notices import coordinators, coordinators_network, tell
from .reviews import SUBMITTED_STATES

# --- Assignments -----------------------------------------------------------------------


def get_assignment_or_404(assignment_id: int) -> Assignment:
    """An assignment within a call of this address's network (404 for another's)."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        abort(404)
    context.ensure_in_current(assignment.application.call.network_ids)
    return assignment


def get_assignment_for_reviewer(assignment_id: int, user) -> Assignment:
    """The reviewer's own assignment: 404 if unknown, 403 if someone else's or withdrawn."""
    assignment = get_assignment_or_404(assignment_id)
    if assignment.reviewer_id != user.id or assignment.status == AssignmentStatus.CONFLICT:
        abort(403)
    return assignment


def assignments_of(application: Application) -> list[Assignment]:
    return list(db.session.scalars(select(Assignment)
                                   .where(Assignment.application_id == application.id)
                                   .order_by(Assignment.assigned_at, Assignment.id)))


def reviewer_assignments(user: User) -> list[Assignment]:
    """The person's reviews to write or written, for this address's network's calls (every
    network's on a page of the whole platform)."""
    return list(db.session.scalars(context.scoped_where(
        select(Assignment).join(Application, Application.id == Assignment.application_id)
        .join(Call, Call.id == Application.call_id)
        .where(Assignment.reviewer_id == user.id,
               Assignment.status != AssignmentStatus.CONFLICT), Call.run_by)
        .order_by(Call.review_deadline.desc(), Assignment.id)))


def _pool(application: Application):
    """Validated, active reviewers whom one of this call's networks (the lead or a partner)
    may invite, other than the applicant and the people already assigned to (or in conflict
    on) this very application."""
    taken = select(Assignment.reviewer_id).where(Assignment.application_id == application.id)
    return (select(User).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role.in_(Role.REVIEWERS), User.active.is_(True),
                   User.id.in_(network_services.reviewers_of(application.call.network_ids)),
                   User.id != (application.owner_id or 0), User.id.not_in(taken)))


def _conflicts_with_owner(application: Application, *columns):
    """Conflicts of interest declared on any application of the same applicant, in every
    network and every call: the tie is with the person, not with one project."""
    return (select(*columns).select_from(Assignment)
            .join(Application, Application.id == Assignment.application_id)
            .where(Application.owner_id == application.owner_id,
                   Assignment.status == AssignmentStatus.CONFLICT))


def eligible_reviewers(application: Application) -> list[User]:
    """Validated reviewers not yet assigned to this application, nor in conflict with its
    applicant (declared on any of their applications, in any network)."""
    stmt = _pool(application)
    if application.owner_id is not None:
        stmt = stmt.where(User.id.not_in(
            _conflicts_with_owner(application, Assignment.reviewer_id)))
    # DISTINCT and a collated ORDER BY do not mix on PostgreSQL: sorted here.
    return sorted_french(db.session.scalars(stmt.distinct()), key=lambda user: user.name)


@dataclass(frozen=True)
class KnownConflict:
    """A reviewer left out because they declared a tie with this applicant. Only the reason
    and the date are kept: the other application's title and call may belong to another
    network and stay confidential."""
    reviewer: User
    reason: str
    declared_at: datetime | None

    @property
    def reason_label(self) -> str:
        return str(COI_REASONS.get(self.reason, COI_REASONS["other"]))


def known_conflicts(application: Application) -> list[KnownConflict]:
    """The reviewers of this call's pool left out of ``eligible_reviewers`` because of a
    conflict declared with the same applicant: the latest declaration of each, in one
    query."""
    if application.owner_id is None:
        return []
    pool = _pool(application).with_only_columns(User.id)
    declared = func.coalesce(Assignment.coi_declared_at, Assignment.assigned_at)
    rows = db.session.execute(
        _conflicts_with_owner(application, User, Assignment.coi_reason, declared)
        .join(User, User.id == Assignment.reviewer_id)
        .where(User.id.in_(pool))
        .order_by(Assignment.reviewer_id, declared.desc(), Assignment.id.desc()))
    latest: dict[int, KnownConflict] = {}
    for user, reason, at in rows:
        latest.setdefault(user.id, KnownConflict(user, reason or "other", at))
    return sorted_french(latest.values(), key=lambda known: known.reviewer.name)


def load_in_call(call: Call) -> dict[int, int]:
    """Number of live assignments per reviewer in this call."""
    rows = db.session.execute(
        select(Assignment.reviewer_id, func.count())
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.call_id == call.id, Assignment.status != AssignmentStatus.CONFLICT)
        .group_by(Assignment.reviewer_id))
    return dict(rows.all())


def suggest_reviewers(application: Application, wanted: int = 3) -> list[User]:
    """Balance load across the call and skip known conflicts.

    People who declared a conflict with this applicant on another application are
    skipped; the least busy come first.
    """
    live = db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.application_id == application.id,
        Assignment.status != AssignmentStatus.CONFLICT)) or 0
    needed = max(wanted - live, 0)
    if needed == 0:
        return []
    load = load_in_call(application.call)
    candidates = eligible_reviewers(application)  # known conflicts are already left out
    candidates.sort(key=lambda u: (load.get(u.id, 0), u.id))
    return candidates[:needed]


def assign(actor: User, application: Application, reviewer_ids: list[int]) -> list[Assignment]:
    ensure_may_coordinate(actor, application)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ServiceError(_l("Seule une candidature déposée peut être relue."))
    eligible = {u.id: u for u in eligible_reviewers(application)}
    chosen = [eligible[i] for i in reviewer_ids if i in eligible]
    if not chosen:
        raise ServiceError(_l("Choisissez au moins une personne pour relire."), field="reviewers")
    created = []
    for reviewer in chosen:
        assignment = Assignment(application_id=application.id, reviewer_id=reviewer.id,
                                assigned_by_id=actor.id)
        assignment.application, assignment.reviewer = application, reviewer
        db.session.add(assignment)
        db.session.flush()
        audit.record(actor, "review.assigned", assignment,
                     summary=f"application {application.id} → user {reviewer.id}")
        tell(reviewer, _l("Une candidature vous attend pour relecture"), "review_assigned",
              kind="reviews", about=f"assignment:{assignment.id}", assignment=assignment,
              application=application, call=application.call,
              url=external_url("reviews.detail", assignment_id=assignment.id,
                               network=slug_of(application.call.network_id)))
        created.append(assignment)
    return created


def unassign(actor: User, assignment: Assignment) -> None:
    ensure_may_coordinate(actor, assignment.application)
    if assignment.review is not None and assignment.review.status in SUBMITTED_STATES:
        raise ServiceError(_l("Cette relecture est déjà envoyée : elle ne peut plus être "
                              "retirée."))
    audit.record(actor, "review.unassigned", assignment,
                 summary=f"application {assignment.application_id} → user "
                         f"{assignment.reviewer_id}")
    db.session.delete(assignment)
    db.session.flush()


def declare_interests(user: User, assignment: Assignment, *, conflict: bool, reason: str = "",
                      details: str = "", now: datetime | None = None) -> None:
    """No conflict: the review can start. A conflict withdraws the assignment."""
    now = now or utcnow()
    if assignment.reviewer_id != user.id:
        raise PermissionError("own assignment only")
    if assignment.status != AssignmentStatus.PENDING:
        raise ServiceError(_l("Vous avez déjà fait cette déclaration."))
    assignment.coi_declared_at = now
    if not conflict:
        assignment.status = AssignmentStatus.ACCEPTED
        audit.record(user, "review.no_conflict", assignment)
        db.session.flush()
        return
    if not reason:
        raise ServiceError(_l("Choisissez le lien qui vous concerne."), field="reason")
    assignment.status = AssignmentStatus.CONFLICT
    assignment.coi_reason = reason
    assignment.coi_details = plain_text(details, multiline=True)
    if assignment.review is not None:
        db.session.delete(assignment.review)
    db.session.flush()
    audit.record(user, "review.conflict_declared", assignment, reason=reason)
    call = assignment.application.call
    for coordinator in coordinators(call.network_ids):
        tell(coordinator, _l("Conflit d’intérêts déclaré sur une candidature"),
              "review_conflict", kind="coordination", assignment=assignment,
              application=assignment.application,
              url=external_url("call_admin.application", application_id=assignment.application_id,
                               network=slug_of(coordinators_network(coordinator, call))))
