"""Personal data, declared by the feature that holds it (GDPR art. 15, 17, 20).

Each feature registers, from its init_app, one ``PersonalData`` per kind of data it
keeps about a person: how to export it, what to erase when the person erases their
account, and what to purge when its retention period is over. The data export (JSON and
readable copy), the erasure and ``flask privacy purge`` iterate over the registry, so no
section can be forgotten; a test checks that every foreign key to ``user.id`` is claimed
by a handler, or declared kept (``keep``) with the reason it may stay.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from patientlab.core.registries import registry


def when(value) -> str | None:
    """Dates in the export: ISO 8601, UTC."""
    return value.isoformat() if value else None


@dataclass(frozen=True)
class PersonalData:
    name: str  # key of the section in the export, e.g. "event_registrations"
    title: object  # heading of the section in the readable copy (a lazy string)
    export: Callable[[object], list[dict]] | None  # None: held, but never exported (secrets)
    erase: Callable[[object, datetime], None] | None = None  # the account is being erased
    purge: Callable[[datetime], int] | None = None  # retention; returns how many went
    columns: tuple[str, ...] = ()  # the "table.column" foreign keys to user.id it covers
    order: int = 100


def _sections() -> dict[str, PersonalData]:
    """This application's registry (core.registries)."""
    return registry("patientlab.privacy.sections")


def _kept() -> dict[str, str]:
    """This application's registry (core.registries)."""
    return registry("patientlab.privacy.kept")


def register(data: PersonalData) -> None:
    _sections()[data.name] = data


def keep(column: str, reason: str) -> None:
    """A foreign key to user.id that no handler erases, and why that is right (what the
    person wrote for others stays under « Compte supprimé »; the journal is append-only)."""
    _kept()[column] = reason


def sections() -> list[PersonalData]:
    return sorted(_sections().values(), key=lambda s: (s.order, s.name))


def claimed_columns() -> dict[str, str]:
    """Every user foreign key someone answers for, with the handler or the reason."""
    claimed = {column: f"handled by « {s.name} »" for s in sections() for column in s.columns}
    claimed.update(_kept())
    return claimed


def export(user) -> dict[str, list[dict]]:
    return {section.name: section.export(user) for section in sections()
            if section.export is not None}


def erase(user, now: datetime) -> None:
    for section in sections():
        if section.erase is not None:
            section.erase(user, now)


def purge(now: datetime) -> dict[str, int]:
    return {section.name: section.purge(now) for section in sections()
            if section.purge is not None}
