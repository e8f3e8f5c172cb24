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
