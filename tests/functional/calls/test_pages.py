import io
import re

from sqlalchemy import select

from patientlab.calls import reviewing as rv
from patientlab.calls.models import (
    Application,
    ApplicationStatus,
    AssignmentStatus,
    Call,
    Review,
    ReviewAnswer,
    ReviewStatus,
)
from patientlab.core.typography import french_spacing as fr
from patientlab.extensions import db
from tests.conftest import link_in, outbox
from tests.factories import UserFactory, make_application, make_assignment, make_call

COORD = "anne@exemple.fr"


def _text(response):
    return response.get_data(as_text=True)


def _review_form(call, scores, comments):
    data = {}
    for criterion, score, comment in zip(call.criteria, scores, comments, strict=True):
        if score is not None:
            data[f"score_{criterion.id}"] = str(score)
        data[f"comment_{criterion.id}"] = comment
    return data


GOOD = [5, 4, None, 4, 3, 3, 5, None]
TEXTS = ["", "", "Les personnes âgées.", "", "", "", "Bien.", "CONFIDENTIEL-XYZ"]


def test_public_list_and_page_show_the_state_plainly(client):
    make_call(state="open", title="Appel ouvert")
    make_call(state="review", title="Appel en évaluation")
    make_call(state="closed", title="Appel clos")
    make_call(published=False, title="Appel en préparation")
    db.session.commit()
    page = _text(client.get("/clara/appels/"))
    assert "Appel en préparation" not in page
    for state in ("ouvert", "en évaluation", "clos"):
        assert state in page
    call = db.session.scalar(select(Call).where(Call.title == "Appel ouvert"))
    page = _text(client.get(f"/clara/appels/{call.id}"))
    assert "Connectez-vous pour déposer une candidature" in page
    assert "Le projet est-il important pour les patients" in page


def test_coordinator_creates_a_call_with_errors_next_to_fields_and_nothing_lost(web):
    UserFactory(email=COORD, roles=["coordinator"])
    db.session.commit()
    web.login(COORD)
    form = {"title": "Oncostarter 2027", "description": "Un appel pour les patients.",
            "opens_on": "2027-01-10", "application_deadline_on": "2026-12-01",
            "review_deadline_on": "2027-04-30", "response_deadline_on": "2027-05-20",
            "results_on": "pas une date"}
    response = web.submit("/clara/coordination/appels/nouveau", form)
    page = _text(response)
    assert response.status_code == 200
    assert fr("<title>Erreur :") in page
    assert 'id="results_on-error"' in page
    assert "Un appel pour les patients." in page
    form["results_on"] = "2027-06-15"
    page = _text(web.submit("/clara/coordination/appels/nouveau", form))
    assert "La date limite de dépôt doit venir après l’ouverture." in page
    assert 'id="application_deadline_on-error"' in page
    form["application_deadline_on"] = "2027-03-15"
    response = web.submit("/clara/coordination/appels/nouveau", {**form, "published": "y"})
    assert response.status_code == 302
    call = db.session.scalar(select(Call))
    assert call.published_at is not None
    assert len(call.criteria) == 8


def test_criterion_form_edits_a_question_until_the_first_review(web):
    UserFactory(email=COORD, roles=["coordinator"])
    call = make_call()
    db.session.commit()
    web.login(COORD)
    url = f"/clara/coordination/appels/{call.id}/grille/nouvelle"
    page = _text(web.submit(url, {"label": "", "kind": "scale", "visibility": "shared",
                                  "anchors": "Un\nDeux"}))
    assert "Écrivez la question" in page
    response = web.submit(url, {"label": "Le projet aide-t-il les aidants ?", "kind": "choice",
                                "visibility": "confidential", "required": "y",
                                "comment_below": "1"})
    assert response.status_code == 302
    page = _text(web.get(f"/clara/coordination/appels/{call.id}/grille"))
    assert "Le projet aide-t-il les aidants ?" in page
    assert fr("Confidentiel : coordination et comité seulement") in page
    call.form_frozen_at = call.opens_at
    db.session.commit()
    response = web.get(url, follow_redirects=True)
    assert "La grille ne peut plus changer" in _text(response)


def test_researcher_drafts_uploads_a_pdf_checks_readability_and_submits(web):
    researcher = UserFactory(email="claire@exemple.fr", roles=["researcher"])
    call = make_call()
    db.session.commit()
    web.login(researcher.email)
    url = f"/clara/candidatures/nouvelle/{call.id}"
    token = web.csrf(url)
    response = web.client.post(url, data={
        "csrf_token": token, "title": "Mieux dormir", "check": "1",
        "lay_summary": "Beaucoup de patientes dorment mal. Nous testons des séances de groupe.",
        "attachment": (io.BytesIO(b"%PDF-1.4 projet"), "projet.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    application = db.session.scalar(select(Application))
    assert application.attachment_name == "projet.pdf"
    page = _text(web.get(response.headers["Location"]))
    assert "Lisibilité du résumé pour les patients" in page
    assert fr("Score :") in page

    # A file that is not a PDF: error next to the field, text kept.
    edit = f"/clara/candidatures/{application.id}/modifier"
    token = web.csrf(edit)
    response = web.client.post(edit, data={
        "csrf_token": token, "title": "Mieux dormir", "save": "1", "team": "Dr Morel",
        "attachment": (io.BytesIO(b"GIF89a"), "photo.pdf")}, content_type="multipart/form-data")
    page = _text(response)
    assert "Le fichier n’est pas un PDF" in page
    assert 'id="attachment-error"' in page
    assert "Dr Morel" in page

    page = _text(web.get(f"/clara/candidatures/{application.id}/verifier"))
    assert "Avant de déposer, complétez" in page
    web.submit(edit, {"title": "Mieux dormir", "lay_summary": "Simple.", "scientific_summary":
                      "Méthode.", "involvement_plan": "Patientes.", "budget_summary": "20 k€.",
                      "team": "Dr Morel", "review": "1"})
    response = web.submit(f"/clara/candidatures/{application.id}/verifier", {"submit": "1"})
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status == ApplicationStatus.SUBMITTED
    download = web.get(f"/clara/candidatures/{application.id}/document")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.data == b"%PDF-1.4 projet"
    download.close()


def test_after_the_deadline_the_edit_page_is_closed_and_the_draft_kept(web):
    researcher = UserFactory(email="claire@exemple.fr", roles=["researcher"])
    call = make_call(state="review")
    application = make_application(researcher, call, submitted=False, lay_summary="Gardé.")
    db.session.commit()
    web.login(researcher.email)
    response = web.get(f"/clara/candidatures/{application.id}/modifier", follow_redirects=True)
    page = _text(response)
    assert "La date limite est passée" in page
    assert "Gardé." in page


def test_nobody_else_reads_an_application_and_unknown_ids_are_404(web):
    owner = UserFactory(email="claire@exemple.fr", roles=["researcher"])
    application = make_application(owner)
    assignment = make_assignment(application)
    UserFactory(email="autre@exemple.fr", roles=["researcher"])
    UserFactory(email="relecteur@exemple.fr", roles=["patient_expert"])
    db.session.commit()
    web.login("autre@exemple.fr")
    assert web.get(f"/clara/candidatures/{application.id}").status_code == 403
    assert web.get(f"/clara/candidatures/{application.id}/modifier").status_code == 403
    assert web.get(f"/clara/candidatures/{application.id}/document").status_code == 403
    assert web.get("/clara/candidatures/999999").status_code == 404
    web.logout()
    web.login("relecteur@exemple.fr")
    assert web.get(f"/clara/relectures/{assignment.id}").status_code == 403
    assert web.get("/clara/relectures/999999").status_code == 404
    assert web.get(f"/clara/coordination/appels/candidatures/{application.id}").status_code == 403


def test_whole_cycle_through_the_pages(web):
    coordinator = UserFactory(email=COORD, roles=["coordinator"])
    owner = UserFactory(email="claire@exemple.fr", roles=["researcher"])
    martine = UserFactory(email="martine@exemple.fr", roles=["patient_expert"])
    call = make_call(state="review")
    application = make_application(owner, call, team="Dr Morel, Lyon")
    db.session.commit()

    # Assignment, with the suggestion helper.
    web.login(COORD)
    page = _text(web.get(f"/clara/coordination/appels/candidatures/{application.id}?suggestion=1"))
    assert re.search(rf'checked[^>]*value="{martine.id}"', page)
    url = f"/clara/coordination/appels/candidatures/{application.id}"
    response = web.submit(f"{url}/affecter", {"assign-reviewers": str(martine.id)},
                          form_url=url, prefix="assign-")
    assert response.status_code == 302
    web.logout()

    # Martine follows her mail, declares no conflict, saves a draft, then completes.
    link = link_in(outbox("martine@exemple.fr")[0])
    web.login("martine@exemple.fr")
    page = _text(web.get(link))
    assert "vos liens avec ce projet" in page
    assert "Dr Morel, Lyon" in page
    response = web.submit(f"{link}/interets", {"conflict": "no"}, form_url=link)
    assert response.status_code == 302
    first = call.criteria[0]
    response = web.submit(link, {f"score_{first.id}": "5", "save": "1"})
    assert response.status_code == 302
    page = _text(web.get(link))
    assert re.search(rf'id="score_{first.id}-4"[^>]*checked|checked[^>]*id="score_{first.id}-4"',
                     page) or 'value="5" checked' in page or "checked" in page
    page = _text(web.submit(link, {f"score_{first.id}": "9", "check": "1"}))
    assert "Choisissez une des réponses proposées." in page
    page = _text(web.submit(link, {f"score_{first.id}": "1", "check": "1"}))
    assert fr("<title>Erreur :") in page
    assert "un commentaire est demandé pour cette note" in page
    response = web.submit(link, {**_review_form(call, GOOD, TEXTS), "check": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/verifier")
    confirm = response.headers["Location"]
    page = _text(web.get(confirm))
    assert "Les personnes âgées." in page
    assert "Modifier" in page
    response = web.submit(confirm, {"submit": "1"})
    assert response.status_code == 302
    web.logout()

    # The coordination reads, edits out a detail, releases.
    web.login(COORD)
    review = db.session.scalar(select(Review))
    assert review.status == ReviewStatus.SUBMITTED
    review_url = f"/clara/coordination/appels/relectures/{review.id}"
    target = call.criteria[2]
    response = web.submit(f"{review_url}/corrections",
                          {f"edit-comment_{target.id}": "Les aînés.", "edit-submit": "1"},
                          form_url=review_url, prefix="edit-")
    assert response.status_code == 302
    web.submit(f"{url}/transmettre", {"release-submit": "1"}, form_url=url,
               prefix="release-")
    web.logout()

    # The applicant reads anonymised feedback without the confidential comment, answers.
    web.login(owner.email)
    detail = f"/clara/candidatures/{application.id}"
    page = _text(web.get(detail))
    assert "Relecture A" in page
    assert "Les aînés." in page
    assert "CONFIDENTIEL-XYZ" not in page
    assert "Commentaire confidentiel" not in page
    assert "martine" not in page.lower()
    assert "<svg" in page
    assert "<desc" in page
    assert "<caption" in page
    answer = db.session.scalar(select(ReviewAnswer).where(
        ReviewAnswer.criterion_id == target.id))
    # A draft first: kept, shown again, sent to nobody.
    response = web.submit(f"{detail}/reponse", {"general": "Premier jet.",
                                                f"response_{answer.id}": "À voir.",
                                                "save_draft": "Enregistrer le brouillon"},
                          form_url=detail)
    assert response.status_code == 302
    page = _text(web.get(detail))
    assert "Votre brouillon est gardé" in page
    assert "Premier jet." in page
    assert "À voir." in page
    assert page.count('form="avis-formulaire"') >= 3  # the buttons at the top too
    assert "Voir les chiffres" in page
    db.session.expire_all()
    assert db.session.get(ReviewAnswer, answer.id).response == ""
    response = web.submit(f"{detail}/reponse", {"general": "Nous ajoutons des visites.",
                                                f"response_{answer.id}": "Visites à domicile."},
                          form_url=detail)
    assert response.status_code == 302
    web.logout()

    # Decision; Martine reads the answer, the decision and the others' feedback.
    web.login(COORD)
    response = web.submit(f"{url}/decision", {"decision-decision": "funded",
                                              "decision-rationale": ""},
                          form_url=url, prefix="decision-")
    assert "Expliquez la décision" in _text(response)
    web.submit(f"{url}/decision", {"decision-decision": "funded",
                                   "decision-rationale": "Projet utile."},
               form_url=url, prefix="decision-")
    web.logout()
    web.login("martine@exemple.fr")
    page = _text(web.get(link))
    assert fr("Décision du comité : Financé") in page
    assert "Visites à domicile." in page
    assert "Nous ajoutons des visites." in page
    assert "(vous)" in page
    subjects = [m.subject for m in outbox("martine@exemple.fr")]
    assert any("répondu" in s for s in subjects)
    assert any("Décision" in s for s in subjects)
    assert coordinator.id


def test_conflict_declared_on_the_page_removes_the_assignment(web):
    UserFactory(email=COORD, roles=["coordinator"])
    application = make_application()
    assignment = make_assignment(application, UserFactory(email="k@exemple.fr",
                                                          roles=["association_rep"]),
                                 status=AssignmentStatus.PENDING)
    db.session.commit()
    web.login("k@exemple.fr")
    url = f"/clara/relectures/{assignment.id}"
    page = _text(web.submit(f"{url}/interets", {"conflict": "yes"}, form_url=url))
    assert "Choisissez le lien qui vous concerne." in page
    response = web.submit(f"{url}/interets", {"conflict": "yes", "reason": "knows_team"},
                          form_url=url)
    assert response.status_code == 302
    assert web.get(url).status_code == 403
    assert "Conflit" in outbox(COORD)[0].subject


def test_ranking_csv_and_committee_summary(web):
    UserFactory(email=COORD, roles=["coordinator"])
    call = make_call(state="review")
    application = make_application(call=call, title="Projet étoilé")
    assignment = make_assignment(application)
    rv.save_review(assignment.reviewer, assignment,
                   {c.id: rv.AnswerData(score=s, comment=t)
                    for c, s, t in zip(call.criteria, GOOD, TEXTS, strict=True)})
    rv.submit_review(assignment.reviewer, assignment)
    db.session.commit()
    web.login(COORD)
    page = _text(web.get(f"/clara/coordination/appels/{call.id}/classement"))
    assert "Projet étoilé" in page
    assert "<caption" in page
    response = web.get(f"/clara/coordination/appels/{call.id}/classement.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    assert "Projet étoilé" in response.data.decode("utf-8")
    page = _text(web.get(f"/clara/coordination/appels/{call.id}/synthese"))
    assert "CONFIDENTIEL-XYZ" in page  # the committee reads the confidential part


def test_paper_review_entered_by_the_coordination(web):
    UserFactory(email=COORD, roles=["coordinator"])
    call = make_call(state="review")
    application = make_application(call=call)
    assignment = make_assignment(application, status=AssignmentStatus.PENDING)
    db.session.commit()
    web.login(COORD)
    url = f"/clara/coordination/appels/affectations/{assignment.id}/saisie"
    page = _text(web.submit(url, {"send": "1"}))
    assert fr("Question 1 : choisissez une réponse.") in page
    response = web.submit(url, {**_review_form(call, GOOD, TEXTS), "send": "1"})
    assert response.status_code == 302
    db.session.refresh(assignment)
    assert assignment.review.status == ReviewStatus.SUBMITTED
    assert assignment.review.entered_by_id is not None


def test_large_print_version_has_the_application_and_a_blank_form(web):
    application = make_application(lay_summary="Résumé lisible.")
    assignment = make_assignment(application, UserFactory(email="m@exemple.fr",
                                                          roles=["patient_expert"]))
    db.session.commit()
    web.login("m@exemple.fr")
    page = _text(web.get(f"/clara/relectures/{assignment.id}/imprimer"))
    assert "Résumé lisible." in page
    assert "Grille de relecture" in page
    assert 'class="large-print"' in page
    assert "<textarea" not in page


def test_the_error_summary_names_each_question_and_the_draft_saved_is_a_confirmation(web):
    reviewer = UserFactory(email="martine@exemple.fr", roles=["patient_expert"])
    call = make_call(state="review")
    assignment = make_assignment(make_application(call=call), reviewer)
    db.session.commit()
    web.login("martine@exemple.fr")
    url = f"/clara/relectures/{assignment.id}"
    scores = [5, None, *GOOD[2:]]
    page = _text(web.submit(url, {**_review_form(call, scores, TEXTS), "check": "1"}))
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert fr("Question 2 : choisissez une réponse.") in summary
    assert "brouillon" not in summary
    assert fr("Votre brouillon est enregistré.") in page.split('class="error-summary"')[0]


def test_reviewer_reads_the_teams_answer_at_the_top_of_the_review_page(web):
    """« Vous avez dit, nous avons fait » is what the reviewer comes back for: it opens the
    page (the mail's link lands on it), before every review's charts and the project."""
    from datetime import timedelta

    from patientlab.calls.models import Review, ReviewAnswer, ReviewStatus
    from patientlab.core.models import utcnow

    owner = UserFactory(email="morel@exemple.fr", roles=["researcher"])
    martine = UserFactory(email="martine@exemple.fr", roles=["patient_expert"])
    application = make_application(owner, make_call(state="responses"),
                                   feedback_released_at=utcnow() - timedelta(days=3))
    answers = {}
    for reviewer in (martine, UserFactory(roles=["patient_expert"])):
        assignment = make_assignment(application, reviewer)
        review = Review(assignment_id=assignment.id, status=ReviewStatus.RELEASED,
                        submitted_at=utcnow() - timedelta(days=20))
        db.session.add(review)
        db.session.flush()
        answers[reviewer.id] = [ReviewAnswer(review_id=review.id, criterion_id=c.id, score=3,
                                             comment=f"Commentaire {c.id} de {reviewer.id}.")
                                for c in application.call.criteria if c.is_shared]
        db.session.add_all(answers[reviewer.id])
    db.session.flush()
    mine = answers[martine.id][-1]
    rv.respond(owner, application, "Nous ajoutons des visites à domicile.",
               {mine.id: "Les trajets sont remboursés."})
    db.session.commit()

    [mail] = [m for m in outbox("martine@exemple.fr") if "répondu" in m.subject]
    link = link_in(mail)
    assert "#reponse-porteur" in mail.body_text
    web.login("martine@exemple.fr")
    page = _text(web.get(link))
    answer_at = page.index('id="reponse-porteur"')
    assert answer_at < page.index("Nous ajoutons des visites à domicile.") \
        < page.index('id="ensemble-avis"') < page.index('id="candidature"')
    top = page[answer_at:page.index('id="ensemble-avis"')]
    assert "Les trajets sont remboursés." in top
    assert mine.comment in top
    assert "Résumé des réponses" not in top  # the details come after
