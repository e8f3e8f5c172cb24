"""A funded project in Chromium: a patient expert follows it by keyboard on a phone-sized
screen; the team's follow-up page, the results, the evening's projects and the impact
page have zero axe violations and no horizontal scrolling at 320 px."""

from sqlalchemy import select

from patientlab.cycle.models import ProjectFunding
from patientlab.extensions import db
from tests.browser.conftest import log_in
from tests.browser.harness import assert_no_axe_violations, scroll_overflow, tab_until


def _funded(live_app):
    with live_app.app_context():
        result = db.session.scalar(select(ProjectFunding.project_id))
        db.session.remove()
    return result


def test_a_patient_expert_follows_a_funded_project_by_keyboard_at_320_px(
        new_context, base_url, live_app):
    project_id = _funded(live_app)
    context = log_in(new_context(viewport={"width": 320, "height": 640}), base_url,
                     "moderation@exemple.fr")
    page = context.new_page()
    page.goto(f"{base_url}/clara/projets/{project_id}")
    assert "Financé par l’appel" in page.inner_text("main")
    assert page.locator("#suivi").count() == 1
    assert_no_axe_violations(page, "funded project, moderator")
    assert scroll_overflow(page) == 0
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('Suivre ce projet')",
              "follow button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".notice--success").count() == 1
    assert "Ne plus suivre ce projet" in page.inner_text("#suivre-box")
    assert_no_axe_violations(page, "funded project, followed")
    # One click to stop.
    tab_until(page, "el => el.tagName === 'BUTTON' && el.innerText.includes('Ne plus suivre')",
              "unfollow button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Suivre ce projet" in page.inner_text("#suivre-box")


def test_the_cycle_pages_at_320_px(new_context, base_url, live_app):
    project_id = _funded(live_app)
    for email, paths in (
            ("chercheur@exemple.fr", [f"/clara/projets/{project_id}/suivi",
                                      f"/clara/projets/{project_id}/resultats/modifier"]),
            ("coordination@exemple.fr", ["/clara/coordination/appels/1/impact",
                                         "/clara/coordination/participation"]),
            ("organisation@exemple.fr", ["/clara/organisation/evenements/"])):
        context = log_in(new_context(viewport={"width": 320, "height": 640}), base_url, email)
        page = context.new_page()
        for path in paths:
            response = page.goto(base_url + path)
            assert response.status == 200, path
            assert_no_axe_violations(page, f"{email} {path}")
            assert scroll_overflow(page) == 0, path
        if email == "organisation@exemple.fr":
            with page.expect_navigation():
                page.click("text=Mieux dormir après un cancer : ce que la recherche a trouvé")
            with page.expect_navigation():
                page.click("text=Projets présentés et diapositives")
            page.fill("#q", "sommeil")
            with page.expect_navigation():
                page.click("main form[role=search] button")
            assert page.locator("main form[role=search] ~ ul li, main p[role=status]").count()
            assert_no_axe_violations(page, "evening's projects, search")
            assert scroll_overflow(page) == 0
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    for path in (f"/clara/projets/{project_id}/resultats", "/clara/appels/1/resultats"):
        page.goto(base_url + path)
        assert_no_axe_violations(page, f"visitor {path}")
        assert scroll_overflow(page) == 0, path
