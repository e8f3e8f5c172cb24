from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.security import Role, TokenError
from patientlab.core.typography import french_spacing as fr
from patientlab.events.models import Registration
from patientlab.events.models import RegistrationStatus as S
from patientlab.events.services.access import can_manage
from patientlab.events.services.after_evening import purge_personal_data
from patientlab.events.services.door import EVERYONE, add_walk_in, set_checked_in
from patientlab.events.services.figures import figures_for, figures_of
from patientlab.events.services.ics import calendar_for
from patientlab.events.services.listing import Where, counts_for, list_events, listed_departments
from patientlab.events.services.mails import link_token, registration_for_token
from patientlab.events.services.organiser import (
    EventData,
    cancel_event,
    message_registrants,
    save_event,
)
from patientlab.events.services.organiser_registrations import change_seats
from patientlab.events.services.registration import (
    AlreadyRegistered,
    RegistrationData,
    cancel_registration,
    register,
    send_reminders,
)
from patientlab.events.services.seating import waiting_position
from patientlab.extensions import db
from tests.conftest import outbox
from tests.factories import UserFactory, make_event


def _data(email, seats=1, **kwargs):
    return RegistrationData(name=f"Personne {email}", email=email, seats=seats,
                                privacy_consent=True, **kwargs)


def _register(event, email, seats=1, **kwargs):
    return register(event.id, _data(email, seats, **kwargs))


def test_registrations_are_confirmed_until_seats_run_out_then_wait():
    event = make_event(capacity=4)
    first = _register(event, "a@exemple.fr", seats=3)
    second = _register(event, "b@exemple.fr", seats=2)
    third = _register(event, "c@exemple.fr", seats=1)
    assert first.status == S.CONFIRMED
    assert second.status == S.WAITING  # a group is never split
    # The seat left fits the third person: it does not stay empty (the page said
    # « 1 place restante », and that is what she gets).
    assert third.status == S.CONFIRMED
    counts = counts_for([event.id])[event.id]
    assert (counts.confirmed, counts.waiting) == (4, 2)


def test_confirmation_mail_has_a_calendar_file_and_waiting_mail_says_so():
    event = make_event(capacity=1)
    _register(event, "a@exemple.fr")
    _register(event, "b@exemple.fr")
    [confirmed] = outbox("a@exemple.fr")
    [waiting] = outbox("b@exemple.fr")
    assert confirmed.attachment_name == "parle-moi.ics"
    assert "BEGIN:VCALENDAR" in confirmed.attachment_body
    assert "/clara/inscriptions/" in confirmed.body_text
    assert waiting.attachment_name == ""
    assert "liste d’attente" in waiting.body_text


def test_cancellation_promotes_the_first_waiting_people_who_fit():
    event = make_event(capacity=4)
    a = _register(event, "a@exemple.fr", seats=4)
    b = _register(event, "b@exemple.fr", seats=3)
    c = _register(event, "c@exemple.fr", seats=2)
    d = _register(event, "d@exemple.fr", seats=1)
    promoted = cancel_registration(a.id)
    assert [r.email for r in promoted] == ["b@exemple.fr", "d@exemple.fr"]
    assert (b.status, c.status, d.status) == (S.CONFIRMED, S.WAITING, S.CONFIRMED)
    assert "une place s’est libérée" in outbox("b@exemple.fr")[-1].body_text
    assert counts_for([event.id])[event.id].confirmed == 4
    assert cancel_registration(a.id) == []  # twice is harmless


def test_double_registration_with_the_same_address_is_refused():
    event = make_event()
    _register(event, "Karim@Exemple.fr")
    with pytest.raises(AlreadyRegistered):
        _register(event, "karim@exemple.fr ")
    assert db.session.query(Registration).count() == 1


def test_registering_again_after_cancelling_goes_to_the_end_of_the_queue():
    event = make_event(capacity=1)
    first = _register(event, "a@exemple.fr")
    _register(event, "b@exemple.fr")
    cancel_registration(first.id)
    again = _register(event, "a@exemple.fr")
    assert again.id == first.id
    assert again.status == S.WAITING


def test_needs_are_kept_only_with_explicit_consent():
    event = make_event()
    with pytest.raises(ServiceError) as excinfo:
        _register(event, "a@exemple.fr", needs=["step_free"])
    assert excinfo.value.field == "needs_consent"
    reg = _register(event, "a@exemple.fr", needs=["step_free", "bogus", "lsf"],
                    needs_other="Chien guide", needs_consent=True)
    assert reg.need_list == ["step_free", "lsf"]
    assert reg.needs_other == "Chien guide"
    assert reg.needs_consent_at is not None
    plain = _register(event, "b@exemple.fr", needs_consent=True)
    assert plain.needs_consent_at is None


def test_privacy_consent_and_seat_limits_are_required():
    event = make_event()
    with pytest.raises(ServiceError) as excinfo:
        register(event.id, RegistrationData(name="X", email="x@exemple.fr"))
    assert excinfo.value.field == "privacy_consent"
    with pytest.raises(ServiceError) as excinfo:
        _register(event, "y@exemple.fr", seats=5)
    assert excinfo.value.field == "seats"


@pytest.mark.parametrize("case", ["cancelled", "past", "not_open", "closed"])
def test_registration_is_refused_outside_its_window(case):
    now = utcnow()
    fields = {
        "cancelled": {"cancelled_at": now},
        "past": {"starts_at": now - timedelta(hours=1), "ends_at": now + timedelta(hours=1)},
        "not_open": {"registration_opens_at": now + timedelta(days=1)},
        "closed": {"registration_closes_at": now - timedelta(minutes=1)},
    }[case]
    event = make_event(**fields)
    with pytest.raises(ServiceError):
        _register(event, "a@exemple.fr")


def test_raising_capacity_confirms_waiting_people_and_lowering_drops_nobody():
    organiser = UserFactory(roles=[Role.ORGANISER])
    event = make_event(organiser, capacity=2)
    a = _register(event, "a@exemple.fr", seats=2)
    b = _register(event, "b@exemple.fr", seats=2)

    def data(capacity):
        return EventData(
            title=event.title, theme=event.theme, description="", speakers="", programme="",
            starts_at=event.starts_at, ends_at=event.ends_at, format=event.format,
            venue_name=event.venue_name, address=event.address, online_info="",
            step_free=True, hearing_loop=False, sign_language=False, live_captions=False,
            quiet_room=False, transport="", capacity=capacity)

    save_event(organiser, event, data(1))
    assert a.status == S.CONFIRMED  # lowering never drops confirmed people
    assert b.status == S.WAITING
    save_event(organiser, event, data(4))
    assert b.status == S.CONFIRMED


def test_a_new_date_or_place_is_mailed_to_everyone_still_registered():
    organiser = UserFactory(roles=[Role.ORGANISER])
    event = make_event(organiser, capacity=1)
    _register(event, "a@exemple.fr")
    _register(event, "b@exemple.fr")
    gone = _register(event, "c@exemple.fr")
    cancel_registration(gone.id)
    first_calendar = Calendar.from_ical(outbox("a@exemple.fr")[0].attachment_body)
    first_sequence = first_calendar.walk("VEVENT")[0]["SEQUENCE"]

    def data(**changes):
        values = {"title": event.title, "theme": event.theme, "description": "",
                  "speakers": "", "programme": "", "starts_at": event.starts_at,
                  "ends_at": event.ends_at, "format": event.format,
                  "venue_name": event.venue_name, "address": event.address,
                  "online_info": "", "step_free": True, "hearing_loop": False,
                  "sign_language": False, "live_captions": False, "quiet_room": False,
                  "transport": "", "capacity": 1}
        return EventData(**{**values, **changes})

    _saved, told = save_event(organiser, event, data(title="Un titre plus clair"))
    assert told == 0
    assert len(outbox("a@exemple.fr")) == 1, "a new title changes nothing for registrants"

    later = event.starts_at + timedelta(days=7, minutes=1)
    _saved, told = save_event(organiser, event, data(starts_at=later,
                                                         ends_at=later + timedelta(hours=2)))
    assert told == 2
    confirmed, waiting = outbox("a@exemple.fr")[-1], outbox("b@exemple.fr")[-1]
    assert "Changement pour la soirée" in confirmed.subject
    assert "Votre place est toujours réservée" in confirmed.body_text
    updated = Calendar.from_ical(confirmed.attachment_body).walk("VEVENT")[0]
    assert updated["DTSTART"].dt == later.replace(microsecond=0)
    assert updated["SEQUENCE"] > first_sequence
    assert "toujours sur la liste d’attente" in waiting.body_text
    assert waiting.attachment_name == ""
    assert not any("Changement" in m.subject for m in outbox("c@exemple.fr"))


def test_later_mails_keep_the_language_of_the_registration():
    event = make_event(capacity=1)
    first = _register(event, "a@exemple.fr")
    _register(event, "b@exemple.fr", locale="en")
    assert "waiting list" in outbox("b@exemple.fr")[-1].body_text
    cancel_registration(first.id)  # b gets the seat: told in English too
    assert "confirmed" in outbox("b@exemple.fr")[-1].subject


def test_personal_link_opens_the_registration_and_can_be_revoked():
    event = make_event()
    reg = _register(event, "a@exemple.fr")
    token = link_token(reg)
    assert registration_for_token(token) is reg
    with pytest.raises(TokenError):
        registration_for_token(token[:-3] + "abc")
    reg.link_key = "nouvelle-cle"
    with pytest.raises(TokenError):
        registration_for_token(token)


def test_calendar_files_parse_back_with_the_paris_time_zone():
    event = make_event(title="Soirée test")
    cancelled = make_event(title="Soirée annulée", cancelled_at=utcnow())
    calendar = Calendar.from_ical(calendar_for([event, cancelled]))
    timezones = list(calendar.walk("VTIMEZONE"))
    assert [str(t["TZID"]) for t in timezones] == ["Europe/Paris"]
    items = calendar.walk("VEVENT")
    assert [str(i["SUMMARY"]) for i in items] == ["Parle-Moi : Soirée test",
                                                  "Parle-Moi : Soirée annulée"]
    start = items[0].decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Paris"
    assert start == event.starts_at.replace(microsecond=0)
    assert str(items[1]["STATUS"]) == "CANCELLED"


def test_reminders_go_once_to_confirmed_people_of_evenings_within_48_hours():
    soon = make_event(days=1)
    later = make_event(days=5)
    _register(soon, "a@exemple.fr")
    _register(later, "b@exemple.fr")
    soon.capacity = 1
    _register(soon, "c@exemple.fr")  # waiting: no reminder
    assert send_reminders() == 1
    assert send_reminders() == 0
    assert "Rappel" in outbox("a@exemple.fr")[-1].subject
    assert len(outbox("c@exemple.fr")) == 1


def test_cancelling_an_event_mails_every_registrant():
    organiser = UserFactory(roles=[Role.ORGANISER])
    event = make_event(organiser, capacity=1)
    _register(event, "a@exemple.fr")
    _register(event, "b@exemple.fr")
    with pytest.raises(PermissionError):
        cancel_event(UserFactory(roles=[Role.ORGANISER]), event, "Salle indisponible")
    assert cancel_event(organiser, event, "Salle indisponible") == 2
    assert "Salle indisponible" in outbox("b@exemple.fr")[-1].body_text
    with pytest.raises(ServiceError):
        _register(event, "c@exemple.fr")


def test_purge_erases_identities_but_keeps_anonymous_counts():
    event = make_event(days=-100)
    event.starts_at = utcnow() - timedelta(days=100)
    event.ends_at = event.starts_at + timedelta(hours=2)
    recent = make_event(days=-10)
    recent.starts_at = utcnow() - timedelta(days=10)
    recent.ends_at = recent.starts_at + timedelta(hours=2)
    for target in (event, recent):
        db.session.add(Registration(event_id=target.id, name="Nadia B.", email=f"n{target.id}@x.fr",
                                    seats=2, status=S.CONFIRMED, needs="step_free",
                                    needs_other="Fauteuil", link_key="k",
                                    checked_in_at=utcnow(), present=2, phone="06 12 34 56 78",
                                    note="Arrive en taxi"))
    db.session.flush()
    assert purge_personal_data(90) == 1
    assert purge_personal_data(90) == 0  # idempotent
    old = db.session.scalar(select(Registration).where(Registration.event_id == event.id))
    assert (old.name, old.needs, old.needs_other, old.phone, old.note) == ("", "", "", "", "")
    assert old.email.endswith("@invalid")
    counts = counts_for([event.id])[event.id]
    assert (counts.confirmed, counts.checked_in) == (2, 2)
    kept = db.session.scalar(select(Registration).where(Registration.event_id == recent.id))
    assert kept.name == "Nadia B."


def test_only_the_events_organiser_or_an_admin_manages_it():
    organiser = UserFactory(roles=[Role.ORGANISER])
    event = make_event(organiser)
    assert can_manage(organiser, event)
    assert can_manage(UserFactory(roles=[Role.ADMIN]), event)
    assert not can_manage(UserFactory(roles=[Role.ORGANISER]), event)
    assert not can_manage(UserFactory(roles=[Role.COORDINATOR]), event)


def test_check_in_only_for_confirmed_registrations_and_can_be_undone():
    organiser = UserFactory(roles=[Role.ORGANISER])
    event = make_event(organiser, capacity=1)
    a = _register(event, "a@exemple.fr")
    b = _register(event, "b@exemple.fr")
    set_checked_in(organiser, event, a.id, True)
    assert a.checked_in_at is not None
    set_checked_in(organiser, event, a.id, False)
    assert a.checked_in_at is None
    with pytest.raises(ServiceError):
        set_checked_in(organiser, event, b.id, True)


def test_waiting_position_counts_the_people_ahead():
    event = make_event(capacity=1)
    first = _register(event, "a@exemple.fr")
    second = _register(event, "b@exemple.fr")
    third = _register(event, "c@exemple.fr")
    assert waiting_position(first) is None
    assert waiting_position(second) == 1
    assert waiting_position(third) == 2
    cancel_registration(first.id)  # the second is promoted
    assert waiting_position(third) == 1


def test_the_organiser_writes_to_the_chosen_people_in_their_language_with_a_journal_copy():
    from patientlab.core.audit import AuditEntry

    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser, capacity=1)
    _register(event, "a@exemple.fr")
    _register(event, "b@exemple.fr", locale="en")  # waiting, registered in English
    with pytest.raises(ServiceError):
        message_registrants(organiser, event, "Salle", "Texte", [])
    with pytest.raises(PermissionError):
        message_registrants(UserFactory(roles=["organiser"]), event, "Salle", "Texte",
                                ["confirmed"])
    assert message_registrants(organiser, event, "Changement de salle",
                                   "La soirée a lieu salle B.", ["confirmed"]) == 1
    [message] = outbox("a@exemple.fr")[-1:]
    assert message.subject == fr(f"{event.title} : Changement de salle")
    assert "La soirée a lieu salle B." in message.body_text
    assert "/clara/inscriptions/" in message.body_text
    assert len(outbox("b@exemple.fr")) == 1  # only the waiting-list mail
    assert message_registrants(organiser, event, "Rappel", "Pensez à venir tôt.",
                                   ["confirmed", "waiting"]) == 2
    assert "The team running the evening" in outbox("b@exemple.fr")[-1].body_text
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.message")
                              .order_by(AuditEntry.id))
    assert entry.reason == "La soirée a lieu salle B."


def test_the_organiser_changes_seats_within_the_free_ones_and_gives_back_to_the_list():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser, capacity=3)
    group = _register(event, "a@exemple.fr", seats=2)
    waiting = _register(event, "b@exemple.fr", seats=2)
    assert waiting.status == S.WAITING
    with pytest.raises(ServiceError, match="ne peut pas s’agrandir"):
        change_seats(organiser, event, group.id, 4)
    assert group.seats == 2
    with pytest.raises(PermissionError):
        change_seats(UserFactory(roles=["organiser"]), event, group.id, 1)
    promoted = change_seats(organiser, event, group.id, 1)
    assert promoted == [waiting]  # the seat given back lets the couple in
    assert "1 place" in outbox("a@exemple.fr")[-1].body_text
    counts = counts_for([event.id])[event.id]
    assert (counts.confirmed, counts.waiting) == (3, 0)


def test_the_evening_figures_count_people_registrations_and_walk_ins_apart():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser, capacity=5)
    group = register(event.id, RegistrationData(
        name="Nadia", email="nadia@exemple.fr", seats=3, privacy_consent=True))
    register(event.id, RegistrationData(
        name="Bernard", email="bernard@exemple.fr", seats=1, privacy_consent=True))
    register(event.id, RegistrationData(
        name="Chantal", email="chantal@exemple.fr", seats=2, privacy_consent=True))
    cancelled = register(event.id, RegistrationData(
        name="Odile", email="odile@exemple.fr", seats=1, privacy_consent=True))
    cancel_registration(cancelled.id)  # Chantal's group of 2 still waits: 1 seat free
    event.starts_at = utcnow() - timedelta(minutes=10)
    set_checked_in(organiser, event, group.id, True, EVERYONE)
    add_walk_in(organiser, event, "", 1)
    figures = figures_of(event)
    assert (figures.registered, figures.registrations, figures.arrived, figures.walk_ins,
            figures.in_the_room, figures.left, figures.waiting, figures.waiting_registrations,
            figures.cancelled, figures.cancelled_registrations) == (
        4, 2, 3, 1, 4, 0, 2, 1, 1, 1)
    assert figures_for([]) == {}
    assert figures_of(make_event(organiser, capacity=7)).left == 7


def test_the_public_list_filters_by_department_town_or_postcode_and_online_on_request():
    lyon = make_event(town="Lyon", postcode="69004", department="69")
    stetienne = make_event(town="Saint-Étienne", postcode="42000", department="42")
    online = make_event(format="online", town="", postcode="", department="")

    def found(**where):
        return {e.id for e in list_events(where=Where(**where))}

    assert found() == {lyon.id, stetienne.id, online.id}
    assert found(department="69") == {lyon.id}
    assert found(department="69", online=True) == {lyon.id, online.id}
    assert found(town="ST ETIENNE") == found(town="saint-étienne") == {stetienne.id}
    assert found(town="690") == {lyon.id}
    assert found(town="Brest") == set()
    assert listed_departments() == ["42", "69"]  # Loire, then Rhône
