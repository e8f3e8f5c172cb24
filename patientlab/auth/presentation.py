"""The presentation a person writes on « Mon compte » is kept (and moderated) by the
members feature, which plugs itself in here from its init_app: accounts never import it.

Without a provider the field has nowhere to go and the profile saves the rest.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PresentationProvider:
    load: Callable  # (user) -> the presentation (body, moderation_state, is_published) or None
    save: Callable  # (user, text) -> None; may raise ServiceError(field="bio")


_provider: list[PresentationProvider] = []


def register(provider: PresentationProvider) -> None:
    _provider[:] = [provider]


def presentation_of(user):
    return _provider[0].load(user) if _provider else None


def save_presentation(user, text: str) -> None:
    if _provider:
        _provider[0].save(user, text)
