"""Project pages in the browser: researcher's editor by keyboard, 320 px, no JS."""

from tests.browser.conftest import log_in
from tests.browser.harness import assert_no_axe_violations, scroll_overflow, tab_until


def test_researcher_checks_readability_with_the_keyboard(new_context, base_url):
    context = log_in(new_context(), base_url, "chercheur@exemple.fr")
    page = context.new_page()
    page.goto(base_url + "/clara/projets/nouveau")
    tab_until(page, "el => el.id === 'title'", "editor: title")
    page.keyboard.type("Marcher ensemble après un cancer")
    tab_until(page, "el => el.id === 'why'", "editor: why")
    page.keyboard.type("Marcher aide à reprendre des forces. Nous voulons le vérifier.")
    tab_until(page, "el => el.tagName === 'BUTTON' && "
                    "el.innerText.includes('Vérifier la lisibilité')", "editor: check readability")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Lisibilité du résumé" in page.inner_text("main")
    assert page.input_value("#title") == "Marcher ensemble après un cancer"
    assert_no_axe_violations(page, "editor after readability check")
    # The live character counter is announced politely and linked to the field.
    counter = page.locator("#why-count")
    assert counter.get_attribute("aria-live") == "polite"
    assert "why-count" in page.get_attribute("#why", "aria-describedby")


def test_search_works_without_javascript_and_keeps_the_query(new_context, base_url):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(base_url + "/clara/projets/")
    page.fill("#q", "FATIGUE")
    page.select_option("#cancer", "sein")
    page.click("form[role=search] button[type=submit]")
    assert "q=FATIGUE" in page.url
    assert "cancer=sein" in page.url
    assert page.input_value("#q") == "FATIGUE"
    assert "Bouger pendant la chimiothérapie du cancer du sein" in page.inner_text("main")


def test_moderating_a_question_at_320_px(new_context, base_url):
    context = log_in(new_context(viewport={"width": 320, "height": 640}), base_url,
                     "moderation@exemple.fr")
    page = context.new_page()
    page.goto(base_url + "/clara/moderation/")
    link = page.locator("main a:has-text('Décider')").first
    with page.expect_navigation():
        link.click()
    assert scroll_overflow(page) == 0
    assert_no_axe_violations(page, "moderation question at 320 px")


def test_each_section_is_checked_as_the_researcher_writes(new_context, base_url):
    context = log_in(new_context(), base_url, "chercheur@exemple.fr")
    page = context.new_page()
    page.goto(base_url + "/clara/projets/nouveau")
    page.locator("#why").fill("Cette étude ancillaire mesurera les PROs des patients EGFR.")
    note = page.locator("#lisibilite-why")
    assert note.get_attribute("aria-live") == "polite"
    note.locator("strong", has_text="EGFR").wait_for()  # after a pause in the typing
    assert "PROs" in note.inner_text()
    assert "complémentaire" in note.inner_text()  # the demo's plain word for « ancillaire »
    assert page.evaluate("document.activeElement.id") == "why"  # the focus stays
    assert_no_axe_violations(page, "editor with a live section note")
