"""Presentations (bios): moderated like every text, shown on the member page once public."""

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from patientlab.auth.erasure import erase_account
from patientlab.core.audit import AuditEntry
from patientlab.core.errors import ServiceError
from patientlab.extensions import db
from patientlab.members import services as svc
from patientlab.members.models import Bio
from patientlab.moderation import reports
from patientlab.moderation import services as moderation
from patientlab.moderation.models import ModerationState as S
from patientlab.projects import services as projects
from patientlab.projects.models import Question
from tests.conftest import outbox
from tests.factories import PASSWORD, UserFactory, established_user, make_project


def _actions():
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_new_presentation_waits_for_a_moderator():
    martine = UserFactory()
    bio = svc.set_bio(martine, "  Soignée en 2019.\r\n\r\n\r\nJe relis les projets. ")
    assert bio.body == "Soignée en 2019.\n\nJe relis les projets."
    assert bio.moderation_state == S.PENDING
    assert "profile.bio_changed" in _actions()
    assert svc.set_bio(martine, "Soignée en 2019.\n\nJe relis les projets.") is bio
    assert _actions().count("profile.bio_changed") == 1  # unchanged text: nothing to read


def test_a_trusted_author_is_published_at_once_and_listed_for_later_reading():
    trusted = UserFactory()
    moderation.set_trust(UserFactory(roles=["moderator"]), trusted, True)
    bio = svc.set_bio(trusted, "Bénévole à la Ligue.")
    assert bio.moderation_state == S.PUBLISHED
    assert "moderation.auto_published" in _actions()
    queue = moderation.queue("unreviewed", kind_name="bio")
    assert [entry.item for entry in queue.items] == [bio]


def test_a_rewritten_presentation_is_read_again_and_an_empty_one_removed():
    martine = UserFactory()
    moderator = UserFactory(roles=["moderator"])
    bio = svc.set_bio(martine, "Première version.")
    moderation.decide(moderator, moderation.kind_of("bio"), bio, "publish",
                      seen_state=S.PENDING)
    svc.set_bio(martine, "Deuxième version.")
    assert bio.moderation_state == S.PENDING
    assert bio.moderated_by_id is None
    assert svc.set_bio(martine, "   ") is None
    assert svc.bio_of(martine) is None
    assert "profile.bio_removed" in _actions()
    with pytest.raises(ServiceError) as error:
        svc.set_bio(martine, "x" * (svc.BIO_MAX_LENGTH + 1))
    assert error.value.field == "bio"


def test_the_member_page_shows_a_presentation_to_others_only_once_published():
    martine = UserFactory(pseudonym="Martine D.")
    karim = UserFactory()
    bio = svc.set_bio(martine, "Je relis les projets.")
    assert svc.member_page(karim, martine).bio is None
    assert svc.member_page(martine, martine).bio is bio  # her own, with its state
    moderation.decide(UserFactory(roles=["moderator"]), moderation.kind_of("bio"), bio,
                      "publish", seen_state=S.PENDING)
    assert svc.member_page(karim, martine).bio is bio


def test_the_member_page_lists_contributions_everyone_can_read_only():
    martine = UserFactory()
    published = projects.ask_question(martine, make_project(), "Publiée ?")
    published.moderation_state = S.PUBLISHED
    projects.ask_question(martine, make_project(), "En attente ?")
    draft_project = make_project(published=False)
    on_draft = Question(project_id=draft_project.id, author_id=martine.id, body="Brouillon ?",
                        moderation_state=S.PUBLISHED)
    db.session.add(on_draft)
    db.session.flush()
    contributions = svc.member_page(UserFactory(), martine).contributions
    assert [c.item for c in contributions] == [published]
    assert contributions[0].kind.name == "question"


def test_refusal_reports_and_appeal_work_for_presentations():
    martine = UserFactory(email="martine@exemple.fr")
    bio = svc.set_bio(martine, "Ma voisine Mme Y. a aussi un cancer.")
    kind = moderation.kind_of("bio")
    lucas = UserFactory(roles=["moderator"])
    moderation.decide(lucas, kind, bio, "refuse", seen_state=S.PENDING,
                      reason="third_party_health")
    mail = outbox("martine@exemple.fr")[-1]
    assert f"/clara/moderation/recours/bio/{bio.id}" in mail.body_text
    moderation.appeal(martine, kind, bio, "Je l’ai retiré, relisez svp.")
    with pytest.raises(ServiceError):  # the moderator who refused cannot decide the appeal
        moderation.decide_appeal(lucas, kind, bio, moderation.get_appeal(kind, bio),
                                 "reversed", "D’accord.")


def test_presentations_are_hidden_after_k_reports(app):
    martine = UserFactory()
    bio = svc.set_bio(martine, "Texte publié.")
    bio.moderation_state = S.PUBLISHED
    kind = moderation.kind_of("bio")
    needed = app.config["MODERATION_REPORTS_TO_HIDE"]
    hidden = [reports.report(established_user(), kind, bio, "insult")
              for _ in range(needed)]
    assert hidden[-1] is True
    assert bio.moderation_state == S.HIDDEN


def test_unknown_and_erased_members_have_no_page():
    viewer = UserFactory(roles=["moderator"])
    with pytest.raises(NotFound):
        svc.get_member_or_404(999999, viewer)
    gone = UserFactory()
    svc.set_bio(gone, "Bientôt effacée.")
    erase_account(gone, PASSWORD)
    with pytest.raises(NotFound):
        svc.get_member_or_404(gone.id, viewer)
    assert db.session.scalars(select(Bio).where(Bio.author_id == gone.id)).all() == []
