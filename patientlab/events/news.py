"""New evenings told to the people who follow their theme (core.notifications), and the
checks a summary runs before it speaks of an evening."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.core import notifications
from patientlab.core.mail import notify
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.networks.context import slug_of

from .models import EVENT_THEMES, Event

TOPIC = "event_theme"
KIND = "evenings_new"


def tell_followers(event: Event) -> int:
    """Everyone following the evening's theme hears of it, once (at its first
    publication); the organiser excepted. Returns how many were told."""
    ids = [i for i in notifications.followers(TOPIC, [event.theme]) if i != event.organiser_id]
    told = 0
    for user in db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True))):
        if notify(user, _l("Une nouvelle soirée « Parle-Moi » sur un thème que vous suivez"),
                  "event_new", kind=KIND, about=f"event:{event.id}", event=event,
                  theme=EVENT_THEMES.get(event.theme, event.theme),
                  url=external_url("events.detail", event_id=event.id,
                                   network=slug_of(event.network_id))):
            told += 1
    return told


def still_announced(user, event_id: int) -> bool:
    event = db.session.get(Event, event_id)
    return event is not None and event.is_published and event.cancelled_at is None


def register() -> None:
    notifications.register_kind(notifications.Kind(
        KIND, _l("Nouvelles soirées « Parle-Moi » des thèmes que je suis"),
        _l("Choisissez les thèmes plus bas, dans « Les sujets que je suis »."),
        default=notifications.WEEKLY, order=60))
    notifications.register_topic(notifications.Topic(
        TOPIC, _l("Les thèmes des soirées « Parle-Moi »"),
        lambda: list(EVENT_THEMES.items()), KIND, order=10))
    notifications.register_check("event", still_announced)
