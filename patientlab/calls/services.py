"""Calls and applications: who may see and change them, the call's timeline and
review form, applications drafted and submitted before the deadline, PDF attachments.

Reviews, feedback and decisions are in ``reviewing.py``. Services flush and never
commit; the request commits once.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask import abort, current_app, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.orm import lazyload, raiseload

from patientlab.auth.models import User
from patientlab.core import audit, days, highlights
from patientlab.core.days import end_of_day, start_of_day
from patientlab.core.errors import ServiceError
from patientlab.core.files import delete_file, write_file
from patientlab.core.i18n import CONTENT_LANGUAGE, date_long
from patientlab.core.models import utcnow
from patientlab.core.permissions import COORDINATION
from patientlab.core.plain_language import analyse_with_vocabulary
from patientlab.core.sanitize import plain_text
from patientlab.core.security import Role
from patientlab.extensions import db
from patientlab.networks import context

from .models import (
    DEFAULT_QUESTIONS,
    Application,
    ApplicationStatus,
    Call,
    CallPartner,
    CallState,
    Criterion,
    CriterionKind,
    Visibility,
)

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def is_coordinator(user, network_id: int | Iterable[int] | None = None) -> bool:
    """Whether ``user`` coordinates: in ``network_id`` when the object acted on is known
    (a service called by a job or a command has no address to tell the network; a joint
    call gives all of its networks, ``Call.network_ids``: coordinating one is enough),
    else in this request's network (in any network on a page of the whole platform)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if network_id is None:
        return bool(user.roles & set(COORDINATION))
    ids = (network_id,) if isinstance(network_id, int) else network_id
    return any(user.roles_in(one) & set(COORDINATION) for one in ids)


def ensure_coordinator(user, network_id: int | Iterable[int] | None = None) -> None:
    if not is_coordinator(user, network_id):
        raise PermissionError("coordination only")


def involved_in(user, application) -> bool:
    """The applicant, and whoever is assigned to review it (a declared conflict included),
    take no part in coordinating it."""
    from .models import Assignment

    if application.owner_id == user.id:
        return True
    return bool(db.session.scalar(select(exists().where(
        Assignment.application_id == application.id, Assignment.reviewer_id == user.id))))


def may_coordinate(user, application) -> bool:
    """Nobody coordinates, moderates, releases or decides about their own application, or
    one they review or declared a conflict with: another coordinator does."""
    return (is_coordinator(user, application.call.network_ids)
            and not involved_in(user, application))


def ensure_may_coordinate(user, application) -> None:
    if not may_coordinate(user, application):
        raise PermissionError("coordination of this application")


def applications_involving(user, call) -> set[int]:
    """Ids of the applications of ``call`` that ``user`` may not coordinate."""
    from .models import Application, Assignment

    owned = select(Application.id).where(Application.call_id == call.id,
                                         Application.owner_id == user.id)
    reviewed = (select(Assignment.application_id)
                .join(Application, Application.id == Assignment.application_id)
                .where(Application.call_id == call.id, Assignment.reviewer_id == user.id))
    return set(db.session.scalars(owned.union(reviewed)))


# --- Dates: a call's days are Paris days -------------------------------------------


# --- Calls ---------------------------------------------------------------------------


def list_public_calls(now: datetime | None = None) -> list[Call]:
    """The published calls of this address's network."""
    now = now or utcnow()
    # The list shows no criteria: loaded only if a page asks for one call's.
    calls = db.session.scalars(context.scoped_where(select(Call), Call.run_by)
                               .where(Call.published_at.is_not(None))
                               .options(lazyload(Call.criteria))
                               .order_by(Call.opens_at.desc())).all()
    order = {CallState.OPEN: 0, CallState.UPCOMING: 1, CallState.REVIEW: 2, CallState.CLOSED: 3}
    return sorted(calls, key=lambda c: order[c.state(now)])


def current_highlights(limit: int, now: datetime | None = None,
                       network_id: int | None = None) -> list[highlights.Item]:
    """For the home page of the whole platform (each call names its network and links to
    its network's page) or a network's home page (``network_id``'s calls only): the calls
    open for applications, then those under review."""
    now = now or utcnow()
    stmt = select(Call).where(Call.published_at.is_not(None), Call.opens_at <= now,
                              Call.results_at > now)
    if network_id is not None:
        stmt = stmt.where(Call.run_by([network_id]))
    live = db.session.scalars(
        stmt.options(raiseload(Call.criteria))
        .order_by((Call.application_deadline <= now), Call.opens_at.desc(), Call.id)
        .limit(limit)).all()
    items = []
    for call in live:
        state = call.state(now)
        when = (_l("candidatures jusqu’au %(date)s inclus",
                   date=date_long(days.last_day(call.application_deadline)))
                if state == CallState.OPEN else
                _l("projets en relecture par les patientes et patients experts"))
        network = context.by_id(network_id if network_id is not None else call.network_id)
        named = (network.short_name,) if network_id is None else ()
        items.append(highlights.Item(
            call.title, url_for("calls.detail", call_id=call.id, network=network.slug),
            (*named, str(CallState.LABELS[state]), str(when))))
    return items


def list_all_calls() -> list[Call]:
    """Every call of this address's network, drafts included (for its coordination)."""
    return list(db.session.scalars(context.scoped_where(select(Call), Call.run_by)
                                   .order_by(Call.opens_at.desc())))


def get_call_or_404(call_id: int, user=None) -> Call:
    """A call of this address's network (404 for another network's, and for a draft
    unless ``user`` coordinates the call's network)."""
    call = db.session.get(Call, call_id)
    if call is None:
        abort(404)
    context.ensure_in_current(call.network_ids)
    if call.published_at is None and not is_coordinator(user, call.network_ids):
        abort(404)
    return call


@dataclass
class CallData:
    title: str
    description: str
    eligibility: str
    opens_on: date
    application_deadline_on: date
    review_deadline_on: date
    response_deadline_on: date
    results_on: date
    published: bool = False
    # The partner networks chosen, None to leave them as they are.
    partner_ids: tuple[int, ...] | None = None


def check_timeline(data: CallData) -> list[ServiceError]:
    """Each date after the one before: open ≤ deadline < reviews < answers < results."""
    errors = []
    if data.application_deadline_on < data.opens_on:
        errors.append(ServiceError(_l("La date limite de dépôt doit venir après l’ouverture."),
                                   field="application_deadline_on"))
    if data.review_deadline_on <= data.application_deadline_on:
        errors.append(ServiceError(_l("La fin des relectures doit venir après la date limite "
                                      "de dépôt."), field="review_deadline_on"))
    if data.response_deadline_on <= data.review_deadline_on:
        errors.append(ServiceError(_l("La date limite des réponses des porteurs doit venir "
                                      "après la fin des relectures."),
                                   field="response_deadline_on"))
    if data.results_on <= data.response_deadline_on:
        errors.append(ServiceError(_l("Les résultats doivent venir après la date limite des "
                                      "réponses."), field="results_on"))
    return errors


def save_call(actor: User, call: Call | None, data: CallData) -> Call:
    ensure_coordinator(actor, call.network_ids if call is not None else None)
    errors = check_timeline(data)
    if errors:
        raise errors[0]
    creating = call is None
    if creating:
        call = Call(created_by_id=actor.id, criteria=default_criteria(),
                    network_id=context.for_new().id)
        db.session.add(call)
    call.title = plain_text(data.title)
    call.description = plain_text(data.description, multiline=True)
    call.eligibility = plain_text(data.eligibility, multiline=True)
    call.opens_at = start_of_day(data.opens_on)
    call.application_deadline = end_of_day(data.application_deadline_on)
    call.review_deadline = end_of_day(data.review_deadline_on)
    call.response_deadline = end_of_day(data.response_deadline_on)
    call.results_at = start_of_day(data.results_on)
    if data.published and call.published_at is None:
        call.published_at = utcnow()
    elif not data.published:
        if call.published_at is not None and _application_count(call) > 0:
            raise ServiceError(_l("Des candidatures existent déjà : l’appel reste publié."),
                               field="published")
        call.published_at = None
    call.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "call.created" if creating else "call.updated", call,
                 summary=call.title)
    if data.partner_ids is not None:
        set_partners(actor, call, data.partner_ids)
    return call


def may_choose_partners(user, call: Call | None) -> bool:
    """The lead network's coordination chooses the partners (a new call's lead is this
    address's network)."""
    return is_coordinator(user, call.network_id if call is not None else None)


def set_partners(actor: User, call: Call, network_ids) -> bool:
    """Make ``network_ids`` the call's partners (the networks that run it with its lead);
    False when nothing changed. Journaled with the networks added and withdrawn."""
    if not may_choose_partners(actor, call):
        raise ServiceError(_l("Seule la coordination du réseau qui porte l’appel choisit "
                              "ses réseaux partenaires."), field="partners")
    wanted = set(network_ids)
    if call.network_id in wanted:
        raise ServiceError(_l("Le réseau qui porte l’appel n’est pas son propre partenaire : "
                              "cochez seulement d’autres réseaux."), field="partners")
    if wanted - set(context.all_networks()):
        raise ServiceError(_l("Choisissez des réseaux de la liste."), field="partners")
    current = set(call.partner_ids)
    added, withdrawn = sorted(wanted - current), sorted(current - wanted)
    if not added and not withdrawn:
        return False
    call.partner_rows = [row for row in call.partner_rows if row.network_id in wanted] + [
        CallPartner(call_id=call.id, network_id=network_id) for network_id in added]
    db.session.flush()
    slugs = context.slug_of
    audit.record(actor, "call.partners_changed", call, summary=(
        f"partners={','.join(slugs(n) for n in sorted(wanted)) or '-'}"
        f" added={','.join(slugs(n) for n in added) or '-'}"
        f" withdrawn={','.join(slugs(n) for n in withdrawn) or '-'}"))
    return True


def _application_count(call: Call) -> int:
    return db.session.scalar(select(func.count()).select_from(Application)
                             .where(Application.call_id == call.id)) or 0


def default_criteria() -> list[Criterion]:
    """Questions public reviewers are asked at NIHR and PCORI, in plain French."""
    # Stored in the content language whatever the coordinator reads the site in, so that
    # every reader gets them in their own language (Criterion.display_label).
    with force_locale(CONTENT_LANGUAGE):
        rows = [(str(label), str(help_text), kind, required, below, visibility)
                for label, help_text, kind, required, below, visibility in DEFAULT_QUESTIONS]
        anchors = "\n".join(str(a) for a in CriterionKind.DEFAULT_ANCHORS)
    return [Criterion(position=i, label=label, help_text=help_text, kind=kind,
                      required=required, comment_below=below, visibility=visibility,
                      anchors=anchors if kind == CriterionKind.SCALE else "")
            for i, (label, help_text, kind, required, below, visibility) in enumerate(rows)]


# --- The review form (criteria) ---------------------------------------------------------


@dataclass
class CriterionData:
    label: str
    help_text: str
    kind: str
    anchors: str
    required: bool
    comment_below: int | None
    visibility: str


def _ensure_form_editable(call: Call) -> None:
    if call.is_form_frozen:
        raise ServiceError(_l("La grille ne peut plus changer : une relecture a déjà été "
                              "envoyée avec elle."))


def get_criterion_or_404(call: Call, criterion_id: int) -> Criterion:
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.call_id != call.id:
        abort(404)
    return criterion


def save_criterion(actor: User, call: Call, criterion: Criterion | None,
                   data: CriterionData) -> Criterion:
    ensure_coordinator(actor, call.network_ids)
    _ensure_form_editable(call)
    if data.kind not in CriterionKind.LABELS:
        raise ServiceError(_l("Choisissez un type de question."), field="kind")
    anchors = [plain_text(line) for line in data.anchors.split("\n") if line.strip()]
    if data.kind == CriterionKind.SCALE and anchors and len(anchors) != 5:
        raise ServiceError(_l("Donnez exactement 5 libellés, un par ligne, du plus faible au "
                              "plus fort."), field="anchors")
    creating = criterion is None
    if creating:
        criterion = Criterion(call_id=call.id, position=len(call.criteria))
        call.criteria.append(criterion)
    criterion.label = plain_text(data.label)
    criterion.help_text = plain_text(data.help_text, multiline=True)
    criterion.kind = data.kind
    criterion.anchors = "\n".join(anchors) if data.kind == CriterionKind.SCALE else ""
    criterion.required = data.required
    criterion.comment_below = data.comment_below if data.kind in CriterionKind.SCORED else None
    criterion.visibility = (data.visibility if data.visibility in Visibility.LABELS
                            else Visibility.SHARED)
    db.session.flush()
    audit.record(actor, "call.criterion_added" if creating else "call.criterion_changed",
                 call, summary=criterion.label)
    return criterion


def delete_criterion(actor: User, call: Call, criterion: Criterion) -> None:
    ensure_coordinator(actor, call.network_ids)
    _ensure_form_editable(call)
    call.criteria.remove(criterion)
    for position, row in enumerate(call.criteria):
        row.position = position
    db.session.flush()
    audit.record(actor, "call.criterion_removed", call, summary=criterion.label)


def move_criterion(actor: User, call: Call, criterion: Criterion, step: int) -> None:
    ensure_coordinator(actor, call.network_ids)
    _ensure_form_editable(call)
    rows = list(call.criteria)
    index = rows.index(criterion)
    target = index + step
    if 0 <= target < len(rows):
        rows[index], rows[target] = rows[target], rows[index]
        for position, row in enumerate(rows):
            row.position = position
        call.criteria.sort(key=lambda row: row.position)
        db.session.flush()


# --- Applications ------------------------------------------------------------------------


def can_apply(user) -> bool:
    return bool(user is not None and user.is_authenticated
                and user.has_any_role((Role.RESEARCHER, *COORDINATION)))


def get_application_or_404(application_id: int) -> Application:
    """An application to a call of this address's network (404 for another's)."""
    application = db.session.get(Application, application_id)
    if application is None:
        abort(404)
    context.ensure_in_current(application.call.network_ids)
    return application


def get_application_for_coordination(application_id: int, user) -> Application:
    """404 when unknown, 403 for the coordinator who applied to it or reviews it."""
    application = get_application_or_404(application_id)
    if not may_coordinate(user, application):
        abort(403)
    return application


def get_own_application(application_id: int, user) -> Application:
    """For the applicant's pages: the owner (and the coordination) only."""
    application = get_application_or_404(application_id)
    if application.owner_id != user.id and not is_coordinator(user, application.call.network_ids):
        abort(403)
    return application


def applications_of(user: User) -> list[Application]:
    """The person's applications to this address's network's calls (to every network's on
    a page of the whole platform)."""
    stmt = select(Application).where(Application.owner_id == user.id)
    if context.current() is not None:
        stmt = stmt.join(Call, Call.id == Application.call_id).where(
            Call.run_by([context.current_id()]))
    return list(db.session.scalars(stmt.order_by(Application.created_at.desc())))


@dataclass
class ApplicationData:
    title: str
    lay_summary: str = ""
    scientific_summary: str = ""
    involvement_plan: str = ""
    budget_summary: str = ""
    team: str = ""


REQUIRED_PARTS = {
    "title": _l("le titre"),
    "lay_summary": _l("le résumé pour les patients"),
    "scientific_summary": _l("le résumé scientifique"),
    "involvement_plan": _l("l’implication des patients"),
    "budget_summary": _l("le budget"),
    "team": _l("l’équipe"),
}


def can_edit_application(application: Application, now: datetime | None = None) -> bool:
    return application.call.accepts_applications(now or utcnow())


def _deadline_error(call: Call, now: datetime) -> ServiceError:
    if now < call.opens_at:
        return ServiceError(_l("L’appel n’est pas encore ouvert."))
    return ServiceError(_l("La date limite de dépôt est passée : la candidature ne peut plus "
                           "être modifiée ni déposée. Votre brouillon reste enregistré."))


def _ensure_owner_before_deadline(user: User, application: Application, now: datetime) -> None:
    """Only the applicant changes an application, and only while the call is open."""
    if application.owner_id != user.id:
        raise PermissionError("owner only")
    if not can_edit_application(application, now):
        raise _deadline_error(application.call, now)


def create_application(user: User, call: Call, data: ApplicationData,
                       now: datetime | None = None) -> Application:
    now = now or utcnow()
    if not can_apply(user):
        raise PermissionError("researchers only")
    if not call.accepts_applications(now):
        raise _deadline_error(call, now)
    application = Application(call_id=call.id, owner_id=user.id, title="")
    application.call = call
    _apply(application, data)
    db.session.add(application)
    db.session.flush()
    audit.record(user, "application.created", application, summary=application.title)
    return application


def _apply(application: Application, data: ApplicationData) -> None:
    application.title = plain_text(data.title)
    for name in ("lay_summary", "scientific_summary", "involvement_plan", "budget_summary",
                 "team"):
        setattr(application, name, plain_text(getattr(data, name), multiline=True))
    application.updated_at = utcnow()


def update_application(user: User, application: Application, data: ApplicationData,
                       now: datetime | None = None) -> None:
    now = now or utcnow()
    _ensure_owner_before_deadline(user, application, now)
    _apply(application, data)
    db.session.flush()


def missing_parts(application: Application) -> list[str]:
    return [str(label) for name, label in REQUIRED_PARTS.items()
            if not getattr(application, name).strip()]


def submit_application(user: User, application: Application,
                       now: datetime | None = None) -> None:
    now = now or utcnow()
    _ensure_owner_before_deadline(user, application, now)
    missing = missing_parts(application)
    if missing:
        raise ServiceError(_l("Complétez d’abord : %(parts)s.", parts=", ".join(missing)))
    first = application.submitted_at is None
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = now
    db.session.flush()
    audit.record(user, "application.submitted" if first else "application.resubmitted",
                 application, summary=application.title)


def lay_summary_readability(text: str):
    return analyse_with_vocabulary(plain_text(text, multiline=True))


# --- Attachments: PDF only, outside static/, served to allowed people only ------------------


def upload_dir() -> Path:
    folder = Path(current_app.config.get("UPLOAD_DIR") or
                  Path(current_app.instance_path) / "uploads")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def attachment_path(application: Application) -> Path | None:
    if not application.attachment_key:
        return None
    return upload_dir() / f"{application.attachment_key}.pdf"


def store_attachment(user: User, application: Application, stream, filename: str,
                     now: datetime | None = None) -> None:
    now = now or utcnow()
    _ensure_owner_before_deadline(user, application, now)
    data = stream.read(ATTACHMENT_MAX_BYTES + 1)
    if len(data) > ATTACHMENT_MAX_BYTES:
        raise ServiceError(_l("Le fichier dépasse 10 Mo. Réduisez-le (par exemple en "
                              "l’enregistrant en « PDF optimisé ») puis envoyez-le à nouveau."),
                           field="attachment")
    if not data.startswith(b"%PDF-"):
        raise ServiceError(_l("Le fichier n’est pas un PDF. Enregistrez votre document au "
                              "format PDF puis envoyez-le à nouveau."), field="attachment")
    remove_attachment_file(application)
    application.attachment_key = secrets.token_hex(16)
    name = plain_text(Path(filename or "").name)[:150] or "piece-jointe.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    application.attachment_name = name
    application.attachment_size = len(data)
    write_file(db.session(), attachment_path(application), data)
    db.session.flush()


def remove_attachment_file(application: Application) -> None:
    """Forget the attachment; its file goes when the transaction commits."""
    delete_file(db.session(), attachment_path(application))
    application.attachment_key = ""
    application.attachment_name = ""
    application.attachment_size = 0


def delete_attachment(user: User, application: Application, now: datetime | None = None) -> None:
    now = now or utcnow()
    _ensure_owner_before_deadline(user, application, now)
    remove_attachment_file(application)
    db.session.flush()


@dataclass(frozen=True)
class Reading:
    """What one person may read of one application. Every page that shows an application
    or its reviews asks ``reading_rights``: the reviewer's own pages, the committee's, the
    attached PDF."""

    application: bool = False  # the whole application, confidential parts and PDF included
    reviews: bool = False  # the other reviewers' reviews, moderated and released ones only
    declaration: "object | None" = None  # their assignment, while interests are undeclared
    own_review_pending: bool = False  # a reviewer whose own review is not yet released


def _seated(user, application: Application) -> bool:
    """The person sits on a committee session with this application on its agenda and did
    not declare a conflict with it there (committee.py runs the sessions)."""
    from .models import AgendaItem, CommitteeMember, CommitteeScore

    conflict = select(CommitteeScore.id).where(
        CommitteeScore.item_id == AgendaItem.id, CommitteeScore.member_id == CommitteeMember.id,
        CommitteeScore.conflict.is_(True)).exists()
    return bool(db.session.scalar(select(
        select(AgendaItem.id).join(CommitteeMember,
                                   CommitteeMember.session_id == AgendaItem.session_id)
        .where(AgendaItem.application_id == application.id,
               CommitteeMember.user_id == user.id, ~conflict).exists())))


def reading_rights(user, application: Application) -> Reading:
    """The applicant reads their application. A reviewer assigned to it declares their
    interests first, then reads it (while they hold a reviewer role), and reads the others'
    reviews once their own is sent and released; a declared conflict shuts everything.
    The coordination reads everything but what it takes part in. A committee member
    sitting on it (not out of the room) reads the application and the released reviews,
    unless they are its reviewer: then the reviewer's gates apply at the committee too."""
    from .models import Assignment, AssignmentStatus, ReviewStatus

    if user is None or not user.is_authenticated:
        return Reading()
    if application.owner_id == user.id:
        return Reading(application=True)
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.application_id == application.id, Assignment.reviewer_id == user.id))
    if assignment is not None:
        if assignment.status == AssignmentStatus.PENDING:
            return Reading(declaration=assignment)
        if assignment.status != AssignmentStatus.ACCEPTED:
            return Reading()
        released = (assignment.review is not None
                    and assignment.review.status == ReviewStatus.RELEASED)
        return Reading(application=user.can_review or _seated(user, application),
                       reviews=released, own_review_pending=not released)
    if is_coordinator(user, application.call.network_ids) or _seated(user, application):
        return Reading(application=True, reviews=True)
    return Reading()


def can_read_application(user, application: Application) -> bool:
    """The applicant, the coordination (but those taking part in it), reviewers who
    declared no conflict and still hold a reviewer role, committee members sitting on it:
    the same people as the printed version, so the attached PDF reaches nobody before
    their declaration of interests (``reading_rights``)."""
    return reading_rights(user, application).application
