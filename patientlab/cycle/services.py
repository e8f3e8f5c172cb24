"""The research cycle: a funded application becomes a project page, evenings present
projects, and a project's published results reach the people who came to those evenings.

Calls, projects and events know nothing of each other nor of this package; each exposes a
small public API (``<feature>/api.py``) and sends its own signals. The cycle owns the
links between them (``models``) and composes.
"""

from datetime import datetime
from functools import cache

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select

from patientlab.auth.models import User
from patientlab.calls import api as calls
from patientlab.core.errors import ServiceError
from patientlab.core.mail import notify
from patientlab.core.models import utcnow
from patientlab.core.permissions import COORDINATION, has_any_in
from patientlab.core.urls import external_url
from patientlab.events import api as events
from patientlab.extensions import db
from patientlab.networks import context
from patientlab.projects import api as projects

from .models import EveningProject, ProjectFunding

MAX_PROJECTS = 6  # an evening presents this many projects at most


# --- Funding → project page -------------------------------------------------------------


def funding_of_project(project_id: int) -> calls.Funding | None:
    application_id = db.session.scalar(select(ProjectFunding.application_id).where(
        ProjectFunding.project_id == project_id))
    return calls.funding(application_id)


def projects_of_applications(application_ids) -> dict[int, projects.ProjectRef]:
    """Application ids → the project page made from each (those that have one)."""
    ids = list(application_ids)
    if not ids:
        return {}
    links = dict(db.session.execute(select(ProjectFunding.project_id,
                                           ProjectFunding.application_id)
                                    .where(ProjectFunding.application_id.in_(ids))).all())
    refs = projects.refs(links)
    return {links[i]: ref for i, ref in refs.items()}


def may_make_page(user, funding: calls.Funding) -> bool:
    """The coordination of the call's network, never the applicant themself, makes the
    page of a funded application (the team completes it; publication follows the usual
    workflow)."""
    return (any(has_any_in(user, COORDINATION, network_id) for network_id in funding.network_ids)
            and user.id != funding.owner_id)


def funding_or_404(application_id: int, user) -> calls.Funding:
    """A funded application of this address's network (404 for another network's)."""
    funding = calls.funding(application_id)
    if funding is None:
        abort(404)
    context.ensure_in_current(funding.network_ids)
    if not may_make_page(user, funding):
        abort(403)
    return funding


def project_of_application(application_id: int) -> projects.ProjectRef | None:
    return projects_of_applications([application_id]).get(application_id)


def linkable_projects(funding: calls.Funding) -> list[projects.ProjectRef]:
    """The applicant's projects not yet made from a funded application."""
    if funding.owner_id is None:
        return []
    owned = projects.owned_by(funding.owner_id)
    linked = set(db.session.scalars(select(ProjectFunding.project_id).where(
        ProjectFunding.project_id.in_([p.id for p in owned])))) if owned else set()
    return [p for p in owned if p.id not in linked]


def _not_yet_linked(funding: calls.Funding) -> None:
    if db.session.scalar(select(ProjectFunding.project_id).where(
            ProjectFunding.application_id == funding.application_id)) is not None:
        raise ServiceError(_l("Cette candidature a déjà sa page projet."))


def make_page(actor: User, funding: calls.Funding) -> projects.ProjectRef:
    """A draft project page from the funded application: title, lay summary, patient
    involvement and team come across — never scores, comments or the budget."""
    if not may_make_page(actor, funding):
        raise PermissionError("the coordination makes the page")
    _not_yet_linked(funding)
    if funding.owner_id is None:
        raise ServiceError(_l("Cette candidature n’a plus de porteur : liez-la à un projet "
                              "existant."))
    project = projects.make_draft(actor, projects.Draft(
        owner_id=funding.owner_id, network_id=funding.network_id, title=funding.title,
        team=funding.team,
        what=funding.lay_summary, involvement=funding.involvement_plan),
        audit_action="project.from_funding",
        audit_summary=f"application={funding.application_id}")
    db.session.add(ProjectFunding(project_id=project.id,
                                  application_id=funding.application_id))
    db.session.flush()
    owner = db.session.get(User, funding.owner_id)
    if owner is not None:
        notify(owner, _l("Votre projet financé a sa page : complétez-la"), "project_from_funding",
               project=project, funding=funding,
               url=external_url("projects.edit", project_id=project.id,
                            network=context.slug_of(project.network_id)))
    return project


def link_page(actor: User, funding: calls.Funding, project_id: int) -> projects.ProjectRef:
    if not may_make_page(actor, funding):
        raise PermissionError("the coordination links the page")
    _not_yet_linked(funding)
    project = next((p for p in linkable_projects(funding) if p.id == project_id), None)
    if project is None:
        raise ServiceError(_l("Choisissez un projet de l’équipe qui a candidaté."),
                           field="project")
    db.session.add(ProjectFunding(project_id=project.id,
                                  application_id=funding.application_id))
    db.session.flush()
    projects.record(actor, project.id, "project.link_funding",
                    f"application={funding.application_id}")
    if project.published:
        invite_reviewers(project.id)
    return project


def invite_reviewers(project_id: int) -> int:
    """The patient experts who reviewed the funded application are invited to follow its
    project, once: when the page is both linked to the application and public."""
    link = db.session.get(ProjectFunding, project_id)
    if link is None or link.reviewers_invited_at is not None:
        return 0
    ref = projects.refs([project_id]).get(project_id)
    funding = calls.funding(link.application_id)
    if ref is None or not ref.published or funding is None:
        return 0
    link.reviewers_invited_at = utcnow()
    return projects.invite_to_follow(
        project_id, funding.reviewer_ids,
        _l("Le projet que vous avez relu est financé : suivez-le"), "project_invitation",
        funding=funding)


# --- Evenings present projects ------------------------------------------------------------


@cache
def _presented_statement():
    """Built once: every evening page asks for it."""
    return (select(EveningProject.project_id)
            .where(EveningProject.event_id == bindparam("event_id"))
            .order_by(EveningProject.position, EveningProject.created_at))


def presented(event_id: int) -> list[projects.ProjectRef]:
    """The projects this evening presents, in the order chosen."""
    ids = list(db.session.scalars(_presented_statement(), {"event_id": event_id}))
    if not ids:
        return []
    refs = projects.refs(ids)
    return [refs[i] for i in ids if i in refs]


def evening_or_404(event_id: int, user):
    """An evening (of this address's network: ``get_event_or_404``) whose presented
    projects ``user`` may choose."""
    event = events.get_event_or_404(event_id)
    if not events.may_choose(user, event):
        abort(403)
    return event


def add_project(user: User, event, project_id: int) -> projects.ProjectRef:
    if not events.may_choose(user, event):
        raise PermissionError("organiser or coordination only")
    ref = projects.refs([project_id]).get(project_id)
    if ref is None or not ref.published:
        raise ServiceError(_l("Choisissez un projet publié."), field="q")
    if db.session.get(EveningProject, (event.id, project_id)) is not None:
        raise ServiceError(_l("La soirée présente déjà ce projet."), field="q")
    count = db.session.scalar(select(func.count()).select_from(EveningProject).where(
        EveningProject.event_id == event.id)) or 0
    if count >= MAX_PROJECTS:
        raise ServiceError(_l("Une soirée présente %(num)s projets au plus.",
                              num=MAX_PROJECTS), field="q")
    db.session.add(EveningProject(event_id=event.id, project_id=project_id, position=count,
                                  added_by_id=user.id))
    db.session.flush()
    events.record(user, event, "event.project_add", f"project={project_id}")
    return ref


def remove_project(user: User, event, project_id: int) -> None:
    if not events.may_choose(user, event):
        raise PermissionError("organiser or coordination only")
    link = db.session.get(EveningProject, (event.id, project_id))
    if link is None:
        abort(404)
    db.session.delete(link)
    events.record(user, event, "event.project_remove", f"project={project_id}")


def evenings_of_projects(project_ids) -> dict[int, list[events.EveningRef]]:
    """Each project's published, not cancelled evenings, by date."""
    ids = list(project_ids)
    if not ids:
        return {}
    links = db.session.execute(select(EveningProject.project_id, EveningProject.event_id)
                               .where(EveningProject.project_id.in_(ids))).all()
    evenings = events.evenings({event_id for _, event_id in links})
    found: dict[int, list[events.EveningRef]] = {}
    for project_id, event_id in links:
        if event_id in evenings:
            found.setdefault(project_id, []).append(evenings[event_id])
    for refs in found.values():
        refs.sort(key=lambda e: (e.starts_at, e.id))
    return found


def tell_past_attendees(project_id: int, *, ref: projects.ProjectRef,
                        now: datetime | None = None) -> int:
    """A project's results are published: the people confirmed for a past evening that
    presented it hear of it, once per evening and project. Returns how many mails were
    queued."""
    now = now or utcnow()
    sent = 0
    links = db.session.scalars(select(EveningProject).where(
        EveningProject.project_id == project_id, EveningProject.results_told_at.is_(None))
        .order_by(EveningProject.event_id)).all()
    evenings = events.evenings([link.event_id for link in links], now)
    for link in sorted(links, key=lambda k: (evenings[k.event_id].starts_at
                                             if k.event_id in evenings else now, k.event_id)):
        told = events.tell_attendees(link.event_id, ref, now)
        if told is None:
            continue
        link.results_told_at = now
        sent += told
    return sent
