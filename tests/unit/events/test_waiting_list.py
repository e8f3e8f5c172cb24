"""The waiting list's one rule, checked on random sequences of registrations,
cancellations, seat changes and walk-ins: the places-left figure is what a new
registration gets, no seat stays empty while someone it fits is waiting, a group is never
split, and the room is never oversold."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from patientlab.core.errors import ServiceError
from patientlab.events.models import Registration
from patientlab.events.models import RegistrationStatus as S
from patientlab.events.services.door import add_walk_in
from patientlab.events.services.listing import counts_for, seats_left
from patientlab.events.services.organiser_registrations import change_seats
from patientlab.events.services.registration import (
    ChangeData,
    RegistrationData,
    cancel_registration,
    change_registration,
    register,
)
from patientlab.events.services.seating import waiting_positions
from patientlab.extensions import db
from tests.conftest import outbox
from tests.factories import UserFactory, make_event

OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("register"), st.integers(1, 4)),
    st.tuples(st.just("cancel"), st.integers(0, 30)),
    st.tuples(st.just("seats"), st.tuples(st.integers(0, 30), st.integers(1, 4))),
    st.tuples(st.just("change"), st.tuples(st.integers(0, 30), st.integers(1, 4))),
    st.tuples(st.just("walk_in"), st.integers(1, 4))), min_size=1, max_size=25)


def _register(event, index, seats):
    return register(event.id, RegistrationData(
        name=f"Personne {index}", email=f"p{index}@exemple.fr", seats=seats,
        privacy_consent=True))


def _check_the_rule(event):
    rows = list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id)))
    confirmed = sum(r.seats for r in rows if r.status == S.CONFIRMED)
    free = event.capacity - confirmed
    assert confirmed <= event.capacity  # never oversold
    counts = counts_for([event.id])[event.id]
    assert seats_left(event, counts) == free  # the figure on the page
    waiting = [r for r in rows if r.status == S.WAITING]
    assert all(r.seats > free for r in waiting), "a seat is empty while someone it fits waits"
    # People added to a confirmed group wait as one group too.
    assert all(r.extra_seats > free for r in rows if r.extra_seats)
    assert all(r.status == S.CONFIRMED for r in rows if r.extra_seats)
    assert counts.waiting == sum(r.seats for r in waiting) + sum(r.extra_seats for r in rows)
    # One companion row per extra seat: the group is whole, in one place.
    assert all(len(r.companions) == r.seats + r.extra_seats - 1 for r in rows)


@given(operations=OPERATIONS, capacity=st.integers(1, 8))
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_the_waiting_list_rule_holds_after_any_sequence(operations, capacity):
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser, capacity=capacity)
    made = []
    for index, (operation, value) in enumerate(operations):
        left = seats_left(event, counts_for([event.id])[event.id])
        if operation == "register":
            registration = _register(event, index, value)
            # What the page promised is what the newcomer gets.
            assert (registration.status == S.CONFIRMED) == (value <= left)
            made.append(registration)
        elif operation == "walk_in":
            try:
                add_walk_in(organiser, event, "", value)
                assert value <= left
            except ServiceError:
                assert value > left  # refused only when the room has no such room
        elif operation == "seats" and made:
            which, seats = value
            registration = made[which % len(made)]
            grows = registration.status == S.CONFIRMED and seats - registration.seats > left
            try:
                change_seats(organiser, event, registration.id, seats)
                assert not grows
            except ServiceError:
                # A confirmed group grows only into free seats; a cancelled one is left.
                assert grows or registration.status == S.CANCELLED
        elif operation == "change" and made:
            which, seats = value
            registration = made[which % len(made)]
            before, status = registration.seats, registration.status
            try:
                change_registration(registration.id, ChangeData(seats=seats))
                assert status != S.CANCELLED
            except ServiceError:
                assert status == S.CANCELLED
            else:
                if status == S.CONFIRMED and seats - before > left:
                    # The people added wait together; the seats confirmed stay.
                    assert (registration.seats, registration.extra_seats) == (
                        before, seats - before)
                elif status == S.CONFIRMED:
                    assert (registration.seats, registration.extra_seats) == (seats, 0)
        elif operation == "cancel" and made:
            cancel_registration(made[value % len(made)].id)
        _check_the_rule(event)


def test_a_freed_seat_goes_to_the_first_person_it_fits_and_the_page_agrees():
    """The case seen: 1 seat freed, the first people waiting need 2 — a newcomer for 1
    seat gets it at once instead of waiting at position 4 beside an empty seat."""
    event = make_event(capacity=3)
    alone = _register(event, 1, 1)
    _register(event, 2, 2)
    couple, family = _register(event, 3, 2), _register(event, 4, 2)
    assert (couple.status, family.status) == (S.WAITING, S.WAITING)
    cancel_registration(alone.id)
    assert seats_left(event, counts_for([event.id])[event.id]) == 1
    newcomer = _register(event, 5, 1)
    assert newcomer.status == S.CONFIRMED
    assert waiting_positions(event) == {couple.id: 1, family.id: 2}


def test_waiting_people_are_mailed_their_position_and_the_rule():
    event = make_event(capacity=1)
    _register(event, 1, 1)
    _register(event, 2, 2)
    [message] = outbox("p2@exemple.fr")
    assert "position 1 sur la liste d’attente" in message.body_text
    assert "un groupe n’est jamais séparé" in message.body_text
