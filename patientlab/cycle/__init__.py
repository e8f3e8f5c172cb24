"""The research cycle: funding → project page → evenings → results.

It sits above calls, projects and events (the import-linter layers contract): it reads
each through its small public API (``<feature>/api.py``), listens to their signals, owns
the links between them (``models``) and adds its part to their pages (``pages``). They
know nothing of it nor of each other.
"""


def init_app(app) -> None:
    from patientlab.networks import context as network_context
    from patientlab.projects import signals as project_signals

    from . import models, pages, services  # noqa: F401 - models: its tables
    from .views import bp

    network_context.register_blueprint(app, bp)
    app.extensions[INSTALLED] = True
    pages.init_app(app)
    _register_cached_pages(app)
    # A project's signals are sent by project id, whichever application runs: the
    # receivers act only in an application that installed the cycle.
    project_signals.first_published.connect(_on_first_published)
    project_signals.results_published.connect(_on_results_published)


INSTALLED = "patientlab.cycle"


def _register_cached_pages(app) -> None:
    """The cycle's links show on the pages of what they join: the project made from an
    application on the project's page and on the call's results (« projects »), an
    evening's project on both their pages."""
    from patientlab.core import page_cache

    page_cache.register_scopes(app, "project_funding",
                               lambda link: (f"project:{link.project_id}", "projects"))
    page_cache.register_scopes(app, "event_project",
                               lambda link: (f"event:{link.event_id}",
                                             f"project:{link.project_id}"))


def _installed() -> bool:
    from flask import current_app

    return bool(current_app.extensions.get(INSTALLED))


def _on_first_published(project_id, **kwargs) -> None:
    from .services import invite_reviewers

    if _installed():
        invite_reviewers(project_id)


def _on_results_published(project_id, **kwargs) -> None:
    from .services import tell_past_attendees

    if _installed():
        tell_past_attendees(project_id, ref=kwargs["ref"], now=kwargs.get("now"))
