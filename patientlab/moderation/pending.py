"""What waits for the moderators (core.pending): the queues' counts."""

from datetime import datetime

from flask import url_for
from flask_babel import ngettext

from patientlab.core.pending import Task

from .services import QUEUE_SLUGS, counts

LABELS = {
    "waiting": lambda n: ngettext("%(num)s texte attend une décision",
                                  "%(num)s textes attendent une décision", n),
    "reported": lambda n: ngettext("%(num)s texte signalé", "%(num)s textes signalés", n),
    "appeals": lambda n: ngettext("%(num)s recours à examiner", "%(num)s recours à examiner", n),
}


def moderation_tasks(user, now: datetime) -> list[Task]:
    return [Task(LABELS[queue](number), url_for("moderation.index", file=QUEUE_SLUGS[queue]))
            for queue, number in counts().items() if number]
