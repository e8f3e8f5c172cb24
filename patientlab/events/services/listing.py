"""What visitors read: the evenings listed and filtered by theme, format and place,
their seats left, the home page's next evenings, and why registering is closed."""

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import abort, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import bindparam, case, func, select

from patientlab.core import highlights
from patientlab.core.models import utcnow
from patientlab.core.places import DEPARTMENTS
from patientlab.core.text import fold
from patientlab.extensions import db
from patientlab.networks import context

from ..models import EVENT_THEMES, Event, EventFormat, Registration
from ..models import RegistrationSource as Source
from ..models import RegistrationStatus as S
from .access import can_manage, get_event_or_404


@dataclass
class Counts:
    confirmed: int = 0  # seats held, walk-ins included: the room is one
    waiting: int = 0
    cancelled: int = 0
    checked_in: int = 0  # people arrived, walk-ins included
    registrations: int = 0
    walk_ins: int = 0  # people let in at the door without a registration


@cache
def _counts_statement():
    """Built once: every evening page asks for it."""
    seats = Registration.seats
    return (select(Registration.event_id,
                   func.sum(case((Registration.status == S.CONFIRMED, seats), else_=0)),
                   # people added to a confirmed registration who wait count as waiting
                   func.sum(case((Registration.status == S.WAITING, seats),
                                 else_=Registration.extra_seats)),
                   func.sum(case((Registration.status == S.CANCELLED, seats), else_=0)),
                   func.sum(Registration.present),
                   func.count(),
                   func.sum(case((Registration.source == Source.DOOR, seats), else_=0)))
            .where(Registration.event_id.in_(bindparam("ids", expanding=True)))
            .group_by(Registration.event_id))


def counts_for(event_ids: list[int]) -> dict[int, Counts]:
    """Seats per status for several events, in one query."""
    result = {eid: Counts() for eid in event_ids}
    if not event_ids:
        return result
    rows = db.session.execute(_counts_statement(), {"ids": list(event_ids)})
    for eid, confirmed, waiting, cancelled, checked_in, count, walk_ins in rows:
        result[eid] = Counts(int(confirmed or 0), int(waiting or 0), int(cancelled or 0),
                             int(checked_in or 0), count, int(walk_ins or 0))
    return result


@dataclass
class Where:
    """The public list's filter by place: a department code, a town (or postcode) as
    typed, and whether evenings online join those there."""

    department: str = ""
    town: str = ""
    online: bool = False

    def __bool__(self) -> bool:
        return bool(self.department or self.town)


def list_events(*, past: bool = False, theme: str = "", fmt: str = "",
                where: Where | None = None, now: datetime | None = None) -> list[Event]:
    now = now or utcnow()
    stmt = select(Event).where(Event.published_at.is_not(None))
    if past:
        stmt = stmt.where(Event.ends_at <= now).order_by(Event.starts_at.desc())
    else:
        stmt = stmt.where(Event.ends_at > now).order_by(Event.starts_at)
    if theme in EVENT_THEMES:
        stmt = stmt.where(Event.theme == theme)
    if fmt in EventFormat.LABELS:
        stmt = stmt.where(Event.format == fmt)
    events = list(db.session.scalars(stmt))
    if where:
        events = [e for e in events if _is_in(e, where)]
    return events


def _is_in(event: Event, where: Where) -> bool:
    """Whether an evening is where the visitor looks: in the department, in a town whose
    name holds what they typed (accents and case aside) or whose postcode starts with it;
    online evenings too when they asked for them."""
    if event.format == EventFormat.ONLINE:
        return where.online
    if where.department and event.department != where.department:
        return False
    typed = _town_key(where.town)
    if typed:
        postcode = typed.replace(" ", "")
        if not (typed in _town_key(event.town) or (postcode.isdigit()
                                                   and event.postcode.startswith(postcode))):
            return False
    return True


def _town_key(text: str) -> str:
    """« Saint-Étienne », « saint etienne » and « ST ETIENNE » alike (saint spelt out)."""
    words = re.split(r"[\s\-’'.]+", fold(text))
    return " ".join("saint" if w == "st" else "sainte" if w == "ste" else w
                    for w in words if w)


def listed_departments(*, past: bool = False, now: datetime | None = None) -> list[str]:
    """The departments that have a published evening in the period, for the filter."""
    now = now or utcnow()
    period = Event.ends_at <= now if past else Event.ends_at > now
    return sorted(db.session.scalars(select(Event.department).distinct().where(
        Event.published_at.is_not(None), Event.department != "", period)),
        key=lambda code: fold(DEPARTMENTS.get(code, code)))


def coming_highlights(limit: int) -> list[highlights.Item]:
    """The next published evenings, for the home page: when, and how many places left
    (every network's: each links to its own network's page)."""
    events = list(db.session.scalars(
        select(Event).where(Event.published_at.is_not(None), Event.cancelled_at.is_(None),
                            Event.ends_at > utcnow())
        .order_by(Event.starts_at).limit(limit)))
    counts = counts_for([e.id for e in events])
    items = []
    for event in events:
        left = seats_left(event, counts[event.id])
        places = ngettext("%(num)s place restante", "%(num)s places restantes", left) if left \
            else str(_l("complet, liste d’attente ouverte"))
        items.append(highlights.Item(
            event.title, url_for("events.detail", event_id=event.id,
                                 network=context.slug_of(event.network_id)),
            (_fmt(event.starts_at), str(EventFormat.LABELS[event.format]), places)))
    return items


def get_public_event_or_404(event_id: int, viewer) -> Event:
    """A published evening; a draft exists only for its organisers (who preview it)."""
    event = get_event_or_404(event_id)
    if not event.is_published and not (viewer is not None and can_manage(viewer, event)):
        abort(404)
    return event


def seats_left(event: Event, counts: Counts) -> int:
    return max(event.capacity - counts.confirmed, 0)


def registration_problem(event: Event, now: datetime | None = None):
    """Why registering is impossible now, or None."""
    now = now or utcnow()
    if not event.is_published:
        return _l("Cette soirée est un brouillon : les inscriptions ouvriront quand elle sera "
                  "publiée.")
    if event.is_cancelled:
        return _l("Cette soirée est annulée.")
    if event.starts_at <= now:
        return _l("Cette soirée a déjà commencé ou est passée.")
    if event.registration_opens_at and now < event.registration_opens_at:
        # A day, chosen without a time (it opens at midnight, Paris time): no « à 00:00 ».
        return _l("Les inscriptions ouvrent le %(date)s.",
                  date=_day(event.registration_opens_at))
    if event.registration_closes_at and now >= event.registration_closes_at:
        return _l("Les inscriptions sont closes.")
    return None


def _fmt(moment):
    from patientlab.core.i18n import datetime_long

    return datetime_long(moment)


def _day(moment):
    from patientlab.core.i18n import date_long

    return date_long(moment)
