"""A registrant changes their own registration from their personal link: fewer people at
once (the seats go to the waiting list), more when they fit, else the people added wait
together; companions and needs; a mail confirms each change."""

from datetime import timedelta

import pytest

from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.events.models import RegistrationStatus as S
from patientlab.events.services.listing import counts_for, registration_problem, seats_left
from patientlab.events.services.registration import (
    ChangeData,
    RegistrationData,
    cancel_registration,
    change_registration,
    register,
    tell_already_registered,
)
from patientlab.events.services.seating import CompanionData, waiting_position, waiting_positions
from tests.conftest import outbox
from tests.factories import make_event


def _register(event, email, seats=1, companions=()):
    return register(event.id, RegistrationData(
        name=f"Personne {email}", email=email, seats=seats, privacy_consent=True,
        companions=[CompanionData(name) for name in companions]))


def _left(event):
    return seats_left(event, counts_for([event.id])[event.id])


def test_fewer_people_free_their_seats_for_the_waiting_list_at_once():
    event = make_event(capacity=3)
    nadia = _register(event, "nadia@exemple.fr", 3, ["Karim", "Lina"])
    waiting = _register(event, "julie@exemple.fr", 1)
    assert waiting.status == S.WAITING
    promoted = change_registration(nadia.id, ChangeData(
        seats=2, companions=[CompanionData("Karim")]))
    assert promoted == [waiting]
    assert (nadia.seats, nadia.status, [c.name for c in nadia.companions]) == (
        2, S.CONFIRMED, ["Karim"])
    assert waiting.status == S.CONFIRMED
    assert "Une place s’est libérée" in outbox("julie@exemple.fr")[-1].subject
    mail = outbox("nadia@exemple.fr")[-1]
    assert "Votre inscription est changée" in mail.subject
    assert "Places confirmées : 2." in mail.body_text.replace("\u202f", " ").replace(
        "\xa0", " ")
    assert mail.attachment_name == "parle-moi.ics"  # the agenda is updated


def test_more_people_join_a_confirmed_group_when_they_all_fit():
    event = make_event(capacity=4)
    nadia = _register(event, "nadia@exemple.fr", 1)
    change_registration(nadia.id, ChangeData(
        seats=3, companions=[CompanionData("Karim"), CompanionData("Lina")]))
    assert (nadia.seats, nadia.extra_seats) == (3, 0)
    assert [p.display_name for p in nadia.people] == ["Personne nadia@exemple.fr", "Karim",
                                                       "Lina"]
    assert _left(event) == 1


def test_people_added_who_do_not_all_fit_wait_together_and_the_confirmed_seats_stay():
    event = make_event(capacity=3)
    nadia = _register(event, "nadia@exemple.fr", 2, ["Karim"])
    change_registration(nadia.id, ChangeData(
        seats=4, companions=[CompanionData("Karim"), CompanionData("Lina"),
                             CompanionData("Malik")]))
    # One seat is free, two people were added: a group is never split, both wait.
    assert (nadia.status, nadia.seats, nadia.extra_seats) == (S.CONFIRMED, 2, 2)
    assert [p.display_name for p in nadia.people][1:] == ["Karim"]
    assert [c.name for c in nadia.waiting_companions] == ["Lina", "Malik"]
    counts = counts_for([event.id])[event.id]
    assert (counts.confirmed, counts.waiting, _left(event)) == (2, 2, 1)
    assert waiting_position(nadia) == 1
    mail = outbox("nadia@exemple.fr")[-1]
    assert "attendent ensemble une place, en position 1" in mail.body_text
    # A newcomer for the one free seat gets it: nobody waiting fits in it.
    alone = _register(event, "julie@exemple.fr", 1)
    assert alone.status == S.CONFIRMED
    # A couple waits behind Nadia's two.
    couple = _register(event, "paul@exemple.fr", 2)
    assert waiting_positions(event) == {nadia.id: 1, couple.id: 2}
    # Julie cancels: one seat, still not enough for the two added.
    cancel_registration(alone.id)
    assert nadia.extra_seats == 2
    # The organiser lowers nobody; another registrant frees two seats: Nadia's group first.
    change_registration(nadia.id, ChangeData(
        seats=4, companions=[CompanionData("Karim"), CompanionData("Lina"),
                             CompanionData("Malik")]))  # nothing new: keeps its place
    assert waiting_positions(event) == {nadia.id: 1, couple.id: 2}


def test_the_people_added_get_the_freed_seats_in_the_waiting_lists_order_and_a_mail():
    event = make_event(capacity=4)
    nadia = _register(event, "nadia@exemple.fr", 2)
    other = _register(event, "julie@exemple.fr", 2)
    change_registration(nadia.id, ChangeData(seats=3))
    assert nadia.extra_seats == 1
    promoted = cancel_registration(other.id)
    assert promoted == [nadia]
    assert (nadia.seats, nadia.extra_seats, nadia.extra_since) == (3, 0, None)
    mail = outbox("nadia@exemple.fr")[-1]
    assert "Des places se sont libérées pour votre groupe" in mail.subject
    assert mail.attachment_name == "parle-moi.ics"


def test_fewer_people_than_confirmed_drop_the_people_waiting_too():
    event = make_event(capacity=2)
    nadia = _register(event, "nadia@exemple.fr", 2)
    change_registration(nadia.id, ChangeData(seats=4))
    assert nadia.extra_seats == 2
    change_registration(nadia.id, ChangeData(seats=1))
    assert (nadia.seats, nadia.extra_seats, len(nadia.companions)) == (1, 0, 0)
    assert counts_for([event.id])[event.id].waiting == 0


def test_a_waiting_registration_changes_size_and_keeps_its_place():
    event = make_event(capacity=2)
    _register(event, "first@exemple.fr", 1)
    nadia = _register(event, "nadia@exemple.fr", 3)
    paul = _register(event, "paul@exemple.fr", 2)
    assert waiting_positions(event) == {nadia.id: 1, paul.id: 2}
    promoted = change_registration(nadia.id, ChangeData(seats=2))
    assert promoted == []
    assert (nadia.status, nadia.seats) == (S.WAITING, 2)
    assert waiting_positions(event) == {nadia.id: 1, paul.id: 2}
    # Alone now, she fits in the free seat: confirmed, told by the promotion's mail.
    change_registration(nadia.id, ChangeData(seats=1))
    assert nadia.status == S.CONFIRMED
    assert "Une place s’est libérée" in outbox("nadia@exemple.fr")[-1].subject


def test_needs_change_with_consent_and_an_online_evening_offers_no_room():
    event = make_event(capacity=5, format="online")
    nadia = _register(event, "nadia@exemple.fr", 2, ["Karim"])
    with pytest.raises(ServiceError) as refused:
        change_registration(nadia.id, ChangeData(seats=2, needs=["captions"]))
    assert refused.value.field == "needs_consent"
    change_registration(nadia.id, ChangeData(
        seats=2, needs=["captions", "step_free"], needs_consent=True,
        companions=[CompanionData("Karim", ["dial_in", "front_seat"])]))
    assert nadia.need_list == ["captions"]
    assert nadia.companions[0].need_list == ["dial_in"]
    assert nadia.needs_consent_at is not None


def test_a_cancelled_registration_or_a_started_evening_cannot_change():
    event = make_event(capacity=5)
    nadia = _register(event, "nadia@exemple.fr", 1)
    paul = _register(event, "paul@exemple.fr", 1)
    cancel_registration(nadia.id)
    with pytest.raises(ServiceError, match="annulée"):
        change_registration(nadia.id, ChangeData(seats=2))
    with pytest.raises(ServiceError, match="commencé"):
        change_registration(paul.id, ChangeData(seats=2),
                                now=event.starts_at + timedelta(minutes=1))
    with pytest.raises(ServiceError) as refused:
        change_registration(paul.id, ChangeData(
            seats=1, companions=[CompanionData("Karim")]))
    assert refused.value.field == "seats"


def test_the_opening_day_of_registrations_is_said_without_a_midnight_time():
    event = make_event(registration_opens_at=utcnow() + timedelta(days=3))
    problem = str(registration_problem(event))
    assert "Les inscriptions ouvrent le" in problem
    assert "00:00" not in problem
    assert " à " not in problem


def test_registering_an_address_again_mails_its_owner_once_an_hour():
    from patientlab.core.mail import OutboxMessage
    from patientlab.extensions import db

    event = make_event(capacity=3)
    nadia = _register(event, "nadia@exemple.fr")
    for _ in range(5):
        tell_already_registered(nadia)
    already = [m for m in outbox("nadia@exemple.fr") if "déjà inscrit" in m.subject]
    assert len(already) == 1
    already[0].created_at = utcnow() - timedelta(hours=1, minutes=1)
    db.session.flush()
    tell_already_registered(nadia)
    assert len([m for m in outbox("nadia@exemple.fr") if "déjà inscrit" in m.subject]) == 2
    assert db.session.get(OutboxMessage, already[0].id) is not None


def test_a_group_waiting_while_places_remain_is_not_told_the_evening_is_full():
    event = make_event(capacity=2)
    _register(event, "nadia@exemple.fr")
    _register(event, "karim@exemple.fr", 2, ["Lina"])
    text = outbox("karim@exemple.fr")[-1].body_text
    assert "complète" not in text
    assert "Il ne reste pas assez de places pour tout votre groupe (il en reste 1)" in text
    _register(event, "julie@exemple.fr")
    _register(event, "paul@exemple.fr")
    assert "La soirée est complète" in outbox("paul@exemple.fr")[-1].body_text


def test_a_waiting_group_that_grows_goes_to_the_back_of_the_list():
    event = make_event(capacity=2)
    _register(event, "first@exemple.fr", 2, ["Karim"])
    nadia = _register(event, "nadia@exemple.fr", 1)
    paul = _register(event, "paul@exemple.fr", 2, ["Lina"])
    assert waiting_positions(event) == {nadia.id: 1, paul.id: 2}
    change_registration(nadia.id, ChangeData(
        seats=2, companions=[CompanionData("Julie")]))
    assert (nadia.status, nadia.seats) == (S.WAITING, 2)
    # Her added person would otherwise pass Paul's group.
    assert waiting_positions(event) == {paul.id: 1, nadia.id: 2}
    # Shrinking keeps the place.
    change_registration(paul.id, ChangeData(seats=1))
    assert waiting_positions(event) == {paul.id: 1, nadia.id: 2}
