"""What waits for each person: « Mon espace » lists it, the coordination's page counts
the coordination's part of it.

Each feature registers its sources from its init_app: who sees a source (a group of
roles, or everyone logged in), its heading, and a function that lists that person's
pending work now, each task a link with its deadline. The pages know no feature.

A source is *shared* when its tasks are the whole coordination's work (people to
validate, reviews to read, decisions to record) rather than one person's: those are
also what /coordination/ shows. An *agenda* source lists what is coming for the person
(their evenings) rather than work to do; it is shown after the work.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from patientlab.core.models import utcnow
from patientlab.core.permissions import has_any
from patientlab.core.registries import registry

#: A task due this close is marked « urgent ».
URGENT = timedelta(days=3)


@dataclass(frozen=True)
class Task:
    title: str  # what to do, as a link text: « Relire « Fatigue et reprise du travail » »
    href: str
    due: datetime | None = None  # for the order and the « urgent » mark; say it in facts
    facts: tuple[str, ...] = ()  # short lines: the deadline, the progress, a position


@dataclass(frozen=True)
class Source:
    order: int
    key: str  # also the id of the section's heading
    title: object  # a lazy string
    tasks: Callable[[object, datetime], list[Task]]  # (user, now) → that person's tasks
    roles: tuple[str, ...] | None = None  # None: everyone logged in
    shared: bool = False
    agenda: bool = False


@dataclass
class Group:
    source: Source
    tasks: list[Task]
    now: datetime

    def is_urgent(self, task: Task) -> bool:
        return task.due is not None and task.due - self.now <= URGENT

    @property
    def key(self) -> tuple:
        first = self.tasks[0]
        return (first.due is None, first.due or self.now, self.source.order)


def _sources() -> dict[str, Source]:
    """This application's registry (core.registries)."""
    return registry("patientlab.pending.sources")


def register(source: Source) -> None:
    """Add (or replace) a source; called from a feature's init_app."""
    _sources()[source.key] = source


def _soonest_first(tasks: list[Task], now: datetime) -> list[Task]:
    return sorted(tasks, key=lambda t: (t.due is None, t.due or now))


def for_user(user, now: datetime | None = None, *, shared_only: bool = False) -> list[Group]:
    """The person's groups of pending work, the most urgent group first, then their
    agenda; each group's tasks soonest first. Empty groups are left out."""
    now = now or utcnow()
    groups = []
    for source in _sources().values():
        if shared_only and not source.shared:
            continue
        if source.roles is not None and not has_any(user, source.roles):
            continue
        tasks = source.tasks(user, now)
        if tasks:
            groups.append(Group(source, _soonest_first(tasks, now), now))
    return sorted(groups, key=lambda g: (g.source.agenda, *g.key))


def count(groups: list[Group]) -> int:
    """How many tasks are work to do (the agenda is not counted)."""
    return sum(len(g.tasks) for g in groups if not g.source.agenda)
