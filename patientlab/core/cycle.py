"""From funding to results: what calls, projects and evenings tell each other.

A funded application becomes a project; an evening presents projects; a project's
published results reach the people who came to that evening. Features never import each
other: each registers here what it knows about its own things (``register_*``, from its
init_app), and asks the others through the functions below. A question nobody can answer
(the feature is not installed) gets an empty answer.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from blinker import Namespace


@dataclass(frozen=True)
class Funding:
    """A funded application, as the project page may show it: nothing confidential
    (no score, no reviewer's comment, no budget)."""

    application_id: int
    call_id: int
    call_title: str
    title: str
    lay_summary: str
    involvement_plan: str
    team: str
    owner_id: int | None
    decision_label: str
    decided_at: datetime | None
    reviewer_ids: tuple[int, ...]  # patient experts and associations who sent a review
    results_url: str  # the call's public results, with the decision's explanation
    results_public: bool

    @property
    def patient_reviews(self) -> int:
        """« avec l'avis de N patientes et patients »: one review each."""
        return len(self.reviewer_ids)


@dataclass(frozen=True)
class ProjectRef:
    id: int
    title: str
    url: str
    published: bool
    owner_id: int
    results_url: str = ""  # set once « Ce que nous avons trouvé » is published


@dataclass(frozen=True)
class EveningRef:
    id: int
    title: str
    starts_at: datetime
    url: str
    past: bool
    registration_open: bool
    materials_url: str = ""  # public slides or video, once the evening is over


_fundings: list[Callable[[list[int]], dict[int, Funding]]] = []
_projects: list[Callable[[list[int]], dict[int, ProjectRef]]] = []
_project_of_application: list[Callable[[list[int]], dict[int, ProjectRef]]] = []
_project_search: list[Callable[[str, int], list[ProjectRef]]] = []
_creation: list[Callable[[int], str]] = []
_evenings: list[Callable[[list[int]], dict[int, list[EveningRef]]]] = []


def register_fundings(lookup: Callable[[list[int]], dict[int, Funding]]) -> None:
    """calls: application ids → their funding, for funded applications only."""
    _fundings[:] = [lookup]


def register_projects(lookup: Callable[[list[int]], dict[int, ProjectRef]],
                      by_application: Callable[[list[int]], dict[int, ProjectRef]],
                      search: Callable[[str, int], list[ProjectRef]]) -> None:
    """projects: project ids → refs; application ids → the project made from each;
    published projects matching words (for an organiser choosing what an evening presents)."""
    _projects[:] = [lookup]
    _project_of_application[:] = [by_application]
    _project_search[:] = [search]


def register_project_creation(url: Callable[[int], str]) -> None:
    """projects: the page where the coordination makes (or links) the project page of a
    funded application."""
    _creation[:] = [url]


def project_creation_url(application_id: int) -> str:
    return _creation[0](application_id) if _creation else ""


def register_evenings(lookup: Callable[[list[int]], dict[int, list[EveningRef]]]) -> None:
    """events: project ids → the published evenings that present each, by date."""
    _evenings[:] = [lookup]


def fundings(application_ids) -> dict[int, Funding]:
    ids = [i for i in application_ids if i is not None]
    return _fundings[0](ids) if _fundings and ids else {}


def funding(application_id: int | None) -> Funding | None:
    return fundings([application_id]).get(application_id) if application_id else None


def projects(project_ids) -> dict[int, ProjectRef]:
    ids = list(project_ids)
    return _projects[0](ids) if _projects and ids else {}


def projects_of_applications(application_ids) -> dict[int, ProjectRef]:
    ids = list(application_ids)
    return _project_of_application[0](ids) if _project_of_application and ids else {}


def find_projects(words: str, limit: int = 10) -> list[ProjectRef]:
    return _project_search[0](words, limit) if _project_search else []


def evenings(project_ids) -> dict[int, list[EveningRef]]:
    ids = list(project_ids)
    return _evenings[0](ids) if _evenings and ids else {}


_signals = Namespace()

#: A project's « Ce que nous avons trouvé » was published (first time, or again after a
#: change). Sent with the project's id as sender and ``ref`` (ProjectRef). Receivers
#: (events) tell the people who heard about the project at an evening — once each.
results_published = _signals.signal("project-results-published")
