"""The presentation a person writes on « Mon compte » is kept (and moderated) by the
members feature, which plugs itself in here from its init_app: accounts never import it.

Without a provider the field has nowhere to go and the profile saves the rest.
"""

from collections.abc import Callable
from dataclasses import dataclass

from patientlab.core.registries import registry


@dataclass(frozen=True)
class PresentationProvider:
    load: Callable  # (user) -> the presentation (body, moderation_state, is_published) or None
    save: Callable  # (user, text) -> None; may raise ServiceError(field="bio")


KEY = "patientlab.presentation"  # this application's provider, or none


def _provider() -> PresentationProvider | None:
    return registry(KEY).get("provider")


def register(provider: PresentationProvider) -> None:
    registry(KEY)["provider"] = provider


def presentation_of(user):
    provider = _provider()
    return provider.load(user) if provider else None


def save_presentation(user, text: str) -> None:
    provider = _provider()
    if provider:
        provider.save(user, text)
