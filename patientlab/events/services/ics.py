"""Calendar files (iCalendar) of evenings: public, private (how to join online),
tentative for the waiting list, and the cancellations that make agendas drop them."""


from flask_babel import lazy_gettext as _l
from icalendar import Calendar
from icalendar import Event as IcsEvent

from patientlab.core.days import PARIS
from patientlab.core.models import utcnow
from patientlab.core.sanitize import without_forbidden
from patientlab.core.text import plain_from_html
from patientlab.core.urls import external_url
from patientlab.networks.context import slug_of

from ..models import Event, EventFormat


def calendar_for(events: list[Event], *, cancel: bool = False, cancelled=(),
                 private: bool = False, waiting: bool = False) -> str:
    """An iCalendar file of ``events``; with ``cancel``, a METHOD:CANCEL message with the
    same UID and a higher SEQUENCE, so that agendas drop the evening. ``cancelled`` adds
    evenings marked CANCELLED (a registration moved: the old one leaves the agenda).
    ``private``: for a confirmed registrant only (their mail), an online evening's file
    carries its join link and phone line; never in a public file. ``waiting``: for a person
    on the waiting list, who holds no place: TENTATIVE, and its title and text say so."""
    calendar = Calendar()
    calendar.add("prodid", "-//PatientLab//Parle-Moi//FR")
    calendar.add("version", "2.0")
    if cancel:
        calendar.add("method", "CANCEL")
    calendar.add("x-wr-calname", "Parle-Moi — PatientLab")
    calendar.add("x-wr-timezone", "Europe/Paris")
    for event in [*events, *cancelled]:
        item = IcsEvent()
        item.add("uid", f"parle-moi-{event.id}@patientlab.fr")
        item.add("dtstamp", utcnow())
        # Grows with each change of the row, so agendas replace the copy they have.
        item.add("sequence", event.lock_version or 0)
        item.add("last-modified", event.updated_at)
        item.add("dtstart", event.starts_at.astimezone(PARIS))
        item.add("dtend", event.ends_at.astimezone(PARIS))
        if waiting and not cancel:
            item.add("summary", str(_l("Parle-Moi (liste d’attente) : %(title)s",
                                       title=event.title)))
        else:
            item.add("summary", f"Parle-Moi : {event.title}")
        description = plain_from_html(event.description)
        if waiting and not cancel:
            description = "\n\n".join(p for p in (str(_l(
                "Vous êtes sur la liste d’attente : votre place n’est pas confirmée. Nous vous "
                "écrirons dès qu’une place se libère pour votre groupe.")), description) if p)
        location = (", ".join(p for p in (event.venue_name, event.address) if p)
                    if event.format == EventFormat.ONSITE else str(_l("En ligne")))
        if private and event.format != EventFormat.ONSITE and event not in cancelled:
            joining = []
            if event.join_url:
                location = event.join_url
                joining.append(str(_l("Rejoindre la soirée en ligne (lien personnel, ne le "
                                      "transmettez pas) : %(url)s", url=event.join_url)))
            if event.dial_in:
                joining.append(str(_l("Pour suivre par téléphone : %(number)s",
                                      number=event.dial_in)))
            description = "\n\n".join(p for p in ("\n".join(joining), description) if p)
        item.add("description", description)
        item.add("location", location)
        item.add("url", external_url("events.detail", event_id=event.id,
                                     network=slug_of(event.network_id)))
        item.add("status", "CANCELLED" if cancel or event.is_cancelled or event in cancelled
                 else "TENTATIVE" if waiting else "CONFIRMED")
        calendar.add_component(item)
    calendar.add_missing_timezones()
    # Every text of the file without the code points HTML forbids (calendar readers do
    # not want them either), whatever was stored before.
    return without_forbidden(calendar.to_ical().decode("utf-8"))
