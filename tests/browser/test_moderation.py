"""The moderation queue with the keyboard alone: open the oldest item, publish it."""

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.extensions import db
from patientlab.projects.models import Project, Question
from tests.browser.conftest import log_in
from tests.browser.harness import assert_no_axe_violations, tab_until


def test_moderator_publishes_the_oldest_question_with_the_keyboard(new_context, base_url,
                                                                   live_app):
    with live_app.app_context():
        project = db.session.scalar(select(Project).where(Project.publication == "published"))
        author = db.session.scalar(select(User).where(User.email == "association@exemple.fr"))
        question = Question(project_id=project.id, author_id=author.id,
                            body="Question posée pour le test au clavier ?")
        db.session.add(question)
        db.session.commit()
        question_id = question.id
        db.session.remove()
    context = log_in(new_context(), base_url, "moderation@exemple.fr")
    page = context.new_page()
    page.goto(base_url + "/clara/moderation/")
    assert_no_axe_violations(page, "moderation queue")
    link = f"/clara/moderation/questions/{question_id}"
    tab_until(page, f"el => el.tagName === 'A' && el.getAttribute('href') === '{link}'",
              "queue → newest question", limit=120)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_until(page, "el => el.id === 'decision-0'", "decision: publish")
    page.keyboard.press("Space")
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('Enregistrer')",
              "decision: submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Décision enregistrée." in page.inner_text("main")
    with live_app.app_context():
        assert db.session.get(Question, question_id).moderation_state == "published"
        db.session.remove()
