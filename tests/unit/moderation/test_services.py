import pytest
from sqlalchemy import select

from patientlab.core.audit import AuditEntry
from patientlab.core.errors import ServiceError
from patientlab.extensions import db
from patientlab.moderation import reports
from patientlab.moderation import services as svc
from patientlab.moderation.models import AppealOutcome
from patientlab.moderation.models import ModerationState as S
from patientlab.projects import services as projects
from tests.conftest import outbox
from tests.factories import UserFactory, established_user, make_project


@pytest.fixture
def question():
    return projects.ask_question(UserFactory(email="paul@exemple.fr"), make_project(),
                                 "Combien de séances ?")


@pytest.fixture
def kind():
    return svc.kind_of("question")


def _actions():
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _moderator(**kwargs):
    return UserFactory(roles=["moderator"], **kwargs)


def test_each_transition_is_allowed_only_from_its_state_and_audited(question, kind):
    moderator = _moderator()
    assert question.moderation_state == S.PENDING
    with pytest.raises(ServiceError):
        svc.decide(moderator, kind, question, "hide", seen_state=S.PENDING, reason="insult")
    svc.decide(moderator, kind, question, "publish", seen_state=S.PENDING)
    assert question.moderation_state == S.PUBLISHED
    svc.decide(moderator, kind, question, "hide", seen_state=S.PUBLISHED, reason="insult")
    assert question.moderation_state == S.HIDDEN
    svc.decide(moderator, kind, question, "restore", seen_state=S.HIDDEN)
    assert question.moderation_state == S.PUBLISHED
    assert _actions()[-3:] == ["moderation.publish", "moderation.hide", "moderation.restore"]


def test_refusing_and_hiding_need_a_reason_and_mail_the_author_with_the_appeal_link(
        question, kind):
    moderator = _moderator()
    with pytest.raises(ServiceError) as error:
        svc.decide(moderator, kind, question, "refuse", seen_state=S.PENDING)
    assert error.value.field == "reason"
    with pytest.raises(ServiceError) as error:
        svc.decide(moderator, kind, question, "refuse", seen_state=S.PENDING, reason="other")
    assert error.value.field == "note"
    svc.decide(moderator, kind, question, "refuse", seen_state=S.PENDING,
               reason="identifying", note="Retirez le nom du médecin.")
    [mail] = outbox("paul@exemple.fr")
    assert "Retirez le nom du médecin." in mail.body_text
    assert f"/clara/moderation/recours/question/{question.id}" in mail.body_text


def test_two_moderators_at_once_only_one_decides_and_one_mail_is_sent(question, kind):
    first, second = _moderator(), _moderator()
    svc.decide(first, kind, question, "refuse", seen_state=S.PENDING, reason="insult")
    with pytest.raises(ServiceError) as error:
        svc.decide(second, kind, question, "publish", seen_state=S.PENDING)
    assert "Un autre modérateur" in str(error.value.message)
    assert question.moderation_state == S.REFUSED
    assert len(outbox("paul@exemple.fr")) == 1


def test_only_moderators_decide(question, kind):
    with pytest.raises(PermissionError):
        svc.decide(UserFactory(roles=["coordinator"]), kind, question, "publish",
                   seen_state=S.PENDING)


def test_content_reported_by_k_people_is_hidden_automatically(app, question, kind):
    svc.decide(_moderator(), kind, question, "publish", seen_state=S.PENDING)
    k = app.config["MODERATION_REPORTS_TO_HIDE"]
    reporters = [established_user() for _ in range(k)]
    for reporter in reporters[:-1]:
        assert reports.report(reporter, kind, question, "insult") is False
    with pytest.raises(ServiceError):
        reports.report(reporters[0], kind, question, "insult")  # once per person
    with pytest.raises(ServiceError):
        reports.report(question.author, kind, question, "insult")  # not one's own
    assert question.moderation_state == S.PUBLISHED
    assert reports.report(reporters[-1], kind, question, "other", "Publicité") is True
    assert question.moderation_state == S.HIDDEN
    assert question.moderation_reason == "reports"
    assert "moderation.auto_hidden" in _actions()
    assert svc.counts()["reported"] == 1
    # A moderator restores it: the reports are closed.
    svc.decide(_moderator(), kind, question, "restore", seen_state=S.HIDDEN)
    assert svc.counts()["reported"] == 0
    assert reports.open_reports(kind, question) == []


def test_trust_after_n_approved_contributions_or_when_granted(app, kind):
    author = UserFactory()
    moderator = _moderator()
    project = make_project()
    needed = app.config["MODERATION_TRUST_AFTER"]
    for i in range(needed):
        assert not svc.is_trusted(author)
        q = projects.ask_question(author, project, f"Question {i} ?")
        assert q.moderation_state == S.PENDING
        svc.decide(moderator, kind, q, "publish", seen_state=S.PENDING)
    assert svc.is_trusted(author)
    q = projects.ask_question(author, project, "Et maintenant ?")
    assert q.moderation_state == S.PUBLISHED  # post-moderation
    assert "moderation.auto_published" in _actions()
    newcomer = UserFactory()
    svc.set_trust(moderator, newcomer, True)
    assert projects.ask_question(newcomer, project, "Bonjour ?").moderation_state == S.PUBLISHED
    svc.set_trust(moderator, newcomer, False)
    assert not svc.is_trusted(newcomer)
    assert _actions().count("moderation.trust_granted") == 1


def test_appeal_once_decided_by_another_moderator_and_mailed(question, kind):
    first, second = _moderator(), _moderator()
    svc.decide(first, kind, question, "refuse", seen_state=S.PENDING, reason="off_topic")
    author = question.author
    with pytest.raises(PermissionError):
        svc.appeal(UserFactory(), kind, question, "Ce n’est pas hors sujet.")
    with pytest.raises(ServiceError):
        svc.appeal(author, kind, question, " ")
    record = svc.appeal(author, kind, question, "Ma question porte bien sur le projet.")
    with pytest.raises(ServiceError):
        svc.appeal(author, kind, question, "Encore.")  # once only
    assert svc.counts()["appeals"] == 1
    with pytest.raises(ServiceError) as error:
        svc.decide_appeal(first, kind, question, record, AppealOutcome.REVERSED, "Oui.")
    assert "un autre modérateur" in str(error.value.message)
    # Nor does the first moderator go round the appeal with an ordinary decision.
    with pytest.raises(ServiceError, match="recours"):
        svc.decide(first, kind, question, "restore", seen_state=S.REFUSED)
    assert question.moderation_state == S.REFUSED
    svc.decide_appeal(second, kind, question, record, AppealOutcome.REVERSED,
                      "Vous avez raison, la question est publiée.")
    assert question.moderation_state == S.PUBLISHED
    assert "Vous avez raison" in outbox("paul@exemple.fr")[-1].body_text
    with pytest.raises(ServiceError):
        svc.decide_appeal(second, kind, question, record, AppealOutcome.UPHELD, "Non.")
    assert "moderation.appeal_reversed" in _actions()


def test_upheld_appeal_keeps_the_decision(question, kind):
    svc.decide(_moderator(), kind, question, "refuse", seen_state=S.PENDING, reason="insult")
    record = svc.appeal(question.author, kind, question, "Je ne voulais pas blesser.")
    svc.decide_appeal(_moderator(), kind, question, record, AppealOutcome.UPHELD,
                      "Le ton reste blessant.")
    assert question.moderation_state == S.REFUSED
    assert "maintient la décision" in outbox("paul@exemple.fr")[-1].body_text


def test_queue_is_oldest_first_filtered_by_state_and_paginated(kind):
    project = make_project()
    questions = [projects.ask_question(UserFactory(), project, f"Question {i} ?")
                 for i in range(35)]
    page = svc.queue("waiting")
    assert page.total == 35
    assert page.pages == 2
    assert page.items[0].item is questions[0]
    assert len(svc.queue("waiting", page=2).items) == 5
    assert svc.queue("hidden").total == 0
    assert svc.queue("waiting", older_than_days=1).total == 0


def test_edit_for_anonymisation_keeps_the_original_in_the_audit(question, kind):
    moderator = _moderator()
    with pytest.raises(ServiceError):
        svc.edit_text(moderator, kind, question, "  ")
    assert svc.edit_text(moderator, kind, question, "Combien de séances ?") is False
    assert svc.edit_text(moderator, kind, question, "Combien de [séances] ?") is True
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.edited"))
    assert "before: Combien de séances ?" in entry.summary
    assert question.body == "Combien de [séances] ?"


def test_bulk_decision_skips_items_already_decided(kind):
    project = make_project()
    first, second, third = (projects.ask_question(UserFactory(), project, f"Q{i} ?")
                            for i in range(3))
    moderator = _moderator()
    svc.decide(moderator, kind, third, "publish", seen_state=S.PENDING)
    with pytest.raises(ServiceError):
        svc.decide_many(moderator, [f"question-{first.id}"], "refuse", reason="")
    refs = [f"question-{i}" for i in (first.id, second.id, third.id, 999999)]
    done, skipped = svc.decide_many(moderator, [*refs, "inconnu-1", "question-x"], "refuse",
                                    reason="off_topic")
    assert (done, skipped) == (2, 4)
    assert first.moderation_state == S.REFUSED
    assert second.moderation_state == S.REFUSED


def test_the_queue_mixes_every_kind_oldest_first_and_filters_by_kind():
    from datetime import timedelta

    from patientlab.core.models import utcnow
    from patientlab.members.services import set_bio

    project = make_project()
    question = projects.ask_question(UserFactory(), project, "Q ?")
    question.created_at = utcnow() - timedelta(days=3)
    answered = projects.ask_question(UserFactory(), project, "Déjà publiée ?")
    answered.moderation_state = S.PUBLISHED
    answered.created_at = utcnow() - timedelta(days=10)
    answer = projects.answer_question(project.owner, answered, "Oui.")
    answer.created_at = utcnow() - timedelta(days=5)
    bio = set_bio(UserFactory(), "Bonjour.")
    db.session.flush()
    page = svc.queue("waiting")
    assert [(e.kind.name, e.item) for e in page.items] == [
        ("answer", answer), ("question", question), ("bio", bio)]
    assert page.total == 3
    assert [e.item for e in svc.queue("waiting", kind_name="answer").items] == [answer]
    assert [e.item for e in svc.queue("waiting", older_than_days=4).items] == [answer]
    assert svc.counts()["waiting"] == 3


def test_answers_count_towards_trust_and_tell_the_asker_when_published(app):
    asker = UserFactory(email="karim@exemple.fr")
    project = make_project()
    moderator = _moderator()
    kind = svc.kind_of("answer")
    for i in range(app.config["MODERATION_TRUST_AFTER"]):
        question = projects.ask_question(asker, project, f"Question {i} ?")
        question.moderation_state = S.PUBLISHED
        answer = projects.answer_question(project.owner, question, f"Réponse {i}.")
        assert answer.moderation_state == S.PENDING
        svc.decide(moderator, kind, answer, "publish", seen_state=S.PENDING)
    assert len([m for m in outbox("karim@exemple.fr") if "a répondu" in m.subject]) == 3
    assert svc.is_trusted(project.owner)
    question = projects.ask_question(asker, project, "Encore une ?")
    question.moderation_state = S.PUBLISHED
    assert projects.answer_question(project.owner, question, "Oui.").is_published


def test_an_answer_refused_then_reversed_on_appeal_tells_the_asker():
    asker = UserFactory(email="karim@exemple.fr")
    project = make_project()
    question = projects.ask_question(asker, project, "Question ?")
    question.moderation_state = S.PUBLISHED
    answer = projects.answer_question(project.owner, question, "Appelez le Dr X. au 06…")
    kind = svc.kind_of("answer")
    svc.decide(_moderator(), kind, answer, "refuse", seen_state=S.PENDING,
               reason="identifying")
    assert "a répondu" not in " ".join(m.subject for m in outbox("karim@exemple.fr"))
    record = svc.appeal(project.owner, kind, answer, "C’est le numéro du service, public.")
    svc.decide_appeal(_moderator(), kind, answer, record, "reversed", "Numéro public, d’accord.")
    assert answer.moderation_state == S.PUBLISHED
    assert any("a répondu" in m.subject for m in outbox("karim@exemple.fr"))


def test_navigation_counts_cover_every_kind_in_one_statement(question, kind):
    from sqlalchemy import event

    from patientlab.members.services import set_bio

    moderator = _moderator()
    svc.decide(moderator, kind, question, "publish", seen_state=S.PENDING)
    bio = set_bio(UserFactory(), "Bonjour.")
    bio.moderation_state = S.PUBLISHED
    for item, item_kind in ((question, kind), (bio, svc.kind_of("bio"))):
        for _ in range(2):  # two reports of one item count once
            reports.report(established_user(), item_kind, item, "insult")
    refused = projects.ask_question(UserFactory(), make_project(), "Refusée ?")
    svc.decide(moderator, kind, refused, "refuse", seen_state=S.PENDING, reason="insult")
    svc.appeal(refused.author, kind, refused, "Pourquoi ?")
    projects.ask_question(UserFactory(), make_project(), "En attente ?")
    db.session.flush()
    statements = []

    def count(*_args):
        statements.append(1)

    engine = db.session.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert svc.counts() == {"waiting": 1, "reported": 2, "appeals": 1}
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1


def test_a_moderator_never_decides_about_their_own_content_nor_its_appeal(kind):
    author = _moderator(email="modo@exemple.fr")
    own = projects.ask_question(author, make_project(), "Ma question de modératrice ?")
    own.moderation_state = S.PENDING
    db.session.flush()
    with pytest.raises(ServiceError, match="votre propre contribution"):
        svc.decide(author, kind, own, "publish", seen_state=S.PENDING)
    svc.decide(_moderator(), kind, own, "refuse", seen_state=own.moderation_state,
               reason="off_topic")
    record = svc.appeal(author, kind, own, "Elle porte bien sur le projet.")
    with pytest.raises(ServiceError, match="votre propre contribution"):
        svc.decide_appeal(author, kind, own, record, AppealOutcome.REVERSED, "Oui.")
    assert own.moderation_state == S.REFUSED


def test_throwaway_accounts_cannot_hide_content_by_reporting_it(app, question, kind):
    """Reports of unconfirmed or brand-new accounts reach moderators but hide nothing."""
    from datetime import timedelta

    from patientlab.core.models import utcnow

    svc.decide(_moderator(), kind, question, "publish", seen_state=S.PENDING)
    k = app.config["MODERATION_REPORTS_TO_HIDE"]
    throwaway = [UserFactory(email_verified_at=None, created_at=utcnow() - timedelta(days=30))
                 for _ in range(k)] + [UserFactory() for _ in range(k)]
    for reporter in throwaway:
        assert reports.report(reporter, kind, question, "insult") is False
    assert question.moderation_state == S.PUBLISHED
    assert len(reports.open_reports(kind, question)) == 2 * k
