from datetime import date, timedelta

import pytest
from sqlalchemy import select

from patientlab.admin import services as svc
from patientlab.auth import suspension
from patientlab.core import audit, days
from patientlab.core.audit import AuditEntry
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.extensions import db
from tests.conftest import outbox
from tests.factories import UserFactory


def _actions():
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_roles_change_is_audited_and_ends_every_session():
    admin = UserFactory(roles=["admin"])
    user = UserFactory(roles=["researcher"])
    token = user.session_token
    assert svc.set_roles(admin, user, ["researcher", "patient_expert"])
    assert user.roles == {"researcher", "patient_expert"}
    assert user.session_token != token
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.roles_changed"))
    assert entry.summary == "researcher → patient_expert, researcher"
    assert not svc.set_roles(admin, user, ["patient_expert", "researcher"])  # nothing to change
    assert _actions() == ["user.roles_changed"]


def test_the_roles_of_a_network_are_not_given_nor_taken_on_the_account_page():
    admin = UserFactory(roles=["admin"])
    user = UserFactory(roles=["researcher", "coordinator"])
    assert not svc.set_roles(admin, user, ["researcher", "organiser"])
    assert {row.role for row in user.role_rows} == {"researcher"}
    assert [role for _network, role in svc.network_roles_of(user)] == ["coordinator"]


def test_an_admin_keeps_their_own_admin_role_and_others_cannot_change_roles():
    admin = UserFactory(roles=["admin"])
    with pytest.raises(ServiceError):
        svc.set_roles(admin, admin, ["researcher"])
    with pytest.raises(PermissionError):
        svc.set_roles(UserFactory(roles=["coordinator"]), admin, [])


def test_suspension_needs_a_reason_and_a_future_end_and_mails_the_person():
    admin = UserFactory(roles=["admin"])
    user = UserFactory(email="karim@exemple.fr")
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(ServiceError) as error:
        suspension.suspend(admin, user, " ", tomorrow)
    assert error.value.field == "reason"
    with pytest.raises(ServiceError) as error:
        suspension.suspend(admin, user, "Insultes répétées.", date.today() - timedelta(days=2))
    assert error.value.field == "until"
    suspension.suspend(admin, user, "Insultes répétées.", tomorrow)
    assert user.is_suspended
    assert "suspendu" in outbox("karim@exemple.fr")[0].subject
    assert "Insultes répétées." in outbox("karim@exemple.fr")[0].body_text
    suspension.lift_suspension(admin, user)
    assert not user.is_suspended
    assert _actions() == ["user.suspended", "user.unsuspended"]


def test_suspension_ends_by_itself_after_its_last_day():
    user = UserFactory()
    user.suspended_until = utcnow() - timedelta(seconds=1)
    assert not user.is_suspended


def test_journal_filters_by_action_object_actor_and_day_newest_first():
    anne = UserFactory(name="Anne Lefèvre", email="anne@exemple.fr")
    lucas = UserFactory(name="Lucas Girard")
    audit.record(anne, "review.released", object_type="review", object_id=1)
    audit.record(lucas, "question.published", object_type="project_question", object_id=2)
    last = audit.record(anne, "review.assigned", object_type="review_assignment", object_id=3)
    db.session.flush()
    page = svc.journal(svc.JournalQuery())
    assert page.total == 3
    assert page.items[0][0] is last
    assert page.items[0][1] is anne
    assert svc.journal(svc.JournalQuery(action="review")).total == 2
    assert svc.journal(svc.JournalQuery(object_type="project_question")).total == 1
    assert svc.journal(svc.JournalQuery(actor="LEFÈVRE".lower())).total == 2
    assert svc.journal(svc.JournalQuery(actor="anne@")).total == 2
    today = days.today()
    assert svc.journal(svc.JournalQuery(since=today + timedelta(days=2))).total == 0
    assert svc.journal(svc.JournalQuery(until=today + timedelta(days=2))).total == 3
    actions, types = svc.journal_choices()
    assert actions == ["question", "review"]
    assert "review_assignment" in types


def test_journal_pages_hold_fifty_entries():
    for i in range(120):
        audit.record(None, "test.entry", object_type="test", object_id=i)
    db.session.flush()
    third = svc.journal(svc.JournalQuery(page=3))
    assert (third.total, third.pages, third.page, len(third.items)) == (120, 3, 3, 20)
    assert svc.journal(svc.JournalQuery(page=99)).page == 3


def test_user_search_by_name_email_role_and_suspension():
    admin = UserFactory(roles=["admin"], name="Admin")
    UserFactory(name="Martine Dubois", roles=["patient_expert"])
    karim = UserFactory(name="Karim Benali", email="karim@exemple.fr")
    suspension.suspend(admin, karim, "Raison.", date.today() + timedelta(days=3))
    assert [u.name for u in svc.search_users("dubois").items] == ["Martine Dubois"]
    assert [u.name for u in svc.search_users("karim@").items] == ["Karim Benali"]
    assert [u.name for u in svc.search_users(role="patient_expert").items] == ["Martine Dubois"]
    assert [u.name for u in svc.search_users(role="suspended").items] == ["Karim Benali"]


@pytest.mark.parametrize(("actor_roles", "target_roles"), [
    (["moderator"], ["admin"]),
    (["moderator"], ["coordinator"]),
    (["moderator"], ["moderator", "researcher"]),
    (["admin"], ["admin"]),
])
def test_nobody_suspends_an_account_with_a_role_at_or_above_their_own(actor_roles,
                                                                      target_roles):
    actor = UserFactory(roles=actor_roles)
    target = UserFactory(roles=target_roles)
    with pytest.raises(ServiceError, match="autant de droits"):
        suspension.suspend(actor, target, "Raison.", date.today() + timedelta(days=3))
    assert not target.is_suspended


def test_a_moderator_suspends_a_researcher_and_only_an_admin_lifts_a_higher_suspension():
    moderator = UserFactory(roles=["moderator"])
    researcher = UserFactory(roles=["researcher"])
    suspension.suspend(moderator, researcher, "Insultes répétées.",
                       date.today() + timedelta(days=3))
    assert researcher.is_suspended
    coordinator = UserFactory(roles=["coordinator"])
    coordinator.suspended_until = utcnow() + timedelta(days=3)  # e.g. set before the rule
    with pytest.raises(ServiceError, match="administre la plateforme"):
        suspension.lift_suspension(moderator, coordinator)
    suspension.lift_suspension(UserFactory(roles=["admin"]), coordinator)
    assert not coordinator.is_suspended
