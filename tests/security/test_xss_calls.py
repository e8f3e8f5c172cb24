"""XSS payloads through every text field of the « Expérience patient » forms stay inert:
the call and its questions, the application, the conflict declaration, the review, the
coordinator's rephrase request and decision, and the applicant's answers."""

import pytest
from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.calls.models import Application, Assignment, Call, Review, ReviewAnswer
from patientlab.core.security import Role
from patientlab.extensions import db
from tests.security.payloads import XSS_PAYLOADS
from tests.security.test_xss import dangers


def _p(index):
    return XSS_PAYLOADS[index % len(XSS_PAYLOADS)] + " Texte."


def _check(web, urls, context):
    for url in urls:
        response = web.get(url)
        assert response.status_code == 200, (url, response.status_code)
        found = dangers(response.get_data(as_text=True))
        assert not found, f"{context} → {url}: {found}"


@pytest.mark.parametrize("start", range(0, len(XSS_PAYLOADS), 15))
def test_payloads_in_every_call_form_stay_inert(web, make_user, start):
    make_user(Role.COORDINATOR, email="anne@exemple.fr")
    make_user(Role.RESEARCHER, email="claire@exemple.fr")
    make_user(Role.PATIENT_EXPERT, email="martine@exemple.fr")
    make_user(Role.PATIENT_EXPERT, email="sylvie@exemple.fr")
    db.session.commit()

    web.login("anne@exemple.fr")
    dates = {"opens_on": "2026-01-01", "application_deadline_on": "2099-01-01",
             "review_deadline_on": "2099-02-01", "response_deadline_on": "2099-03-01",
             "results_on": "2099-04-01", "published": "y"}
    response = web.submit("/clara/coordination/appels/nouveau", {
        "title": _p(start), "description": _p(start + 1), "eligibility": _p(start + 2), **dates})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    call = db.session.scalar(select(Call))
    response = web.submit(f"/clara/coordination/appels/{call.id}/grille/nouvelle", {
        "label": _p(start + 3), "help_text": _p(start + 4), "kind": "scale",
        "anchors": "\n".join(_p(start + 5 + i)[:90] for i in range(5)),
        "visibility": "shared"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    web.logout()

    web.login("claire@exemple.fr")
    fields = ["title", "lay_summary", "scientific_summary", "involvement_plan",
              "budget_summary", "team"]
    response = web.submit(f"/clara/candidatures/nouvelle/{call.id}", {
        **{name: _p(start + 10 + i)[:190] for i, name in enumerate(fields)}, "save": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    application = db.session.scalar(select(Application))
    web.submit(f"/clara/candidatures/{application.id}/verifier", {"submit": "1"})
    web.logout()

    # Submitted before the deadline; now move the deadline so reviews can happen.
    db.session.expire_all()
    web.login("anne@exemple.fr")
    url = f"/clara/coordination/appels/candidatures/{application.id}"
    page = web.get(url).get_data(as_text=True)
    reviewers = db.session.scalars(select(User.id).where(
        User.email.in_(["martine@exemple.fr", "sylvie@exemple.fr"]))).all()
    assert "Affecter" in page
    web.client.post(f"{url}/affecter", data={
        "assign-csrf_token": web.csrf(url), "assign-reviewers": [str(i) for i in reviewers]})
    web.logout()

    criteria = db.session.scalar(select(Call)).criteria
    review_form = {}
    for i, criterion in enumerate(criteria):
        if criterion.is_scored:
            review_form[f"score_{criterion.id}"] = str(criterion.options()[0][0])
        review_form[f"comment_{criterion.id}"] = _p(start + 20 + i)
    for email in ("martine@exemple.fr", "sylvie@exemple.fr"):
        web.login(email)
        assignment = db.session.scalar(select(Assignment).join(User, User.id ==
                                                               Assignment.reviewer_id)
                                       .where(User.email == email))
        link = f"/clara/relectures/{assignment.id}"
        web.submit(f"{link}/interets", {"conflict": "no", "details": _p(start + 30)},
                   form_url=link)
        response = web.submit(link, {**review_form, "check": "1"})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        web.submit(f"{link}/verifier", {"submit": "1"})
        _check(web, [link, f"{link}/verifier", f"{link}/imprimer", "/clara/relectures/"],
               f"reviewer, from {start}")
        web.logout()

    web.login("anne@exemple.fr")
    first, second = db.session.scalars(select(Review).order_by(Review.id)).all()
    web.submit(f"/clara/coordination/appels/relectures/{first.id}/reformulation", {
        "rephrase-message": _p(start + 40), "rephrase-submit": "1"}, prefix="rephrase-",
        form_url=f"/clara/coordination/appels/relectures/{first.id}")
    web.submit(f"/clara/coordination/appels/relectures/{second.id}/corrections", {
        f"edit-comment_{criteria[0].id}": _p(start + 41), "edit-submit": "1"},
        prefix="edit-", form_url=f"/clara/coordination/appels/relectures/{second.id}")
    web.submit(f"{url}/transmettre", {"release-submit": "1"}, form_url=url,
               prefix="release-")
    web.submit(f"{url}/decision", {"decision-decision": "funded",
                                   "decision-rationale": _p(start + 42)},
               form_url=url, prefix="decision-")
    _check(web, ["/clara/coordination/appels/", f"/clara/coordination/appels/{call.id}", url,
                 f"/clara/coordination/appels/relectures/{first.id}",
                 f"/clara/coordination/appels/{call.id}/grille",
                 f"/clara/coordination/appels/{call.id}/classement",
                 f"/clara/coordination/appels/{call.id}/synthese"], f"coordination, from {start}")
    web.logout()

    web.login("claire@exemple.fr")
    detail = f"/clara/candidatures/{application.id}"
    answers = db.session.scalars(select(ReviewAnswer.id).where(ReviewAnswer.comment != "")).all()
    web.submit(f"{detail}/reponse", {"general": _p(start + 50),
                                     **{f"response_{a}": _p(start + 51 + i)
                                        for i, a in enumerate(answers)}}, form_url=detail)
    _check(web, [detail, "/clara/candidatures/", "/clara/appels/", f"/clara/appels/{call.id}"],
           f"applicant, from {start}")
    web.logout()
    web.login("sylvie@exemple.fr")
    assignment = db.session.scalar(select(Assignment).join(User, User.id ==
                                                           Assignment.reviewer_id)
                                   .where(User.email == "sylvie@exemple.fr"))
    _check(web, [f"/clara/relectures/{assignment.id}"], f"reviewer reads the answers, from {start}")
