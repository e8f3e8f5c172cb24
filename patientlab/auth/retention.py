"""Retention jobs (CNIL's proportionate periods), all run by `flask privacy purge`.

- accounts never confirmed: erased after UNVERIFIED_ACCOUNT_DAYS (30);
- accounts without a login for INACTIVE_ACCOUNT_DAYS (2 years): warned by mail, then
  erased INACTIVITY_WARNING_DAYS later if still unused (a login cancels it);
- event registrations: names, e-mails and needs erased EVENT_PURGE_DAYS after the event;
- sent mail (addresses, names and bodies, and the saved .eml copies): erased
  OUTBOX_KEEP_DAYS after it was sent, only the number kept in the journal;
- forms kept after a session expired (core.kept): erased past KEPT_FORM_MAX_AGE;
- the audit trail is kept: it is append-only and holds no health data.

Running it twice in a row changes nothing the second time.
"""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from patientlab.core import privacy
from patientlab.core.mail import notify, purge_sent
from patientlab.core.models import utcnow
from patientlab.core.urls import external_url
from patientlab.extensions import db

from .erasure import erase_account
from .models import User


def purge(now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    cfg = current_app.config
    counts = {"unverified_erased": 0, "inactive_warned": 0, "inactive_erased": 0}
    live = User.active.is_(True)

    for user in db.session.scalars(select(User).where(
            live, User.email_verified_at.is_(None),
            User.created_at < now - timedelta(days=cfg["UNVERIFIED_ACCOUNT_DAYS"]))):
        erase_account(user, None, now=now, reason="unverified")
        counts["unverified_erased"] += 1

    last_seen = func.coalesce(User.last_login_at, User.created_at)
    inactive_since = now - timedelta(days=cfg["INACTIVE_ACCOUNT_DAYS"])
    warning = timedelta(days=cfg["INACTIVITY_WARNING_DAYS"])
    # A login after the warning cancels it.
    for user in db.session.scalars(select(User).where(
            live, User.inactivity_warned_at.is_not(None),
            User.last_login_at > User.inactivity_warned_at)):
        user.inactivity_warned_at = None
    db.session.flush()
    for user in db.session.scalars(select(User).where(
            live, User.email_verified_at.is_not(None), last_seen < inactive_since + warning,
            User.inactivity_warned_at.is_(None))):
        user.inactivity_warned_at = now
        notify(user, _l("Votre compte PatientLab va être supprimé"), "inactive_account",
               days=cfg["INACTIVITY_WARNING_DAYS"], url=external_url("auth.login"))
        counts["inactive_warned"] += 1
    for user in db.session.scalars(select(User).where(
            live, User.inactivity_warned_at.is_not(None),
            User.inactivity_warned_at <= now - warning,
            or_(User.last_login_at.is_(None),
                and_(User.last_login_at <= User.inactivity_warned_at)))):
        erase_account(user, None, now=now, reason="inactive")
        counts["inactive_erased"] += 1

    counts.update({f"{name}_erased": count for name, count in privacy.purge(now).items()})
    counts["mail_erased"] = purge_sent(cfg["OUTBOX_KEEP_DAYS"], now=now)
    db.session.flush()
    return counts
