"""The versions on a real database, as in production (no test transaction around the
session): read as committed on a connection borrowed for one statement when the request's
session has not begun, and in the session's own transaction once it has."""

from sqlalchemy import text

from patientlab.core import page_cache
from patientlab.extensions import db

BUMP = text("INSERT INTO content_version (name, version) VALUES ('event:1', 1) "
            "ON CONFLICT (name) DO UPDATE SET version = content_version.version + 1")
SCOPES = ("global", "event:1", "jamais-changé")


def test_the_versions_are_read_as_committed_or_in_the_sessions_own_transaction(live_app):
    with live_app.app_context():
        engine = db.engine
        with engine.begin() as other:
            other.execute(BUMP)
        glob, before, never = page_cache.versions(SCOPES)
        assert before >= 1
        assert never == 0  # a scope never changed
        assert not db.session.registry.has()  # read without opening the session
        assert engine.pool.checkedout() == 0  # and the borrowed connection is back
        with engine.begin() as other:  # another worker's change, committed
            other.execute(BUMP)
        assert page_cache.versions(SCOPES) == (glob, before + 1, 0)
        db.session.connection()  # the request's session begins…
        page_cache._bump(db.session(), ["event:1"])  # …and changes something, not committed
        assert page_cache.versions(SCOPES) == (glob, before + 2, 0)
        with engine.connect() as other:
            seen = other.execute(text(
                "SELECT version FROM content_version WHERE name = 'event:1'")).scalar()
        assert seen == before + 1
        db.session.rollback()
        assert page_cache.versions(SCOPES) == (glob, before + 1, 0)
        db.session.remove()
        assert engine.pool.checkedout() == 0
