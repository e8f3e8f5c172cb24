"""What the accounts leave waiting for the coordination (core.pending): people who
asked to become patient experts or association representatives."""

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from patientlab.core.i18n import date_long
from patientlab.core.pending import Task
from patientlab.core.permissions import COORDINATION
from patientlab.networks import context

from .services import pending_role_requests


def validation_tasks(user, now: datetime) -> list[Task]:
    waiting = [r for r in pending_role_requests() if r.user_id != user.id]
    if not waiting:
        return []
    return [Task(ngettext("%(num)s personne attend d’être validée",
                          "%(num)s personnes attendent d’être validées", len(waiting)),
                 url_for("coordination.validations", **context.role_link_values(
                     "coordination.validations", user, COORDINATION)), None,
                 (_("demande la plus ancienne du %(date)s",
                    date=date_long(waiting[0].created_at)),))]
