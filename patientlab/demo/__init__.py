"""Realistic French demo data (`flask demo-seed`) and national-scale data for benchmarks
(`flask bench-seed`, in scale.py). Running the demo seed twice changes nothing.

Wiring: it may import every feature; no feature imports it.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from patientlab.associations.models import Association
from patientlab.auth.models import CharterAcceptance, RequestStatus, RoleRequest, User, UserRole
from patientlab.core.models import utcnow
from patientlab.core.security import Role, hash_password
from patientlab.extensions import db
from patientlab.networks.services import NETWORK_ROLES

DEMO_PASSWORD = "demo-patientlab-2026"  # noqa: S105 - published demo password  # nosec B105
# The authenticator key of the demo accounts whose role requires two-step login
# (published too: `flask demo-code` prints the current code).
DEMO_TOTP_SECRET = "PATIENTLABDEMOCODEPATIENTLABDEMO"  # noqa: S105  # nosec B105

ASSOCIATIONS = [
    ("Ligue contre le cancer — Comité du Rhône", "https://www.ligue-cancer.net",
     "Comité départemental : soutien aux personnes malades et à leurs proches, prévention, "
     "financement de la recherche."),
    ("Ligue contre le cancer — Comité de l’Isère", "https://www.ligue-cancer.net",
     "Comité départemental : ateliers, permanences d’écoute et soutien à la recherche."),
    ("Proches aidants en cancérologie", "",
     "Association de proches aidants : groupes de parole, entraide et information sur les "
     "droits des aidants."),
    ("Vivre après un cancer du poumon", "",
     "Association de patients : partage d’expérience, activité physique adaptée, "
     "accompagnement au retour à l’emploi."),
]

# email, name, pseudonym, roles, association index, bio, text size
PEOPLE = [
    ("admin@exemple.fr", "Équipe plateforme PatientLab", "", [Role.ADMIN], None,
     "Administration de la plateforme.", 100),
    ("coordination@exemple.fr", "Anne Lefèvre", "Anne (coordination ECLAIR)",
     [Role.COORDINATOR], None,
     "Coordinatrice du groupe ECLAIR au cancéropôle : je valide les patientes et patients "
     "experts et "
     "j’organise les appels « Expérience patient ».", 100),
    ("patient@exemple.fr", "Martine Dubois", "Martine D.", [Role.PATIENT_EXPERT], None,
     "Soignée pour un cancer du sein en 2019. Je relis les projets pour que la parole des "
     "patientes soit entendue.", 150),
    ("association@exemple.fr", "Karim Benali", "Karim B.", [Role.ASSOCIATION_REP], 0,
     "Bénévole au comité du Rhône de la Ligue contre le cancer, je représente les adhérents "
     "dans les relectures.", 100),
    ("chercheur@exemple.fr", "Claire Morel", "Dr Claire Morel", [Role.RESEARCHER], None,
     "Chercheuse en épidémiologie, je travaille sur la qualité de vie après un cancer.", 100),
    ("organisation@exemple.fr", "Sophie Martin", "Sophie (cancéropôle)", [Role.ORGANISER],
     None, "Chargée des événements « Parle-Moi » au cancéropôle.", 100),
    ("moderation@exemple.fr", "Lucas Girard", "Lucas (modération)", [Role.MODERATOR], None,
     "Je veille à ce que les échanges restent sûrs et bienveillants.", 100),
]

# Requests waiting for the coordinator: email, name, role, association index, motivation
PENDING = [
    ("jeanne.roussel@exemple.fr", "Jeanne Roussel", Role.PATIENT_EXPERT, None,
     "Atteinte d’un lymphome en 2021, aujourd’hui en rémission. Je voudrais aider les "
     "équipes à rendre leurs projets plus clairs pour les patients."),
    ("paul.mercier@exemple.fr", "Paul Mercier", Role.ASSOCIATION_REP, 2,
     "Aidant de mon épouse pendant trois ans, je représente l’association des proches "
     "aidants."),
]


def _user(email: str, name: str, **fields) -> tuple[User, bool]:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None:
        return user, False
    user = User(email=email, name=name, password_hash=hash_password(DEMO_PASSWORD),
                email_verified_at=utcnow(), locale="fr", **fields)
    db.session.add(user)
    db.session.flush()
    return user, True


def _seed_bios(bios, moderator) -> None:
    """Presentations already read by the moderator, and one waiting in the queue."""
    from patientlab.members.models import Bio
    from patientlab.moderation.models import ModerationState

    for user, text in bios:
        waiting = user.email == "association@exemple.fr"
        db.session.add(Bio(
            author_id=user.id, body=text,
            created_at=utcnow() - timedelta(days=1 if waiting else 80),
            moderation_state=ModerationState.PENDING if waiting else ModerationState.PUBLISHED,
            moderated_by_id=None if waiting else moderator.id,
            moderated_at=None if waiting else utcnow() - timedelta(days=79)))
    db.session.flush()


# People of the other networks: email, name, pseudonym, {network slug: roles}, bio
OTHER_NETWORKS_PEOPLE = [
    ("coordination.paca@exemple.fr", "Hélène Garcia", "Hélène (coordination PACA)",
     {"paca": [Role.COORDINATOR]},
     "Coordinatrice de la démocratie en santé au Cancéropôle PACA."),
    ("organisation.paca@exemple.fr", "Nicolas Roux", "Nicolas (Parle-Moi PACA)",
     {"paca": [Role.ORGANISER]},
     "J’organise les soirées « Parle-Moi » à Marseille et à Nice."),
    ("coordination.ouest@exemple.fr", "Yannick Le Goff", "Yannick (Grand Ouest)",
     {"grand-ouest": [Role.COORDINATOR]},
     "Coordinateur des actions avec les patients au Cancéropôle Grand Ouest."),
]


def _seed_other_networks(networks, by_email, created) -> None:
    """Coordination and organisation of PACA and Grand Ouest; Martine agrees that PACA
    may invite her to review, as CLARA does."""
    from patientlab.demo import networks as demo_networks

    for email, name, pseudonym, roles, _bio in OTHER_NETWORKS_PEOPLE:
        user, new = _user(email, name, pseudonym=pseudonym)
        created["users"] += new
        if new and {r for held in roles.values() for r in held} & set(
                current_app.config["MFA_REQUIRED_ROLES"]):
            user.totp_secret = DEMO_TOTP_SECRET
            user.totp_enabled_at = utcnow() - timedelta(days=90)
        for slug, held in roles.items():
            for role in held:
                demo_networks.grant(user, role, networks[slug])
    for email in ("patient@exemple.fr", "association@exemple.fr"):
        demo_networks.may_invite(by_email[email], networks["clara"])
    demo_networks.may_invite(by_email["patient@exemple.fr"], networks["paca"])
    db.session.flush()


def seed() -> dict:
    """Create the demo data that is missing. Returns what was created."""
    created = {"associations": 0, "users": 0, "requests": 0, "projects": 0, "events": 0,
               "calls": 0}
    from patientlab.demo import networks as demo_networks

    networks = demo_networks.seed_networks()
    clara, paca = networks["clara"], networks["paca"]
    associations = []
    for name, website, description in ASSOCIATIONS:
        assoc = db.session.scalar(select(Association).where(Association.name == name))
        if assoc is None:
            assoc = Association(name=name, website=website, description=description)
            db.session.add(assoc)
            db.session.flush()
            created["associations"] += 1
        associations.append(assoc)

    coordinator = None
    bios = []
    for email, name, pseudonym, roles, assoc_index, bio, size in PEOPLE:
        assoc_id = associations[assoc_index].id if assoc_index is not None else None
        user, new = _user(email, name, pseudonym=pseudonym, association_id=assoc_id,
                          pref_text_size=size)
        if new:
            created["users"] += 1
            bios.append((user, bio))
            for role in roles:
                if role in NETWORK_ROLES:
                    demo_networks.grant(user, role, clara)
                else:
                    db.session.add(UserRole(user_id=user.id, role=role))
            if set(roles) & set(current_app.config["MFA_REQUIRED_ROLES"]):
                user.totp_secret = DEMO_TOTP_SECRET
                user.totp_enabled_at = utcnow() - timedelta(days=90)
            if Role.PATIENT_EXPERT in roles or Role.ASSOCIATION_REP in roles:
                db.session.add(CharterAcceptance(user_id=user.id, version="2026-1",
                                                 accepted_at=utcnow() - timedelta(days=90)))
                db.session.add(RoleRequest(
                    user_id=user.id, role=roles[0], status=RequestStatus.APPROVED,
                    motivation="", created_at=utcnow() - timedelta(days=90),
                    decided_at=utcnow() - timedelta(days=88)))
        if Role.COORDINATOR in roles:
            coordinator = user

    for email, name, role, assoc_index, motivation in PENDING:
        assoc_id = associations[assoc_index].id if assoc_index is not None else None
        user, new = _user(email, name, association_id=assoc_id)
        if new:
            created["users"] += 1
            if role == Role.PATIENT_EXPERT:
                db.session.add(CharterAcceptance(user_id=user.id, version="2026-1",
                                                 accepted_at=utcnow() - timedelta(days=3)))
            db.session.add(RoleRequest(user_id=user.id, role=role, motivation=motivation,
                                       created_at=utcnow() - timedelta(days=3)))
            created["requests"] += 1

    for association in associations:
        demo_networks.belongs(association, clara)
    # « Vivre après un cancer du poumon » has members in both regions.
    demo_networks.belongs(associations[3], paca)
    by_email = {u.email: u for u in db.session.scalars(select(User))}
    _seed_other_networks(networks, by_email, created)
    by_email = {u.email: u for u in db.session.scalars(select(User))}
    _seed_bios(bios, by_email["moderation@exemple.fr"])
    if created["users"]:
        _seed_notification_choices(by_email["association@exemple.fr"])
    from patientlab.demo.projects import seed_network_words, seed_projects

    seed_network_words(paca)
    created["projects"] = seed_projects(
        researcher=by_email["chercheur@exemple.fr"],
        raters=[by_email["patient@exemple.fr"], by_email["association@exemple.fr"]],
        asker=by_email["association@exemple.fr"], moderator=by_email["moderation@exemple.fr"])

    from patientlab.demo.events import seed_events

    created["events"] = seed_events(by_email["organisation@exemple.fr"], clara)
    from patientlab.demo.events import seed_paca_events

    created["events"] += seed_paca_events(by_email["organisation.paca@exemple.fr"], paca)

    from patientlab.demo.calls import seed_calls

    if coordinator is not None:
        created["calls"] = seed_calls(coordinator, by_email)
        from patientlab.demo.cycle import seed_cycle

        created["funded_projects"] = seed_cycle(coordinator, by_email)

    if coordinator is not None:
        for row in db.session.scalars(select(RoleRequest).where(
                RoleRequest.status == RequestStatus.APPROVED,
                RoleRequest.decided_by_id.is_(None))):
            row.decided_by_id = coordinator.id
    db.session.flush()
    return created


def _seed_notification_choices(karim: User) -> None:
    """Karim's association follows breast cancer projects and the evenings on families;
    he reads the teams' answers in a daily summary."""
    from patientlab.core import notifications

    notifications.save_settings(karim, {"answers": notifications.DAILY},
                                {"cancer_type": ["sein"], "event_theme": ["entourage"]})


def _where(role: str, slug: str) -> str:
    return f"{role} ({slug})" if role in NETWORK_ROLES else role


#: (email, name, roles) with each network role followed by its network's slug.
DEMO_ACCOUNTS = [(email, name, [_where(role, "clara") for role in roles])
                 for email, name, _p, roles, _a, _b, _s in PEOPLE] + [
    (email, name, [_where(role, slug) for slug, held in roles.items() for role in held])
    for email, name, _p, roles, _b in OTHER_NETWORKS_PEOPLE]
