"""What events tell the rest of the platform (the research cycle reads it): an evening
as other pages may show it, who may choose what it presents, its public slides or video,
and telling the people who came that something they heard about has news. Events know no
other feature."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from patientlab.core import audit
from patientlab.core.mail import queue_mail
from patientlab.core.models import utcnow
from patientlab.core.permissions import COORDINATION, has_any_in
from patientlab.core.sanitize import plain_text
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.networks import context

from .forms import MaterialsForm
from .models import Event, Registration
from .models import RegistrationStatus as S
from .services.access import can_manage, get_event_or_404
from .services.listing import registration_problem
from .services.organiser import check_web_address

__all__ = ["EveningRef", "MaterialsForm", "evenings", "get_event_or_404", "may_choose",
           "set_materials", "tell_attendees"]


@dataclass(frozen=True)
class EveningRef:
    id: int
    title: str
    starts_at: datetime
    url: str
    past: bool
    registration_open: bool
    materials_url: str = ""  # public slides or video, once the evening is over


def evenings(event_ids, now: datetime | None = None) -> dict[int, EveningRef]:
    """The published, not cancelled evenings among ``event_ids``."""
    ids = list(event_ids)
    if not ids:
        return {}
    now = now or utcnow()
    found = {}
    for event in db.session.scalars(select(Event).where(
            Event.id.in_(ids), Event.published_at.is_not(None),
            Event.cancelled_at.is_(None))):
        past = event.is_past(now)
        found[event.id] = EveningRef(
            id=event.id, title=event.title, starts_at=event.starts_at,
            url=external_url("events.detail", event_id=event.id,
                             network=context.slug_of(event.network_id)), past=past,
            registration_open=registration_problem(event, now) is None,
            materials_url=event.materials_url if past else "")
    return found


def may_choose(user, event: Event) -> bool:
    """The evening's organiser, or the coordination of its network, chooses what it
    presents."""
    return can_manage(user, event) or has_any_in(user, COORDINATION, event.network_id)


def set_materials(user, event: Event, url: str) -> None:
    if not may_choose(user, event):
        raise PermissionError("organiser or coordination only")
    url = plain_text(url)
    check_web_address(url, "materials_url")
    event.materials_url = url
    audit.record(user, "event.materials", event, summary="set" if url else "removed")


def record(user, event: Event, action: str, summary: str) -> None:
    """An audit entry about an evening, written by a caller that changed what it presents."""
    audit.record(user, action, event, summary=summary)


def tell_attendees(event_id: int, project, now: datetime) -> int | None:
    """The people confirmed for a past, published and not cancelled evening hear that the
    results of ``project`` (title, url, results_url), which it presented, are published.
    Returns how many mails were queued, or None if the evening is not such an evening."""
    event = db.session.get(Event, event_id)
    if (event is None or event.starts_at > now or event.cancelled_at is not None
            or event.published_at is None):
        return None
    told = 0
    for registration in db.session.scalars(select(Registration).where(
            Registration.event_id == event.id, Registration.status == S.CONFIRMED,
            Registration.email.is_not(None)).order_by(Registration.id)):
        queue_mail(registration.email,
                   _l("Les résultats présentés à la soirée « %(title)s » sont publiés",
                      title=event.title),
                   "event_results", locale=registration.locale or "fr",
                   registration=registration, event=event, project=project,
                   event_url=external_url("events.detail", event_id=event.id,
                                          network=context.slug_of(event.network_id)))
        told += 1
    audit.record(None, "event.results_told", event,
                 summary=f"project={project.id} sent={told}")
    return told
