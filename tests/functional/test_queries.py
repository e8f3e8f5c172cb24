"""Main pages run the same number of SQL statements at ×1 and ×10 data (no N+1).

The data comes from the benchmark seed (`flask bench-seed`), at two small scales.
"""

from sqlalchemy import select

from patientlab.auth.models import User, UserRole
from patientlab.calls.models import Call
from patientlab.core.security import Role
from patientlab.demo.scale import PASSWORD, seed
from patientlab.events.models import Event
from patientlab.extensions import db
from patientlab.networks.models import NetworkRole
from patientlab.networks.services import NETWORK_ROLES
from patientlab.projects.models import Project
from tests.factories import UserFactory
from tests.functional.projects.test_pages import count_queries


def _first(model, column, prefix):
    return db.session.scalar(select(model.id).where(column.like(f"{prefix}%"))
                             .order_by(model.id))


def _someone(role, prefix):
    if role in NETWORK_ROLES:
        return db.session.scalar(
            select(User.email).join(NetworkRole, NetworkRole.user_id == User.id)
            .where(NetworkRole.role == role, User.email.like(f"{prefix}%")).order_by(User.id))
    return db.session.scalar(select(User.email).join(UserRole, UserRole.user_id == User.id)
                             .where(UserRole.role == role, User.email.like(f"{prefix}%"))
                             .order_by(User.id))


def _pages(prefix):
    project = _first(Project, Project.title, prefix)
    call = _first(Call, Call.title, prefix)
    event = _first(Event, Event.title, prefix)
    return [
        (None, "/clara/projets/?q=fatigue&cancer=sein"),
        (None, f"/clara/projets/{project}"),
        ("admin@exemple.fr", f"/clara/coordination/appels/{call}/classement"),
        (_someone(Role.PATIENT_EXPERT, prefix), "/clara/relectures/"),
        (_someone(Role.ORGANISER, prefix), f"/clara/organisation/evenements/{event}"),
        ("admin@exemple.fr", "/clara/moderation/"),
        ("admin@exemple.fr", "/admin/journal"),
    ]


def _measure(client_factory, prefix):
    from tests.conftest import FormClient

    counts = {}
    for email, url in _pages(prefix):
        web = FormClient(client_factory())
        if email:
            web.login(email, "un mot de passe bien long" if email == "admin@exemple.fr"
                      else PASSWORD)
        web.get(url)  # warm up
        with count_queries() as statements:
            response = web.get(url)
        assert response.status_code == 200, url
        counts[url.replace(prefix, "")] = len(statements)
    return counts


def test_main_pages_do_not_run_more_queries_with_more_data(app):
    UserFactory(email="admin@exemple.fr", roles=[Role.ADMIN, Role.COORDINATOR,
                                                  Role.MODERATOR])
    seed(0.002, prefix="petit")
    db.session.commit()
    small = _measure(app.test_client, "petit")
    seed(0.02, prefix="grand")
    db.session.commit()
    large = _measure(app.test_client, "grand")
    assert list(small.values()) == list(large.values()), (small, large)
    assert all(count > 0 for count in small.values())


def test_main_pages_do_not_run_more_queries_with_more_networks(app):
    """The same pages at 1 and at 7 networks (the data shared out among them)."""
    UserFactory(email="admin@exemple.fr", roles=[Role.ADMIN, Role.COORDINATOR,
                                                  Role.MODERATOR])
    seed(0.002, prefix="un")
    db.session.commit()
    one = _measure(app.test_client, "un")
    seed(0.002, prefix="sept", networks=7)
    db.session.commit()
    seven = _measure(app.test_client, "sept")
    assert list(one.values()) == list(seven.values()), (one, seven)
