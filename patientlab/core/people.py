"""Where a person's page is, for the pages that name people (questions, moderation,
« Mon compte »): the members feature registers it from its init_app, so that no lower
layer's template names a feature's endpoint. Without it, people are named without a link.
"""

from collections.abc import Callable

from patientlab.core.registries import registry

KEY = "patientlab.people"


def register_person_page(url_of: Callable[[int], str]) -> None:
    registry(KEY)["page"] = url_of


def person_url(user) -> str | None:
    """The address of ``user``'s page, or None (no such page, or an erased account)."""
    if user is None or not getattr(user, "active", False):
        return None
    url_of = registry(KEY).get("page")
    return url_of(user.id) if url_of else None
