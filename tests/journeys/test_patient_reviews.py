"""Martine reviews a project on her phone: from the invitation mail to the researcher's
answer, over two sittings, every scale the same way round."""

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.calls import reviewing as rv
from patientlab.core.mail import send_pending
from patientlab.demo import DEMO_PASSWORD
from patientlab.extensions import db
from tests.factories import UserFactory, make_application, make_call

MARTINE = "patient@exemple.fr"
TITLE = "Bouger ensemble après la chimiothérapie"


def _build(journey_app):
    """A call under review, an application, Martine assigned by the coordination."""
    with journey_app.app_context():
        martine = db.session.scalar(select(User).where(User.email == MARTINE))
        martine.locale = "fr"
        coordinator = db.session.scalar(select(User).where(User.email == "coordination@exemple.fr"))
        researcher = UserFactory(email="chercheuse.bouger@exemple.fr", name="Inès Morel",
                                 roles=["researcher"])
        call = make_call(state="review", title="Oncostarter – Bouger")
        application = make_application(researcher, call, title=TITLE,
                                       lay_summary="Des marches en groupe, deux fois par semaine.",
                                       team="Dr Inès Morel, Lyon")
        rv.assign(coordinator, application, [martine.id])
        db.session.commit()
        send_pending()
        return application.id, coordinator.id, researcher.id


def _log_in_here(page, password=DEMO_PASSWORD):
    """The login page the link led to: Martine types her address and password."""
    page.get_by_label("Adresse e-mail").fill(MARTINE)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


def test_martine_reviews_a_project_from_her_invitation_to_the_researchers_answer(
        journey_app, journey_url, phone, look, mailbox):
    application_id, coordinator_id, researcher_id = _build(journey_app)
    page = phone(text_size=150).new_page()

    # The invitation: what, until when, and where to start.
    mail = mailbox.wait_for(to=MARTINE, subject_contains="vous attend pour relecture")
    assert TITLE in mail.text
    assert "À rendre au plus tard le" in mail.text
    page.goto(mail.link(containing="/clara/relectures/"))
    look(page, "login from the invitation")
    _log_in_here(page)
    assert "/clara/relectures/" in page.url
    main = page.inner_text("main")
    assert TITLE in main
    assert "vos liens avec ce projet" in main
    assert "Dr Inès Morel, Lyon" in main
    look(page, "conflict of interest question")

    # No conflict: the review can start.
    page.get_by_label("Non, je n’ai aucun lien").check()
    page.get_by_role("button", name="Enregistrer ma déclaration").click()
    assert "Vous pouvez commencer la relecture" in page.inner_text("main")
    look(page, "review form")

    # Every scored question runs the same way round, from the lowest answer to the highest.
    scales = [section.locator("input[type=radio] + label").all_inner_texts()
              for section in page.locator("main section.criterion").all()
              if section.locator("input[type=radio]").count()]
    assert len(scales) == 6
    for labels in scales:
        assert labels[0].startswith(("1 –", "Insuffisant", "Non")), labels
        assert labels[-1].startswith(("5 –", "Excellent", "Oui")), labels

    # First sitting: two questions, then the draft is kept.
    page.get_by_label("4 – Beaucoup").first.check()
    page.get_by_label("Votre commentaire sur la question 1").fill(
        "Bouger aide à moins sentir la fatigue, beaucoup de patientes le disent.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    assert "Brouillon enregistré" in page.inner_text("main")
    look(page, "draft saved")
    page.get_by_role("button", name="Menu").click()  # the folded menu of phones
    page.get_by_role("button", name="Me déconnecter").click()
    assert "La déconnexion est faite" in page.inner_text("main")

    # Second sitting: back from the same mail, her answers are there.
    page.goto(mail.link(containing="/clara/relectures/"))
    _log_in_here(page)
    first_group = page.get_by_role("group").filter(has=page.get_by_label("4 – Beaucoup").first)
    assert first_group.get_by_label("4 – Beaucoup").first.is_checked()
    assert "Bouger aide" in page.get_by_label("Votre commentaire sur la question 1").input_value()
    look(page, "review form, second sitting")

    # She completes the grid: each question answered, the lowest at the left.
    groups = page.locator("main section.criterion")
    for index in range(groups.count()):
        section = groups.nth(index)
        radios = section.locator("input[type=radio]")
        if radios.count():
            if not section.locator("input[type=radio]:checked").count():
                radios.nth(radios.count() - 1).check()  # the highest: all goes well
        else:
            box = section.locator("textarea")
            if not box.input_value():
                box.fill("Les personnes qui vivent loin de Lyon.")
    page.get_by_role("button", name="Relire avant d’envoyer").click()
    assert "/verifier" in page.url
    main = page.inner_text("main")
    assert "Bouger aide" in main
    assert "Excellent" in main
    assert "Oui" in main
    look(page, "check before sending")
    page.get_by_role("button", name="Envoyer ma relecture").click()
    assert "Votre relecture est envoyée" in page.inner_text("main")
    look(page, "my reviews after sending")

    # The receipt: a copy of her answers and the way to read them back.
    receipt = mailbox.wait_for(to=MARTINE, subject_contains="Votre relecture est envoyée")
    assert TITLE in receipt.subject
    assert "Bouger aide" in receipt.text
    assert receipt.text.index("1. ") < receipt.text.index("5. ")
    page.goto(receipt.link(containing="/lire"))
    main = page.inner_text("main")
    assert "Bouger aide" in main
    assert "Modifier ma relecture" in main
    look(page, "review read back")

    # Later: the coordination releases the reviews, the researcher answers.
    with journey_app.app_context():
        from patientlab.calls.models import Application

        application = db.session.get(Application, application_id)
        coordinator = db.session.get(User, coordinator_id)
        researcher = db.session.get(User, researcher_id)
        rv.release_feedback(coordinator, application)
        feedback = rv.feedback_for(application)
        comment = next(answer for summary in feedback.criteria
                       for _letter, answer in summary.comments
                       if answer.comment.startswith("Bouger aide"))
        rv.respond(researcher, application, "Merci pour vos avis, très utiles.",
                   {comment.id: "Nous ajoutons une séance courte pour les plus fatiguées."})
        db.session.commit()
        send_pending()

    answered = mailbox.wait_for(to=MARTINE, subject_contains="a répondu")
    page.goto(answered.link(containing="/clara/relectures/"))
    main = page.inner_text("main")
    assert "Nous ajoutons une séance courte pour les plus fatiguées." in main
    assert "Merci pour vos avis, très utiles." in main
    assert "Votre relecture est la « Relecture A »" in main.replace("\u202f", " ").replace(
        "\xa0", " ")
    look(page, "the researcher's answer")
