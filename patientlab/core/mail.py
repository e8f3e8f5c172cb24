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
from sqlalchemy import ForeignKey, Integer, String, Text, delete, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from patientlab.core.models import UTCDateTime, utcnow
from patientlab.core.sanitize import without_forbidden
from patientlab.core.transaction import unit_of_work
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
    # A message of a kind the person controls (core.notifications): whose it is, its
    # kind, what it is about (checked again before a summary), the summary it is held
    # for (« daily », « weekly ») and the summary that carried it; its one-click
    # unsubscribe address when sent on its own.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                index=True)
    kind: Mapped[str] = mapped_column(String(30), default="", server_default="")
    about: Mapped[str] = mapped_column(String(60), default="", server_default="")
    digest: Mapped[str] = mapped_column(String(10), default="", server_default="", index=True)
    digest_id: Mapped[int | None] = mapped_column(Integer)
    unsubscribe_url: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Who the message is from when not the platform (a network's own name and address).
    sender: Mapped[str] = mapped_column(String(400), default="", server_default="")

    def to_email(self, sender: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender or sender
        msg["To"] = self.recipient
        msg["Subject"] = self.subject
        msg["Date"] = formatdate(self.created_at.timestamp(), localtime=False)
        msg["Message-ID"] = make_msgid(idstring=f"outbox{self.id}", domain="patientlab.fr")
        if self.unsubscribe_url:
            # RFC 8058: one click in the mail program turns this kind of message off.
            msg["List-Unsubscribe"] = f"<{self.unsubscribe_url}>"
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        msg.set_content(self.body_text)
        if self.attachment_name:
            # « text/calendar; method=CANCEL »: the type, then its parameters.
            kind, *parameters = (part.strip() for part in self.attachment_type.split(";"))
            maintype, _, subtype = kind.partition("/")
            params = dict(p.split("=", 1) for p in parameters if "=" in p)
            msg.add_attachment(self.attachment_body.encode("utf-8"), maintype=maintype,
                               subtype=subtype, filename=self.attachment_name, params=params)
        return msg


#: Registered by a feature that speaks for someone else than the platform (a network):
#: called when a message is written, it returns ``(From header, signer)`` or None for
#: the platform's own. ``signer`` (a name, a contact address) signs the message.
SENDER_REGISTRY = "patientlab.mail.sender"


def sender_hook(hook) -> None:
    current_app.extensions[SENDER_REGISTRY] = hook


def queue_mail(recipient: str, subject: str, template: str, *, locale: str = "fr",
               attachment: tuple[str, str, str] | None = None, **context):
    """Render ``templates/mail/<template>.txt`` in ``locale`` and add it to the outbox.

    ``subject`` should be a lazy string so it is translated in ``locale`` too.
    """
    hook = current_app.extensions.get(SENDER_REGISTRY)
    found = hook() if hook is not None else None
    sender, signer = found if found is not None else ("", None)
    context.setdefault("signer", signer)
    with force_locale(locale):
        # Nothing HTML forbids reaches a mail, even from a text stored before input was
        # cleaned (core.sanitize.without_forbidden).
        message = OutboxMessage(
            recipient=recipient,
            subject=without_forbidden(str(subject)),
            body_text=without_forbidden(render_template(f"mail/{template}.txt", **context)),
            sender=sender,
        )
    if attachment is not None:
        name, kind, body = attachment
        message.attachment_name, message.attachment_type, message.attachment_body = (
            name, kind, without_forbidden(body))
    db.session.add(message)
    db.session.flush()
    g.outbox_dirty = True
    return message


def language_of(user, fallback: str | None = None) -> str:
    """The language a person reads their mail in: theirs, else ``fallback``, else French."""
    return getattr(user, "locale", None) or fallback or "fr"


def notify(user, subject, template: str, *, kind: str | None = None, about: str = "",
           fallback_locale: str | None = None, **context) -> OutboxMessage | None:
    """Mail ``user`` in their own language; the template receives ``user`` too.

    A message of a ``kind`` the person controls (core.notifications) follows their
    choice: sent now with a one-click unsubscribe, held for their summary, or not
    written at all (None). ``about`` (« answer:12 ») names what it speaks of, so that a
    summary can leave it out if the person may no longer see it. Messages without a
    kind (security, decisions, registrations) always go.
    """
    from patientlab.core import notifications

    locale = language_of(user, fallback_locale)
    frequency = notifications.frequency_of(user, kind) if kind else None
    if frequency == notifications.NEVER:
        return None
    message = queue_mail(user.email, subject, template, locale=locale, user=user, **context)
    if kind:
        message.user_id, message.kind, message.about = user.id, kind, about
        message.body_text += notifications.settings_footer(locale)
        if frequency == notifications.IMMEDIATELY:
            message.unsubscribe_url = notifications.unsubscribe_url(user, [kind])
        else:
            message.digest = frequency
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
        # The id only: an address or a subject in a log would outlive the person's erasure.
        log.info("mail %s written to %s", outbox_id, path)


# How long a message is held by the sender that claimed it. A sender that dies after
# its claim leaves the message to be tried again once this has passed: never lost.
CLAIM_SECONDS = 10 * 60


def _claim(due: list, now: datetime, sender: str) -> list[tuple[int, int, EmailMessage]]:
    """Take the due messages for this sender, atomically, in one short transaction:
    [(id, attempts before, EmailMessage)] of those this sender got.

    A conditional UPDATE on the attempt count this sender read: of two senders at once
    (two app servers after their requests, cron beside a request), exactly one changes
    each row, on SQLite as on PostgreSQL (where the second waits for the first's commit,
    then finds the count changed). The claim is committed before sending, so the other
    sender skips the message while it is being sent. The transaction starts with its
    write, so SQLite never has to turn a read lock into a write lock.
    """
    claimed = []
    with unit_of_work():
        for message_id, seen_attempts in due:
            taken = db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None),
                       OutboxMessage.attempts == seen_attempts)
                .values(attempts=seen_attempts + 1,
                        next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
                .execution_options(synchronize_session=False)).rowcount == 1
            if taken:
                message = db.session.get(OutboxMessage, message_id, populate_existing=True)
                claimed.append((message_id, seen_attempts, message.to_email(sender)))
    return claimed


def _record(message_id: int, **values) -> None:
    """A message's outcome, saved at once: a message sent is never sent again."""
    with unit_of_work():
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                           .values(**values).execution_options(synchronize_session=False))


def send_pending(now: datetime | None = None,
                 transport: Transport | None = None) -> tuple[int, int]:
    """Try every due message once, each sent by exactly one sender. Returns (sent, failed).

    Nothing is held open while a message is being sent: the claim of all and the result
    of each are their own short transactions (core.transaction.unit_of_work).
    """
    now = now or utcnow()
    transport = transport or Transport()
    sender = current_app.config["MAIL_FROM"]
    with unit_of_work():  # the reading transaction ends before the claim
        due = db.session.execute(
            select(OutboxMessage.id, OutboxMessage.attempts)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.digest == "")
            .where(or_(OutboxMessage.next_attempt_at <= now, OutboxMessage.attempts == 0))
            .order_by(OutboxMessage.id)
        ).all()
    if not due:
        return 0, 0
    sent = failed = 0
    for message_id, attempts, email in _claim(due, now, sender):
        try:
            transport.send(email, message_id)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
            _record(message_id, last_error=error, next_attempt_at=now + backoff(
                attempts + 1, current_app.config["MAIL_MAX_BACKOFF_SECONDS"]))
            failed += 1
            log.warning("mail %s failed (attempt %s): %s", message_id, attempts + 1, error)
        else:
            _record(message_id, sent_at=now, last_error=None)
            sent += 1
    return sent, failed


# --- Personal data in mail -------------------------------------------------------------


def _saved_copy(message_id: int) -> Path:
    directory = Path(current_app.config["MAIL_DIR"] or Path(current_app.instance_path) / "mail")
    return directory / f"{message_id:06d}.eml"


def _delete_messages(condition) -> int:
    from patientlab.core.files import delete_file

    ids = list(db.session.scalars(select(OutboxMessage.id).where(condition)))
    for message_id in ids:
        delete_file(db.session(), _saved_copy(message_id))
    if ids:
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids))
                           .execution_options(synchronize_session=False))
    return len(ids)


def forget_recipient(address: str) -> int:
    """Erasure: every message to ``address`` goes, sent or not, with its saved copy
    (the files go once the transaction commits). Returns how many."""
    return _delete_messages(func.lower(OutboxMessage.recipient) == address.lower())


def purge_sent(days: int, now: datetime | None = None) -> int:
    """Retention: messages sent more than ``days`` ago go, with their saved copies; only
    their number is kept, in the journal."""
    from patientlab.core import audit

    now = now or utcnow()
    count = _delete_messages(OutboxMessage.sent_at < now - timedelta(days=days))
    if count:
        audit.record(None, "outbox.purged", object_type="outbox_message",
                     summary=f"{count} messages envoyés depuis plus de {days} jours")
    return count


def send_after_commit() -> None:
    """After a request committed (core.transaction.after_commit): deliver what it queued.
    A failure leaves the messages queued, for the next sender."""
    if not g.pop("outbox_dirty", False) or not current_app.config["MAIL_SEND_AFTER_COMMIT"]:
        return
    send_pending()
