"""The steps of placing a registration (patientlab/events/services/registration.py):
the one needs-and-consent check a registration and a change share, registering or
mailing the link again, and whether a registration may still change."""

from datetime import timedelta

import pytest

from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.events.models import EventFormat
from patientlab.events.models import RegistrationStatus as S
from patientlab.events.services.registration import (
    ChangeData,
    RegistrationData,
    cancel_registration,
    consented_needs,
    may_still_change,
    register,
    register_or_remind,
)
from patientlab.events.services.seating import CompanionData
from patientlab.extensions import db
from tests.conftest import outbox
from tests.factories import UserFactory, make_event


def _data(**kwargs):
    kwargs.setdefault("name", "Nadia Benali")
    kwargs.setdefault("email", "nadia@exemple.fr")
    return RegistrationData(privacy_consent=True, **kwargs)


def test_needs_keep_only_what_the_evening_offers_and_say_whether_anyone_needs_anything():
    online = make_event(format=EventFormat.ONLINE, venue_name="", address="")
    data = ChangeData(seats=1, needs=["front_seat", "captions"], needs_other="  ",
                      needs_consent=True)
    assert consented_needs(online, data, []) == (["captions"], "", True)
    nothing = ChangeData(seats=1, needs=["front_seat"])  # a seat: not offered online
    assert consented_needs(online, nothing, []) == ([], "", False)


def test_a_companions_written_need_alone_asks_for_the_consent():
    event = make_event()
    companion = CompanionData("Karim", [], "Je viens avec mon chien guide")
    with pytest.raises(ServiceError) as refused:
        consented_needs(event, ChangeData(seats=2), [companion])
    assert refused.value.field == "needs_consent"
    agreed = ChangeData(seats=2, needs_consent=True)
    assert consented_needs(event, agreed, [companion]) == ([], "", True)


def test_a_registration_keeps_when_the_needs_consent_was_given_only_with_needs():
    event = make_event()
    with_needs = register(event.id, _data(needs=["step_free"], needs_consent=True))
    without = register(event.id, _data(email="karim@exemple.fr", needs_consent=True))
    assert with_needs.needs_consent_at is not None
    assert without.needs_consent_at is None


def test_registering_an_address_again_mails_its_owner_and_answers_the_same():
    event = make_event()
    first = register_or_remind(event.id, _data(), None, locale="fr")
    again = register_or_remind(event.id, _data(name="Quelqu’un d’autre"), None, locale="en")
    assert (first.new, first.own) == (True, False)
    assert again.registration is first.registration
    assert (again.new, again.own) == (False, False)
    assert first.registration.name == "Nadia Benali"
    assert [m.about for m in outbox("nadia@exemple.fr")][-1] == \
        f"registration-already:{first.registration.id}"


def test_someone_logged_in_with_the_proved_address_owns_what_they_register():
    event = make_event()
    user = UserFactory(email="nadia@exemple.fr", email_verified_at=utcnow())
    placed = register_or_remind(event.id, _data(), user)
    assert placed.own
    assert placed.registration.user_id == user.id


def test_a_registration_may_change_until_it_is_cancelled_or_its_evening_begins():
    event = make_event()
    registration = register(event.id, _data())
    assert may_still_change(registration)
    assert not may_still_change(registration, now=event.starts_at)
    assert may_still_change(registration, now=event.starts_at - timedelta(minutes=1))
    cancel_registration(registration.id)
    db.session.refresh(registration)
    assert registration.status == S.CANCELLED
    assert not may_still_change(registration)


def test_registering_someone_elses_address_does_not_make_it_ones_own():
    event = make_event()
    user = UserFactory(email="camille@exemple.fr", email_verified_at=utcnow())
    placed = register_or_remind(event.id, _data(email="voisine@exemple.fr"), user)
    assert not placed.own
    assert placed.registration.user_id is None
