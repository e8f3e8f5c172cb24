"""core.transaction.end_request: what an answer's status commits or rolls back."""

import pytest
from flask import Response
from sqlalchemy import select

from patientlab.core import audit, transaction
from patientlab.core.audit import AuditEntry
from patientlab.extensions import db


def _kept(action: str) -> bool:
    return db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == action)) is not None


def _request_that_records(app, action: str, status: int, *, despite_error: bool) -> None:
    # Its own app context, hence its own ``g``, as each request has in production.
    with app.app_context(), app.test_request_context("/"):
        audit.record(None, action, object_type="test", object_id=1)
        if despite_error:
            transaction.commit_despite_error()
        transaction.end_request(Response(status=status))


@pytest.mark.parametrize(("status", "despite_error", "kept"), [
    (200, False, True),
    (302, False, True),
    (403, False, False),
    (403, True, True),  # a refused attempt that leaves its trace
    (500, True, False),  # a server error undoes everything, whatever was asked
])
def test_the_answer_s_status_decides_what_is_kept(app, status, despite_error, kept):
    action = f"test.{status}.{despite_error}"
    _request_that_records(app, action, status, despite_error=despite_error)
    assert _kept(action) is kept


def test_asking_once_does_not_carry_to_the_next_request(app):
    _request_that_records(app, "test.first", 403, despite_error=True)
    _request_that_records(app, "test.second", 403, despite_error=False)
    assert _kept("test.first")
    assert not _kept("test.second")
