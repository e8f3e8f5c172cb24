"""The migrations build exactly the schema the models describe."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from patientlab import create_app
from patientlab.core.search import include_object
from patientlab.extensions import db


@pytest.fixture
def empty_database_url(tmp_path):
    url = os.environ.get("PATIENTLAB_TEST_DATABASE_URL")
    if not url or url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    # PostgreSQL: a separate schema-less database next to the test database.
    admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS patientlab_migrations"))
        conn.execute(text("CREATE DATABASE patientlab_migrations"))
    yield url.rsplit("/", 1)[0] + "/patientlab_migrations"
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS patientlab_migrations WITH (FORCE)"))
    admin.dispose()


def test_upgrade_builds_the_schema_of_the_models(empty_database_url):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_object": include_object})
            diff = compare_metadata(context, db.metadata)
            tables = set(inspect(conn).get_table_names())
            if conn.dialect.name == "sqlite":
                search = set(conn.scalars(text(
                    "SELECT name FROM sqlite_master WHERE name LIKE 'project_search%' "
                    "AND type IN ('table', 'trigger')")))
                assert {"project_search", "project_search_insert", "project_search_delete",
                        "project_search_update"} <= search
            else:
                assert conn.scalar(text("SELECT count(*) FROM pg_indexes WHERE indexname = "
                                        "'ix_project_search_french'")) == 1
        db.engine.dispose()
    assert not diff, f"models and migrations differ: {diff}"
    assert {"user", "user_role", "role_request", "association", "outbox_message",
            "audit_entry", "charter_acceptance"} <= tables
