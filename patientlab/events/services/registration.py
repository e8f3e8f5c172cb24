"""A person's registration: registering on the site or by phone, the guest
registrations an account claims, the mail sent again, changing and cancelling it, and
the reminder before the evening."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select, update

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.errors import ServiceError
from patientlab.core.mail import OutboxMessage
from patientlab.core.models import utcnow
from patientlab.core.sanitize import plain_text
from patientlab.core.text import normalise_email
from patientlab.extensions import db

from ..models import Event, Registration, needs_for
from ..models import RegistrationSource as Source
from ..models import RegistrationStatus as S
from .access import can_manage
from .listing import registration_problem
from .mails import mail_registration
from .seating import CompanionData, companion_rows, confirmed_seats, lock_event
from .waiting_list import promote

# « Vous êtes déjà inscrit »: at most one such mail in this time for a registration.
ALREADY_REGISTERED_MAIL_EVERY = timedelta(hours=1)


class AlreadyRegistered(ServiceError):
    def __init__(self, registration: Registration):
        super().__init__(_l("Cette adresse e-mail est déjà inscrite à cette soirée."),
                         field="email")
        self.registration = registration


@dataclass
class RegistrationData:
    name: str
    email: str = ""
    seats: int = 1
    needs: list[str] = field(default_factory=list)
    needs_other: str = ""
    needs_consent: bool = False
    privacy_consent: bool = False
    locale: str = "fr"
    companions: list[CompanionData] = field(default_factory=list)
    phone: str = ""


@dataclass
class ChangeData:
    """What a registrant changes from their personal page: how many people come (them
    included), who they are and what everyone needs."""

    seats: int
    needs: list[str] = field(default_factory=list)
    needs_other: str = ""
    needs_consent: bool = False
    companions: list[CompanionData] = field(default_factory=list)


def _group_fits(seats: int, companions: list[CompanionData]) -> None:
    if seats not in range(1, 5):
        raise ServiceError(_l("Choisissez entre 1 et 4 places."), field="seats")
    if len(companions) > seats - 1:
        raise ServiceError(ngettext(
            "Vous avez indiqué %(num)s personne qui vient avec vous : choisissez au moins "
            "%(seats)s places, ou effacez son nom.",
            "Vous avez indiqué %(num)s personnes qui viennent avec vous : choisissez au moins "
            "%(seats)s places, ou effacez leurs noms.", len(companions),
            seats=len(companions) + 1), field="seats")


def register(event_id: int, data: RegistrationData, user: User | None = None,
             now: datetime | None = None) -> Registration:
    """A person registers on the site (logged in as ``user``, or as a guest)."""
    now = now or utcnow()
    event = lock_event(event_id)
    problem = registration_problem(event, now)
    if problem:
        raise ServiceError(problem)
    return place_registration(event, data, Source.ONLINE, user, user, now)


def register_by_phone(organiser: User, event: Event, data: RegistrationData,
                      now: datetime | None = None) -> Registration:
    """The organiser registers someone who called: a name and a phone number are enough
    (no e-mail: the team tells them by phone, and can print their confirmation). The
    same rule as on the site places them, even once online registration has closed."""
    now = now or utcnow()
    if not can_manage(organiser, event):
        raise PermissionError("not an organiser of this event")
    event = lock_event(event.id)
    if not event.is_published:
        raise ServiceError(_l("Publiez la soirée avant d’y inscrire quelqu’un."))
    if event.is_cancelled:
        raise ServiceError(_l("Cette soirée est annulée."))
    if event.starts_at <= now:
        raise ServiceError(_l("La soirée a commencé : ajoutez plutôt la personne à l’accueil, "
                              "si la salle le permet."))
    if not plain_text(data.phone):
        raise ServiceError(_l("Saisissez son numéro de téléphone, pour pouvoir la prévenir."),
                           field="phone")
    return place_registration(event, data, Source.PHONE, None, organiser, now)


@dataclass
class Placed:
    """What registering did: the registration (new, or the one the address already
    had), and whether the person logged in owns that address (they may see it now)."""

    registration: Registration
    new: bool
    own: bool


def register_or_remind(event_id: int, data: RegistrationData, user: User | None,
                       locale: str = "fr") -> Placed:
    """Register, or, when the address is already registered, mail its owner the link
    again: the answer on the page is the same, so nobody learns whether someone else's
    address is registered."""
    try:
        registration, new = register(event_id, data, user=user), True
    except AlreadyRegistered as already:
        registration, new = already.registration, False
        tell_already_registered(registration, locale=locale)
    return Placed(registration, new, is_own_address(user, registration))


def place_registration(event: Event, data: RegistrationData, source: str, user: User | None,
                       actor: User | None, now: datetime, mail: bool = True) -> Registration:
    """Check what was typed and give the registration its place, under the event's lock:
    confirmed when the whole group fits in the free seats, else on the waiting list."""
    checked = _checked(event, data, source)
    registration = _row_for(event, checked.email)
    promote(event, now)  # the rule holds before the newcomer is placed
    fits = confirmed_seats(event.id) + data.seats <= event.capacity
    if registration is None:
        registration = Registration(event_id=event.id, email=checked.email, event=event)
        db.session.add(registration)
    _copy(registration, data, checked, S.CONFIRMED if fits else S.WAITING, now)
    registration.source = source
    # Only a proved address links a registration to an account: someone logged in who
    # registers another person's address does not make it theirs.
    registration.user_id = None
    is_own_address(user, registration)
    db.session.flush()
    audit.record(actor, "registration.create", registration,
                 summary=f"event={event.id} status={registration.status} seats={data.seats} "
                         f"source={source}")
    if mail:
        _mail_placed(registration)
    return registration


@dataclass
class _Checked:
    """A registration form once checked: the group's companions and needs among those
    the evening offers, and the address (None for a phone registration)."""

    companions: list[CompanionData]
    needs: list[str]
    needs_other: str
    any_needs: bool
    email: str | None


def _checked(event: Event, data: RegistrationData, source: str) -> _Checked:
    """What was typed, checked in the order the form reads: seats, companions, consents,
    then the address (the site needs one; the phone does not)."""
    companions = _companions(event, data)
    if not data.privacy_consent:
        raise ServiceError(_l("Cochez la case pour accepter l’utilisation de vos données."),
                           field="privacy_consent")
    needs, needs_other, any_needs = consented_needs(event, data, companions)
    email = normalise_email(data.email) if (data.email or "").strip() else None
    if email is None and source == Source.ONLINE:
        raise ServiceError(_l("Saisissez votre adresse e-mail, par exemple "
                              "prenom.nom@exemple.fr."), field="email")
    return _Checked(companions, needs, needs_other, any_needs, email)


def _companions(event: Event, data: RegistrationData | ChangeData) -> list[CompanionData]:
    """The companions typed (empty rows left out), with the needs the evening offers (an
    online evening has no seat near the stage); they must fit in the seats asked for."""
    offered = needs_for(event.format)
    companions = [CompanionData(c.name, [k for k in c.needs if k in offered], c.needs_other)
                  for c in data.companions if c]
    _group_fits(data.seats, companions)
    return companions


def consented_needs(event: Event, data: RegistrationData | ChangeData,
                    companions: list[CompanionData]) -> tuple[list[str], str, bool]:
    """The registrant's needs the evening offers, the need in their own words, and
    whether anyone of the group needs anything; refused when someone does and the
    registrant did not agree that we keep it (health data)."""
    offered = needs_for(event.format)
    needs = [key for key in data.needs if key in offered]
    needs_other = plain_text(data.needs_other, multiline=True)
    any_needs = bool(needs or needs_other or any(c.needs or c.needs_other.strip()
                                                 for c in companions))
    if any_needs and not data.needs_consent:
        raise ServiceError(_l("Pour que nous puissions organiser l’aménagement, cochez la case "
                              "d’accord, ou retirez les besoins indiqués."),
                           field="needs_consent")
    return needs, needs_other, any_needs


def _row_for(event: Event, email: str | None) -> Registration | None:
    """The row a registration with this address takes: a cancelled one of this evening is
    used again (one row per address and evening); a live one refuses it."""
    if email is None:
        return None
    registration = db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.email == email))
    if registration is not None and registration.status != S.CANCELLED:
        raise AlreadyRegistered(registration)
    return registration


def _copy(registration: Registration, data: RegistrationData, checked: _Checked, status: str,
          now: datetime) -> None:
    """The checked form into the row, everything a cancelled row held before reset."""
    registration.name = plain_text(data.name)
    registration.phone = plain_text(data.phone)[:40]
    registration.seats = data.seats
    registration.extra_seats, registration.extra_since = 0, None
    registration.status = status
    registration.needs = ",".join(checked.needs)
    registration.needs_other = checked.needs_other
    registration.needs_consent_at = now if checked.any_needs else None
    registration.privacy_consent_at = now
    registration.created_at = now
    registration.confirmed_at = now if status == S.CONFIRMED else None
    registration.cancelled_at = None
    registration.checked_in_at = None
    registration.present = 0
    registration.call_about = ""
    registration.link_key = secrets.token_hex(8)
    registration.locale = data.locale if data.locale in current_app.config["LANGUAGES"] \
        else "fr"
    companion_rows(registration, data.seats, checked.companions)


def _mail_placed(registration: Registration) -> None:
    event = registration.event
    if registration.status == S.CONFIRMED:
        mail_registration(registration, "registration_confirmed",
                          _l("Inscription confirmée : %(title)s", title=event.title))
    else:
        # « complète » only when it is: a group may wait while a place or two are left.
        mail_registration(registration, "registration_waiting",
                          _l("Liste d’attente : %(title)s", title=event.title),
                          left=max(event.capacity - confirmed_seats(event.id), 0))


def claim_guest_registrations(user: User, **_signal) -> int:
    """Registrations made as a guest with the address ``user`` just proved become theirs.

    Only a proved address links a registration to an account: an account that never
    confirmed its address sees and erases nothing registered under it by someone else.
    """
    if user.email_verified_at is None:
        return 0
    claimed = db.session.execute(
        update(Registration)
        .where(Registration.user_id.is_(None), Registration.email == normalise_email(user.email))
        .values(user_id=user.id).execution_options(synchronize_session=False))
    return claimed.rowcount


def tell_already_registered(registration: Registration, locale: str = "fr") -> None:
    """Someone asked to register an address already registered: its owner gets the link
    again, and nobody else learns anything."""
    about = f"registration-already:{registration.id}"
    # At most one such mail an hour for a registration: posting the form again and again
    # with someone's address does not fill their mailbox (the outbox remembers it).
    if db.session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.about == about,
            OutboxMessage.created_at > utcnow() - ALREADY_REGISTERED_MAIL_EVERY).limit(1)):
        return
    message = mail_registration(registration, "registration_already",
                                _l("Vous êtes déjà inscrit ou inscrite : %(title)s",
                                   title=registration.event.title), locale=locale)
    if message is not None:
        message.about = about


def is_own_address(user: User | None, registration: Registration) -> bool:
    """The logged-in person proved they own the registration's address: the registration
    is theirs (it is linked to their account if it was not yet)."""
    if user is None or user.email_verified_at is None:
        return False
    if normalise_email(user.email) != registration.email:
        return False
    if registration.user_id is None:
        registration.user_id = user.id
    return registration.user_id == user.id


def resend_link(registration: Registration, locale: str = "fr") -> None:
    mail_registration(registration, "registration_link",
                      _l("Le lien de votre inscription : %(title)s",
                         title=registration.event.title), locale=locale)


def cancel_registration(registration_id: int, actor: User | None = None,
                        now: datetime | None = None) -> list[Registration]:
    """Cancel, then confirm the first waiting people who fit. Returns those promoted."""
    now = now or utcnow()
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        abort(404)
    event = lock_event(registration.event_id)
    db.session.refresh(registration)
    if registration.status == S.CANCELLED:
        return []
    if event.starts_at <= now:
        raise ServiceError(_l("La soirée a commencé : l’inscription ne peut plus être annulée."))
    registration.status = S.CANCELLED
    registration.cancelled_at = now
    # The whole group cancels: the people who waited to join it are counted with it (its
    # companions are theirs too), and nobody waits any more.
    registration.seats += registration.extra_seats
    registration.extra_seats, registration.extra_since = 0, None
    audit.record(actor, "registration.cancel", registration, summary=f"event={event.id}")
    mail_registration(registration, "registration_cancelled",
                      _l("Inscription annulée : %(title)s", title=event.title))
    return promote(event, now)


def change_registration(registration_id: int, data: ChangeData, actor: User | None = None,
                        now: datetime | None = None) -> list[Registration]:
    """The registrant changes their registration (their personal link), under the event's
    lock and the waiting list's rule (see ``_resize``). The registrant is mailed. Returns
    the registrations confirmed by the change."""
    now = now or utcnow()
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        abort(404)
    event = lock_event(registration.event_id)
    db.session.refresh(registration)
    _may_change(registration, event, now)
    companions = _companions(event, data)
    needs, needs_other, any_needs = consented_needs(event, data, companions)
    before = (registration.seats, registration.extra_seats)
    _resize(registration, event, data.seats, now)
    registration.needs = ",".join(needs)
    registration.needs_other = needs_other
    registration.needs_consent_at = (registration.needs_consent_at or now) if any_needs \
        else None
    companion_rows(registration, registration.seats + registration.extra_seats, companions)
    db.session.flush()
    after = (registration.seats, registration.extra_seats)
    audit.record(actor, "registration.change", registration,
                 summary=f"event={event.id} status={registration.status} "
                         f"seats={before[0]}+{before[1]} → {after[0]}+{after[1]}")
    promoted = promote(event, now)
    if registration not in promoted:
        mail_registration(registration, "registration_updated",
                          _l("Votre inscription est changée : %(title)s", title=event.title),
                          before=sum(before))
    return [r for r in promoted if r is not registration]


def may_still_change(registration: Registration, now: datetime | None = None) -> bool:
    """Whether the registrant may still change it: not cancelled, and their evening
    neither cancelled nor begun."""
    event = registration.event
    return (registration.status != S.CANCELLED and not event.is_cancelled
            and event.starts_at > (now or utcnow()))


def _may_change(registration: Registration, event: Event, now: datetime) -> None:
    if registration.status == S.CANCELLED:
        raise ServiceError(_l("Cette inscription est annulée. Pour venir, inscrivez-vous de "
                              "nouveau depuis la page de la soirée."))
    if event.is_cancelled:
        raise ServiceError(_l("Cette soirée est annulée."))
    if event.starts_at <= now:
        raise ServiceError(_l("La soirée a commencé : l’inscription ne peut plus changer."))


def _resize(registration: Registration, event: Event, seats: int, now: datetime) -> None:
    """Fewer people at once, and the seats given back go to the waiting list; more people
    join a confirmed group when all of them fit in the free seats, else they wait
    together, as one group, in the waiting list's order (the seats already confirmed
    stay). A waiting registration that shrinks keeps its place; one that grows goes to
    the back of the list (its new people would otherwise pass everyone behind it)."""
    if registration.status == S.WAITING:
        if seats > registration.seats:
            registration.extra_since = now  # to the back of the waiting list
        registration.seats = seats
        return
    added = seats - registration.seats
    if added <= 0 or added <= event.capacity - confirmed_seats(event.id):  # fewer, or all fit
        registration.seats = seats
        registration.extra_seats, registration.extra_since = 0, None
        return
    # Keep their place in the list unless the waiting group grew.
    if not registration.extra_seats or added > registration.extra_seats:
        registration.extra_since = now
    registration.extra_seats = added


def send_reminders(now: datetime | None = None) -> int:
    """Mail confirmed people whose evening starts within 48 hours. Safe to run again."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Event.starts_at > now, Event.starts_at <= now + timedelta(hours=48),
               Event.cancelled_at.is_(None), Registration.status == S.CONFIRMED,
               Registration.reminder_sent_at.is_(None)))
    sent = 0
    for registration in due:
        mail_registration(registration, "registration_reminder",
                          _l("Rappel : %(title)s", title=registration.event.title))
        registration.reminder_sent_at = now
        sent += 1
    return sent
