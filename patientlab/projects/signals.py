"""What happens to a project, for whoever listens (the research cycle does): projects
send these and know nothing of the receivers."""

from blinker import Namespace

_signals = Namespace()

#: A project was published for the first time. Sender: the project's id.
first_published = _signals.signal("project-first-published")

#: A project's « Ce que nous avons trouvé » was published, the first time, while the
#: project is public. Sender: the project's id; ``ref`` (api.ProjectRef) and ``now``.
results_published = _signals.signal("project-results-published")
