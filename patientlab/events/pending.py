"""What the evenings leave waiting (core.pending): each person's coming evenings and
waiting-list places (« Mes inscriptions »), and what the organisers have to prepare."""

from datetime import datetime, timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from patientlab.core.i18n import datetime_long
from patientlab.core.pending import Task
from patientlab.extensions import db
from patientlab.networks import context

from .models import Event, Registration
from .models import RegistrationStatus as S
from .services.access import managed_events
from .services.figures import figures_for
from .services.mails import link_token
from .services.organiser_registrations import calls_due, needs_summary
from .services.seating import waiting_position

#: Evenings starting this soon are « this week » for their organiser.
THIS_WEEK = timedelta(days=7)


def my_registrations(user, now: datetime) -> list[Task]:
    """Coming evenings the person is registered for, by account (guest registrations at
    an address they proved were claimed by it)."""
    registrations = db.session.scalars(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Registration.user_id == user.id, Registration.status != S.CANCELLED,
               Event.ends_at > now, Event.cancelled_at.is_(None))
        .order_by(Event.starts_at))
    tasks = []
    for registration in registrations:
        event = registration.event
        if registration.status == S.WAITING:
            place = _("sur liste d’attente, position %(num)s",
                      num=waiting_position(registration))
        else:
            place = ngettext("%(num)s place confirmée", "%(num)s places confirmées",
                             registration.seats)
        tasks.append(Task(event.title,
                          url_for("events.registration", token=link_token(registration),
                                  network=context.slug_of(event.network_id)),
                          event.starts_at, (datetime_long(event.starts_at), place)))
    return tasks


def organiser_tasks(user, now: datetime) -> list[Task]:
    """The organiser's evenings this week (seats, needs, calls to make) and any coming
    evening that is full."""
    coming = [e for e in managed_events(user)
              if e.starts_at > now and e.cancelled_at is None and e.published_at is not None]
    figures = figures_for(coming)
    tasks = []
    for event in coming:
        href = url_for("organisation.dashboard", event_id=event.id,
                       network=context.slug_of(event.network_id))
        seats = figures[event.id]
        # The words of the evening's own pages (templates/events/organiser/_figures.html).
        facts = [datetime_long(event.starts_at),
                 _("Personnes inscrites confirmées : %(num)s", num=seats.registered),
                 _("Places libres : %(left)s sur %(capacity)s", left=seats.left,
                   capacity=seats.capacity)]
        if seats.waiting:
            facts.append(_("Personnes sur liste d’attente : %(num)s", num=seats.waiting))
        soon = event.starts_at - now <= THIS_WEEK
        if soon:
            needs = needs_summary(event)
            people = sum(needs.counts.values()) + len(needs.others)
            if people:
                facts.append(ngettext("%(num)s besoin à préparer", "%(num)s besoins à préparer",
                                      people))
        calls = calls_due(event)
        if calls:
            facts.append(ngettext("%(num)s personne à prévenir par téléphone",
                                  "%(num)s personnes à prévenir par téléphone", len(calls)))
        full = seats.left == 0
        if soon or full or calls:
            title = (_("« %(title)s » est complète", title=event.title) if full and not soon
                     else _("Préparer « %(title)s »", title=event.title))
            tasks.append(Task(title, href, event.starts_at, tuple(facts)))
    return tasks
