"""Dr Morel's way through the platform, on her laptop: she writes a lay summary with the
writing help and sends it; the moderator publishes it and a visitor reads it; she answers
the patients' feedback on her application and the patient who reviewed it reads the
answer at the top of her page; she publishes her results, then corrects them: visitors
keep reading the published results while the change waits, and the link mailed to a
follower still works once the moderator has published the new text."""

import re
from datetime import timedelta

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.calls.models import Review, ReviewAnswer, ReviewStatus
from patientlab.core import notifications
from patientlab.core.models import utcnow
from patientlab.extensions import db
from patientlab.moderation.models import Revision
from patientlab.projects.models import Project, ProjectResults
from tests.factories import (
    PASSWORD,
    UserFactory,
    make_application,
    make_assignment,
    make_call,
    make_project,
)

RESEARCHER = "chercheur@exemple.fr"
MODERATOR = "moderation@exemple.fr"
WAITING = "Votre modification attend la relecture de l’équipe de modération"

JARGON = ("Cette étude multicentrique randomisée évaluera l’efficacité d’une activité "
          "physique adaptée sur la fatigue des patients atteints d’un cancer colorectal "
          "métastatique, en intégrant des biomarqueurs inflammatoires circulants.")
PLAIN = ("Beaucoup de personnes soignées pour un cancer du côlon sont très fatiguées. "
         "Nous voulons savoir si marcher chaque jour les aide.")


def _score(text: str) -> int:
    return int(re.search(r"Score\s*:\s*(-?\d+)\s*sur\s*100", text).group(1))


def _main(page) -> str:
    return page.inner_text("main")


def test_researcher_summary_feedback_answer_and_results_that_stay_online(
        journey_app, journey_url, laptop, phone, log_in, look, mailbox):
    with journey_app.app_context():
        researcher = db.session.scalar(select(User).where(User.email == RESEARCHER))
        # The patient expert who reviewed Dr Morel's application to a call whose
        # feedback is released and open for answers.
        reviewer = UserFactory(email="odile.marchand@exemple.fr", name="Odile Marchand",
                               roles=["patient_expert"])
        call = make_call(state="responses", title="Appel du parcours chercheur")
        application = make_application(
            researcher, call, title="Marcher pour moins de fatigue",
            feedback_released_at=utcnow() - timedelta(days=2))
        assignment = make_assignment(application, reviewer)
        review = Review(assignment_id=assignment.id, status=ReviewStatus.RELEASED,
                        submitted_at=utcnow() - timedelta(days=10))
        db.session.add(review)
        db.session.flush()
        criterion = next(c for c in call.criteria if c.is_shared)
        comment = ReviewAnswer(review_id=review.id, criterion_id=criterion.id, score=3,
                               comment="Les trajets jusqu’à l’hôpital seront fatigants.")
        db.session.add(comment)
        # Her funded project, already public, and a person who follows it.
        funded = make_project(researcher, title="Dormir mieux, le parcours des résultats")
        follower = UserFactory(email="lucien.perret@exemple.fr", name="Lucien Perret")
        notifications.follow(follower, "project", funded.id)
        db.session.commit()
        application_id, funded_id, assignment_id = application.id, funded.id, assignment.id

    researcher_tab = log_in(laptop(), RESEARCHER)
    page = researcher_tab

    # 1. A lay summary, with the writing help: the score and the hard words, then simpler.
    page.goto(journey_url + "/clara/projets/nouveau")
    look(page, "new project")
    page.fill("#title", "Marcher chaque jour pendant un cancer du côlon")
    page.fill("#teaser", "Savoir si la marche aide à moins se sentir fatigué.")
    page.check('input[name="cancer_types"][value="colorectal"]')
    page.check('input[name="themes"][value="nutrition-activite"]')
    page.fill("#why", JARGON)
    page.fill("#what", "Des personnes marchent 30 minutes par jour pendant 3 mois.")
    page.fill("#change", "Moins de fatigue pendant les traitements.")
    page.fill("#involvement", "Trois patients ont écrit le questionnaire avec nous.")
    page.get_by_role("button", name="Vérifier la lisibilité").click()
    page.wait_for_load_state("load")
    look(page, "readability of the first draft")
    help_box = page.locator("#lisibilite-box").inner_text()
    hard = _score(help_box)
    assert "Mots à expliquer ou à remplacer" in help_box
    assert re.search(r"multicentrique|randomisée|biomarqueurs", help_box)
    page.fill("#why", PLAIN)
    page.get_by_role("button", name="Vérifier la lisibilité").click()
    page.wait_for_load_state("load")
    assert _score(page.locator("#lisibilite-box").inner_text()) > hard
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_load_state("load")
    assert "brouillon" in _main(page)
    look(page, "draft saved")
    page.get_by_role("button", name="Envoyer pour publication").click()
    page.wait_for_load_state("load")
    assert "La coordination le relit avant de le publier" in _main(page)
    with journey_app.app_context():
        summary_id = db.session.scalar(select(Project.id).where(
            Project.title == "Marcher chaque jour pendant un cancer du côlon"))

    # 2. The moderator publishes it; a visitor reads it.
    moderator = log_in(laptop(), MODERATOR)
    moderator.goto(journey_url + "/clara/moderation/")
    look(moderator, "moderation queue")
    moderator.get_by_role("link", name="Voir les projets à publier").click()
    moderator.get_by_role("link", name="Marcher chaque jour pendant un cancer du côlon").click()
    look(moderator, "project to publish")
    moderator.get_by_role("button", name="Publier le projet").click()
    moderator.wait_for_load_state("load")

    visitor = phone().new_page()
    visitor.goto(f"{journey_url}/clara/projets/{summary_id}")
    assert "Nous voulons savoir si marcher chaque jour les aide." in _main(visitor)
    assert "multicentrique" not in _main(visitor)
    look(visitor, "published summary, as a visitor")

    # 3. Her answer to the patients' feedback; the reviewer reads it at the top of her page.
    page.goto(f"{journey_url}/clara/candidatures/{application_id}")
    look(page, "application with feedback")
    assert "Les trajets jusqu’à l’hôpital seront fatigants." in _main(page)
    page.get_by_label(re.compile(r"Ce que vous changez, en réponse à la relecture A")).fill(
        "Les séances de marche se font près de chez vous.")
    page.get_by_label("Votre réponse à l’ensemble des avis").fill(
        "Vous avez dit que les trajets seraient fatigants. Nous marchons près de chez vous.")
    page.locator("#avis-formulaire").get_by_role("button", name="Envoyer ma réponse").click()
    page.wait_for_load_state("load")
    look(page, "answer sent")
    mail = mailbox.wait_for(to="odile.marchand@exemple.fr", subject_contains="répondu")
    patient = log_in(phone(), "odile.marchand@exemple.fr", PASSWORD)
    patient.goto(mail.link(containing=f"/clara/relectures/{assignment_id}"))
    look(patient, "review page with the team's answer")
    answer = patient.locator("#reponse-porteur")
    assert "Nous marchons près de chez vous." in patient.locator("section", has=answer) \
        .inner_text()
    top = patient.evaluate("document.getElementById('reponse-porteur')"
                           ".getBoundingClientRect().top + window.scrollY")
    details = patient.evaluate("document.getElementById('ensemble-avis')"
                               ".getBoundingClientRect().top + window.scrollY")
    assert top < details
    assert top < 2500, f"the answer starts {top} px down the page"

    # 4. Her results: read by the moderator first, then public; the follower is told.
    page.goto(f"{journey_url}/clara/projets/{funded_id}/suivi")
    look(page, "follow-up page")
    page.get_by_role("link", name="Écrire les résultats").click()
    page.get_by_label("Ce que nous avons cherché").fill(
        "Nous voulions savoir si 6 séances de groupe aident à mieux dormir.")
    page.get_by_label("Ce que nous avons trouvé").fill(
        "Les patientes dorment 35 minutes de plus par nuit.")
    look(page, "results form")
    page.get_by_role("button", name="Enregistrer et envoyer").click()
    page.wait_for_load_state("load")
    assert "après relecture" in _main(page)
    with journey_app.app_context():
        results_id = db.session.scalar(select(ProjectResults.id).where(
            ProjectResults.project_id == funded_id))
    moderator.goto(journey_url + "/clara/moderation/")
    moderator.locator(f'a[href$="/clara/moderation/project_resultss/{results_id}"]').click()
    look(moderator, "results to moderate")
    moderator.get_by_label("Publier", exact=True).check()
    moderator.get_by_role("button", name="Enregistrer la décision").click()
    moderator.wait_for_load_state("load")
    told = mailbox.wait_for(to="lucien.perret@exemple.fr", subject_contains="résultats")
    results_link = told.link(containing=f"/clara/projets/{funded_id}/resultats")
    visitor.goto(results_link)
    assert "35 minutes de plus" in _main(visitor)
    look(visitor, "published results, from the follower's mail")

    # 5. She saves them again unchanged: nothing happens, they stay online.
    page.goto(f"{journey_url}/clara/projets/{funded_id}/resultats/modifier")
    assert "<p>" not in page.locator("#found").input_value()
    page.get_by_role("button", name="Enregistrer et envoyer").click()
    page.wait_for_load_state("load")
    assert "Rien n’a changé." in _main(page).replace("\u202f", " ").replace("\xa0", " ")
    visitor.goto(results_link)
    assert "35 minutes de plus" in _main(visitor)

    # 6. She corrects them: the change waits, visitors keep the published results.
    page.goto(f"{journey_url}/clara/projets/{funded_id}/resultats/modifier")
    page.get_by_label("Ce que nous avons trouvé").fill(
        "Les patientes dorment 40 minutes de plus par nuit.")
    page.get_by_role("button", name="Enregistrer et envoyer").click()
    page.wait_for_load_state("load")
    assert WAITING in _main(page)
    look(page, "follow-up page, change waiting")
    page.goto(f"{journey_url}/clara/projets/{funded_id}/resultats/modifier")
    assert WAITING in _main(page)
    assert "40 minutes" in page.locator("#found").input_value()
    look(page, "results form with the waiting change")
    visitor.goto(results_link)
    assert "35 minutes de plus" in _main(visitor)
    assert "40 minutes" not in _main(visitor)

    # 7. The moderator sees what changed and publishes it; the follower's link shows it.
    with journey_app.app_context():
        revision_id = db.session.scalar(select(Revision.id).where(
            Revision.kind == "project_results", Revision.object_id == results_id))
    moderator.goto(journey_url + "/clara/moderation/")
    moderator.locator(f'a[href="/clara/moderation/modifications/{revision_id}"]').click()
    look(moderator, "change to review")
    assert "35" in moderator.locator(".diff del").first.inner_text()
    assert "40" in moderator.locator(".diff ins").first.inner_text()
    moderator.get_by_label("Publier la modification").check()
    moderator.get_by_role("button", name="Enregistrer la décision").click()
    moderator.wait_for_load_state("load")
    visitor.goto(results_link)
    assert "40 minutes de plus" in _main(visitor)
    assert "35 minutes" not in _main(visitor)
    look(visitor, "new results, from the same mail link")
    assert mailbox.wait_for(to=RESEARCHER, subject_contains="modification est publiée")
    assert len(mailbox.to("lucien.perret@exemple.fr")) == 1, "followers are told once"
