"""moderation.revisions: a change to a public text waits beside it (service rules)."""

import pytest
from sqlalchemy import func, select

from patientlab.auth.erasure import erase_account
from patientlab.core.audit import AuditEntry
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.extensions import db
from patientlab.moderation import revisions
from patientlab.moderation import services as svc
from patientlab.moderation.models import ModerationState as S
from patientlab.moderation.models import Revision
from patientlab.projects import followup
from patientlab.projects.models import ProjectUpdate
from tests.factories import PASSWORD, UserFactory, make_project


@pytest.fixture
def news():
    project = make_project()
    update = ProjectUpdate(project_id=project.id, author_id=project.owner_id,
                           body="Les inclusions commencent.", moderation_state=S.PUBLISHED,
                           followers_told_at=utcnow())
    db.session.add(update)
    db.session.flush()
    return update


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Revision))


def test_unchanged_text_changes_nothing(news):
    owner = news.project.owner
    assert followup.edit_update(owner, news, "Les inclusions commencent.") == revisions.UNCHANGED
    assert news.is_published
    assert _count() == 0
    assert not db.session.scalar(select(AuditEntry).where(
        AuditEntry.action.like("moderation.%")))


def test_change_waits_counts_for_moderators_and_keeps_the_published_text(news):
    owner = news.project.owner
    assert followup.edit_update(owner, news, "Les inclusions ont commencé.") == \
        revisions.PENDING
    assert news.body == "Les inclusions commencent."
    assert news.is_published
    assert svc.counts()["waiting"] == 1
    # Edited again: still one change, a new version.
    assert followup.edit_update(owner, news, "40 personnes incluses.") == revisions.PENDING
    [revision] = db.session.scalars(select(Revision))
    assert (revision.version, revision.values) == (2, {"body": "40 personnes incluses."})


def test_trusted_author_publishes_the_change_at_once_moderated_afterwards(news):
    owner = news.project.owner
    owner.trusted_at = utcnow()
    assert followup.edit_update(owner, news, "Les inclusions ont commencé.") == \
        revisions.APPLIED
    assert news.body == "Les inclusions ont commencé."
    assert news.is_published
    assert news.moderated_by_id is None  # in the « published without review » queue
    assert _count() == 0


def test_a_change_is_decided_by_someone_else_than_its_author(news):
    owner = news.project.owner
    moderator = UserFactory(roles=["moderator"])
    followup.edit_update(owner, news, "Les inclusions ont commencé.")
    [entry] = revisions.waiting()
    seen = revisions.seen_token(entry.revision)
    with pytest.raises(PermissionError):
        revisions.decide(owner, entry, "publish", seen=seen)
    with pytest.raises(ServiceError):
        revisions.decide(moderator, entry, "refuse", seen=seen)  # no reason
    revisions.decide(moderator, entry, "refuse", seen=seen, reason="off_topic")
    assert news.body == "Les inclusions commencent."
    assert _count() == 0


def test_erasing_the_author_drops_their_waiting_change_not_the_published_text(news):
    owner = news.project.owner
    followup.edit_update(owner, news, "Les inclusions ont commencé.")
    erase_account(owner, PASSWORD)
    assert _count() == 0
    assert news.body == "Les inclusions commencent."


def test_trust_earned_by_approved_texts_does_not_skip_the_wait_for_a_change(news, app,
                                                                             monkeypatch):
    """Approved harmless, then rewritten: only a moderator's explicit trust skips it."""
    owner = news.project.owner
    monkeypatch.setitem(app.config, "MODERATION_TRUST_AFTER", 1)
    news.moderated_by_id = UserFactory(roles=["moderator"]).id
    db.session.flush()
    assert svc.is_trusted(owner)
    assert followup.edit_update(owner, news, "Appelez le 06 12 34 56 78.") == \
        revisions.PENDING
    assert news.body == "Les inclusions commencent."


def test_a_decision_read_on_one_change_does_not_decide_another_with_the_same_id(news):
    """A moderator's old tab: the change they read was withdrawn, and another one took its
    id (SQLite reuses the highest deleted id) at version 1 too. Their « Publier » used to
    publish the text they never read."""
    owner = news.project.owner
    moderator = UserFactory(roles=["moderator"])
    followup.edit_update(owner, news, "Les inclusions ont commencé.")
    [entry] = revisions.waiting()
    read = revisions.seen_token(entry.revision)
    followup.edit_update(owner, news, "Les inclusions commencent.")  # withdrawn
    assert _count() == 0
    followup.edit_update(owner, news, "Allez sur https://evil.example/phish")
    [other] = revisions.waiting()
    other.revision.id = entry.revision.id  # what SQLite does
    db.session.flush()
    assert other.revision.version == 1
    with pytest.raises(ServiceError):
        revisions.decide(moderator, other, "publish", seen=read)
    assert news.body == "Les inclusions commencent."
    assert _count() == 1


def test_hidden_news_rewritten_goes_back_to_a_moderator_and_its_old_change_is_gone(
        news, app, monkeypatch):
    """A moderator hid the news: rewriting it published it again at once (the author had
    earned trust), and the change that waited beside it stayed; approving that change
    later replaced the new text."""
    owner = news.project.owner
    moderator = UserFactory(roles=["moderator"])
    followup.edit_update(owner, news, "Appelez le 06 12 34 56 78.")
    assert _count() == 1
    svc.decide(moderator, svc.kind_of("project_update"), news, "hide", seen_state=S.PUBLISHED,
               reason="identifying")
    assert _count() == 0, "the waiting change goes with the hidden text"
    monkeypatch.setitem(app.config, "MODERATION_TRUST_AFTER", 1)
    other = ProjectUpdate(project_id=news.project_id, author_id=owner.id, body="Bonjour.",
                          moderation_state=S.PUBLISHED, moderated_by_id=moderator.id)
    db.session.add(other)
    db.session.flush()
    assert svc.is_trusted(owner)
    assert followup.edit_update(owner, news, "Les inclusions ont commencé.") == \
        revisions.APPLIED
    assert news.moderation_state == S.PENDING, "not back online before a moderator reads it"
    assert _count() == 0
