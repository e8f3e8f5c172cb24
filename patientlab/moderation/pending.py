"""What waits for the moderators (core.pending): the queues' counts."""

from datetime import datetime

from flask import url_for
from flask_babel import ngettext

from patientlab.core.pending import Task
from patientlab.core.permissions import MODERATION
from patientlab.networks import context

from .services import QUEUE_SLUGS, counts

LABELS = {
    "waiting": lambda n: ngettext("%(num)s texte attend une décision",
                                  "%(num)s textes attendent une décision", n),
    "reported": lambda n: ngettext("%(num)s texte signalé", "%(num)s textes signalés", n),
    "appeals": lambda n: ngettext("%(num)s recours à examiner", "%(num)s recours à examiner", n),
}


def moderation_tasks(user, now: datetime) -> list[Task]:
    """This address's network's queues; on « Mon espace », those of each network the
    person moderates, each named (the whole platform's content, a presentation, counts in
    each)."""
    if context.current() is not None:
        return [Task(LABELS[queue](number), url_for("moderation.index",
                                                     file=QUEUE_SLUGS[queue]))
                for queue, number in counts().items() if number]
    held = context.where_held(user, MODERATION)
    tasks = []
    for network_id in sorted(context.all_networks() if held is None else held):
        tasks += [Task(LABELS[queue](number),
                       url_for("moderation.index", file=QUEUE_SLUGS[queue],
                               **context.link(network_id)), None, context.label(network_id))
                  for queue, number in counts(network_id).items() if number]
    return tasks
