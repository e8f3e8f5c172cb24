"""Demo networks: CLARA runs ECLAIR's « Expérience patient » call, PACA runs « Parle-Moi »
evenings in Marseille and Nice, Grand Ouest is starting on the platform. People are
shared: Martine reviews for CLARA and PACA, an association belongs to two networks, and
each network has its own coordination."""

from datetime import timedelta

from sqlalchemy import select

from patientlab.core.models import utcnow
from patientlab.extensions import db
from patientlab.networks.models import AssociationNetwork, Network, NetworkRole, ReviewerNetwork

# slug, short name, name, region, contact, controller, colour, sender name, signature
NETWORKS = [
    ("clara", "CLARA", "Cancéropôle Lyon Auvergne Rhône-Alpes", "Auvergne-Rhône-Alpes",
     "eclair@clara.exemple.fr", "GIP Cancéropôle Lyon Auvergne Rhône-Alpes", "#1d4f91",
     "ECLAIR – Cancéropôle CLARA",
     "Le groupe ECLAIR du Cancéropôle Lyon Auvergne Rhône-Alpes"),
    ("paca", "PACA", "Cancéropôle Provence-Alpes-Côte d’Azur", "Provence-Alpes-Côte d’Azur",
     "parle-moi@paca.exemple.fr", "GIP Cancéropôle Provence-Alpes-Côte d’Azur", "#8a2b0f",
     "Parle-Moi – Cancéropôle PACA",
     "L’équipe « Parle-Moi » du Cancéropôle Provence-Alpes-Côte d’Azur"),
    ("grand-ouest", "Grand Ouest", "Cancéropôle Grand Ouest",
     "Bretagne, Centre-Val de Loire, Normandie, Pays de la Loire",
     "contact@grand-ouest.exemple.fr", "Cancéropôle Grand Ouest", "#1f5c3a",
     "Cancéropôle Grand Ouest", "L’équipe du Cancéropôle Grand Ouest"),
]


def seed_networks() -> dict[str, Network]:
    """The three networks, the first one taking the place of the network the migration
    made for existing data (« Réseau principal »)."""
    found = {n.slug: n for n in db.session.scalars(select(Network).order_by(Network.id))}
    placeholder = found.pop("reseau", None)
    for slug, short, name, region, contact, controller, colour, sender, signature in NETWORKS:
        network = found.get(slug)
        if network is None and placeholder is not None:
            network, placeholder = placeholder, None
        if network is None:
            network = Network()
            db.session.add(network)
        if network.slug != slug or not network.signature:
            network.slug, network.short_name, network.name = slug, short, name
            network.region, network.contact_email, network.controller = region, contact, controller
            network.colour, network.mail_sender_name, network.signature = colour, sender, signature
            network.mail_sender_address = contact
            network.privacy_notice = (
                f"{controller} est responsable des données que vous confiez à ce réseau "
                "(inscriptions à ses soirées, candidatures et relectures de ses appels). "
                f"Pour exercer vos droits, écrivez à {contact}.")
            network.legal_notice = f"Éditeur des pages du réseau : {controller}."
        found[slug] = network
    db.session.flush()
    return found


def grant(user, role: str, network: Network) -> None:
    if db.session.get(NetworkRole, (user.id, network.id, role)) is None:
        db.session.add(NetworkRole(user_id=user.id, network_id=network.id, role=role,
                                   granted_at=utcnow() - timedelta(days=90)))


def may_invite(user, network: Network) -> None:
    exists = db.session.scalar(select(ReviewerNetwork.id).where(
        ReviewerNetwork.user_id == user.id, ReviewerNetwork.network_id == network.id))
    if exists is None:
        db.session.add(ReviewerNetwork(user_id=user.id, network_id=network.id))


def belongs(association, network: Network) -> None:
    if db.session.get(AssociationNetwork, (association.id, network.id)) is None:
        db.session.add(AssociationNetwork(association_id=association.id, network_id=network.id))


def first_network_id() -> int:
    """The network demo data goes to unless said otherwise (CLARA)."""
    return db.session.scalar(select(Network.id).order_by(Network.id).limit(1))
