"""What the cycle adds to the features' pages: the funding and evenings on a project's
page, the project page on an application's, the projects an evening presents.

The features' views do not ask for these (they know no other feature): Flask sends
``before_render_template`` with the context of every page it renders, and the cycle adds
its part to the pages it knows. A template shows what it is given and nothing when the
cycle is not installed.
"""

from flask import Flask, before_render_template, url_for

from patientlab.core.security import acting_user
from patientlab.events import api as events

from . import services as svc


def _project_page(context: dict) -> dict:
    project = context["project"]
    return {"funding": svc.funding_of_project(project.id),
            "evenings": svc.evenings_of_projects([project.id]).get(project.id, [])}


def _results_page(context: dict) -> dict:
    project = context["project"]
    return {"evenings": svc.evenings_of_projects([project.id]).get(project.id, [])}


def _application_for_coordination(context: dict) -> dict:
    if not context.get("funded"):
        return {}
    application = context["application"]
    return {"project": svc.project_of_application(application.id),
            "project_creation_url": url_for("cycle.from_funding",
                                            application_id=application.id)}


def _application_for_applicant(context: dict) -> dict:
    application = context["application"]
    return {"project": svc.project_of_application(application.id)
            if application.decision else None}


def _call_results(context: dict) -> dict:
    return {"projects_by_application": svc.projects_of_applications(
        [a.id for a in context.get("funded") or ()])}


def _presenting_url(event) -> str:
    return url_for("cycle.evening_projects", event_id=event.id) \
        if events.may_choose(acting_user(), event) else ""


def _evening_page(context: dict) -> dict:
    event = context["event"]
    return {"presented": svc.presented(event.id), "presenting_url": _presenting_url(event)}


def _organiser_page(context: dict) -> dict:
    return {"presenting_url": _presenting_url(context["event"])}


#: Template → what the cycle adds to its context.
PAGES = {
    "projects/detail.html": _project_page,
    "projects/results.html": _results_page,
    "calls/admin/application.html": _application_for_coordination,
    "calls/applications/detail.html": _application_for_applicant,
    "calls/results.html": _call_results,
    "events/detail.html": _evening_page,
    "events/organiser/dashboard.html": _organiser_page,
}


def _add_to_page(app: Flask, template, context: dict, **extra) -> None:
    compose = PAGES.get(template.name)
    if compose is None:
        return
    for key, value in compose(context).items():
        context.setdefault(key, value)


def init_app(app: Flask) -> None:
    # Connected for this application only: another application in the same process
    # (tests make many) renders its pages without it unless it installs the cycle too.
    before_render_template.connect(_add_to_page, app)
