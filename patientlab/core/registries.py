"""What the features register, kept by each application (``app.extensions``), not by the
process.

Features register their menu entries, notification kinds, personal data, moderated
kinds… from their ``init_app``, which ``create_app`` runs inside the application's
context. Two applications in one process (tests make many; a worker may hold two
configurations) then each know exactly what they registered: nothing leaks from one to
the other, and a registration made twice replaces itself in its own application only.
"""

from collections.abc import Callable
from typing import TypeVar

from flask import current_app

T = TypeVar("T")


def registry(name: str, make: Callable[[], T] = dict) -> T:
    """This application's registry ``name`` (made empty on first use)."""
    extensions = current_app.extensions
    found = extensions.get(name)
    if found is None:
        found = extensions[name] = make()
    return found
