import pytest
from sqlalchemy import select

from patientlab.core import settings
from patientlab.core.audit import AuditEntry
from patientlab.extensions import db
from patientlab.moderation import reports
from patientlab.moderation import services as moderation
from patientlab.projects import services as projects
from tests.factories import UserFactory, established_user, make_project


def test_defaults_come_from_the_configuration(app):
    assert settings.setting("MODERATION_REPORTS_TO_HIDE") == \
        app.config["MODERATION_REPORTS_TO_HIDE"]
    with pytest.raises(KeyError):
        settings.setting("SECRET_KEY")


def test_an_admin_changes_a_threshold_and_it_applies_at_once():
    admin = UserFactory(roles=["admin"])
    assert settings.save_settings(admin, {"MODERATION_REPORTS_TO_HIDE": 1,
                                          "MODERATION_TRUST_AFTER": 3}) == [
        "MODERATION_REPORTS_TO_HIDE"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "settings.changed"))
    assert entry.summary == "MODERATION_REPORTS_TO_HIDE: 3 → 1"
    question = projects.ask_question(UserFactory(), make_project(), "Question ?")
    question.moderation_state = "published"
    kind = moderation.kind_of("question")
    assert reports.report(established_user(), kind, question, "insult") is True


def test_values_out_of_range_and_non_admins_are_refused():
    with pytest.raises(settings.SettingError):
        settings.save_settings(UserFactory(roles=["admin"]), {"EVENT_PURGE_DAYS": 0})
    with pytest.raises(PermissionError):
        settings.save_settings(UserFactory(roles=["moderator"]), {"EVENT_PURGE_DAYS": 30})
