"""Changing an id in a URL never reaches someone else's object: each object type is
tried by another person of the same kind (reviewer, researcher, registrant, author)."""

import pytest

from patientlab.events.services.mails import link_token
from patientlab.events.services.registration import RegistrationData, register
from patientlab.extensions import db
from patientlab.moderation import services as moderation
from patientlab.projects import services as projects
from tests.factories import UserFactory, make_application, make_assignment, make_event, make_project


@pytest.fixture
def two_of_each():
    alice_r = UserFactory(email="alice.r@exemple.fr", roles=["patient_expert"])
    UserFactory(email="bob.r@exemple.fr", roles=["patient_expert"])
    alice_c = UserFactory(email="alice.c@exemple.fr", roles=["researcher"])
    UserFactory(email="bob.c@exemple.fr", roles=["researcher"])
    application = make_application(alice_c)
    assignment = make_assignment(application, alice_r)
    question = projects.ask_question(alice_r, make_project(), "Question ?")
    moderation.decide(UserFactory(roles=["moderator"]), moderation.kind_of("question"),
                      question, "refuse", seen_state="pending", reason="insult")
    event = make_event()
    registration = register(event.id, RegistrationData(
        name="Alice", email="alice.r@exemple.fr", seats=1, privacy_consent=True))
    db.session.commit()
    return {"application": application.id, "assignment": assignment.id,
            "question": question.id, "registration": registration}


def test_a_reviewer_cannot_open_or_change_another_reviewers_review(web, two_of_each):
    web.login("bob.r@exemple.fr")
    aid = two_of_each["assignment"]
    for url in (f"/clara/relectures/{aid}", f"/clara/relectures/{aid}/verifier",
                f"/clara/relectures/{aid}/imprimer"):
        assert web.get(url).status_code == 403, url
    response = web.submit(f"/clara/relectures/{aid}", {"save": "1"}, form_url="/clara/relectures/")
    assert response.status_code == 403
    response = web.submit(f"/clara/relectures/{aid}/interets", {"conflict": "yes",
                                                          "reason": "other"},
                          form_url="/clara/relectures/")
    assert response.status_code == 403


def test_a_researcher_cannot_open_or_change_another_teams_application(web, two_of_each):
    web.login("bob.c@exemple.fr")
    aid = two_of_each["application"]
    for url in (f"/clara/candidatures/{aid}", f"/clara/candidatures/{aid}/modifier",
                f"/clara/candidatures/{aid}/verifier", f"/clara/candidatures/{aid}/document"):
        assert web.get(url).status_code == 403, url
    response = web.submit(f"/clara/candidatures/{aid}/reponse", {"general": "Volé"},
                          form_url="/clara/candidatures/")
    assert response.status_code == 403


def test_a_registration_link_cannot_be_guessed_or_altered(web, two_of_each):
    token = link_token(two_of_each["registration"])
    assert web.get(f"/clara/inscriptions/{token}").status_code == 200
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert web.get(f"/clara/inscriptions/{forged}").status_code == 400
    assert web.get("/clara/inscriptions/1").status_code == 400


def test_only_the_author_appeals_a_moderation_decision(web, two_of_each):
    web.login("bob.r@exemple.fr")
    qid = two_of_each["question"]
    assert web.get(f"/clara/moderation/recours/question/{qid}").status_code == 403
    response = web.submit(f"/clara/moderation/recours/question/{qid}", {"text": "Pour elle."},
                          form_url="/")
    assert response.status_code == 403
    web.logout()
    web.login("alice.r@exemple.fr")
    assert web.get(f"/clara/moderation/recours/question/{qid}").status_code == 200
