"""SQL statements per page at small and large data sizes (no N+1 allowed).

Run with `make bench`. Prints a table and writes bench/results.json
({"queries": [{"page", "small", "large"}]}). The same property is enforced
for the project list by tests/functional/projects/test_pages.py.
"""

import json
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

from patientlab import create_app
from patientlab.core.security import Role, hash_password
from patientlab.extensions import db

RESULTS = Path(__file__).with_name("results.json")


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


def _fill(app, projects: int, questions_per_project: int) -> int:
    from patientlab.auth.models import User, UserRole
    from patientlab.moderation.models import ModerationState
    from patientlab.projects import services as svc
    from patientlab.projects.models import Project, Publication, Question

    with app.app_context():
        owner = User(email=f"chercheur{projects}@exemple.fr", name="Chercheuse",
                     password_hash=hash_password("x" * 20))
        db.session.add(owner)
        db.session.flush()
        db.session.add(UserRole(user_id=owner.id, role=Role.RESEARCHER))
        first = None
        for i in range(projects):
            project = Project(owner_id=owner.id, cancer_type_rows=[], theme_rows=[])
            svc._apply(project, svc.ProjectData(
                title=f"Projet {i} sur la fatigue", teaser="Moins de fatigue.",
                research_status="running", region="clara", lab="Laboratoire", team="",
                cancer_types=["sein", "poumon"], themes=["qualite-de-vie"],
                why="La fatigue gêne.", what="Un programme.", change="Mieux vivre.",
                involvement="Des patientes relisent."))
            project.publication = Publication.PUBLISHED
            from patientlab.core.models import utcnow

            project.published_at = utcnow()
            db.session.add(project)
            db.session.flush()
            first = first or project.id
            for j in range(questions_per_project if i == 0 else 0):
                db.session.add(Question(project_id=project.id, author_id=owner.id,
                                        body=f"Question {j} ?",
                                        moderation_state=ModerationState.PUBLISHED))
        db.session.commit()
        return first


PAGES = [
    ("project list", lambda pid: "/projets/?q=fatigue&cancer=sein"),
    ("project detail", lambda pid: f"/projets/{pid}"),
    ("glossary", lambda pid: "/glossaire"),
]


def measure(scale: int) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app("testing", {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "WTF_CSRF_ENABLED": False})
        with app.app_context():
            db.create_all()
        project_id = _fill(app, projects=10 * scale, questions_per_project=5 * scale)
        client = app.test_client()
        counts = {}
        for name, url in PAGES:
            client.get(url(project_id))  # warm caches
            with counting() as statements:
                response = client.get(url(project_id))
            if response.status_code != 200:
                raise RuntimeError(f"{name}: HTTP {response.status_code}")
            counts[name] = len(statements)
        with app.app_context():
            db.engine.dispose()
        return counts


def main() -> int:
    small, large = measure(1), measure(100)
    rows = [{"page": name, "small": small[name], "large": large[name]} for name, _ in PAGES]
    print(f"{'page':<20} {'×1':>6} {'×100':>6}")
    failed = False
    for row in rows:
        flag = "" if row["small"] == row["large"] else "  ← grows with data"
        failed |= bool(flag)
        print(f"{row['page']:<20} {row['small']:>6} {row['large']:>6}{flag}")
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["queries"] = rows
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {RESULTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
