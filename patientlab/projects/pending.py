"""What the projects leave waiting (core.pending): questions to answer and summaries
returned to their team; summaries waiting for publication."""

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from patientlab.core.i18n import date_long
from patientlab.core.pending import Task

from .models import Publication
from .services import dashboard, submitted_projects


def team_tasks(user, now: datetime) -> list[Task]:
    tasks = []
    for row in dashboard(user):
        project = row.project
        if project.publication == Publication.RETURNED:
            tasks.append(Task(_("Retravailler le résumé « %(title)s »", title=project.title),
                              url_for("projects.edit", project_id=project.id), None,
                              (_("renvoyé par la coordination"),)))
        if row.to_answer:
            oldest = row.to_answer[0].created_at
            tasks.append(Task(
                ngettext("Répondre à %(num)s question sur « %(title)s »",
                         "Répondre à %(num)s questions sur « %(title)s »",
                         len(row.to_answer), title=project.title),
                url_for("projects.detail", project_id=project.id, _anchor="questions"), None,
                (_("la plus ancienne posée le %(date)s", date=date_long(oldest)),)))
    return tasks


def publication_tasks(user, now: datetime) -> list[Task]:
    waiting = [p for p in submitted_projects() if p.owner_id != user.id]
    if not waiting:
        return []
    return [Task(ngettext("%(num)s résumé attend sa publication",
                          "%(num)s résumés attendent leur publication", len(waiting)),
                 url_for("projects.review_queue"), None,
                 (_("envoyé le %(date)s pour le plus ancien",
                    date=date_long(waiting[0].updated_at)),))]

