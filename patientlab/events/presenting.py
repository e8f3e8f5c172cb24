"""The research projects an evening presents (core.cycle): chosen by the organiser or
the coordination, shown on both pages with the evening's public slides or video; when a
project's results are published, the people who came to a past evening that presented
it are told — once per evening and project."""

from datetime import datetime
from functools import cache

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select

from patientlab.auth.models import User
from patientlab.core import audit, cycle
from patientlab.core.errors import ServiceError
from patientlab.core.mail import queue_mail
from patientlab.core.models import utcnow
from patientlab.core.permissions import COORDINATION, has_any
from patientlab.core.sanitize import plain_text
from patientlab.core.urls import external_url
from patientlab.extensions import db

from .models import Event, EventProject, Registration
from .models import RegistrationStatus as S
from .services.access import can_manage, get_event_or_404
from .services.listing import registration_problem
from .services.organiser import check_web_address

MAX_PROJECTS = 6


def may_link(user, event: Event) -> bool:
    """The evening's organiser, or the coordination, chooses what it presents."""
    return can_manage(user, event) or has_any(user, COORDINATION)


def get_linkable_event(event_id: int, user) -> Event:
    event = get_event_or_404(event_id)
    if not may_link(user, event):
        abort(403)
    return event


@cache
def _presented_statement():
    """Built once: every evening page asks for it."""
    return (select(EventProject.project_id)
            .where(EventProject.event_id == bindparam("event_id"))
            .order_by(EventProject.position, EventProject.created_at))


def presented(event: Event) -> list[cycle.ProjectRef]:
    """The projects this evening presents, in the order chosen."""
    ids = list(db.session.scalars(_presented_statement(), {"event_id": event.id}))
    if not ids:
        return []
    refs = cycle.projects(ids)
    return [refs[i] for i in ids if i in refs]


def add_project(user: User, event: Event, project_id: int) -> cycle.ProjectRef:
    if not may_link(user, event):
        raise PermissionError("organiser or coordination only")
    ref = cycle.projects([project_id]).get(project_id)
    if ref is None or not ref.published:
        raise ServiceError(_l("Choisissez un projet publié."), field="q")
    if db.session.get(EventProject, (event.id, project_id)) is not None:
        raise ServiceError(_l("La soirée présente déjà ce projet."), field="q")
    count = db.session.scalar(select(func.count()).select_from(EventProject).where(
        EventProject.event_id == event.id)) or 0
    if count >= MAX_PROJECTS:
        raise ServiceError(_l("Une soirée présente %(num)s projets au plus.",
                              num=MAX_PROJECTS), field="q")
    db.session.add(EventProject(event_id=event.id, project_id=project_id, position=count,
                                added_by_id=user.id))
    db.session.flush()
    audit.record(user, "event.project_add", event, summary=f"project={project_id}")
    return ref


def remove_project(user: User, event: Event, project_id: int) -> None:
    if not may_link(user, event):
        raise PermissionError("organiser or coordination only")
    link = db.session.get(EventProject, (event.id, project_id))
    if link is None:
        abort(404)
    db.session.delete(link)
    audit.record(user, "event.project_remove", event, summary=f"project={project_id}")


def set_materials(user: User, event: Event, url: str) -> None:
    if not may_link(user, event):
        raise PermissionError("organiser or coordination only")
    url = plain_text(url)
    check_web_address(url, "materials_url")
    event.materials_url = url
    audit.record(user, "event.materials", event, summary="set" if url else "removed")


def evenings_presenting(project_ids: list[int]) -> dict[int, list[cycle.EveningRef]]:
    """For core.cycle: each project's published, not cancelled evenings, by date."""
    now = utcnow()
    found: dict[int, list[cycle.EveningRef]] = {}
    rows = db.session.execute(
        select(EventProject.project_id, Event).join(Event, Event.id == EventProject.event_id)
        .where(EventProject.project_id.in_(project_ids), Event.published_at.is_not(None),
               Event.cancelled_at.is_(None))
        .order_by(Event.starts_at)).all()
    for project_id, event in rows:
        past = event.is_past(now)
        found.setdefault(project_id, []).append(cycle.EveningRef(
            id=event.id, title=event.title, starts_at=event.starts_at,
            url=external_url("events.detail", event_id=event.id), past=past,
            registration_open=registration_problem(event, now) is None,
            materials_url=event.materials_url if past else ""))
    return found


def tell_past_registrants(project_id: int, *, ref: cycle.ProjectRef,
                          now: datetime | None = None) -> int:
    """core.cycle.results_published: the people confirmed for a past evening that
    presented the project hear that its results are out, once per evening and project.
    Returns how many mails were queued."""
    now = now or utcnow()
    sent = 0
    links = db.session.execute(
        select(EventProject, Event).join(Event, Event.id == EventProject.event_id)
        .where(EventProject.project_id == project_id, EventProject.results_told_at.is_(None),
               Event.starts_at <= now, Event.cancelled_at.is_(None),
               Event.published_at.is_not(None))
        .order_by(Event.starts_at)).all()
    for link, event in links:
        link.results_told_at = now
        told = 0
        for registration in db.session.scalars(select(Registration).where(
                Registration.event_id == event.id, Registration.status == S.CONFIRMED,
                Registration.email.is_not(None)).order_by(Registration.id)):
            queue_mail(registration.email,
                       _l("Les résultats présentés à la soirée « %(title)s » sont publiés",
                          title=event.title),
                       "event_results", locale=registration.locale or "fr",
                       registration=registration, event=event, project=ref,
                       event_url=external_url("events.detail", event_id=event.id))
            told += 1
        sent += told
        audit.record(None, "event.results_told", event,
                     summary=f"project={project_id} sent={told}")
    return sent


def _on_results(project_id, **kwargs) -> None:
    tell_past_registrants(project_id, ref=kwargs["ref"], now=kwargs.get("now"))


def register() -> None:
    cycle.register_evenings(evenings_presenting)
    cycle.results_published.connect(_on_results)
