"""Mail to people taking part in a review, and who coordinates."""

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.core import notifications
from patientlab.core.mail import notify
from patientlab.core.security import Role
from patientlab.extensions import db
from patientlab.networks import services as network_services
from patientlab.networks.context import within

from ..models import Application, Assignment, AssignmentStatus


def tell(user: User, subject, template: str, *, kind: str | None = None, about: str = "",
         network_id: int | None = None, **context) -> None:
    """Mail ``user``; ``kind`` (« reviews », « feedback », « coordination ») when the
    person chooses how they get it (core.notifications). From the call's network
    (``network_id``, else the call, application or assignment given in ``context``),
    also when a job sends it."""
    if network_id is None:
        network_id = _network_of(context)
    with within(network_id):
        notify(user, subject, template, kind=kind, about=about, **context)


def _network_of(context: dict) -> int | None:
    for name, path in (("call", ()), ("application", ("call",)),
                       ("assignment", ("application", "call"))):
        found = context.get(name)
        for step in path:
            found = getattr(found, step, None) if found is not None else None
        if found is not None:
            return found.network_id
    return None


def coordinators(network_ids) -> list[User]:
    """The coordination of the networks that run the call (``Call.network_ids``: the lead
    and its partners)."""
    ids = (network_ids,) if isinstance(network_ids, int) else tuple(network_ids)
    return list(db.session.scalars(select(User).where(
        User.id.in_(network_services.holders_in(Role.COORDINATOR, ids)),
        User.active.is_(True)).order_by(User.id)))


def coordinators_network(user: User, call) -> int:
    """The call's network whose pages a coordinator's link opens: one they coordinate
    (a partner's coordinator is let in under their own network's address)."""
    return call.network_for(user.network_ids_with(Role.COORDINATOR))


def _still_assigned(user, assignment_id: int) -> bool:
    assignment = db.session.get(Assignment, assignment_id)
    return (assignment is not None and assignment.reviewer_id == user.id
            and assignment.status != AssignmentStatus.CONFLICT)


def _own_application(user, application_id: int) -> bool:
    application = db.session.get(Application, application_id)
    return application is not None and application.owner_id == user.id


def register_kinds() -> None:
    """The kinds of message of the calls, and what a summary checks before it speaks of
    an assignment or an application."""
    from flask_babel import lazy_gettext as _l

    from patientlab.core.permissions import RESEARCH, REVIEWERS

    notifications.register_kind(notifications.Kind(
        "reviews", _l("Relectures : nouvelles candidatures à relire, rappels, demandes de "
                      "reformulation"),
        _l("Un rappel de date limite dans un résumé de la semaine peut arriver trop tard : "
           "« tout de suite » ou « un résumé par jour » est plus sûr."),
        order=10, roles=REVIEWERS))
    notifications.register_kind(notifications.Kind(
        "feedback", _l("Avis et décisions : avis reçus sur mes candidatures, réponses des "
                       "porteurs et décisions sur les projets que j’ai relus"),
        order=20, roles=(*REVIEWERS, *RESEARCH)))
    notifications.register_check("assignment", _still_assigned)
    notifications.register_check("application", _own_application)
