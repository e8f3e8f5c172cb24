"""SQL statements per main page at ×1 and ×100 data, and at 1 and 7 networks (no N+1
allowed, and nothing that grows with the number of networks).

The data comes from `bench-seed` (scale 0.01, then 1.0: 10,000 users, 1,000 projects,
2,000 applications, 50,000 registrations…; then scale 0.01 shared out among 7 networks).
Prints a table and writes {"queries": [{"page", "small", "large", "networks_7"}]} into
bench/results.json. The same property is a test: tests/functional/test_queries.py.
"""

import json
import re
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pyotp
from sqlalchemy import event, select, update
from sqlalchemy.engine import Engine

from patientlab import create_app
from patientlab.auth.models import User, UserRole
from patientlab.calls.models import Call
from patientlab.core.models import utcnow
from patientlab.core.security import Role, hash_password
from patientlab.demo.scale import PASSWORD, seed
from patientlab.events.models import Event
from patientlab.extensions import db
from patientlab.networks.models import Network, NetworkRole
from patientlab.networks.services import NETWORK_ROLES
from patientlab.projects.models import Project

RESULTS = Path(__file__).with_name("results.json")
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
ADMIN = "admin-banc@exemple.fr"
ADMIN_TOTP = "BANCDESSAIPATIENTLABBANCDESSAIPL"


@contextmanager
def counting():
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)


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
    """The pages, in the first network (« /<slug>/… ») for those that belong to one."""
    slug = db.session.scalar(select(Network.slug).order_by(Network.id))
    return [
        ("home", None, "/"),
        ("project list", None, f"/{slug}/projets/?q=fatigue&cancer=sein"),
        ("project detail", None, f"/{slug}/projets/{_first(Project, Project.title, prefix)}"),
        ("event list", None, f"/{slug}/evenements/"),
        ("call ranking", ADMIN,
         f"/{slug}/coordination/appels/{_first(Call, Call.title, prefix)}/classement"),
        ("reviewer dashboard", _someone(Role.PATIENT_EXPERT, prefix), f"/{slug}/relectures/"),
        ("event dashboard", _someone(Role.ORGANISER, prefix),
         f"/{slug}/organisation/evenements/{_first(Event, Event.title, prefix)}"),
        ("moderation queue", ADMIN, f"/{slug}/moderation/"),
        ("my space", _someone(Role.PATIENT_EXPERT, prefix), "/mon-espace"),
        ("admin journal", ADMIN, "/admin/journal"),
    ]


def _login(app, client, email):
    page = client.get("/compte/connexion").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    password = "banc-d-essai-administration" if email == ADMIN else PASSWORD
    response = client.post("/compte/connexion", data={
        "csrf_token": token, "email": email, "password": password})
    if response.headers.get("Location", "").startswith("/compte/connexion/code"):
        # Two-step login (the admin account): as its phone would, with a code not used yet.
        with app.app_context():
            db.session.execute(update(User).where(User.email == email)
                               .values(totp_last_step=None))
            db.session.commit()
        page = client.get("/compte/connexion/code").get_data(as_text=True)
        response = client.post("/compte/connexion/code", data={
            "csrf_token": TOKEN.search(page).group(1), "code": pyotp.TOTP(ADMIN_TOTP).now()})
    if response.status_code != 302:
        raise RuntimeError(f"cannot log in as {email}")


def measure(scale: float, networks: int = 1) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as folder:
        # Statements a page itself runs: the visitors' page cache would answer for it.
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/q.sqlite3",
                                     "PAGE_CACHE": False})
        with app.app_context():
            db.create_all()
            admin = User(email=ADMIN, name="Administration",
                         password_hash=hash_password("banc-d-essai-administration"),
                         totp_secret=ADMIN_TOTP, totp_enabled_at=utcnow())
            db.session.add(admin)
            db.session.flush()
            db.session.add(UserRole(user_id=admin.id, role=Role.ADMIN))
            first = seed(scale, prefix="banc", networks=networks) and db.session.scalar(
                select(Network.id).order_by(Network.id))
            for role in (Role.COORDINATOR, Role.MODERATOR):
                db.session.add(NetworkRole(user_id=admin.id, network_id=first, role=role))
            db.session.commit()
            pages = _pages("banc")
            db.session.remove()
        counts = {}
        for name, email, url in pages:
            client = app.test_client()
            if email:
                _login(app, client, email)
            client.get(url)  # warm caches
            with counting() as statements:
                response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{name}: HTTP {response.status_code}")
            counts[name] = len(statements)
        with app.app_context():
            db.engine.dispose()
        return counts


def main() -> int:
    small, large, seven = measure(0.01), measure(1.0), measure(0.01, networks=7)
    rows = [{"page": name, "small": small[name], "large": large[name],
             "networks_7": seven[name]} for name in small]
    print(f"{'page':<20} {'×1':>6} {'×100':>6} {'7 réseaux':>10}")
    failed = False
    for row in rows:
        flag = "" if row["small"] == row["large"] else "  ← grows with data"
        if row["networks_7"] != row["small"]:
            flag += "  ← grows with networks"
        failed |= bool(flag)
        print(f"{row['page']:<20} {row['small']:>6} {row['large']:>6} "
              f"{row['networks_7']:>10}{flag}")
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["queries"] = rows
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {RESULTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
