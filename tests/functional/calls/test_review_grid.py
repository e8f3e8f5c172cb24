"""The review grid reads the same way round on every question, on the page, on paper and
in the mail that confirms a review was sent; the reviewer can read it back."""

import re

from patientlab.calls import reviewing as rv
from patientlab.calls.models import CriterionKind, ReviewStatus
from patientlab.extensions import db
from tests.conftest import link_in, outbox
from tests.factories import UserFactory, make_application, make_assignment, make_call

# Default criteria: relevance, benefit, left out (text), involvement, clarity (quality 1-4),
# burden (choice 1-3), overall, confidential comment (text).
GOOD = [5, 4, None, 4, 4, 3, 5, None]
TEXTS = ["", "", "Les personnes âgées.", "", "", "", "Très bien.", "Entre nous."]


def _text(response):
    return response.get_data(as_text=True)


def _answers(call, scores=GOOD, texts=TEXTS):
    return {c.id: rv.AnswerData(score=s, comment=t)
            for c, s, t in zip(call.criteria, scores, texts, strict=True)}


def _reviewer_with_assignment():
    martine = UserFactory(email="martine@exemple.fr", roles=["patient_expert"])
    call = make_call(state="review")
    assignment = make_assignment(make_application(call=call, title="Mieux dormir"), martine)
    db.session.commit()
    return martine, call, assignment


def _radio_values(page, criterion_id):
    return [int(v) for v in re.findall(rf'name="score_{criterion_id}"[^>]*value="(\d+)"|'
                                       rf'value="(\d+)"[^>]*name="score_{criterion_id}"',
                                       page) for v in v if v]


def test_every_question_of_the_grid_runs_from_the_lowest_answer_to_the_highest(web):
    _martine, call, assignment = _reviewer_with_assignment()
    web.login("martine@exemple.fr")
    page = _text(web.get(f"/clara/relectures/{assignment.id}"))
    scored = [c for c in call.criteria if c.is_scored]
    assert {c.kind for c in scored} == set(CriterionKind.SCORED)
    for criterion in scored:
        values = _radio_values(page, criterion.id)
        assert values == list(range(1, criterion.max_score + 1)), (criterion.kind, values)
    clarity = next(c for c in scored if c.kind == CriterionKind.QUALITY)
    burden = next(c for c in scored if c.kind == CriterionKind.CHOICE)
    section = page.split(f'id="critere-{clarity.id}"')[1]
    assert section.index("Insuffisant") < section.index("Passable") < \
        section.index("Bien") < section.index("Excellent")
    section = page.split(f'id="critere-{burden.id}"')[1]
    assert section.index(">Non<") < section.index("En partie") < section.index(">Oui<")

    # The paper version, to fill by hand, reads the same way round.
    paper = _text(web.get(f"/clara/relectures/{assignment.id}/imprimer"))
    section = paper.split(f'id="imprimer-critere-{clarity.id}"')[1]
    assert section.index("Insuffisant") < section.index("Excellent")
    section = paper.split(f'id="imprimer-critere-{burden.id}"')[1]
    assert section.index("☐ Non") < section.index("☐ Oui")


def test_stored_scores_keep_their_meaning(app):
    call = make_call(state="review")
    clarity = next(c for c in call.criteria if c.kind == CriterionKind.QUALITY)
    burden = next(c for c in call.criteria if c.kind == CriterionKind.CHOICE)
    # Reviews written before the grid was turned round: a higher score is still better.
    assert clarity.score_label(4) == "Excellent"
    assert clarity.score_label(1) == "Insuffisant"
    assert burden.score_label(3) == "Oui"
    assert burden.score_label(1) == "Non"


def test_a_sent_review_is_confirmed_by_mail_with_a_copy_and_a_link_to_read_it_back(web):
    martine, call, assignment = _reviewer_with_assignment()
    rv.save_review(martine, assignment, _answers(call))
    db.session.commit()
    web.login("martine@exemple.fr")
    confirm = f"/clara/relectures/{assignment.id}/verifier"
    assert web.submit(confirm, {"submit": "1"}).status_code == 302

    [mail] = [m for m in outbox("martine@exemple.fr") if "envoyée" in m.subject]
    assert "Mieux dormir" in mail.subject
    body = mail.body_text
    assert "est bien arrivée" in body
    # The copy follows the grid, each answer as chosen, low-to-high labels unchanged.
    assert body.index("1. Le projet est-il important") < body.index("5. Le résumé")
    assert "Excellent" in body
    assert "Oui" in body
    assert "Les personnes âgées." in body
    link = link_in(mail)
    assert link.endswith(f"/clara/relectures/{assignment.id}/lire")
    page = _text(web.get(link))
    assert "Les personnes âgées." in page
    assert "Excellent" in page
    assert "Modifier ma relecture" in page

    # Changed and sent again: a second receipt says so.
    rv.save_review(martine, assignment, _answers(call, [4, *GOOD[1:]]))
    db.session.commit()
    assert assignment.review.status == ReviewStatus.SUBMITTED
    assert web.submit(confirm, {"submit": "1"}).status_code == 302
    assert any("modifiée" in m.subject for m in outbox("martine@exemple.fr"))


def test_reading_back_is_for_the_reviewer_only(web):
    martine, call, assignment = _reviewer_with_assignment()
    rv.save_review(martine, assignment, _answers(call))
    rv.submit_review(martine, assignment)
    UserFactory(email="karim@exemple.fr", roles=["patient_expert"])
    db.session.commit()
    web.login("karim@exemple.fr")
    assert web.get(f"/clara/relectures/{assignment.id}/lire").status_code == 403
    assert web.get("/clara/relectures/999999/lire").status_code == 404


def test_each_reply_box_of_the_researcher_names_its_review_and_its_question(web):
    coordinator = UserFactory(email="anne@exemple.fr", roles=["coordinator"])
    owner = UserFactory(email="claire@exemple.fr", roles=["researcher"])
    martine = UserFactory(email="martine@exemple.fr", roles=["patient_expert"])
    call = make_call(state="review")
    application = make_application(owner, call)
    assignment = make_assignment(application, martine)
    # Review A comments on two questions: two reply boxes.
    texts = ["Le sommeil compte.", "", "Les personnes âgées.", "", "", "", "", ""]
    rv.save_review(martine, assignment, _answers(call, texts=texts))
    rv.submit_review(martine, assignment)
    rv.release_feedback(coordinator, application)
    db.session.commit()
    web.login("claire@exemple.fr")
    page = _text(web.get(f"/clara/candidatures/{application.id}"))
    labels = re.findall(r'<label for="(response_\d+)" class="label">(.*?)</label>', page,
                        re.S)
    assert len(labels) == 2
    texts = [re.sub(r"<[^>]+>", "", text) for _id, text in labels]
    assert len(set(texts)) == 2, texts
    assert "relecture A" in texts[0]
    assert "Le projet est-il important" in texts[0]
    assert "Qui risque" in texts[1]
