"""The coordination rates reviews privately; reviewers see only their own anonymous
summary; applicants never see ratings."""

import pytest

from patientlab.calls.models import Review, ReviewRating, ReviewStatus
from patientlab.calls.reviewing import ratings
from patientlab.core.errors import ServiceError
from patientlab.core.security import Role
from patientlab.extensions import db
from tests.factories import UserFactory, make_application, make_assignment, make_call


@pytest.fixture
def sent_review(app):
    reviewer = UserFactory(email="martine@exemple.fr", roles=[Role.PATIENT_EXPERT])
    owner = UserFactory(email="claire@exemple.fr", roles=[Role.RESEARCHER])
    application = make_application(owner, make_call(state="responses"))
    assignment = make_assignment(application, reviewer)
    review = Review(assignment_id=assignment.id, status=ReviewStatus.RELEASED)
    db.session.add(review)
    application.feedback_released_at = review.released_at
    db.session.commit()
    return review


def test_the_coordination_rates_and_the_reviewer_sees_only_an_anonymous_summary(
        sent_review, web):
    UserFactory(email="anne@exemple.fr", name="Anne Lefèvre", roles=[Role.COORDINATOR])
    db.session.commit()
    web.login("anne@exemple.fr")
    response = web.submit(f"/clara/coordination/appels/relectures/{sent_review.id}/evaluation",
                          {"rating": ReviewRating.VAGUE},
                          form_url=f"/clara/coordination/appels/relectures/{sent_review.id}")
    assert response.status_code == 302
    assert db.session.scalar(db.select(ReviewRating.rating)) == ReviewRating.VAGUE

    web.submit("/compte/deconnexion", form_url="/mon-espace")
    web.login("martine@exemple.fr")
    page = web.get("/clara/relectures/").get_data(as_text=True)
    assert "1 relecture jugée « trop vague »" in page.replace("\xa0", " ")
    assert "Anne" not in page
    assert 'href="/clara/relectures/guide"' in page
    assert web.get("/clara/relectures/guide").status_code == 200

    web.submit("/compte/deconnexion", form_url="/mon-espace")
    web.login("claire@exemple.fr")
    page = web.get(f"/clara/candidatures/{sent_review.assignment.application_id}").get_data(
        as_text=True)
    assert "trop vague" not in page


def test_an_involved_coordinator_cannot_rate_and_a_rating_must_be_known(sent_review):
    involved = UserFactory(roles=[Role.COORDINATOR])
    make_assignment(sent_review.assignment.application, involved)
    with pytest.raises(PermissionError):
        ratings.rate(involved, sent_review, ReviewRating.USEFUL)
    other = UserFactory(roles=[Role.COORDINATOR])
    with pytest.raises(ServiceError):
        ratings.rate(other, sent_review, "génial")
    ratings.rate(other, sent_review, ReviewRating.USEFUL)
    ratings.rate(other, sent_review, ReviewRating.UNCONSTRUCTIVE)  # changed, not added
    assert ratings.summary_for(sent_review.assignment.reviewer) == {
        ReviewRating.UNCONSTRUCTIVE: 1}
