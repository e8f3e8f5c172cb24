"""What is live on the platform, for the home page: each feature registers what it has
to show (the next evenings, the open calls, the latest projects); the home page knows no
feature and lists ``highlights()``.

The lists are the same for everyone: they are kept in memory per language, application
root and versions of the scopes the highlights show (core.page_cache), so a change shows
at once, and per minute window for what changes with the clock alone (an evening that
has begun).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_AGE = 60


@dataclass(frozen=True)
class Item:
    title: str
    href: str
    facts: tuple[str, ...] = ()  # short lines: a date, places left, a deadline


@dataclass(frozen=True)
class Highlight:
    order: int
    key: str  # also the id of the section's heading
    title: object  # a lazy string
    items: Callable[[int], list[Item]]  # at most that many, newest or soonest first
    more_endpoint: str
    more_label: object
    empty: object  # what to say when there is nothing (and what one can do instead)
    shows: tuple[str, ...] = ()  # the scopes of core.page_cache its items come from


@dataclass(frozen=True)
class Shown:
    highlight: Highlight
    items: list[Item]


_HIGHLIGHTS: dict[str, Highlight] = {}


def register(highlight: Highlight) -> None:
    _HIGHLIGHTS[highlight.key] = highlight


@dataclass(frozen=True)
class Live:
    """The sections to show, and what names this very list (None when it was not kept):
    the home page's HTML around it is kept per stamp too (core.fragments)."""
    sections: list[Shown]
    stamp: tuple | None = None

    def __iter__(self):
        return iter(self.sections)


_CACHE: dict[tuple, Live] = {}


def _made(limit: int) -> list[Shown]:
    return [Shown(h, h.items(limit))
            for h in sorted(_HIGHLIGHTS.values(), key=lambda h: (h.order, h.key))]


def scopes() -> tuple[str, ...]:
    """Every scope the highlights show (the home page's key)."""
    return tuple(sorted({name for h in _HIGHLIGHTS.values() for name in h.shows}))


def highlights(limit: int = 3) -> Live:
    from flask import current_app
    from flask_babel import get_locale

    from patientlab.core import page_cache
    from patientlab.core.urls import link_root

    if not current_app.config.get("HIGHLIGHTS_CACHE", True):
        return Live(_made(limit))
    # The items' links start with the application's root: part of the key.
    names = scopes()
    from flask import has_request_context, request

    # the host name may be a network's own, which the « all of them » links lead to
    host = request.host.lower() if has_request_context() else ""
    key = (page_cache.scope(), str(get_locale()), link_root(), host, limit,
           int(time.time() // MAX_AGE), names, page_cache.current_version(*names))
    found = _CACHE.get(key)
    if found is not None:
        return found
    live = Live(_made(limit), key)
    _CACHE.clear()  # older versions are of no use any more
    _CACHE[key] = live
    return live


def clear() -> None:
    _CACHE.clear()
