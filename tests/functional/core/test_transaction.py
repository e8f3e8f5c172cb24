"""The request owns its transaction: one commit at its end when the answer is not an
error, a rollback otherwise; mail after the commit; nobody else commits."""

from contextlib import contextmanager

import pytest
from flask import abort, redirect
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from patientlab.core import audit
from patientlab.core.audit import AuditEntry
from patientlab.core.errors import ServiceError
from patientlab.core.mail import OutboxMessage, queue_mail
from patientlab.core.transaction import attempt, unit_of_work
from patientlab.extensions import csrf, db
from tests.conftest import app_with


def _entries(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEntry.id))
                             .where(AuditEntry.action == action))


@contextmanager
def counted_commits():
    commits = []

    def count(_session):
        commits.append(1)

    event.listen(Session, "after_commit", count)
    try:
        yield commits
    finally:
        event.remove(Session, "after_commit", count)


@pytest.fixture
def trial_app(app, tmp_path):
    """An application with pages that write, then answer in each of the ways a page can."""
    with app_with(app, RATELIMIT_ENABLED=True, MAIL_SEND_AFTER_COMMIT=True,
                  MAIL_DIR=str(tmp_path)) as other:

        def write(action):
            audit.record(None, action, object_type="trial")

        @other.post("/essai/<outcome>")
        @csrf.exempt
        def trial(outcome):
            write(f"trial.{outcome}")
            if outcome == "redirect":
                return redirect("/")
            if outcome == "page":
                return "enregistré"
            if outcome == "mail":
                queue_mail("personne@example.org", "Bonjour", "password_changed",
                           user={"name": "Camille"}, reset_url="https://example.org/lien")
                return redirect("/")
            if outcome == "absent":
                abort(404)
            if outcome == "refused":
                raise ServiceError("Ce n’est pas possible.")
            if outcome == "refused-on-form":
                with attempt() as done:
                    raise ServiceError("Ce n’est pas possible.")
                return "refusé" if not done else "fait"
            raise RuntimeError("en panne")

        yield other


@pytest.mark.parametrize("outcome", ["redirect", "page"])
def test_an_answer_that_is_not_an_error_is_committed_once(trial_app, outcome):
    with counted_commits() as commits:
        response = trial_app.test_client().post(f"/essai/{outcome}")
    assert response.status_code in (200, 302)
    assert len(commits) == 1
    assert _entries(f"trial.{outcome}") == 1


@pytest.mark.parametrize(("outcome", "status"),
                         [("absent", 404), ("refused", 400), ("crash", 500)])
def test_an_error_answer_leaves_nothing_saved(trial_app, outcome, status):
    trial_app.config["PROPAGATE_EXCEPTIONS"] = False
    with counted_commits() as commits:
        response = trial_app.test_client().post(f"/essai/{outcome}")
    assert response.status_code == status
    assert commits == []
    assert _entries(f"trial.{outcome}") == 0


def test_a_refusal_no_route_meets_shows_its_message(trial_app):
    response = trial_app.test_client().post("/essai/refused")
    assert "Ce n’est pas possible." in response.get_data(as_text=True)


def test_attempt_rolls_back_what_the_service_did_and_flashes_its_message(trial_app):
    client = trial_app.test_client()
    response = client.post("/essai/refused-on-form")
    assert response.get_data(as_text=True) == "refusé"
    assert _entries("trial.refused-on-form") == 0
    with client.session_transaction() as session:
        assert ("error", "Ce n’est pas possible.") in session["_flashes"]


def test_the_mail_a_request_queues_is_sent_after_its_one_commit(trial_app, tmp_path):
    with counted_commits() as commits:
        response = trial_app.test_client().post("/essai/mail")
    assert response.status_code == 302
    message = db.session.scalar(select(OutboxMessage)
                                .where(OutboxMessage.recipient == "personne@example.org"))
    assert message.sent_at is not None
    assert message.attempts == 1
    assert len(list(tmp_path.glob("*.eml"))) == 1
    # The request's commit, then the sender's: its reading, its claim, its record.
    assert len(commits) == 4


def test_a_unit_of_work_commits_when_it_ends_well_and_rolls_back_when_it_raises(app):
    with app.app_context():
        with counted_commits() as commits, unit_of_work():
            audit.record(None, "trial.unit", object_type="trial")
        assert len(commits) == 1
        def broken():
            with unit_of_work():
                audit.record(None, "trial.unit-broken", object_type="trial")
                raise RuntimeError("en panne")

        with pytest.raises(RuntimeError):
            broken()
        assert _entries("trial.unit") == 1
        assert _entries("trial.unit-broken") == 0
