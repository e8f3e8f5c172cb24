from sqlalchemy import select

from patientlab.extensions import db
from patientlab.moderation.models import ContentReport
from patientlab.moderation.models import ModerationState as S
from patientlab.projects import services as projects
from tests.conftest import link_in, outbox
from tests.factories import UserFactory, make_project


def test_report_hide_appeal_and_reverse_through_the_pages(web):
    UserFactory(email="lucas@exemple.fr", roles=["moderator"])
    UserFactory(email="ines@exemple.fr", roles=["moderator"])
    UserFactory(email="karim@exemple.fr")
    author = UserFactory(email="paul@exemple.fr")
    project = make_project()
    question = projects.ask_question(author, project, "Pourquoi deux séances ?")
    question.moderation_state = S.PUBLISHED
    db.session.commit()

    # Karim reports the question from the project page.
    web.login("karim@exemple.fr")
    page = web.get(f"/clara/projets/{project.id}").get_data(as_text=True)
    report_url = f"/clara/moderation/signaler/question/{question.id}"
    assert report_url in page
    page = web.submit(report_url, {}).get_data(as_text=True)
    assert "Choisissez une raison." in page
    web.submit(report_url, {"reason": "insult", "note": "Ton agressif."})
    assert db.session.scalar(select(ContentReport.reason)) == "insult"
    web.logout()

    # Lucas sees it in the "reported" queue with a count in the navigation, and hides it.
    web.login("lucas@exemple.fr")
    page = web.get("/clara/moderation/?file=signales").get_data(as_text=True)
    assert "Modération (1)" in page
    assert "signalé 1 fois" in page
    url = f"/clara/moderation/questions/{question.id}"
    page = web.get(url).get_data(as_text=True)
    assert "Ton agressif." in page
    page = web.submit(url, {"decision": "hide", "seen_state": "published"}).get_data(
        as_text=True)
    assert "Choisissez la raison." in page
    web.submit(url, {"decision": "hide", "seen_state": "published", "reason": "insult"})
    db.session.expire_all()
    assert question.moderation_state == S.HIDDEN
    # A second, stale decision is refused without a second mail.
    response = web.submit(url, {"decision": "hide", "seen_state": "published",
                                "reason": "insult"}, follow=True)
    assert "Cette décision n’est pas possible" in response.get_data(as_text=True) or \
        "Un autre modérateur" in response.get_data(as_text=True)
    assert len(outbox("paul@exemple.fr")) == 1
    web.logout()

    # Paul appeals from the link in his mail.
    appeal = link_in(outbox("paul@exemple.fr")[0])
    web.login("paul@exemple.fr")
    page = web.submit(appeal, {"text": ""}).get_data(as_text=True)
    assert "Expliquez en quelques phrases" in page
    web.submit(appeal, {"text": "Je demandais seulement une précision."})
    assert "attend la décision d’un autre modérateur" in web.get(appeal).get_data(as_text=True)
    web.logout()

    # Lucas cannot decide the appeal; Inès can.
    web.login("lucas@exemple.fr")
    assert "un autre modérateur doit trancher" in web.get(url).get_data(as_text=True)
    web.logout()
    web.login("ines@exemple.fr")
    assert "Recours (1)" in web.get("/clara/moderation/").get_data(as_text=True)
    response = web.submit(f"{url}/recours", {"appeal-outcome": "reversed",
                                             "appeal-reason": "La question est légitime."},
                          form_url=url, prefix="appeal-")
    assert response.status_code == 302
    db.session.expire_all()
    assert question.moderation_state == S.PUBLISHED
    assert "légitime" in outbox("paul@exemple.fr")[-1].body_text


def test_only_the_author_reaches_the_appeal_page(web):
    UserFactory(email="karim@exemple.fr")
    question = projects.ask_question(UserFactory(), make_project(), "Question ?")
    db.session.commit()
    web.login("karim@exemple.fr")
    assert web.get(f"/clara/moderation/recours/question/{question.id}").status_code == 403
    assert web.get("/clara/moderation/recours/inconnu/1").status_code == 404
    # still pending
    assert web.get(f"/clara/moderation/signaler/question/{question.id}").status_code == 404


def test_a_moderator_suspends_and_restores_an_author(web):
    from datetime import date, timedelta

    UserFactory(email="lucas@exemple.fr", roles=["moderator"])
    author = UserFactory(email="paul@exemple.fr")
    db.session.commit()
    web.login("lucas@exemple.fr")
    url = f"/clara/moderation/comptes/{author.id}/suspension"
    page = web.submit(url, {"suspend-reason": "", "suspend-submit": "1",
                            "suspend-until": "2099-01-01"}, prefix="suspend-")
    assert "Expliquez la raison" in page.get_data(as_text=True)
    until = (date.today() + timedelta(days=10)).isoformat()
    web.submit(url, {"suspend-reason": "Messages insultants répétés.",
                     "suspend-submit": "1", "suspend-until": until}, prefix="suspend-")
    db.session.expire_all()
    assert author.is_suspended
    assert "suspendu" in outbox("paul@exemple.fr")[0].subject
    page = web.get(url).get_data(as_text=True)
    # Lifting posts to its own address; the suspension page takes only its own form.
    lift = f"/clara/moderation/comptes/{author.id}/lever-suspension"
    assert f'action="{lift}"' in page
    web.submit(url, {"lift-submit": "1"}, prefix="lift-")
    db.session.expire_all()
    assert author.is_suspended
    response = web.submit(lift, {"lift-submit": "1"}, form_url=url, prefix="lift-")
    assert response.status_code == 302
    db.session.expire_all()
    assert not author.is_suspended


def test_bulk_publication_from_the_queue(web):
    UserFactory(email="lucas@exemple.fr", roles=["moderator"])
    project = make_project()
    first, second = (projects.ask_question(UserFactory(), project, f"Question {i} ?")
                     for i in range(2))
    db.session.commit()
    web.login("lucas@exemple.fr")
    answered = projects.ask_question(UserFactory(), project, "Et après ?")
    answered.moderation_state = S.PUBLISHED
    answer = projects.answer_question(project.owner, answered, "Oui.")
    db.session.commit()
    page = web.get("/clara/moderation/").get_data(as_text=True)
    assert f'id="bulk-question-{first.id}"' in page
    assert f'id="bulk-answer-{answer.id}"' in page  # every kind in one queue
    response = web.submit("/clara/moderation/lot", {
        "bulk-items": [f"question-{first.id}", f"question-{second.id}", f"answer-{answer.id}",
                      "question-999999", "nimporte-quoi"],
        "bulk-decision": "publish"}, form_url="/clara/moderation/", prefix="bulk-", follow=True)
    page = response.get_data(as_text=True)
    assert "3 contenus traités." in page
    assert "2 étaient déjà traités" in page
    db.session.expire_all()
    assert first.moderation_state == S.PUBLISHED
    assert second.moderation_state == S.PUBLISHED
    assert answer.moderation_state == S.PUBLISHED


def test_a_suspended_person_appeals_once_and_another_moderator_decides(web):
    from datetime import date, timedelta

    from patientlab.auth import suspension as admin

    lucas = UserFactory(email="lucas@exemple.fr", roles=["moderator"])
    UserFactory(email="ines@exemple.fr", roles=["moderator"])
    author = UserFactory(email="paul@exemple.fr")
    admin.suspend(lucas, author, "Propos blessants.", date.today() + timedelta(days=10))
    db.session.commit()

    web.login("paul@exemple.fr")
    page = web.get("/clara/evenements/").get_data(as_text=True)
    assert "/clara/moderation/recours-suspension" in page
    url = "/clara/moderation/recours-suspension"
    assert "Expliquez en quelques phrases" in web.submit(url, {"text": ""}).get_data(
        as_text=True)
    response = web.submit(url, {"text": "C’était une citation, pas une insulte."})
    assert response.status_code == 302
    assert "attend la décision d’un autre modérateur" in web.get(url).get_data(as_text=True)
    web.logout()

    web.login("lucas@exemple.fr")
    assert "Recours de" in web.get("/clara/moderation/?file=recours").get_data(as_text=True)
    page = web.get(f"/clara/moderation/comptes/{author.id}/suspension").get_data(as_text=True)
    assert "un autre modérateur doit trancher" in page
    web.logout()
    web.login("ines@exemple.fr")
    suspension = f"/clara/moderation/comptes/{author.id}/suspension"
    web.submit(f"/clara/moderation/comptes/{author.id}/recours",
               {"appeal-outcome": "reversed", "appeal-reason": "C’était une citation."},
               form_url=suspension, prefix="appeal-")
    db.session.expire_all()
    assert not author.is_suspended
    assert "citation" in outbox("paul@exemple.fr")[-1].body_text
    assert "levé la suspension" in outbox("paul@exemple.fr")[-1].body_text


def test_a_moderator_cannot_make_themself_a_trusted_author(web):
    """POST /moderation/confiance/<own id> set the moderator's own trust: their texts were
    then published without anyone else reading them."""
    from patientlab.core.audit import AuditEntry

    moderator = UserFactory(email="lucas@exemple.fr", roles=["moderator"])
    web.login("lucas@exemple.fr")
    response = web.submit(f"/clara/moderation/confiance/{moderator.id}", {"trust-submit": "1"},
                          form_url="/clara/moderation/", prefix="trust-")
    assert response.status_code == 403
    db.session.refresh(moderator)
    assert moderator.trusted_at is None
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "moderation.trust_refused_own"))


def test_a_moderator_cannot_lift_a_suspension_an_admin_made_of_a_moderator(web):
    from datetime import date, timedelta

    from patientlab.auth import suspension as admin

    boss = UserFactory(email="admin@exemple.fr", roles=["admin"])
    UserFactory(email="lucas@exemple.fr", roles=["moderator"])
    other = UserFactory(email="ines@exemple.fr", roles=["moderator"])
    admin.suspend(boss, other, "Décisions prises sans relire.", date.today() + timedelta(days=10))
    db.session.commit()
    web.login("lucas@exemple.fr")
    url = f"/clara/moderation/comptes/{other.id}/suspension"
    response = web.submit(f"/clara/moderation/comptes/{other.id}/lever-suspension",
                          {"lift-submit": "1"}, form_url=url, prefix="lift-")
    assert response.status_code == 200
    assert "Seule une personne qui administre la plateforme" in response.get_data(as_text=True)
    db.session.expire_all()
    assert other.is_suspended
