"""The daily and weekly summaries (core.notifications), built from the held outbox
messages of each person, sent by the hourly `flask reminders send`.

One summary per person, frequency and period (a unique row): running the job twice in
a period sends nothing more. Each summary is written in the person's language and lists
only what they may still see; a held message whose subject is gone (hidden, cancelled,
withdrawn) is dropped.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from patientlab.core import notifications as n
from patientlab.core.mail import OutboxMessage, queue_mail
from patientlab.core.models import utcnow
from patientlab.extensions import db

from .models import User

SUBJECTS = {n.DAILY: _l("Votre résumé du jour sur PatientLab"),
            n.WEEKLY: _l("Votre résumé de la semaine sur PatientLab")}


def _people_with_held(frequency: str) -> list[int]:
    return list(db.session.scalars(select(OutboxMessage.user_id).where(
        OutboxMessage.digest == frequency, OutboxMessage.sent_at.is_(None),
        OutboxMessage.user_id.is_not(None)).distinct().order_by(OutboxMessage.user_id)))


def _claim_period(user_id: int, frequency: str, period: str, now: datetime) -> bool:
    """Record this period's summary; False when it was already recorded."""
    try:
        with db.session.begin_nested():
            db.session.add(n.DigestRun(user_id=user_id, frequency=frequency, period=period,
                                       sent_at=now))
    except IntegrityError:
        return False
    return True


def _summarise(user: User, frequency: str, period: str, now: datetime) -> bool:
    """Queue ``user``'s summary of the held messages; True when one was queued."""
    held = list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.user_id == user.id, OutboxMessage.digest == frequency,
        OutboxMessage.sent_at.is_(None), OutboxMessage.created_at <= now)
        .order_by(OutboxMessage.id)))
    if not held or not _claim_period(user.id, frequency, period, now):
        return False
    shown = []
    for message in held:
        if n.still_visible(user, message.about):
            shown.append(message)
        else:
            db.session.delete(message)  # no longer theirs to see
    if not shown:
        return False
    digest = queue_mail(user.email, SUBJECTS[frequency], "digest", locale=user.locale or "fr",
                        user=user, messages=shown, frequency=frequency,
                        settings_url=n.settings_url())
    digest.user_id = user.id
    digest.unsubscribe_url = n.unsubscribe_url(user, sorted({m.kind for m in shown if m.kind}))
    for message in shown:
        message.sent_at = now
        message.digest_id = digest.id
    return True


def send_digests(now: datetime | None = None) -> int:
    """Every person's due summary, once per period. Returns how many were queued."""
    now = now or utcnow()
    queued = 0
    for frequency in (n.DAILY, n.WEEKLY):
        period = n.period_of(frequency, now)
        if period is None:
            continue
        for user_id in _people_with_held(frequency):
            user = db.session.get(User, user_id)
            if user is not None and user.active and _summarise(user, frequency, period, now):
                queued += 1
    return queued


def digest_text(message: OutboxMessage) -> str:
    """A held message's own words, for the summary: without its greeting, its signature
    and its settings line (the summary has them once)."""
    text = message.body_text.split("\n--\n", 1)[0]
    lines = text.strip("\n").split("\n")
    if lines and lines[0].rstrip().endswith(","):
        lines = lines[1:]
    return "\n".join(lines).strip("\n")
