"""What the projects leave waiting (core.pending): questions to answer and summaries
returned to their team; summaries waiting for publication."""

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from patientlab.core.i18n import date_long
from patientlab.core.pending import Task
from patientlab.core.permissions import PUBLISHERS
from patientlab.networks import context

from .models import Publication
from .services import dashboard, submitted_projects


def team_tasks(user, now: datetime) -> list[Task]:
    tasks = []
    for row in dashboard(user):
        project = row.project
        if project.publication == Publication.RETURNED:
            tasks.append(Task(_("Retravailler le résumé « %(title)s »", title=project.title),
                              url_for("projects.edit", project_id=project.id,
                                      **context.link(project.network_id)), None,
                              (*context.label(project.network_id),
                               _("renvoyé par la coordination"))))
        if row.to_answer:
            oldest = row.to_answer[0].created_at
            tasks.append(Task(
                ngettext("Répondre à %(num)s question sur « %(title)s »",
                         "Répondre à %(num)s questions sur « %(title)s »",
                         len(row.to_answer), title=project.title),
                url_for("projects.detail", project_id=project.id, _anchor="questions",
                        **context.link(project.network_id)), None,
                (*context.label(project.network_id),
                 _("la plus ancienne posée le %(date)s", date=date_long(oldest)))))
    return tasks


def publication_tasks(user, now: datetime) -> list[Task]:
    """Lay summaries to publish: this address's network's; on « Mon espace », those of
    each network where the person publishes, one task per network, each named."""
    held = context.where_held(user, PUBLISHERS)
    by_network: dict[int, list] = {}
    for project in submitted_projects():
        if project.owner_id != user.id and (held is None or project.network_id in held):
            by_network.setdefault(project.network_id, []).append(project)
    return [Task(ngettext("%(num)s résumé attend sa publication",
                          "%(num)s résumés attendent leur publication", len(waiting)),
                 url_for("projects.review_queue", **context.link(network_id)), None,
                 (*context.label(network_id), _("envoyé le %(date)s pour le plus ancien",
                                                date=date_long(waiting[0].updated_at))))
            for network_id, waiting in sorted(by_network.items())]

