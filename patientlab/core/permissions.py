"""Who does what: the groups of roles that routes, services, templates and the access
matrix test share, declared once.

Checks on a given object (« this coordinator did not apply to this call ») stay in each
feature's services; these groups only say which roles may reach a kind of work at all.
"""

from patientlab.core.security import Role

#: Run the calls and validate patient experts and association representatives.
COORDINATION = (Role.COORDINATOR, Role.ADMIN)
#: Read what users write and decide about it.
MODERATION = (Role.MODERATOR, Role.ADMIN)
#: Publish or return a lay summary submitted for publication.
PUBLISHERS = (Role.COORDINATOR, Role.MODERATOR, Role.ADMIN)
#: Edit any lay summary (beside its owner) and the glossary.
EDITORS = (Role.COORDINATOR, Role.ADMIN)
#: Run « Parle-Moi » evenings: registrations, needs, the door.
EVENT_MANAGERS = (Role.ORGANISER, Role.ADMIN)
#: Review applications to calls (admins may open the reviewer pages too).
REVIEWERS = (*Role.REVIEWERS, Role.ADMIN)
#: Publish lay summaries and apply to calls.
RESEARCH = (Role.RESEARCHER, Role.COORDINATOR, Role.ADMIN)
#: Run the platform.
ADMINISTRATION = (Role.ADMIN,)


def has_any(user, roles) -> bool:
    """``user`` (an account, a visitor or None) holds one of ``roles``."""
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.has_any_role(roles))


def has_any_in(user, roles, network_id: int) -> bool:
    """``user`` holds one of ``roles`` in ``network_id`` (network roles of that network,
    or a role of their own across the platform): the check on a known object, which holds
    the same in a request, a job or a command."""
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.roles_in(network_id) & set(roles))
