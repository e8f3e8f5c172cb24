"""The migrations build exactly the schema the models describe."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import bindparam, create_engine, inspect, text

from patientlab import create_app
from patientlab.core.models import UTCDateTime
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


def test_upgrade_writes_the_first_charter_text_in_existing_databases(empty_database_url):
    """Version 2026-1 was accepted while its text was an empty file: the migration that
    gives versions their texts writes it in, before the versions published since."""
    from datetime import datetime

    from patientlab.auth.charter_seed import VERSION

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="5b7e2d9c4a10")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO charter_version (version, summary, body, published_at) "
                "VALUES ('2025-9', 'Avant.', 'Texte de 2025.', :at)"),
                {"at": datetime(2025, 9, 1, 8, 0)})
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT version, body, body_en, summary_en FROM "
                                     "charter_version ORDER BY published_at")).all()
        assert [row.version for row in rows] == [VERSION, "2025-9"]
        first = rows[0]
        for engagement in ("Confidentialité", "Liens d’intérêts", "Respect",
                           "anonymes", "Vos données", "arrêter à tout moment"):
            assert engagement in first.body
        assert "Confidentiality" in first.body_en
        assert first.summary_en
        assert rows[1].body_en == ""  # shown in French, said so
        db.session.remove()
        db.engine.dispose()



@pytest.mark.parametrize("accepted", [False, True])
def test_the_first_charter_gets_its_links_only_if_nobody_accepted_it(empty_database_url,
                                                                    accepted):
    """« Mes données » and « Vos données personnelles » were words, not links; a version
    someone accepted never changes."""
    from patientlab.auth.charter_seed import BODY, BODY_EN, VERSION, without_links
    from patientlab.auth.models import CharterAcceptance, User

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="f54f168c3b6f")
        with db.engine.begin() as conn:  # the text as the first databases stored it
            conn.execute(text("UPDATE charter_version SET body = :body, body_en = :en"),
                         {"body": without_links(BODY), "en": without_links(BODY_EN)})
            if accepted:  # Core inserts, with the models' defaults
                conn.execute(User.__table__.insert().values(
                    id=1, email="nadia@exemple.fr", password_hash="x", name="Nadia"))
                conn.execute(CharterAcceptance.__table__.insert().values(user_id=1,
                                                                         version=VERSION))
        upgrade()
        with db.engine.connect() as conn:
            body, body_en = conn.execute(text("SELECT body, body_en FROM charter_version")).one()
        db.session.remove()
        db.engine.dispose()
    if accepted:
        assert (body, body_en) == (without_links(BODY), without_links(BODY_EN))
    else:
        assert (body, body_en) == (BODY, BODY_EN)
        assert '<a href="/compte/donnees">Mes données</a>' in body


def test_a_project_s_funded_application_moves_to_the_cycle_s_link_table_and_back(
        empty_database_url):
    """project.application_id (and when its reviewers were invited) become a row of
    project_funding; the project's other rows (milestones, the evenings that present it)
    and its search index survive the change of the project table, both ways."""
    from datetime import UTC, datetime

    from patientlab.auth.models import User
    from patientlab.calls.models import Application, Call
    from patientlab.projects.models import Milestone, Project

    when = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="677030038eb5")
        with db.engine.begin() as conn:  # Core inserts, with the models' defaults
            conn.execute(User.__table__.insert().values(
                id=1, email="nadia@exemple.fr", password_hash="x", name="Nadia"))
            conn.execute(Call.__table__.insert().values(
                id=1, title="Appel", opens_at=when, application_deadline=when,
                review_deadline=when, response_deadline=when, results_at=when))
            conn.execute(Application.__table__.insert().values(
                id=5, call_id=1, owner_id=1, title="Dormir"))
            for project_id, title in ((1, "Dormir mieux"), (2, "Manger mieux")):
                conn.execute(Project.__table__.insert().values(
                    id=project_id, owner_id=1, title=title, search_text=title.lower(),
                    search_stems=title.lower()))
            conn.execute(text("UPDATE project SET application_id = 5, "
                              "reviewers_invited_at = :at WHERE id = 1").bindparams(
                bindparam("at", type_=UTCDateTime())), {"at": when})
            conn.execute(Milestone.__table__.insert().values(project_id=1, label="Début"))
        upgrade(revision="c7e2a9d4f1b8")
        with db.engine.connect() as conn:
            links = conn.execute(text("SELECT project_id, application_id, "
                                      "reviewers_invited_at FROM project_funding")).all()
            milestones = conn.scalar(text("SELECT count(*) FROM project_milestone"))
            columns = {c["name"] for c in inspect(conn).get_columns("project")}
            if conn.dialect.name == "sqlite":
                found = conn.scalars(text("SELECT rowid FROM project_search "
                                          "WHERE project_search MATCH 'manger'")).all()
                assert found == [2]
        assert [(p, a) for p, a, _ in links] == [(1, 5)]
        assert links[0][2] is not None
        assert milestones == 1
        assert "application_id" not in columns
        with db.engine.begin() as conn:  # the index still follows new projects
            conn.execute(text("INSERT INTO project (id, owner_id, title, title_sort, teaser, "
                              "research_status, region, team, lab, why, what, change, "
                              "involvement, scientific_abstract, falc_text, publication, "
                              "return_reason, created_at, updated_at, search_text, "
                              "search_stems) VALUES (3, 1, 'Bouger', '', '', 'preparing', '', "
                              "'', '', '', '', '', '', '', '', 'draft', '', :at, :at, "
                              "'bouger', 'boug')").bindparams(
                bindparam("at", type_=UTCDateTime())), {"at": when})
            if conn.dialect.name == "sqlite":
                assert conn.scalars(text("SELECT rowid FROM project_search "
                                         "WHERE project_search MATCH 'boug'")).all() == [3]
        downgrade_to("677030038eb5")
        with db.engine.connect() as conn:
            back = conn.execute(text("SELECT id, application_id FROM project "
                                     "ORDER BY id")).all()
            milestones = conn.scalar(text("SELECT count(*) FROM project_milestone"))
        assert [tuple(row) for row in back] == [(1, 5), (2, None), (3, None)]
        assert milestones == 1
        db.session.remove()
        db.engine.dispose()


def test_existing_data_moves_into_a_first_network_and_back(empty_database_url):
    """Calls, evenings, project pages, associations and the roles of coordination,
    organisation and moderation move into the first network; validated reviewers agree
    that it invites them; the project's other rows and its search index survive; the
    roles come back on downgrade."""
    from datetime import UTC, datetime

    from patientlab.associations.models import Association
    from patientlab.auth.models import User, UserRole
    from patientlab.calls.models import Call
    from patientlab.projects.models import Milestone

    when = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="c7e2a9d4f1b8")
        with db.engine.begin() as conn:
            conn.execute(Association.__table__.insert().values(id=1, name="Ligue"))
            for user_id, role in ((1, "coordinator"), (2, "patient_expert"), (3, "organiser")):
                conn.execute(User.__table__.insert().values(
                    id=user_id, email=f"p{user_id}@exemple.fr", password_hash="x",
                    name=f"P{user_id}"))
                conn.execute(UserRole.__table__.insert().values(user_id=user_id, role=role))
            conn.execute(Call.__table__.insert().values(
                id=1, title="Appel", opens_at=when, application_deadline=when,
                review_deadline=when, response_deadline=when, results_at=when))
            conn.execute(text("INSERT INTO project (id, owner_id, title, title_sort, teaser, "
                              "research_status, region, team, lab, why, what, change, "
                              "involvement, scientific_abstract, falc_text, publication, "
                              "return_reason, created_at, updated_at, search_text, "
                              "search_stems) VALUES (1, 1, 'Manger', '', '', 'preparing', '', "
                              "'', '', '', '', '', '', '', '', 'draft', '', :at, :at, "
                              "'manger', 'mang')").bindparams(
                bindparam("at", type_=UTCDateTime())), {"at": when})
            conn.execute(Milestone.__table__.insert().values(project_id=1, label="Début"))
        upgrade()
        with db.engine.connect() as conn:
            networks = conn.execute(text("SELECT id, slug FROM network")).all()
            assert [tuple(row) for row in networks] == [(1, "reseau")]
            assert conn.scalar(text("SELECT network_id FROM call")) == 1
            assert conn.scalar(text("SELECT network_id FROM project")) == 1
            assert conn.scalar(text("SELECT count(*) FROM project_milestone")) == 1
            assert sorted(tuple(r) for r in conn.execute(text(
                "SELECT user_id, network_id, role FROM network_role"))) == [
                (1, 1, "coordinator"), (3, 1, "organiser")]
            assert [tuple(r) for r in conn.execute(text(
                "SELECT user_id, role FROM user_role"))] == [(2, "patient_expert")]
            assert conn.scalar(text("SELECT user_id FROM reviewer_network")) == 2
            assert conn.scalar(text("SELECT network_id FROM association_network")) == 1
            if conn.dialect.name == "sqlite":
                assert conn.scalars(text("SELECT rowid FROM project_search "
                                         "WHERE project_search MATCH 'mang'")).all() == [1]
        with db.engine.begin() as conn:  # a second network gets the next id
            conn.execute(text("INSERT INTO network (slug, name, short_name, region, "
                              "contact_email, controller, colour, mail_sender_name, "
                              "mail_sender_address, signature, privacy_notice, legal_notice, "
                              "created_at) VALUES ('paca', 'PACA', 'PACA', '', '', '', "
                              "'#000000', '', '', '', '', '', :at)").bindparams(
                bindparam("at", type_=UTCDateTime())), {"at": when})
            assert conn.scalar(text("SELECT id FROM network WHERE slug = 'paca'")) == 2
            conn.execute(text("DELETE FROM network WHERE slug = 'paca'"))
        downgrade_to("c7e2a9d4f1b8")
        with db.engine.connect() as conn:
            assert sorted(tuple(r) for r in conn.execute(text(
                "SELECT user_id, role FROM user_role"))) == [
                (1, "coordinator"), (2, "patient_expert"), (3, "organiser")]
            assert conn.scalar(text("SELECT count(*) FROM project_milestone")) == 1
        db.session.remove()
        db.engine.dispose()


def test_existing_glossary_and_plain_words_stay_national(empty_database_url):
    """Terms and plain words from before each network had its own are the national ones;
    a network may then have its own word, once, and the national list keeps each once; on
    downgrade the networks' own words go and the national ones stay."""
    from datetime import UTC, datetime

    from sqlalchemy.exc import IntegrityError

    when = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="e3b5c7d9a1f2")
        insert_term = text("INSERT INTO glossary_term (term, slug, definition, created_at, "
                           "updated_at) VALUES ('cohorte', 'cohorte', 'Un groupe.', :at, :at)"
                           ).bindparams(bindparam("at", type_=UTCDateTime()))
        with db.engine.begin() as conn:
            conn.execute(insert_term, {"at": when})
            conn.execute(text("INSERT INTO plain_word (word, alternatives, updated_at) "
                              "VALUES ('ancillaire', 'complémentaire', :at)").bindparams(
                bindparam("at", type_=UTCDateTime())), {"at": when})
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT term, network_id FROM glossary_term")).all() == [
                ("cohorte", None)]
            assert conn.scalar(text("SELECT network_id FROM plain_word")) is None
        own = text("INSERT INTO glossary_term (term, slug, definition, created_at, updated_at, "
                   "network_id) VALUES ('essai', 'essai', 'Une étude.', :at, :at, 1)"
                   ).bindparams(bindparam("at", type_=UTCDateTime()))
        with db.engine.begin() as conn:
            conn.execute(own, {"at": when})
        for statement in (own, insert_term):  # once per network, once nationally
            with pytest.raises(IntegrityError), db.engine.begin() as conn:
                conn.execute(statement, {"at": when})
        downgrade_to("e3b5c7d9a1f2")
        with db.engine.connect() as conn:
            assert conn.scalars(text("SELECT term FROM glossary_term")).all() == ["cohorte"]
        db.session.remove()
        db.engine.dispose()


def downgrade_to(revision: str) -> None:
    from flask_migrate import downgrade

    downgrade(revision=revision)


def test_the_migrations_have_one_head():
    """Two branches merged with a migration each: `flask db upgrade` needs one head."""
    from alembic.script import ScriptDirectory

    app = create_app("testing")
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several heads: {heads}"
