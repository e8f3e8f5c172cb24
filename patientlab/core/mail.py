"""Mail outbox: messages are written in the request's transaction, sent after commit.

``queue_mail`` renders a message in the recipient's language and adds it to the
``outbox_message`` table; it never talks to a mail server. ``send_pending``
delivers due messages by SMTP when ``MAIL_SMTP_HOST`` is set, otherwise writes
them as ``.eml`` files to ``instance/mail/`` and logs them. A failed delivery is
retried later with exponential backoff; a message is never dropped.
"""

import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, g, render_template
from flask_babel import force_locale
from sqlalchemy import Integer, String, Text, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from patientlab.core.models import UTCDateTime, utcnow
from patientlab.extensions import db

log = logging.getLogger(__name__)


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    # One optional text attachment (for example an .ics calendar file).
    attachment_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    attachment_type: Mapped[str] = mapped_column(String(100), default="", server_default="")
    attachment_body: Mapped[str] = mapped_column(Text, default="", server_default="")

    def to_email(self, sender: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = self.recipient
        msg["Subject"] = self.subject
        msg["Date"] = formatdate(self.created_at.timestamp(), localtime=False)
        msg["Message-ID"] = make_msgid(idstring=f"outbox{self.id}", domain="patientlab.fr")
        msg.set_content(self.body_text)
        if self.attachment_name:
            maintype, _, subtype = self.attachment_type.partition("/")
            msg.add_attachment(self.attachment_body.encode("utf-8"), maintype=maintype,
                               subtype=subtype, filename=self.attachment_name)
        return msg


def queue_mail(recipient: str, subject: str, template: str, *, locale: str = "fr",
               attachment: tuple[str, str, str] | None = None, **context):
    """Render ``templates/mail/<template>.txt`` in ``locale`` and add it to the outbox.

    ``subject`` should be a lazy string so it is translated in ``locale`` too.
    """
    with force_locale(locale):
        message = OutboxMessage(
            recipient=recipient,
            subject=str(subject),
            body_text=render_template(f"mail/{template}.txt", **context),
        )
    if attachment is not None:
        message.attachment_name, message.attachment_type, message.attachment_body = attachment
    db.session.add(message)
    db.session.flush()
    g.outbox_dirty = True
    return message


def backoff(attempts: int, max_seconds: int) -> timedelta:
    """1 min, 2 min, 4 min… capped at ``max_seconds``."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), max_seconds))


class Transport:
    """Delivers one EmailMessage; raises on failure."""

    def send(self, message: EmailMessage, outbox_id: int) -> None:
        cfg = current_app.config
        if cfg["MAIL_SMTP_HOST"]:
            with smtplib.SMTP(cfg["MAIL_SMTP_HOST"], cfg["MAIL_SMTP_PORT"], timeout=30) as smtp:
                if cfg["MAIL_SMTP_STARTTLS"]:
                    smtp.starttls()
                if cfg["MAIL_SMTP_USERNAME"]:
                    smtp.login(cfg["MAIL_SMTP_USERNAME"], cfg["MAIL_SMTP_PASSWORD"])
                smtp.send_message(message)
            return
        directory = Path(cfg["MAIL_DIR"] or Path(current_app.instance_path) / "mail")
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{outbox_id:06d}.eml"
        path.write_bytes(bytes(message))
        log.info("mail %s to %s written to %s: %s", outbox_id, message["To"], path,
                 message["Subject"])


def send_pending(now: datetime | None = None,
                 transport: Transport | None = None) -> tuple[int, int]:
    """Try every due message once. Returns (sent, failed). Commits after each message."""
    now = now or utcnow()
    transport = transport or Transport()
    sender = current_app.config["MAIL_FROM"]
    due = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None))
        .where(or_(OutboxMessage.next_attempt_at <= now, OutboxMessage.attempts == 0))
        .order_by(OutboxMessage.id)
    ).all()
    sent = failed = 0
    for message in due:
        message.attempts += 1
        try:
            transport.send(message.to_email(sender), message.id)
        except Exception as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.next_attempt_at = now + backoff(
                message.attempts, current_app.config["MAIL_MAX_BACKOFF_SECONDS"]
            )
            failed += 1
            log.warning("mail %s to %s failed (attempt %s): %s", message.id,
                        message.recipient, message.attempts, message.last_error)
        else:
            message.sent_at = now
            message.last_error = None
            sent += 1
        db.session.commit()
    return sent, failed


def send_after_commit(exc) -> None:
    """teardown_request hook: deliver what this request queued, once it committed."""
    if exc is not None or not g.pop("outbox_dirty", False):
        return
    if not current_app.config["MAIL_SEND_AFTER_COMMIT"]:
        return
    try:
        db.session.rollback()  # anything not committed by the route is not sent
        send_pending()
    except Exception:  # delivery must never break a response; messages stay queued
        log.exception("sending the outbox after the request failed")
        db.session.rollback()
