"""« Expérience patient » reviews in the browser: the review form by keyboard alone,
and the feedback pages at 320 px with their charts and tables."""

from sqlalchemy import select

from patientlab.auth.models import User
from patientlab.calls.models import Application, Assignment, Call, CriterionKind
from patientlab.core.models import utcnow
from patientlab.core.typography import french_spacing as fr
from patientlab.extensions import db
from tests.browser.conftest import log_in
from tests.browser.harness import (
    assert_no_axe_violations,
    focus_state,
    scroll_overflow,
    tab_until,
)


def _new_assignment(live_app, email="patient@exemple.fr"):
    """A fresh application in the call under review, assigned to ``email``."""
    with live_app.app_context():
        call = db.session.scalar(select(Call).where(Call.title.contains("2026")))
        owner = db.session.scalar(select(User).where(User.email == "chercheur@exemple.fr"))
        reviewer = db.session.scalar(select(User).where(User.email == email))
        application = Application(
            call_id=call.id, owner_id=owner.id, title="Projet relu au clavier",
            lay_summary="Un projet simple.", scientific_summary="Méthode.",
            involvement_plan="Des patientes.", budget_summary="10 000 €.", team="Dr Morel",
            status="submitted", submitted_at=utcnow())
        db.session.add(application)
        db.session.flush()
        assignment = Assignment(application_id=application.id, reviewer_id=reviewer.id,
                                status="accepted")
        db.session.add(assignment)
        db.session.commit()
        criteria = [(c.id, c.kind) for c in call.criteria]
        result = assignment.id, criteria
        db.session.remove()
    return result


def _press(page, key):
    with page.expect_navigation():
        page.keyboard.press(key)


def test_patient_expert_fills_and_sends_a_review_with_the_keyboard(
        new_context, base_url, live_app):
    assignment_id, criteria = _new_assignment(live_app)
    context = log_in(new_context(), base_url, "patient@exemple.fr")
    page = context.new_page()
    page.goto(f"{base_url}/clara/relectures/{assignment_id}")
    assert_no_axe_violations(page, "review form")

    first_id = criteria[0][0]
    tab_until(page, f"el => el.id === 'score_{first_id}-0'", "review: first question")
    page.keyboard.press("Space")  # 1 – Pas du tout: a comment becomes required
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('Relire avant')",
              "review: check button")
    _press(page, "Enter")
    assert page.title().startswith(fr("Erreur :"))
    assert not focus_state(page)["body"]
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert_no_axe_violations(page, "review form with errors")

    for criterion_id, kind in criteria:
        if kind == CriterionKind.TEXT:
            tab_until(page, f"el => el.id === 'comment_{criterion_id}'", f"text {criterion_id}")
            page.keyboard.press("Control+A")
            page.keyboard.type("Les personnes qui vivent loin de l’hôpital.")
            continue
        tab_until(page, f"el => el.name === 'score_{criterion_id}'", f"score {criterion_id}")
        # Space chooses the focused answer; arrow keys move within the group and choose.
        radios = f"[...document.querySelectorAll('input[name=score_{criterion_id}]')]"
        count = page.evaluate(f"{radios}.length")
        current = page.evaluate(f"{radios}.findIndex(r => r.checked)")
        if current < 0:
            page.keyboard.press("Space")
            current = 0
        # « Beaucoup », or the best: every scale runs from the lowest to the highest.
        target = count - 2 if kind == CriterionKind.SCALE else count - 1
        for _ in range((target - current) % count):
            page.keyboard.press("ArrowDown")
        checked = page.evaluate(
            f"document.querySelector('input[name=score_{criterion_id}]:checked').value")
        assert checked in ("3", "4")
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('Relire avant')",
              "review: check button again")
    _press(page, "Enter")
    assert "/verifier" in page.url
    assert "Les personnes qui vivent loin de l’hôpital." in page.inner_text("main")
    assert_no_axe_violations(page, "review check page")
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('Envoyer')",
              "check page: send")
    _press(page, "Enter")
    assert "Votre relecture est envoyée" in page.inner_text("main")


def test_feedback_page_reflows_at_320_px_with_chart_and_table(new_context, base_url,
                                                               live_app):
    with live_app.app_context():
        application = db.session.scalar(select(Application).where(
            Application.title == "Mieux dormir après un cancer du sein"))
        application_id = application.id
        db.session.remove()
    context = log_in(new_context(viewport={"width": 320, "height": 640}), base_url,
                     "chercheur@exemple.fr")
    page = context.new_page()
    page.goto(f"{base_url}/clara/candidatures/{application_id}")
    assert page.locator("svg.chart title").count() >= 5
    assert page.locator("table caption").count() >= 5
    assert scroll_overflow(page) == 0
    assert_no_axe_violations(page, "feedback at 320 px")
