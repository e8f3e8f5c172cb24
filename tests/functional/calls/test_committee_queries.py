"""The committee's session page and minutes run the same number of SQL statements
whatever the number of members and agenda items (who leaves the room is found for the
whole session at once), and that batch says what ``conflicted`` says person by person."""

from datetime import timedelta

from patientlab.calls import committee as cm
from patientlab.core.models import utcnow
from patientlab.core.security import Role
from patientlab.extensions import db
from tests.factories import UserFactory, make_application, make_assignment, make_call
from tests.functional.calls.test_queries import _count


def _meeting(members: int, applications: int):
    chair = UserFactory(roles=[Role.COORDINATOR])
    call = make_call(state="responses")
    owner = UserFactory(roles=[Role.RESEARCHER])
    for i in range(applications):
        make_application(owner if i % 2 else None, call, title=f"Projet {i}")
    session = cm.create_session(chair, call, "Comité", utcnow() + timedelta(days=3),
                                "Salle 2", "", 9)
    people = [UserFactory(roles=[Role.PATIENT_EXPERT]) for _ in range(members)]
    for person in people:
        cm.add_member(chair, session, person, cm.PATIENT)
        cm.set_present(chair, session, session.members[-1], True)
    items = list(session.items)
    make_assignment(items[0].application, people[0], status="conflict")
    cm.declare_conflict(people[1], items[-1])
    cm.add_member(chair, session, owner, cm.SCIENTIST)  # an applicant on the committee
    db.session.commit()
    return chair, session, people


def test_who_leaves_the_room_is_what_conflicted_says(app):
    chair, session, people = _meeting(4, 3)
    outsider = UserFactory()
    out = cm.out_of_room(session)
    for item in session.items:
        for person in [chair, outsider, *people, *(m.user for m in session.members)]:
            assert (person.id in out[item.id]) == cm.conflicted(person, item)
    assert any(out.values())


def test_session_page_and_minutes_do_not_grow_with_members_and_items(web):
    chair, small, _people = _meeting(3, 2)
    _other_chair, large, _people = _meeting(9, 6)
    web.login(chair.email)  # the coordination sees every session
    pages = ["/clara/comite/{}", "/clara/comite/{}/proces-verbal"]
    few = [_count(web, url.format(small.id)) for url in pages]
    many = [_count(web, url.format(large.id)) for url in pages]
    assert few == many, (few, many)
