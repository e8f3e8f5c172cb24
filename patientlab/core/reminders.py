"""Reminder jobs, run together by `flask reminders send` (hourly, safe to re-run).

Each feature registers its own from its init_app: a label for the command's report and a
function that queues the reminders due now and returns how many.
"""

from collections.abc import Callable

from patientlab.core.registries import registry
from patientlab.core.transaction import unit_of_work

KEY = "patientlab.reminders"  # label → job


def register(label: str, job: Callable[[], int]) -> None:
    registry(KEY)[label] = job


def run_all() -> dict[str, int]:
    """Each job, committed on its own (core.transaction.unit_of_work): one that fails
    leaves the others' mail queued."""
    counts = {}
    for label, job in registry(KEY).items():
        with unit_of_work():
            counts[label] = job()
    return counts
