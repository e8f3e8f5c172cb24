"""Reminder jobs, run together by `flask reminders send` (hourly, safe to re-run).

Each feature registers its own from its init_app: a label for the command's report and a
function that queues the reminders due now and returns how many.
"""

from collections.abc import Callable

_JOBS: dict[str, Callable[[], int]] = {}


def register(label: str, job: Callable[[], int]) -> None:
    _JOBS[label] = job


def run_all() -> dict[str, int]:
    return {label: job() for label, job in _JOBS.items()}
