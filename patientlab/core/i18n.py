"""Language and time zone choice, and locale-aware formatting helpers.

The language comes from, in order: the logged-in user's saved choice, the
``lang`` cookie of a visitor, the browser's Accept-Language, then French.
Dates are always shown in Europe/Paris.
"""

import re

from flask import current_app, g, request
from flask_babel import (
    force_locale,
    format_date,
    format_decimal,
    format_time,
    get_locale,
    gettext,
    ngettext,
    refresh,
)
from flask_login import current_user
from markupsafe import Markup, escape

LANG_COOKIE = "lang"
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
# The language people write their content in (titles, summaries, comments, questions):
# the platform is French first, whatever language a reader chose for its pages.
CONTENT_LANGUAGE = "fr"


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
    preferred = getattr(g, "preferred_locale", None)
    if preferred in languages:
        return preferred
    best = request.accept_languages.best_match(languages)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def prefer_language(code: str | None) -> None:
    """The language a page's subject was chosen in (a registration made in English): the
    page is shown in it unless the reader chose theirs (account or cookie); it comes
    before what the browser says."""
    g.preferred_locale = code
    refresh()


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


# --- User content in a page of another language (WCAG 3.1.2) ----------------------------


class Translated(str):
    """A text from the catalogue, already in the reader's language: not user content."""


class Written(str):
    """Someone's own words among texts of the catalogue (a project's teaser among the
    dates and counts of a card): the template marks it with ``|written`` when the test
    ``is user_written`` says so."""


def user_written(value) -> bool:
    return isinstance(value, Written)


def _page_language() -> str:
    return str(get_locale() or CONTENT_LANGUAGE).split("_")[0]


def content_lang() -> Markup:
    """` lang="fr"` for an element holding user content when the page is not French, so
    that screen readers read it with French rules (WCAG 3.1.2); nothing on a French page.
    For blocks: ``<p class="multiline"{{ content_lang() }}>{{ text }}</p>``."""
    if _page_language() == CONTENT_LANGUAGE:
        return Markup("")
    return Markup(' lang="%s"') % CONTENT_LANGUAGE


def written(value) -> Markup:
    """The ``|written`` filter: user content, escaped, in a ``<span lang="fr">`` when the
    page is not French. A text of the catalogue (``Translated``) is in the page's language
    and stays as it is. Not for attributes or ``<title>``, which take plain text."""
    if value is None or value == "":
        return Markup("")
    if isinstance(value, Translated) or _page_language() == CONTENT_LANGUAGE:
        return escape(value)
    return Markup('<span lang="%s">%s</span>') % (CONTENT_LANGUAGE, value)


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_KNOWN: dict[tuple[int, str], dict[str, object]] = {}


def _plain(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def known_text(text: str, known) -> str:
    """``text`` as stored, in the reader's language when it is one of the ``known`` lazy
    strings as written in the content language (the default questions of a call are
    stored in French when the call is created): then a ``Translated``. Any other text is
    someone's own words and comes back unchanged."""
    if not text:
        return text
    key = (id(known), CONTENT_LANGUAGE)
    table = _KNOWN.get(key)
    if table is None:
        with force_locale(CONTENT_LANGUAGE):
            table = {_plain(str(lazy)): lazy for lazy in known}
        _KNOWN[key] = table
    lazy = table.get(_plain(text))
    return text if lazy is None else Translated(str(lazy))
