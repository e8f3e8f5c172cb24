"""Personal links of a registration and the mails registrants get (in the language
they registered in, with the calendar file); people without e-mail are noted for a
phone call instead."""

from datetime import timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from patientlab.core.mail import OutboxMessage, queue_mail
from patientlab.core.models import utcnow
from patientlab.core.security import TokenError, make_token, read_token
from patientlab.core.urls import external_url
from patientlab.extensions import db
from patientlab.networks import context
from patientlab.networks.context import slug_of, within

from ..models import Event, Registration
from ..models import RegistrationStatus as S
from .ics import calendar_for
from .seating import waiting_position

LINK_PURPOSE = "registration"


LINK_MAX_AGE = 400 * 24 * 3600


# A personal link works until a week after its evening ends (to see what was registered),
# not for the 400 days its signature allows: a link found later in a log or a mailbox
# opens nothing.
LINK_GRACE = timedelta(days=7)


def link_token(registration: Registration) -> str:
    return make_token(LINK_PURPOSE, {"r": registration.id, "k": registration.link_key})


def registration_signed(purpose: str, token: str, max_age: int) -> Registration:
    """The registration a signed link names, if its key still matches (a new key
    revokes old links); TokenError otherwise."""
    data = read_token(purpose, token, max_age)
    registration = db.session.get(Registration, data.get("r")) if isinstance(data, dict) else None
    if registration is None or registration.link_key != data.get("k"):
        raise TokenError(expired=False)
    context.ensure_in_current(registration.event.network_id)  # its evening's network only
    return registration


def registration_for_token(token: str) -> Registration:
    registration = registration_signed(LINK_PURPOSE, token, LINK_MAX_AGE)
    if registration.event.ends_at + LINK_GRACE < utcnow():
        raise TokenError(expired=True)
    return registration


# What someone without e-mail must be told by phone, said to the organiser.
CALL_ABOUT = {
    "registration_promoted": _l("Une place s’est libérée : son inscription est confirmée."),
    "registration_changed": _l("Le nombre de places de son inscription a changé."),
    "registration_moved": _l("Son inscription est déplacée vers une autre soirée."),
    "event_changed": _l("La date, l’heure, le lieu ou le lien de la soirée a changé."),
    "event_cancelled": _l("La soirée est annulée."),
    "event_message": _l("Un message a été envoyé aux personnes inscrites (voir le journal)."),
}


def mail_registration(registration: Registration, template: str, subject,
                      locale: str | None = None, also_cancel: Event | None = None,
                      **context) -> OutboxMessage | None:
    """In the language the person registered in, unless ``locale`` says otherwise. A
    confirmed registration carries the evening's calendar file; a cancelled one the
    calendar cancellation, so that agendas drop it."""
    event = registration.event
    if not registration.email:
        # Registered by phone without an address: the team tells them what matters.
        if template in CALL_ABOUT:
            registration.call_about = template
        return None
    attachment = None
    # The calendar file is written in the person's language too (« En ligne »).
    with force_locale(locale or registration.locale or "fr"):
        if (event.is_cancelled or registration.status == S.CANCELLED) \
                and registration.confirmed_at is not None:
            attachment = ("parle-moi-annulation.ics", "text/calendar; charset=utf-8; method=CANCEL",
                          calendar_for([event], cancel=True))
        elif registration.status == S.CONFIRMED:
            # Their private mail: the file carries how to join an online evening.
            attachment = ("parle-moi.ics", "text/calendar; charset=utf-8",
                          calendar_for([event], cancelled=[also_cancel] if also_cancel else (),
                                       private=True))
    # From the evening's network, also when a job sends it (a reminder).
    with within(event.network_id):
        return queue_mail(
            registration.email, subject, template,
            locale=locale or registration.locale or "fr",
            attachment=attachment, position=waiting_position(registration),
            registration=registration, event=event,
            url=external_url("events.registration", token=link_token(registration),
                             network=slug_of(event.network_id)),
            event_url=external_url("events.detail", event_id=event.id,
                                   network=slug_of(event.network_id)), **context)
