from datetime import timedelta

from patientlab.core.mail import OutboxMessage, Transport, backoff, queue_mail, send_pending
from patientlab.core.models import utcnow
from patientlab.extensions import db


class FailingTransport(Transport):
    def __init__(self):
        self.calls = 0

    def send(self, message, outbox_id):
        self.calls += 1
        raise ConnectionRefusedError("serveur SMTP injoignable")


class RecordingTransport(Transport):
    def __init__(self):
        self.sent = []

    def send(self, message, outbox_id):
        self.sent.append(message)


def _queue(to="martine@exemple.fr"):
    from flask_babel import lazy_gettext as _l

    from tests.factories import UserFactory

    user = UserFactory(email=to, name="Martine")
    return queue_mail(to, _l("Confirmez votre adresse e-mail"), "verify_email", user=user,
                      url="https://patientlab.test/x", hours=48)


def test_queue_mail_renders_in_the_recipients_language():
    from flask_babel import lazy_gettext as _l

    from tests.factories import UserFactory

    user = UserFactory(name="Jane", locale="en")
    message = queue_mail(user.email, _l("Confirmez votre adresse e-mail"), "verify_email",
                         locale="en", user=user, url="https://x.test/", hours=48)
    assert message.subject == "Confirm your e-mail address"
    assert "Hello Jane," in message.body_text


def test_backoff_doubles_and_is_capped():
    assert backoff(1, 3600) == timedelta(minutes=1)
    assert backoff(2, 3600) == timedelta(minutes=2)
    assert backoff(5, 3600) == timedelta(minutes=16)
    assert backoff(30, 3600) == timedelta(hours=1)


def test_failed_send_is_kept_and_retried_later_with_backoff():
    message = _queue()
    transport = FailingTransport()
    now = utcnow()

    assert send_pending(now, transport) == (0, 1)
    db.session.refresh(message)
    assert message.sent_at is None
    assert message.attempts == 1
    assert "injoignable" in message.last_error
    assert message.next_attempt_at == now + timedelta(minutes=1)

    # Not due yet: nothing is tried.
    assert send_pending(now + timedelta(seconds=30), transport) == (0, 0)
    assert transport.calls == 1

    # Due again: the second failure waits twice as long.
    later = now + timedelta(minutes=1)
    assert send_pending(later, transport) == (0, 1)
    db.session.refresh(message)
    assert message.attempts == 2
    assert message.next_attempt_at == later + timedelta(minutes=2)

    # The server is back: the message goes out, once.
    ok = RecordingTransport()
    assert send_pending(later + timedelta(minutes=2), ok) == (1, 0)
    assert send_pending(later + timedelta(hours=1), ok) == (0, 0)
    db.session.refresh(message)
    assert message.sent_at is not None
    assert message.last_error is None
    assert len(ok.sent) == 1
    assert ok.sent[0]["To"] == "martine@exemple.fr"


def test_without_smtp_messages_are_written_to_the_mail_folder(app, tmp_path):
    app.config["MAIL_DIR"] = str(tmp_path)
    message = _queue()
    assert send_pending() == (1, 0)
    files = list(tmp_path.glob("*.eml"))
    assert [f.name for f in files] == [f"{message.id:06d}.eml"]
    content = files[0].read_text()
    assert "To: martine@exemple.fr" in content
    assert "https://patientlab.test/x" in content


def test_messages_are_never_deleted_by_sending():
    _queue()
    send_pending(transport=RecordingTransport())
    assert db.session.query(OutboxMessage).count() == 1


def test_erasure_removes_the_mail_sent_to_the_person_and_its_saved_copies(app):
    from pathlib import Path

    from patientlab.auth.erasure import erase_account
    from patientlab.auth.models import User
    from tests.factories import PASSWORD

    message_id, other_id = _queue("martine@exemple.fr").id, _queue("karim@exemple.fr").id
    send_pending()
    saved = Path(app.config["MAIL_DIR"]) / f"{message_id:06d}.eml"
    assert saved.exists()
    user = db.session.scalar(db.select(User).where(User.email == "martine@exemple.fr"))
    erase_account(user, PASSWORD)
    db.session.commit()
    assert db.session.get(OutboxMessage, message_id) is None
    assert not saved.exists()
    assert db.session.get(OutboxMessage, other_id) is not None


def test_sent_mail_is_erased_after_the_retention_period_and_only_counted(app):
    from sqlalchemy import select

    from patientlab.core.audit import AuditEntry
    from patientlab.core.mail import purge_sent

    ids = [_queue().id, _queue("karim@exemple.fr").id, _queue("nadia@exemple.fr").id]
    now = utcnow()
    send_pending(now=now - timedelta(days=40))
    recent, unsent = (db.session.get(OutboxMessage, i) for i in ids[1:])
    recent.sent_at = now - timedelta(days=2)
    unsent.sent_at = None
    db.session.commit()
    assert purge_sent(30, now=now) == 1
    db.session.commit()
    assert [db.session.get(OutboxMessage, i) is None for i in ids] == [True, False, False]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "outbox.purged"))
    assert entry.summary.startswith("1 messages")
