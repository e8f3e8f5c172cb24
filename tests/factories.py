"""factory_boy factories: each test builds the data it needs."""

import factory
from factory.alchemy import SQLAlchemyModelFactory

from patientlab.associations.models import Association
from patientlab.auth.models import RoleRequest, User, UserRole
from patientlab.core.models import utcnow
from patientlab.core.security import hash_password
from patientlab.extensions import db

PASSWORD = "un mot de passe bien long"


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


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
        for role in extracted or []:
            db.session.add(UserRole(user_id=obj.id, role=role))
        if extracted:
            db.session.flush()
            db.session.expire(obj, ["role_rows"])


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
    data.update(fields)
    project = Project(owner_id=owner.id, cancer_type_rows=[], theme_rows=[])
    svc._apply(project, svc.ProjectData(**data))
    if published:
        from patientlab.core.models import utcnow

        project.publication = Publication.PUBLISHED
        project.published_at = utcnow()
    db.session.add(project)
    db.session.flush()
    return project


def make_event(organiser=None, *, capacity=20, days=10, **fields):
    from datetime import timedelta

    from patientlab.core.models import utcnow
    from patientlab.events.models import Event

    organiser = organiser or UserFactory(roles=["organiser"])
    starts = utcnow() + timedelta(days=days)
    values = {"title": "Parler du cancer en famille", "theme": "entourage",
              "starts_at": starts, "ends_at": starts + timedelta(hours=2),
              "format": "onsite", "venue_name": "Maison des associations",
              "address": "28 rue Denfert-Rochereau, 69004 Lyon", "capacity": capacity,
              "lock_version": 0, "step_free": True}
    values.update(fields)
    event = Event(organiser_id=organiser.id, **values)
    db.session.add(event)
    db.session.flush()
    return event
