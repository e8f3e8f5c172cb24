"""Two senders deliver the outbox at the same moment (two gunicorn workers after their
requests, or cron beside a request): every message goes out exactly once.

Runs on the live test database: a SQLite file, or PostgreSQL with `make test-postgres`,
each sender in its own thread with its own connection.
"""

import threading
import time
from collections import Counter

from sqlalchemy import delete, select

from patientlab.core.mail import OutboxMessage, Transport, send_pending
from patientlab.extensions import db

MESSAGES = 30
RECIPIENT = "double-envoi-{}@exemple.fr"


class SlowRecordingTransport(Transport):
    """Takes a little time per message, so the two senders overlap."""

    def __init__(self, sent, lock):
        self.sent, self.lock = sent, lock

    def send(self, message, outbox_id):
        time.sleep(0.01)
        with self.lock:
            self.sent.append(outbox_id)


def _sender(live_app, barrier, sent, lock, errors):
    try:
        with live_app.app_context():
            barrier.wait(timeout=30)
            send_pending(transport=SlowRecordingTransport(sent, lock))
            db.session.remove()
    except Exception as error:  # reported by the test, not lost in the thread
        errors.append(error)


def test_two_senders_at_once_send_every_message_exactly_once(live_app):
    with live_app.app_context():
        db.session.add_all(OutboxMessage(recipient=RECIPIENT.format(i), subject="Test",
                                         body_text="Bonjour.") for i in range(MESSAGES))
        db.session.commit()
        ids = set(db.session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.recipient.like("double-envoi-%"))))
        db.session.remove()
    sent, lock, errors = [], threading.Lock(), []
    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=_sender, args=(live_app, barrier, sent, lock, errors))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert not errors, errors
        counts = Counter(message_id for message_id in sent if message_id in ids)
        assert set(counts) == ids  # none lost
        assert [i for i, n in counts.items() if n > 1] == []  # none sent twice
        with live_app.app_context():
            unsent = db.session.scalars(select(OutboxMessage.id).where(
                OutboxMessage.id.in_(ids), OutboxMessage.sent_at.is_(None))).all()
            db.session.remove()
        assert unsent == []
    finally:
        with live_app.app_context():
            db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
            db.session.commit()
            db.session.remove()
