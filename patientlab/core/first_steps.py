"""The first steps of a newly validated reviewer (a patient expert, an association's
representative): what to read, where the calls and the evenings are, how a review comes.

The mail that says « your request is accepted » and « Mon espace » list ``steps()``; each
feature registers its own from its ``init_app`` (the reviewing guide and the open calls
from calls, the next evenings from events), so that neither knows the features.
"""

from dataclasses import dataclass

from patientlab.core.registries import registry


@dataclass(frozen=True)
class Step:
    order: int
    key: str  # also the id of the step's heading
    title: object  # a lazy string: what to do
    text: object  # a lazy string: why, in a sentence or two
    endpoint: str  # where to do it
    link: object  # a lazy string: the link's words
    highlight: str | None = None  # the key of a core.highlights list to show with it


KEY = "patientlab.first_steps"  # key → Step


def register(step: Step) -> None:
    registry(KEY)[step.key] = step


def steps() -> list[Step]:
    return sorted(registry(KEY).values(), key=lambda step: (step.order, step.key))
