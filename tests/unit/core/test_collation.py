"""French alphabetical order, in Python and in SQL on both databases."""

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.core.collation import french, sorted_french
from patientlab.events.services.organiser_registrations import registrations_of
from patientlab.events.services.registration import RegistrationData, register
from patientlab.extensions import db
from tests.factories import UserFactory, make_event

NAMES = ["Yann Le Goff", "Élise Martin", "zoé Bernard", "Émile Durand", "Eric Petit",
         "Œuvre collective", "oeillet", "Bernard Roy"]
FRENCH = ["Bernard Roy", "Élise Martin", "Émile Durand", "Eric Petit", "oeillet",
          "Œuvre collective", "Yann Le Goff", "zoé Bernard"]


def test_accents_and_case_do_not_send_names_to_the_end():
    plain = sorted(NAMES)  # code points: « Élise » after « zoé »
    assert plain.index("Élise Martin") > plain.index("zoé Bernard")
    assert sorted_french(NAMES) == FRENCH


def test_sql_orders_the_same_way_on_this_database():
    for index, name in enumerate(NAMES):
        UserFactory(name=name, email=f"p{index}@exemple.fr")
    db.session.flush()
    ordered = db.session.scalars(select(User.name).where(User.name.in_(NAMES))
                                 .order_by(french(User.name))).all()
    assert ordered == FRENCH


def test_the_attendance_lists_are_in_french_order():
    event = make_event(capacity=20)
    for index, name in enumerate(["Yann L.", "Élise M.", "Zoé B.", "Aïcha K."]):
        register(event.id, RegistrationData(
            name=name, email=f"r{index}@exemple.fr", privacy_consent=True))
    assert [r.name for r in registrations_of(event)] == [
        "Aïcha K.", "Élise M.", "Yann L.", "Zoé B."]
