"""The national agenda: every network's published evenings to come, in one list that
visitors filter by network, region, town, theme and « en ligne »; and its calendar feed,
filtered the same way, that people subscribe to for the evenings of their town."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from patientlab.core.models import utcnow
from patientlab.core.pagination import Page
from patientlab.core.text import fold
from patientlab.extensions import db
from patientlab.networks import context

from ..models import EVENT_THEMES, Event, EventFormat

PER_PAGE = 20


@dataclass(frozen=True)
class Filters:
    """What the visitor chose; a value the form does not offer is left out (the list is
    then the wider one, and the form shows nothing chosen for it)."""

    network: str = ""  # a network's slug
    region: str = ""  # a network's region, as the network states it
    town: str = ""  # a town that has evenings to come, as written on them
    theme: str = ""
    online: bool = False

    def __bool__(self) -> bool:
        return bool(self.network or self.region or self.town or self.theme or self.online)

    def query(self) -> dict[str, str]:
        """The query string that asks for these filters (pagination, feed, links)."""
        values = {"reseau": self.network, "region": self.region, "ville": self.town,
                  "theme": self.theme, "en_ligne": "1" if self.online else ""}
        return {key: value for key, value in values.items() if value}


def _upcoming(now: datetime):
    return (Event.published_at.is_not(None), Event.ends_at > now)


def regions() -> list[str]:
    """The networks' regions, for the filter (every network states one)."""
    return sorted({n.region for n in context.all_networks().values() if n.region}, key=fold)


def towns(now: datetime | None = None) -> list[str]:
    """The towns that have a published evening to come, for the filter."""
    return sorted(db.session.scalars(select(Event.town).distinct().where(
        *_upcoming(now or utcnow()), Event.town != "")), key=fold)


def read_filters(args: Mapping[str, str], known_towns: list[str] | None) -> Filters:
    """The filters from a query string, each checked against what the form offers.
    ``known_towns`` None (the feed): any town is kept as written, so that a subscription
    to a town with no evening yet stays empty until one is announced there."""
    slugs = {n.slug for n in context.all_networks().values()}
    network = args.get("reseau", "")
    region = args.get("region", "")
    town = args.get("ville", "").strip()[:100]
    theme = args.get("theme", "")
    return Filters(network=network if network in slugs else "",
                   region=region if region in regions() else "",
                   town=town if known_towns is None or town in known_towns else "",
                   theme=theme if theme in EVENT_THEMES else "",
                   online=args.get("en_ligne") == "1")


def _statement(filters: Filters, now: datetime):
    stmt = select(Event).where(*_upcoming(now))
    networks = context.all_networks().values()
    if filters.network:
        stmt = stmt.where(Event.network_id.in_(
            [n.id for n in networks if n.slug == filters.network]))
    if filters.region:
        stmt = stmt.where(Event.network_id.in_(
            [n.id for n in networks if n.region == filters.region]))
    if filters.town:
        stmt = stmt.where(Event.town == filters.town)
    if filters.theme:
        stmt = stmt.where(Event.theme == filters.theme)
    if filters.online:
        stmt = stmt.where(Event.format == EventFormat.ONLINE)
    return stmt


def agenda_page(filters: Filters, page: int, now: datetime | None = None) -> Page:
    """One page of the agenda, soonest first: a count and the page's evenings, two
    queries whatever their number (the networks are the request's, read once)."""
    stmt = _statement(filters, now or utcnow())
    total = db.session.scalar(stmt.with_only_columns(func.count(Event.id)).order_by(None))
    result = Page.of(total or 0, page, PER_PAGE)
    result.items = list(db.session.scalars(
        stmt.order_by(Event.starts_at, Event.id).limit(PER_PAGE).offset(result.offset)))
    return result


def agenda_events(filters: Filters, now: datetime | None = None) -> list[Event]:
    """Every evening the filters keep, for the calendar feed."""
    return list(db.session.scalars(
        _statement(filters, now or utcnow()).order_by(Event.starts_at, Event.id)))
