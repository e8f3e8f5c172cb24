"""What is live on the platform, for the home page: each feature registers what it has
to show (the next evenings, the open calls, the latest projects); the home page knows no
feature and lists ``highlights()``.
"""

from collections.abc import Callable
from dataclasses import dataclass


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


@dataclass(frozen=True)
class Shown:
    highlight: Highlight
    items: list[Item]


_HIGHLIGHTS: dict[str, Highlight] = {}


def register(highlight: Highlight) -> None:
    _HIGHLIGHTS[highlight.key] = highlight


def highlights(limit: int = 3) -> list[Shown]:
    return [Shown(h, h.items(limit))
            for h in sorted(_HIGHLIGHTS.values(), key=lambda h: (h.order, h.key))]
