"""Mail to people taking part in a review, and who coordinates."""



from sqlalchemy import select

from patientlab.auth.models import User, UserRole
from patientlab.core.mail import notify
from patientlab.core.security import Role
from patientlab.extensions import db


def tell(user: User, subject, template: str, **context) -> None:
    notify(user, subject, template, **context)


def coordinators() -> list[User]:
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.COORDINATOR, User.active.is_(True)).distinct()))
