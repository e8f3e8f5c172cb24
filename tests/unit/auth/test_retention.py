from datetime import timedelta

from patientlab.auth.retention import purge
from patientlab.core.models import utcnow
from patientlab.extensions import db
from tests.conftest import outbox
from tests.factories import UserFactory


def test_unconfirmed_accounts_are_erased_after_thirty_days():
    now = utcnow()
    old = UserFactory(email="ancien@exemple.fr", email_verified_at=None,
                      created_at=now - timedelta(days=31))
    recent = UserFactory(email="recent@exemple.fr", email_verified_at=None,
                         created_at=now - timedelta(days=5))
    counts = purge(now)
    assert counts["unverified_erased"] == 1
    assert old.name == "Compte supprimé"
    assert recent.email == "recent@exemple.fr"
    assert purge(now)["unverified_erased"] == 0  # idempotent


def test_inactive_accounts_are_warned_then_erased_unless_they_log_in(app):
    now = utcnow()
    two_years = timedelta(days=app.config["INACTIVE_ACCOUNT_DAYS"])
    sleeper = UserFactory(email="dort@exemple.fr", last_login_at=now - two_years + timedelta(
        days=10))
    back = UserFactory(email="revient@exemple.fr", last_login_at=now - two_years + timedelta(
        days=10))
    active = UserFactory(email="actif@exemple.fr", last_login_at=now - timedelta(days=3))
    counts = purge(now)
    assert counts["inactive_warned"] == 2
    assert "va être supprimé" in outbox("dort@exemple.fr")[0].subject
    assert outbox("actif@exemple.fr") == []
    assert purge(now)["inactive_warned"] == 0  # warned once

    back.last_login_at = now + timedelta(days=1)
    later = now + timedelta(days=app.config["INACTIVITY_WARNING_DAYS"] + 1)
    counts = purge(later)
    assert counts["inactive_erased"] == 1
    assert sleeper.name == "Compte supprimé"
    assert back.email == "revient@exemple.fr"
    assert back.inactivity_warned_at is None
    assert active.email == "actif@exemple.fr"
    db.session.flush()
