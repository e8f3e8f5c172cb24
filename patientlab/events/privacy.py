"""The personal data « Parle-Moi » holds, for core.privacy: registrations, with their
accessibility needs (health data), their companions, phone number and the organisers'
note, exported, erased with the account, purged after the evening — and the setting
that says how long after. Satisfaction answers are anonymous (nothing links them to a
person) and stay for the evening's statistics."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from patientlab.core import privacy, settings
from patientlab.core.privacy import PersonalData, when
from patientlab.extensions import db

from .models import Registration
from .models import RegistrationStatus as S
from .services.after_evening import purge_personal_data
from .services.registration import cancel_registration


def _registrations(user) -> list[dict]:
    """Only the registrations linked to the account: made while logged in, or claimed by
    proving the address — never a guest's who used the same address."""
    return [{"event": r.event.title, "starts_at": when(r.event.starts_at), "name": r.name,
             "email": r.email, "phone": r.phone, "registered": r.source, "seats": r.seats,
             "status": r.status,
             "accessibility_needs": r.need_list, "other_need": r.needs_other,
             "companions": [{"name": c.name, "accessibility_needs": c.need_list,
                             "other_need": c.needs_other, "checked_in_at": when(c.checked_in_at)}
                            for c in r.companions],
             "organisers_note": r.note,
             "satisfaction_asked_at": when(r.satisfaction_asked_at),
             "needs_consent_at": when(r.needs_consent_at),
             "privacy_consent_at": when(r.privacy_consent_at),
             "registered_at": when(r.created_at), "checked_in_at": when(r.checked_in_at)}
            for r in db.session.scalars(select(Registration).where(
                Registration.user_id == user.id).order_by(Registration.created_at))]


def _erase(user, now: datetime) -> None:
    registrations = list(db.session.scalars(select(Registration).where(
        Registration.user_id == user.id)))
    for registration in registrations:
        # Free the seats of evenings still to come, so the waiting list moves on.
        if registration.status != S.CANCELLED and registration.event.starts_at > now:
            cancel_registration(registration.id, now=now)
    for registration in registrations:
        db.session.delete(registration)


def _purge(now: datetime) -> int:
    return purge_personal_data(settings.setting("EVENT_PURGE_DAYS"), now=now)


def register() -> None:
    settings.register("EVENT_PURGE_DAYS", settings.Definition(
        _l("Conservation des inscriptions aux soirées (jours)"),
        _l("Nombre de jours après une soirée avant d’effacer les noms, e-mails et besoins "
           "d’accessibilité des inscrits."), 1, 365))
    privacy.register(PersonalData(
        "event_registrations", _l("Inscriptions aux soirées"), _registrations, erase=_erase,
        purge=_purge, columns=("event_registration.user_id",), order=60))
    privacy.keep("event.organiser_id", "who organises an evening: public, kept")
    privacy.keep("event_project.added_by_id", "who chose what an evening presents: kept")
