"""factory_boy factories: each test builds the data it needs."""

import factory
import pyotp
from factory.alchemy import SQLAlchemyModelFactory

from patientlab.associations.models import Association
from patientlab.auth.models import RoleRequest, User, UserRole
from patientlab.core import days
from patientlab.core.models import utcnow
from patientlab.core.security import hash_password
from patientlab.extensions import db
from patientlab.networks.models import Network, NetworkRole, ReviewerNetwork
from patientlab.networks.services import NETWORK_ROLES

PASSWORD = "un mot de passe bien long"
#: The network every test database starts with (tests.conftest makes it): CLARA.
FIRST_NETWORK = 1


def first_network_values() -> dict:
    return {"slug": "clara", "short_name": "CLARA",
            "name": "Cancéropôle Lyon Auvergne Rhône-Alpes",
            "region": "Auvergne-Rhône-Alpes", "contact_email": "contact@clara.exemple.fr",
            "controller": "GIP Cancéropôle CLARA", "colour": "#1d4f91"}


def ensure_first_network() -> None:
    """A database made by ``create_all`` has no network yet (the migrations make the
    first one): give it CLARA, unless it has networks already (a shared database)."""
    from sqlalchemy import func, select

    if not db.session.scalar(select(func.count()).select_from(Network)):
        db.session.add(Network(**first_network_values()))
        db.session.flush()


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class NetworkFactory(Base):
    """Another network (PACA-like) beside the first one."""

    class Meta:
        model = Network

    slug = factory.Sequence(lambda n: f"reseau{n}")
    name = factory.Sequence(lambda n: f"Cancéropôle de test n° {n}")
    short_name = factory.Sequence(lambda n: f"R{n}")
    region = "Provence-Alpes-Côte d’Azur"
    contact_email = "contact@reseau.exemple.fr"
    controller = "GIP du réseau"


class AssociationFactory(Base):
    class Meta:
        model = Association

    name = factory.Sequence(lambda n: f"Association des patients n° {n}")
    website = "https://association.exemple.fr"
    description = "Entraide et information."


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    name = factory.Sequence(lambda n: f"Personne {n}")
    pseudonym = ""
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))
    email_verified_at = factory.LazyFunction(utcnow)
    locale = "fr"

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        """National roles, and the network roles in ``network`` (the first network
        unless ``UserFactory(roles=[…], roles__network=other)``)."""
        network_id = kwargs.get("network").id if kwargs.get("network") else FIRST_NETWORK
        for role in extracted or []:
            if role in NETWORK_ROLES:
                db.session.add(NetworkRole(user_id=obj.id, network_id=network_id, role=role))
            else:
                db.session.add(UserRole(user_id=obj.id, role=role))
            if role in ("patient_expert", "association_rep"):
                db.session.add(ReviewerNetwork(user_id=obj.id, network_id=network_id))
        if set(extracted or []) & {"patient_expert", "association_rep"}:
            # Validated reviewers accepted the charter when they registered.
            from flask import current_app

            from patientlab.auth.models import CharterAcceptance

            db.session.add(CharterAcceptance(user_id=obj.id,
                                             version=current_app.config["CHARTER_VERSION"]))
        if set(extracted or []) & set(_two_step_roles()):
            # Those roles cannot use the site without two-step login: set it up.
            obj.totp_secret = pyotp.random_base32(length=32)
            obj.totp_enabled_at = utcnow()
        if extracted:
            db.session.flush()
            db.session.expire(obj, ["role_rows", "network_role_rows"])


def established_user(**fields):
    """A confirmed account created a month ago: its reports count toward hiding."""
    from datetime import timedelta

    from patientlab.core.models import utcnow

    return UserFactory(created_at=utcnow() - timedelta(days=30), **fields)


def _two_step_roles():
    from flask import current_app

    return current_app.config["MFA_REQUIRED_ROLES"]


def login_code(user) -> str:
    """A code the authenticator app of this user would show now, not used yet."""
    db.session.refresh(user, ["totp_last_step", "totp_secret"])
    totp = pyotp.TOTP(user.totp_secret)
    now = totp.timecode(utcnow())
    last = user.totp_last_step
    step = now if last is None or last < now else last + 1
    if step > now + 1:
        # Logged in twice already in these 30 seconds: as if the next step had come.
        user.totp_last_step = None
        db.session.flush()
        step = now
    return totp.generate_otp(step)


class RoleRequestFactory(Base):
    class Meta:
        model = RoleRequest

    user = factory.SubFactory(UserFactory)
    role = "patient_expert"
    motivation = "Je veux aider."


def make_project(owner=None, *, published=True, **fields):
    """A project built through the service, so search text and tags are computed."""
    from patientlab.projects import services as svc
    from patientlab.projects.models import Project, Publication

    owner = owner or UserFactory(roles=["researcher"])
    data = {
        "title": "Bouger pendant la chimiothérapie", "teaser": "Moins de fatigue.",
        "research_status": "running", "region": "clara", "lab": "Centre Léon Bérard",
        "team": "", "cancer_types": ["sein"], "themes": ["nutrition-activite"],
        "why": "La fatigue gêne la vie.", "what": "Un programme à la maison.",
        "change": "Moins de fatigue.", "involvement": "Trois patientes ont relu.",
    }
    network_id = fields.pop("network_id", FIRST_NETWORK)
    data.update(fields)
    project = Project(owner_id=owner.id, network_id=network_id, cancer_type_rows=[],
                      theme_rows=[])
    svc._apply(project, svc.ProjectData(**data))
    if published:
        from patientlab.core.models import utcnow

        project.publication = Publication.PUBLISHED
        project.published_at = utcnow()
    db.session.add(project)
    db.session.flush()
    return project


def make_event(organiser=None, *, capacity=20, days=10, published=True, **fields):
    from datetime import timedelta

    from patientlab.core.models import utcnow
    from patientlab.events.models import Event

    organiser = organiser or UserFactory(roles=["organiser"])
    starts = utcnow() + timedelta(days=days)
    values = {"title": "Parler du cancer en famille", "theme": "entourage",
              "starts_at": starts, "ends_at": starts + timedelta(hours=2),
              "format": "onsite", "venue_name": "Maison des associations",
              "address": "28 rue Denfert-Rochereau, 69004 Lyon", "capacity": capacity,
              "lock_version": 0, "step_free": True,
              "published_at": utcnow() - timedelta(days=30) if published else None}
    values.update(fields)
    values.setdefault("network_id", FIRST_NETWORK)
    event = Event(organiser_id=organiser.id, **values)
    db.session.add(event)
    db.session.flush()
    return event


def make_call(*, state="open", published=True, **fields):
    """A call whose dates put it in ``state`` today: open, upcoming, review or closed."""
    from datetime import timedelta

    from patientlab.calls import services as svc
    from patientlab.calls.models import Call
    from patientlab.core.models import utcnow

    today = days.paris_day(utcnow())
    offsets = {"upcoming": (5, 30, 60, 80, 100), "open": (-10, 20, 40, 60, 80),
               "review": (-60, -10, 12, 30, 45), "responses": (-60, -30, -5, 10, 30),
               "closed": (-300, -240, -200, -170, -150)}[state]
    opens, deadline, reviews, responses, results = (today + timedelta(days=d) for d in offsets)
    values = {"title": "Oncostarter – Expérience patient", "description": "Un appel.",
              "eligibility": "", "opens_at": days.start_of_day(opens),
              "application_deadline": days.end_of_day(deadline),
              "review_deadline": days.end_of_day(reviews),
              "response_deadline": days.end_of_day(responses),
              "results_at": days.start_of_day(results),
              "published_at": utcnow() if published else None}
    values.update(fields)
    values.setdefault("network_id", FIRST_NETWORK)
    call = Call(criteria=svc.default_criteria(), **values)
    db.session.add(call)
    db.session.flush()
    return call


def make_application(owner=None, call=None, *, submitted=True, **fields):
    from patientlab.calls.models import Application, ApplicationStatus
    from patientlab.core.models import utcnow

    owner = owner or UserFactory(roles=["researcher"])
    call = call or make_call()
    values = {"title": "Mieux dormir après un cancer", "lay_summary": "Un résumé simple.",
              "scientific_summary": "Méthode.", "involvement_plan": "Deux patientes.",
              "budget_summary": "20 000 €.", "team": "Dr Morel"}
    values.update(fields)
    application = Application(call_id=call.id, owner_id=owner.id, **values)
    if submitted:
        application.status = ApplicationStatus.SUBMITTED
        application.submitted_at = utcnow()
    db.session.add(application)
    db.session.flush()
    return application


def make_assignment(application, reviewer=None, *, status="accepted"):
    from patientlab.calls.models import Assignment

    reviewer = reviewer or UserFactory(roles=["patient_expert"])
    assignment = Assignment(application_id=application.id, reviewer_id=reviewer.id,
                            status=status)
    db.session.add(assignment)
    db.session.flush()
    return assignment
