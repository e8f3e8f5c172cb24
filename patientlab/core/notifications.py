"""Notifications people control: per kind of message, *immediately*, a *daily* or
*weekly* summary, or *never*; and the subjects they follow (an evening's theme, a
project's cancer type).

Features register their kinds and topics from their init_app. A message of a kind goes
through ``notify(user, …, kind=…)`` (core.mail): sent now with a one-click unsubscribe
(RFC 8058), held in the outbox for the person's summary, or not written at all. Messages
needed for safety or the law (password, security, a decision about one's content or
account, one's registrations) have no kind: they always go, and the settings page says
so.

The summaries are built from the held outbox messages by auth.digests (the hourly
``flask reminders send``): one mail per person and period, in their language, every
day at 8:00 or every Monday at 8:00 (Paris); a second run in the same period sends
nothing (a row per person, frequency and period, unique). A held message whose subject
the person may no longer see (a hidden answer, a cancelled evening, an assignment
withdrawn) is left out: each feature registers the check for what its messages are
``about``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from patientlab.core.days import PARIS
from patientlab.core.models import UTCDateTime, utcnow
from patientlab.core.registries import registry
from patientlab.extensions import db

IMMEDIATELY = "immediately"
DAILY = "daily"
WEEKLY = "weekly"
NEVER = "never"
FREQUENCIES = {IMMEDIATELY: _l("tout de suite"), DAILY: _l("un résumé par jour"),
               WEEKLY: _l("un résumé par semaine"), NEVER: _l("jamais")}
#: The summaries go at this hour (Paris), every day or every Monday.
DIGEST_HOUR = 8
#: How long the unsubscribe link of a mail works.
UNSUBSCRIBE_MAX_AGE = 365 * 24 * 3600
UNSUBSCRIBE = "notifications-unsubscribe"

#: What always goes, whatever the settings (shown on the settings page).
ALWAYS_SENT = (
    _l("votre mot de passe, votre adresse e-mail et la sécurité de votre compte"),
    _l("les décisions sur votre compte et sur ce que vous écrivez (modération, "
       "publication, décision sur votre candidature)"),
    _l("vos inscriptions aux soirées : confirmation, liste d’attente, changements, "
       "rappels"),
    _l("la réponse à vos demandes de rôle"),
)


@dataclass(frozen=True)
class Kind:
    key: str
    label: object  # a lazy string: « Relectures : affectations et rappels »
    hint: object = ""
    default: str = IMMEDIATELY
    order: int = 100
    roles: tuple[str, ...] | None = None  # who may get these (None: everyone)


@dataclass(frozen=True)
class Topic:
    """Something a person can follow: new evenings of a theme, new projects of a
    cancer type. Following is opt-in; the messages are of ``kind``."""

    key: str
    label: object
    choices: Callable[[], list[tuple[str, object]]]
    kind: str
    order: int = 100


@dataclass(frozen=True)
class Followed:
    """Things a person follows one at a time, from their own page (a project): the
    settings page lists those still shown, and a box unticked stops following one.
    ``describe(values)`` → [(value, title)] of those that can still be seen."""

    key: str  # the subscriptions' topic
    label: object
    describe: Callable[[list[str]], list[tuple[str, str]]]
    order: int = 100


def _kinds() -> dict[str, Kind]:
    """This application's registry (core.registries)."""
    return registry("patientlab.notifications.kinds")


def _topics() -> dict[str, Topic]:
    """This application's registry (core.registries)."""
    return registry("patientlab.notifications.topics")


def _followed() -> dict[str, Followed]:
    """This application's registry (core.registries)."""
    return registry("patientlab.notifications.followed")


def _checks() -> dict[str, Callable[[object, int], bool]]:
    """This application's registry (core.registries)."""
    return registry("patientlab.notifications.checks")


def register_kind(kind: Kind) -> None:
    _kinds()[kind.key] = kind


def register_topic(topic: Topic) -> None:
    _topics()[topic.key] = topic


def register_followed(followed: Followed) -> None:
    _followed()[followed.key] = followed


def followed_kinds() -> list[Followed]:
    return sorted(_followed().values(), key=lambda f: (f.order, f.key))


def register_check(about: str, check: Callable[[object, int], bool]) -> None:
    """``check(user, object_id)``: may ``user`` still see what a message ``about``
    « <about>:<id> » speaks of?"""
    _checks()[about] = check


def kinds(user=None) -> list[Kind]:
    """Every kind, or those ``user`` may receive (their roles)."""
    from patientlab.core.permissions import has_any

    return sorted((k for k in _kinds().values()
                   if user is None or k.roles is None or has_any(user, k.roles)),
                  key=lambda k: (k.order, k.key))


def topics() -> list[Topic]:
    return sorted(_topics().values(), key=lambda t: (t.order, t.key))


class NotificationSetting(db.Model):
    __tablename__ = "notification_setting"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    frequency: Mapped[str] = mapped_column(String(12))


class Subscription(db.Model):
    __tablename__ = "notification_subscription"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    topic: Mapped[str] = mapped_column(String(30), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    # Since when (None: a follow made before the date was kept).
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow,
                                                        nullable=True)


class DigestRun(db.Model):
    """One summary sent to a person for a period: what makes the job idempotent."""

    __tablename__ = "notification_digest"
    __table_args__ = (UniqueConstraint("user_id", "frequency", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    frequency: Mapped[str] = mapped_column(String(12))
    period: Mapped[str] = mapped_column(String(12))  # « 2026-12-01 », « 2026-W49 »
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- Settings ----------------------------------------------------------------------


def settings_of(user) -> dict[str, str]:
    """kind → frequency, the defaults where the person chose nothing."""
    chosen = dict(db.session.execute(select(NotificationSetting.kind,
                                            NotificationSetting.frequency)
                                     .where(NotificationSetting.user_id == user.id)).all())
    return {kind.key: chosen.get(kind.key, kind.default) for kind in kinds(user)}


def frequency_of(user, kind: str) -> str:
    chosen = db.session.get(NotificationSetting, (user.id, kind))
    if chosen is not None:
        return chosen.frequency
    return _kinds()[kind].default if kind in _kinds() else IMMEDIATELY


def set_frequency(user, kind: str, frequency: str) -> None:
    if kind not in _kinds() or frequency not in FREQUENCIES:
        raise ValueError(f"unknown kind or frequency: {kind!r} {frequency!r}")
    row = db.session.get(NotificationSetting, (user.id, kind))
    if row is None:
        db.session.add(NotificationSetting(user_id=user.id, kind=kind, frequency=frequency))
    else:
        row.frequency = frequency


def save_settings(user, frequencies: dict[str, str], follows: dict[str, list[str]],
                  kept: dict[str, list[str]] | None = None) -> None:
    """The settings page: every kind's frequency, every topic's followed values, and of
    the things followed one at a time (``Followed``) those listed and still ticked in
    ``kept`` (None: left as they are)."""
    from patientlab.core import audit

    if kept is not None:
        held = follows_of(user)
        for followed in followed_kinds():
            shown = {value for value, _title in followed.describe(held.get(followed.key, []))}
            dropped = shown - set(kept.get(followed.key, ()))
            if dropped:
                db.session.execute(delete(Subscription).where(
                    Subscription.user_id == user.id, Subscription.topic == followed.key,
                    Subscription.value.in_(sorted(dropped)))
                    .execution_options(synchronize_session=False))
    for kind, frequency in frequencies.items():
        set_frequency(user, kind, frequency)
    for topic in topics():
        valid = {value for value, _label in topic.choices()}
        wanted = set(follows.get(topic.key, ())) & valid
        db.session.execute(delete(Subscription).where(
            Subscription.user_id == user.id, Subscription.topic == topic.key,
            Subscription.value.not_in(wanted) if wanted else Subscription.value.is_not(None))
            .execution_options(synchronize_session=False))
        held = set(db.session.scalars(select(Subscription.value).where(
            Subscription.user_id == user.id, Subscription.topic == topic.key)))
        for value in sorted(wanted - held):
            db.session.add(Subscription(user_id=user.id, topic=topic.key, value=value))
    audit.record(user, "notifications.settings", user)


def follow_dates(user) -> dict[tuple[str, str], datetime | None]:
    """(topic, value) → since when the person follows it."""
    return {(topic, value): since for topic, value, since in db.session.execute(
        select(Subscription.topic, Subscription.value, Subscription.created_at)
        .where(Subscription.user_id == user.id))}


def follows_of(user) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {topic.key: [] for topic in topics()}
    for topic, value in db.session.execute(select(Subscription.topic, Subscription.value)
                                           .where(Subscription.user_id == user.id)):
        result.setdefault(topic, []).append(value)
    return result


def followers(topic: str, values) -> list[int]:
    """The ids of the people following any of ``values`` of ``topic``, once each."""
    values = [str(v) for v in values]
    if not values:
        return []
    return sorted(set(db.session.scalars(select(Subscription.user_id).where(
        Subscription.topic == topic, Subscription.value.in_(values)))))


def is_following(user, topic: str, value) -> bool:
    return db.session.get(Subscription, (user.id, topic, str(value))) is not None


def follow(user, topic: str, value) -> bool:
    """One follow per person and thing (a project): True when it is new."""
    if is_following(user, topic, value):
        return False
    db.session.add(Subscription(user_id=user.id, topic=topic, value=str(value)))
    db.session.flush()
    return True


def unfollow(user, topic: str, value) -> bool:
    row = db.session.get(Subscription, (user.id, topic, str(value)))
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def follower_counts(topic: str, values) -> dict[str, int]:
    """value → how many people follow it (values nobody follows are left out)."""
    from sqlalchemy import func

    values = [str(v) for v in values]
    if not values:
        return {}
    return dict(db.session.execute(
        select(Subscription.value, func.count()).where(
            Subscription.topic == topic, Subscription.value.in_(values))
        .group_by(Subscription.value)).all())


# --- One-click unsubscribe (RFC 8058) ---------------------------------------------


def unsubscribe_token(user, kinds_: list[str]) -> str:
    from patientlab.core.security import make_token

    return make_token(UNSUBSCRIBE, {"u": user.id, "k": sorted(kinds_)})


def read_unsubscribe_token(token: str) -> tuple[int, list[str]]:
    """(user id, kinds) of a valid token; TokenError otherwise."""
    from patientlab.core.security import TokenError, read_token

    payload = read_token(UNSUBSCRIBE, token, UNSUBSCRIBE_MAX_AGE)
    if (not isinstance(payload, dict) or not isinstance(payload.get("u"), int)
            or not isinstance(payload.get("k"), list)
            or not all(k in _kinds() for k in payload["k"])):
        raise TokenError(expired=False)
    return payload["u"], payload["k"]


def unsubscribe(user, kinds_: list[str]) -> None:
    """Those kinds, and only those, are turned off."""
    from patientlab.core import audit

    for kind in kinds_:
        set_frequency(user, kind, NEVER)
    audit.record(None, "notifications.unsubscribed", user, summary=", ".join(kinds_))


def unsubscribe_url(user, kinds_: list[str]) -> str:
    from patientlab.core.urls import external_url

    return external_url(_pages()["unsubscribe"], token=unsubscribe_token(user, kinds_))


# --- Summaries ---------------------------------------------------------------------


def period_of(frequency: str, now: datetime) -> str | None:
    """The period a summary sent now belongs to, or None when none is due: the day
    (daily, from 8:00) or the ISO week (weekly, on Mondays from 8:00)."""
    local = now.astimezone(PARIS)
    if local.time() < time(DIGEST_HOUR):
        return None
    if frequency == DAILY:
        return local.date().isoformat()
    if local.weekday() != 0:
        return None
    year, week, _day = local.isocalendar()
    return f"{year}-W{week:02d}"


def still_visible(user, about: str) -> bool:
    if not about:
        return True
    name, _, object_id = about.partition(":")
    check = _checks().get(name)
    if check is None or not object_id.isdigit():
        return True
    return check(user, int(object_id))


# The accounts layer says where its settings and unsubscribe pages are.
def _pages() -> dict[str, str]:
    """This application's registry (core.registries)."""
    return registry("patientlab.notifications.pages")


def register_pages(*, settings: str, unsubscribe: str) -> None:
    _pages().update(settings=settings, unsubscribe=unsubscribe)


def settings_url() -> str:
    from patientlab.core.urls import external_url

    return external_url(_pages()["settings"])


def settings_footer(locale: str) -> str:
    with force_locale(locale):
        return render_template("mail/_notifications.txt", settings_url=settings_url())
