"""The call pages run the same number of SQL statements whatever the number of
applications and reviews (no N+1)."""

from patientlab.calls import reviewing as rv
from patientlab.extensions import db
from tests.factories import UserFactory, make_application, make_assignment, make_call
from tests.functional.projects.test_pages import count_queries

SCORES = [4, 3, None, 4, 3, 2, 4, None]
TEXTS = ["", "", "Les aidants.", "", "", "Un peu lourd.", "", "Secret."]


def _fill(call, owner, reviewers, applications):
    for i in range(applications):
        application = make_application(owner, call, title=f"Projet {i}")
        for reviewer in reviewers:
            assignment = make_assignment(application, reviewer)
            rv.save_review(reviewer, assignment, {
                c.id: rv.AnswerData(score=s, comment=t)
                for c, s, t in zip(call.criteria, SCORES, TEXTS, strict=True)})
            rv.submit_review(reviewer, assignment)
    db.session.commit()


def _count(web, url):
    with count_queries() as statements:
        response = web.get(url)
    assert response.status_code == 200, url
    return len(statements)


def test_coordination_and_reviewer_pages_do_not_grow_with_data(web):
    coordinator = UserFactory(email="anne@exemple.fr", roles=["coordinator", "patient_expert"])
    owner = UserFactory(roles=["researcher"])
    others = [UserFactory(roles=["patient_expert"]) for _ in range(3)]
    call = make_call(state="review")
    _fill(call, owner, [coordinator, *others], 2)
    web.login("anne@exemple.fr")
    pages = [f"/clara/coordination/appels/{call.id}/classement",
             f"/clara/coordination/appels/{call.id}",
             "/clara/coordination/appels/", "/clara/relectures/"]
    small = {url: _count(web, url) for url in pages}
    _fill(call, owner, [coordinator, *others], 12)
    large = {url: _count(web, url) for url in pages}
    assert small == large


def test_feedback_page_does_not_grow_with_the_number_of_reviews(web):
    owner = UserFactory(email="claire@exemple.fr", roles=["researcher"])
    coordinator = UserFactory(roles=["coordinator"])
    call = make_call(state="review")
    application = make_application(owner, call)

    def review(n):
        for _ in range(n):
            reviewer = UserFactory(roles=["patient_expert"])
            assignment = make_assignment(application, reviewer)
            rv.save_review(reviewer, assignment, {
                c.id: rv.AnswerData(score=s, comment=t)
                for c, s, t in zip(call.criteria, SCORES, TEXTS, strict=True)})
            rv.submit_review(reviewer, assignment)
        rv.release_feedback(coordinator, application)
        db.session.commit()

    review(2)
    web.login("claire@exemple.fr")
    small = _count(web, f"/clara/candidatures/{application.id}")
    review(10)
    assert _count(web, f"/clara/candidatures/{application.id}") == small
