"""Where a person's page is, for the pages that name people (questions, moderation,
« Mon compte »): the members feature registers it from its init_app, so that no lower
layer's template names a feature's endpoint. Without it, people are named without a link.
"""

from collections.abc import Callable

_page: list[Callable[[int], str]] = []


def register_person_page(url_of: Callable[[int], str]) -> None:
    _page[:] = [url_of]


def person_url(user) -> str | None:
    """The address of ``user``'s page, or None (no such page, or an erased account)."""
    if user is None or not getattr(user, "active", False) or not _page:
        return None
    return _page[0](user.id)
