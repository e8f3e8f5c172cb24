"""The door (check-in one person at a time, walk-ins that never oversell) and after the
evening (held, attendance, replay, the anonymous satisfaction question)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.security import TokenError
from patientlab.events.models import RegistrationStatus as S
from patientlab.events.models import SatisfactionAnswer
from patientlab.events.services.after_evening import (
    answer_satisfaction,
    record_evening,
    registration_for_satisfaction,
    satisfaction_of,
    satisfaction_token,
    send_satisfaction_requests,
)
from patientlab.events.services.door import EVERYONE, add_walk_in, set_checked_in
from patientlab.events.services.figures import figures_of
from patientlab.events.services.listing import counts_for, seats_left
from patientlab.events.services.mails import link_token
from patientlab.events.services.registration import RegistrationData, register
from patientlab.events.services.seating import CompanionData
from patientlab.extensions import db
from tests.conftest import outbox
from tests.factories import UserFactory, make_event


def _register(event, email, seats=1, companions=()):
    return register(event.id, RegistrationData(
        name=f"Personne {email}", email=email, seats=seats, privacy_consent=True,
        companions=[CompanionData(name) for name in companions]))


def test_one_person_of_a_group_is_checked_in_at_a_time():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser)
    group = _register(event, "nadia@exemple.fr", 3, ["Karim", "Lina"])
    karim = group.companions[0]
    assert set_checked_in(organiser, event, group.id, True, karim.id) == "Karim"
    assert (group.present, group.checked_in_at, karim.checked_in_at is not None) == (
        1, None, True)
    assert counts_for([event.id])[event.id].checked_in == 1
    set_checked_in(organiser, event, group.id, True)  # Nadia herself
    assert group.present == 2
    assert set_checked_in(organiser, event, group.id, True, EVERYONE) == \
        "le groupe de 3 personnes"
    assert group.present == 3
    set_checked_in(organiser, event, group.id, False, karim.id)
    assert (group.present, karim.checked_in_at) == (2, None)


def test_check_in_refuses_waiting_people_and_strangers():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser, capacity=1)
    _register(event, "a@exemple.fr")
    waiting = _register(event, "b@exemple.fr")
    with pytest.raises(ServiceError):
        set_checked_in(organiser, event, waiting.id, True)
    with pytest.raises(PermissionError):
        set_checked_in(UserFactory(roles=["organiser"]), event, waiting.id, True)
    other = _register(make_event(organiser), "c@exemple.fr")
    from werkzeug.exceptions import NotFound

    with pytest.raises(NotFound):
        set_checked_in(organiser, event, other.id, True)


def test_walk_ins_take_free_seats_only_and_are_counted_apart():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser, capacity=4)
    _register(event, "a@exemple.fr", 2)
    walk_in = add_walk_in(organiser, event, "", 2)
    assert (walk_in.status, walk_in.present, walk_in.email) == (S.CONFIRMED, 2, None)
    assert walk_in.display_name == "Personne venue sans inscription"
    with pytest.raises(ServiceError) as refused:
        add_walk_in(organiser, event, "Paul", 1)
    assert refused.value.field == "seats"
    assert "il reste 0 place libre" in str(refused.value.message)
    counts = counts_for([event.id])[event.id]
    assert (counts.confirmed, counts.walk_ins, counts.checked_in) == (4, 2, 2)
    # The room is one: the public page says full, and a newcomer waits.
    assert seats_left(event, counts) == 0
    assert _register(event, "b@exemple.fr").status == S.WAITING


def test_a_walk_in_never_takes_a_seat_a_waiting_group_fits_in():
    """By the waiting list's rule nobody waiting fits in the free seats, so a walk-in for
    one seat beside a waiting couple takes a seat nobody waiting could use."""
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser, capacity=3)
    _register(event, "a@exemple.fr", 2)
    couple = _register(event, "b@exemple.fr", 2)
    assert couple.status == S.WAITING
    add_walk_in(organiser, event, "Paul", 1)
    assert couple.status == S.WAITING
    assert counts_for([event.id])[event.id].confirmed == 3


def test_no_walk_ins_on_a_cancelled_or_finished_evening():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser)
    event.ends_at = utcnow() - timedelta(minutes=1)
    with pytest.raises(ServiceError, match="terminée"):
        add_walk_in(organiser, event, "", 1)
    cancelled = make_event(organiser, cancelled_at=utcnow())
    with pytest.raises(ServiceError):
        add_walk_in(organiser, cancelled, "", 1)


def _hold(event, organiser, now):
    event.starts_at, event.ends_at = now - timedelta(hours=3), now - timedelta(hours=1)
    return record_evening(organiser, event, "", False, now=now)


def test_attendance_figures_after_the_evening():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser)
    came = _register(event, "a@exemple.fr", 2, ["Karim"])
    _register(event, "b@exemple.fr", 3)
    set_checked_in(organiser, event, came.id, True)
    add_walk_in(organiser, event, "", 1)
    figures = figures_of(event)
    assert (figures.registered, figures.registrations, figures.arrived, figures.not_arrived,
            figures.walk_ins, figures.in_the_room, figures.checked) == (5, 2, 1, 4, 1, 2, True)


def test_an_evening_is_held_only_once_it_has_started_and_the_replay_goes_to_registrants():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser)
    _register(event, "a@exemple.fr")
    with pytest.raises(ServiceError, match="pas encore eu lieu"):
        record_evening(organiser, event, "", False)
    now = utcnow()
    event.starts_at, event.ends_at = now - timedelta(hours=3), now - timedelta(hours=1)
    with pytest.raises(ServiceError) as refused:
        record_evening(organiser, event, "", True)
    assert refused.value.field == "replay_url"
    with pytest.raises(ServiceError) as refused:
        record_evening(organiser, event, "javascript:alert(1)", False)
    assert refused.value.field == "replay_url"
    assert record_evening(organiser, event, "https://video.exemple.fr/r", True) == 1
    assert event.held_at is not None
    [mail] = [m for m in outbox("a@exemple.fr") if "Revoir" in m.subject]
    assert "https://video.exemple.fr/r" in mail.body_text


def test_the_satisfaction_question_leaves_the_next_day_to_those_who_came():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser)
    came = _register(event, "came@exemple.fr")
    _register(event, "absent@exemple.fr")
    set_checked_in(organiser, event, came.id, True)
    now = utcnow()
    _hold(event, organiser, now)
    assert send_satisfaction_requests(now) == 0  # not the same evening
    later = now + timedelta(hours=12)
    assert send_satisfaction_requests(later) == 1
    assert send_satisfaction_requests(later) == 0  # once
    [mail] = [m for m in outbox("came@exemple.fr") if "avis" in m.subject]
    assert "/clara/inscriptions/avis/" in mail.body_text
    assert not [m for m in outbox("absent@exemple.fr") if "avis" in m.subject]


def test_without_any_check_in_every_confirmed_registrant_is_asked():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser, format="online")
    _register(event, "a@exemple.fr")
    _register(event, "b@exemple.fr")
    now = utcnow()
    _hold(event, organiser, now)
    assert send_satisfaction_requests(now + timedelta(hours=13)) == 2


def test_an_evening_not_marked_held_asks_nothing():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser)
    _register(event, "a@exemple.fr")
    now = utcnow()
    event.starts_at, event.ends_at = now - timedelta(hours=3), now - timedelta(hours=1)
    assert send_satisfaction_requests(now + timedelta(days=1)) == 0


def test_answers_are_anonymous_once_each_and_shown_from_three():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser)
    people = [_register(event, f"p{i}@exemple.fr") for i in range(4)]
    now = utcnow()
    _hold(event, organiser, now)
    send_satisfaction_requests(now + timedelta(hours=13))
    token = satisfaction_token(people[0])
    assert registration_for_satisfaction(token).id == people[0].id
    answer_satisfaction(people[0], 5, "Très clair, merci")
    with pytest.raises(ServiceError, match="déjà"):
        answer_satisfaction(people[0], 1, "")
    answer_satisfaction(people[1], 4, "")
    result = satisfaction_of(event)
    assert (result.answers, result.asked, result.shown) == (2, 4, False)
    answer_satisfaction(people[2], 3, "Trop court")
    result = satisfaction_of(event)
    assert result.shown
    assert result.counts == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    assert result.average == 4.0
    assert result.comments == ["Très clair, merci", "Trop court"]
    # Nothing links an answer to a person.
    columns = set(SatisfactionAnswer.__table__.columns.keys())
    assert columns == {"id", "event_id", "score", "comment"}
    with pytest.raises(ServiceError) as refused:
        answer_satisfaction(people[3], 9, "")
    assert refused.value.field == "score"


def test_a_satisfaction_link_works_only_for_someone_asked():
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser)
    registration = _register(event, "a@exemple.fr")
    with pytest.raises(TokenError):
        registration_for_satisfaction(satisfaction_token(registration))
    with pytest.raises(TokenError):
        registration_for_satisfaction(link_token(registration))  # another purpose
    assert db.session.scalar(select(db.func.count()).select_from(SatisfactionAnswer)) == 0


def test_a_second_answer_read_before_the_first_was_stored_is_refused_by_the_database():
    """Two requests with the same link both read « not answered yet »: the second one's
    answer must not count (the receipt's key refuses it), whatever its copy of the row."""
    organiser = UserFactory(roles=["organiser"])
    event = make_event(organiser)
    person = _register(event, "p@exemple.fr")
    now = utcnow()
    _hold(event, organiser, now)
    send_satisfaction_requests(now + timedelta(hours=13))
    answer_satisfaction(person, 5, "")
    db.session.flush()
    person.satisfaction_answered = False  # what the other request had read
    with pytest.raises(ServiceError, match="déjà"):
        answer_satisfaction(person, 1, "")
    db.session.flush()
    assert db.session.scalar(select(db.func.count()).select_from(SatisfactionAnswer)) == 1
