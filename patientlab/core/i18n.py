"""Language and time zone choice, and locale-aware formatting helpers.

The language comes from, in order: the logged-in user's saved choice, the
``lang`` cookie of a visitor, the browser's Accept-Language, then French.
Dates are always shown in Europe/Paris.
"""

import re

from flask import current_app, g, has_app_context, request
from flask_babel import (
    Domain,
    format_date,
    format_datetime,
    format_decimal,
    format_time,
    get_domain,
    get_locale,
    gettext,
    ngettext,
)
from flask_login import current_user

LANG_COOKIE = "lang"
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def supported_languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    languages = supported_languages()
    forced = getattr(g, "forced_locale", None)
    if forced in languages:
        return forced
    if not request:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    user = current_user._get_current_object()  # the proxy resolved once
    if user is not None and user.is_authenticated and user.locale in languages:
        return user.locale
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in languages:
        return cookie
    best = request.accept_languages.best_match(languages)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


# French writes the first of the month as an ordinal: « 1er décembre », never « 1 décembre ».
_FIRST_OF_MONTH = re.compile(r"(?<!\d)1 (?=[^\W\d])")


def _first_of_month(text: str) -> str:
    return _FIRST_OF_MONTH.sub("1er ", text) if str(get_locale()) == "fr" else text


def date_long(value) -> str:
    """« 28 novembre 2026 », « 1er décembre 2026 » / "November 28, 2026"."""
    return _first_of_month(format_date(value, format="long")) if value else ""


def date_full(value) -> str:
    """« mardi 1er décembre 2026 » / "Tuesday, December 1, 2026", with the weekday."""
    return _first_of_month(format_date(value, format="full")) if value else ""


def datetime_long(value) -> str:
    """« 28 novembre 2026 à 18:30 » in Europe/Paris."""
    if not value:
        return ""
    return gettext(
        "%(date)s à %(time)s",
        date=date_long(value),
        time=format_time(value, format="short"),
    )


def datetime_short(value) -> str:
    return format_datetime(value, format="short") if value else ""


def time_short(value) -> str:
    """« 18:30 » / "6:30 PM" in Europe/Paris."""
    return format_time(value, format="short") if value else ""


def decimal(value) -> str:
    """« 3,5 » / "3.5": at most one decimal, none when whole; a dash when missing."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0.#")


def duration(seconds) -> str:
    """« une heure », « 2 heures », « 30 minutes »: how long something lasts, in words,
    the same on the page and in the mail (from the setting in seconds)."""
    seconds = int(seconds)
    if seconds >= 3600 and seconds % 3600 == 0:
        return ngettext("une heure", "%(num)d heures", seconds // 3600)
    return ngettext("%(num)d minute", "%(num)d minutes", max(1, seconds // 60))


class RequestCachedDomain(Domain):
    """Flask-Babel's domain, with the translations of the current locale kept on the
    request: a page calls gettext hundreds of times (labels, lazy strings), and the
    stock lookup goes through several context proxies each time."""

    def get_translations(self):
        ctx = g.get("_flask_babel") if has_app_context() else None
        locale = getattr(ctx, "babel_locale", None)
        if locale is None:
            return super().get_translations()
        cache = ctx.__dict__.setdefault("patientlab_translations", {})
        try:
            return cache[locale]
        except KeyError:
            translations = cache[locale] = super().get_translations()
            return translations


def _translations():
    return get_domain().get_translations()


def install_fast_translations(app, babel) -> None:
    babel.__dict__["domain_instance"] = RequestCachedDomain(domain="messages")
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True)
