"""The rules of networks: their slugs and colours, and the roles people hold in them."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from patientlab.core.errors import ServiceError
from patientlab.extensions import db
from patientlab.networks.context import SLUG_PATTERN
from patientlab.networks.models import Network, NetworkRole, ReviewerNetwork

#: The roles held in one network; the others (patient expert, representative,
#: researcher, platform administration) are the person's across the platform.
NETWORK_ROLES = ("coordinator", "organiser", "moderator")

_SLUG = re.compile(rf"\A{SLUG_PATTERN}\Z")
_COLOUR = re.compile(r"\A#[0-9a-fA-F]{6}\Z")


def _luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of ``#rrggbb``."""
    channels = []
    for index in (1, 3, 5):
        value = int(colour[index:index + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def colour_problem(colour: str) -> str | None:
    """Why ``colour`` cannot be a network's colour (white text is written on it)."""
    if not _COLOUR.match(colour or ""):
        return str(_l("Écrivez la couleur en hexadécimal, par exemple #1d4f91."))
    ratio = contrast_ratio(colour, "#ffffff")
    if ratio < 4.5:
        return str(_l("Le texte blanc sur cette couleur n’est pas assez lisible (contraste "
                      "de %(ratio)s pour 1, il faut au moins 4,5 pour 1). Choisissez une "
                      "couleur plus foncée, par exemple #1d4f91.",
                      ratio=f"{ratio:.1f}".replace(".", ",")))
    return None


def slug_problem(slug: str, reserved: set[str], network: Network | None = None) -> str | None:
    """Why ``slug`` cannot start a network's addresses (None when it can)."""
    if not _SLUG.match(slug or ""):
        return str(_l("Utilisez de 2 à 30 lettres minuscules sans accent, chiffres ou tirets, "
                      "en commençant par une lettre, par exemple « clara »."))
    if slug in reserved:
        return str(_l("« %(slug)s » est déjà une adresse de la plateforme. Choisissez-en "
                      "une autre.", slug=slug))
    taken = db.session.execute(select(Network.id).where(Network.slug == slug)).scalar()
    if taken is not None and (network is None or taken != network.id):
        return str(_l("Un autre réseau utilise déjà « %(slug)s ».", slug=slug))
    return None


def reserved_slugs(url_map) -> set[str]:
    """The first segments of the platform's own addresses, which no slug may take, and
    those that follow a network's slug: ``/projets/`` is an address from before networks
    (in mails already sent) that leads to the first network's projects, not the home page
    of a network called « projets »."""
    reserved = {"static", "api", "www"}
    for rule in url_map.iter_rules():
        segments = rule.rule.lstrip("/").split("/")
        if segments[0].startswith("<network:"):
            segments = segments[1:]
        first = segments[0] if segments else ""
        if first and not first.startswith("<"):
            reserved.add(first.split(".", 1)[0])
    return reserved


def network_roles(user, network_id: int) -> set[str]:
    return {row.role for row in user.network_role_rows if row.network_id == network_id}


def grant(user, network: Network, role: str, actor=None) -> bool:
    """Give ``user`` ``role`` in ``network``; False when they held it already."""
    if role not in NETWORK_ROLES:
        raise ServiceError(_l("Ce rôle ne se donne pas par réseau."))
    if role in network_roles(user, network.id):
        return False
    user.network_role_rows.append(NetworkRole(
        user_id=user.id, network_id=network.id, role=role,
        granted_by_id=actor.id if actor is not None else None))
    db.session.flush()
    return True


def revoke(user, network: Network, role: str) -> bool:
    for row in list(user.network_role_rows):
        if row.network_id == network.id and row.role == role:
            user.network_role_rows.remove(row)
            db.session.flush()
            return True
    return False


def reviewer_network_ids(user_id: int) -> set[int]:
    return set(db.session.execute(
        select(ReviewerNetwork.network_id).where(ReviewerNetwork.user_id == user_id)
    ).scalars())


def holders(role: str, network_id: int):
    """A select of the ids of the people who hold ``role`` in ``network_id``."""
    return select(NetworkRole.user_id).where(
        NetworkRole.role == role, NetworkRole.network_id == network_id)


def holders_in(role: str, network_ids):
    """A select of the ids of the people who hold ``role`` in one of ``network_ids``."""
    return select(NetworkRole.user_id).where(
        NetworkRole.role == role, NetworkRole.network_id.in_(sorted(network_ids)))


def holders_anywhere(role: str):
    """A select of the ids of the people who hold ``role`` in any network."""
    return select(NetworkRole.user_id).where(NetworkRole.role == role)


def reviewers_of(network_id):
    """A select of the ids of the people who agreed that ``network_id`` (or one of several
    network ids: a joint call's) may invite them to review (their validation, a national
    role, is checked by the caller)."""
    ids = (network_id,) if isinstance(network_id, int) else sorted(network_id)
    return select(ReviewerNetwork.user_id).where(ReviewerNetwork.network_id.in_(ids))
