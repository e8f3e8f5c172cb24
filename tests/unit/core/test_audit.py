import pytest

from patientlab.core import audit
from patientlab.extensions import db
from tests.factories import UserFactory


def test_record_writes_who_what_and_why():
    actor = UserFactory()
    target = UserFactory()
    entry = audit.record(actor, "role.refuse", target, summary="role=patient_expert",
                         reason="Profil incomplet")
    db.session.flush()
    assert entry.actor_id == actor.id
    assert entry.object_type == "user"
    assert entry.object_id == target.id
    assert entry.reason == "Profil incomplet"
    assert entry.created_at is not None


def test_audit_entries_cannot_be_changed_or_deleted():
    entry = audit.record(None, "admin.create_cli", object_type="user", object_id=1)
    db.session.flush()
    entry.reason = "réécrire l’histoire"
    with pytest.raises(audit.AuditIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    entry = audit.record(None, "admin.create_cli", object_type="user", object_id=1)
    db.session.flush()
    db.session.delete(entry)
    with pytest.raises(audit.AuditIsAppendOnly):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(("header", "kept"), [
    ("req-2026.12:01_a", True), ("x" * 37, False), ("abc def", False), ("a;b", False),
    ("<script>", False), ("é", False), ("", False)])
def test_a_request_id_from_the_proxy_is_kept_only_when_it_looks_like_one(app, header, kept):
    from patientlab.core.audit import request_id

    with app.test_request_context("/", headers={"X-Request-Id": header}):
        value = request_id()
    assert (value == header) is kept
    assert len(value) <= 36
