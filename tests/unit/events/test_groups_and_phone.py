"""Groups with their companions, registrations by phone for people without e-mail,
moving a registration to another evening, notes, and the calls the team must make."""

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.typography import french_spacing as fr
from patientlab.events.models import Companion, Registration
from patientlab.events.models import RegistrationSource as Source
from patientlab.events.models import RegistrationStatus as S
from patientlab.events.services.after_evening import purge_personal_data
from patientlab.events.services.organiser import cancel_event
from patientlab.events.services.organiser_registrations import (
    calls_due,
    change_seats,
    mark_called,
    move_registration,
    needs_summary,
    same_theme_evenings,
    save_note,
)
from patientlab.events.services.registration import (
    AlreadyRegistered,
    RegistrationData,
    cancel_registration,
    register,
    register_by_phone,
)
from patientlab.events.services.seating import CompanionData, waiting_position
from patientlab.extensions import db
from tests.conftest import outbox
from tests.factories import UserFactory, make_event


def _data(email="", seats=1, **kwargs):
    kwargs.setdefault("name", "Nadia Benali")
    return RegistrationData(email=email, seats=seats, privacy_consent=True, **kwargs)


def test_a_group_brings_its_companions_names_and_their_own_needs():
    event = make_event(capacity=10)
    registration = register(event.id, _data(
        "nadia@exemple.fr", 3, needs_consent=True, companions=[
            CompanionData("Karim Benali", ["step_free"], ""),
            CompanionData("", [], "Je viens avec mon chien guide")]))
    assert [(c.position, c.name, c.need_list, c.needs_other)
            for c in registration.companions] == [
        (1, "Karim Benali", ["step_free"], ""), (2, "", [], "Je viens avec mon chien guide")]
    summary = needs_summary(event)
    assert summary.counts == {"step_free": 1}
    assert summary.others == [("Personne 3 du groupe (Nadia Benali)", S.CONFIRMED,
                               "Je viens avec mon chien guide")]
    [mail] = outbox("nadia@exemple.fr")
    assert fr("Avec vous : Karim Benali, Personne 3 du groupe") in mail.body_text
    assert "Karim Benali : Accès sans marche" in mail.body_text


def test_more_companions_than_seats_is_refused_next_to_the_seats():
    event = make_event()
    with pytest.raises(ServiceError) as refused:
        register(event.id, _data("a@exemple.fr", 1, companions=[
            CompanionData("Karim")]))
    assert refused.value.field == "seats"
    assert "choisissez au moins 2 places" in str(refused.value.message)


def test_a_companions_need_asks_for_the_consent_too():
    event = make_event()
    with pytest.raises(ServiceError) as refused:
        register(event.id, _data("a@exemple.fr", 2, companions=[
            CompanionData("Karim", ["lsf"])]))
    assert refused.value.field == "needs_consent"


def test_changing_seats_keeps_one_companion_row_per_extra_seat():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser, capacity=10)
    registration = register(event.id, _data("a@exemple.fr", 3, companions=[
        CompanionData("Karim"), CompanionData("Lina")]))
    change_seats(organiser, event, registration.id, 2)
    assert [c.name for c in registration.companions] == ["Karim"]
    change_seats(organiser, event, registration.id, 4)
    assert [(c.position, c.name) for c in registration.companions] == [
        (1, "Karim"), (2, ""), (3, "")]
    db.session.flush()
    assert db.session.scalar(select(db.func.count()).select_from(Companion)) == 3


def test_someone_registered_by_phone_without_email_is_placed_by_the_same_rule():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser, capacity=1)
    first = register_by_phone(organiser, event, _data(name="Jeanne", phone="04 78 00 00 01"))
    second = register_by_phone(organiser, event, _data(name="Paul", phone="04 78 00 00 02"))
    assert (first.status, first.email, first.source) == (S.CONFIRMED, None, Source.PHONE)
    assert second.status == S.WAITING
    assert outbox() == []  # nobody to mail
    # Jeanne cancels: Paul gets her seat, and the team is asked to phone him.
    cancel_registration(first.id, actor=organiser)
    assert second.status == S.CONFIRMED
    assert [r.id for r in calls_due(event)] == [second.id]
    assert second.call_about == "registration_promoted"
    mark_called(organiser, event, second.id)
    assert calls_due(event) == []


def test_a_phone_registration_needs_a_number_and_an_organiser_of_the_evening():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser)
    with pytest.raises(ServiceError) as refused:
        register_by_phone(organiser, event, _data(name="Jeanne", phone=" "))
    assert refused.value.field == "phone"
    with pytest.raises(PermissionError):
        register_by_phone(UserFactory(roles=["organiser"]), event,
                              _data(name="Jeanne", phone="0478000001"))


def test_a_phone_registration_with_an_address_is_mailed_and_checked_for_duplicates():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser)
    register_by_phone(organiser, event, _data("jeanne@exemple.fr", name="Jeanne",
                                                   phone="0478000001"))
    assert len(outbox("jeanne@exemple.fr")) == 1
    with pytest.raises(AlreadyRegistered):
        register_by_phone(organiser, event, _data("jeanne@exemple.fr", name="Jeanne",
                                                       phone="0478000001"))


def test_a_cancelled_evening_is_phoned_to_people_without_email():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser)
    jeanne = register_by_phone(organiser, event, _data(name="Jeanne", phone="0478000001"))
    register(event.id, _data("nadia@exemple.fr"))
    assert cancel_event(organiser, event, "Salle inondée") == 2
    assert jeanne.call_about == "event_cancelled"
    [mail] = [m for m in outbox("nadia@exemple.fr") if "annulée" in m.subject]
    assert "METHOD:CANCEL" in mail.attachment_body


def _theme_evenings(organiser, **fields):
    source = make_event(organiser, capacity=5, theme="nutrition", **fields)
    target = make_event(organiser, capacity=2, days=20, theme="nutrition",
                        title="Manger pendant les traitements")
    return source, target


def test_moving_a_registration_places_it_there_and_frees_the_seats_here():
    organiser = UserFactory(roles=["organiser"])
    source, target = _theme_evenings(organiser)
    source.capacity = 2
    moving = register(source.id, _data("nadia@exemple.fr", 2, needs=["lsf"],
                                           needs_consent=True,
                                           companions=[CompanionData("Karim")]))
    waiting = register(source.id, _data("paul@exemple.fr", 1))
    assert waiting.status == S.WAITING
    moving.note = "Arrive en taxi"
    moved = move_registration(organiser, source, moving.id, target.id)
    assert (moving.status, moved.status, moved.event_id) == (S.CANCELLED, S.CONFIRMED, target.id)
    assert (moved.need_list, [c.name for c in moved.companions], moved.note) == (
        ["lsf"], ["Karim"], "Arrive en taxi")
    assert waiting.status == S.CONFIRMED  # her seats went to the waiting list
    mail = next(m for m in outbox("nadia@exemple.fr") if "déplacée" in m.subject)
    assert "Manger pendant les traitements" in mail.subject
    calendar = Calendar.from_ical(mail.attachment_body)
    statuses = {str(e["uid"]): str(e["status"]) for e in calendar.walk("VEVENT")}
    assert statuses == {f"parle-moi-{target.id}@patientlab.fr": "CONFIRMED",
                        f"parle-moi-{source.id}@patientlab.fr": "CANCELLED"}


def test_a_move_waits_when_the_group_does_not_fit_there():
    organiser = UserFactory(roles=["organiser"])
    source, target = _theme_evenings(organiser)
    register(target.id, _data("deja@exemple.fr", 2))
    moving = register(source.id, _data("nadia@exemple.fr", 1))
    moved = move_registration(organiser, source, moving.id, target.id)
    assert moved.status == S.WAITING
    assert waiting_position(moved) == 1


def test_a_move_goes_only_to_another_coming_evening_of_the_same_theme_i_run():
    organiser = UserFactory(roles=["organiser"])
    source, target = _theme_evenings(organiser)
    other_theme = make_event(organiser, theme="vivre")
    someone_elses = make_event(theme="nutrition")
    moving = register(source.id, _data("nadia@exemple.fr"))
    assert [e.id for e in same_theme_evenings(source, organiser)] == [target.id]
    for wrong in (other_theme, someone_elses, source):
        with pytest.raises(ServiceError) as refused:
            move_registration(organiser, source, moving.id, wrong.id)
        assert refused.value.field == "target"
    register(target.id, _data("nadia@exemple.fr"))
    with pytest.raises(ServiceError, match="déjà inscrite"):
        move_registration(organiser, source, moving.id, target.id)


def test_a_note_is_for_the_team_and_the_journal_says_it_changed_not_what():
    from patientlab.core.audit import AuditEntry

    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser)
    registration = register(event.id, _data("nadia@exemple.fr"))
    save_note(organiser, event, registration.id, "  Arrive en taxi vers 18 h 45 ")
    assert registration.note == "Arrive en taxi vers 18 h 45"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "registration.note"))
    assert "taxi" not in (entry.summary or "") + (entry.reason or "")
    with pytest.raises(PermissionError):
        save_note(UserFactory(roles=["organiser"]), event, registration.id, "x")


def test_a_registration_of_another_evening_is_unknown_here():
    organiser = UserFactory(roles=["organiser"])
    event, other = _theme_evenings(organiser)
    registration = register(other.id, _data("nadia@exemple.fr"))
    from werkzeug.exceptions import NotFound

    with pytest.raises(NotFound):
        save_note(organiser, event, registration.id, "x")


def test_purge_erases_companions_phone_and_note():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser)
    registration = register_by_phone(organiser, event, _data(
        name="Jeanne", phone="0478000001", seats=2, needs_consent=True,
        companions=[CompanionData("Karim", ["lsf"], "fauteuil")]))
    registration.note = "Arrive en taxi"
    event.starts_at = utcnow() - timedelta(days=100)
    event.ends_at = event.starts_at + timedelta(hours=2)
    assert purge_personal_data(90) == 1
    [companion] = registration.companions
    assert (registration.phone, registration.note, companion.name, companion.needs,
            companion.needs_other) == ("", "", "", "", "")
    assert db.session.scalar(select(Registration.seats)) == 2
