"""Reflow, text size, motion, forced colours and the display preferences, measured in Chromium."""

import pytest

from tests.browser.conftest import log_in
from tests.browser.harness import assert_focus_visible, contrast_ratio, scroll_overflow

PUBLIC_PAGES = ["/", "/compte/connexion", "/compte/inscription", "/compte/preferences",
                "/compte/mot-de-passe-oublie", "/accessibilite", "/confidentialite", "/charte",
                "/page-qui-n-existe-pas", "/clara/projets/", "/clara/projets/1",
                "/clara/projets/1/facile-a-lire", "/clara/glossaire",
                "/clara/projets/?q=fatigue&cancer=sein", "/clara/evenements/",
                "/clara/evenements/1", "/clara/evenements/2",
                "/clara/evenements/?periode=passees"]
ACCOUNT_PAGES = ["/", "/compte/profil", "/compte/mot-de-passe", "/compte/adresse",
                 "/compte/role", "/compte/preferences", "/clara/projets/1"]
COORDINATION_PAGES = ["/clara/coordination/", "/clara/coordination/validations",
                      "/clara/projets/a-publier", "/clara/glossaire/gerer",
                      "/clara/projets/14/modifier"]


def _overflows(page, base_url, paths):
    problems = []
    for path in paths:
        page.goto(base_url + path)
        overflow = scroll_overflow(page)
        if overflow > 0:
            problems.append(f"{path}: {overflow}px")
    return problems


def test_no_horizontal_scrolling_at_320_css_pixels(new_context, base_url):
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    assert not _overflows(page, base_url, PUBLIC_PAGES)


def test_no_horizontal_scrolling_at_320_px_for_a_reader_with_text_at_150_percent(
        new_context, base_url):
    # Martine reads with text at 150 %: her account pages must still reflow.
    context = log_in(new_context(viewport={"width": 320, "height": 640}), base_url,
                     "patient@exemple.fr")
    page = context.new_page()
    page.goto(base_url + "/")
    assert "pl-text-150" in page.evaluate("document.documentElement.className")
    assert not _overflows(page, base_url, ACCOUNT_PAGES)


def test_no_horizontal_scrolling_at_320_px_on_coordination_pages(new_context, base_url):
    context = log_in(new_context(viewport={"width": 320, "height": 640}), base_url,
                     "coordination@exemple.fr")
    page = context.new_page()
    page.goto(base_url + "/clara/coordination/validations")
    link = page.locator("main table a").first.get_attribute("href")
    assert not _overflows(page, base_url, [*COORDINATION_PAGES, link])


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_text_at_200_percent_does_not_scroll_sideways(new_context, base_url, path):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(base_url + path)
    before = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.evaluate("document.documentElement.style.fontSize = '225%'")  # 2 × the 112.5 % base
    after = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert after == pytest.approx(2 * before)
    assert scroll_overflow(page) == 0


def test_text_spacing_preference_uses_the_wcag_values_without_overflow(new_context, base_url):
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    page.goto(base_url + "/compte/preferences")
    page.check("#wide_spacing")
    with page.expect_navigation():  # read the styles of the page after saving, not before
        page.click("text=Enregistrer mes préférences")
    style = page.evaluate("""() => {
        const s = getComputedStyle(document.body);
        return {size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight),
                letter: parseFloat(s.letterSpacing), word: parseFloat(s.wordSpacing)};
    }""")
    assert style["line"] >= 1.5 * style["size"]
    assert style["letter"] >= 0.12 * style["size"] - 0.01
    assert style["word"] >= 0.16 * style["size"] - 0.01
    assert not _overflows(page, base_url, PUBLIC_PAGES)


def test_preferences_are_visible_in_computed_styles(new_context, base_url):
    page = new_context().new_page()
    page.goto(base_url + "/")
    normal = page.evaluate("""() => ({
        size: parseFloat(getComputedStyle(document.documentElement).fontSize),
        font: getComputedStyle(document.body).fontFamily})""")

    page.goto(base_url + "/compte/preferences")
    page.check("#text_size-2")
    page.check("#high_contrast")
    page.check("#dyslexia_font")
    with page.expect_navigation():
        page.click("text=Enregistrer mes préférences")
    page.goto(base_url + "/")
    styled = page.evaluate("""async () => {
        const loaded = await document.fonts.load('1em OpenDyslexic');
        const body = getComputedStyle(document.body);
        const link = document.querySelector('footer a');
        const hint = document.querySelector('main .meta');
        return {
            size: parseFloat(getComputedStyle(document.documentElement).fontSize),
            font: body.fontFamily, loaded: loaded.length,
            color: body.color,
            bodyBackground: body.backgroundColor,
            footerBackground: getComputedStyle(document.querySelector('footer')).backgroundColor,
            link: getComputedStyle(link).color,
            hint: getComputedStyle(hint).color,
        };
    }""")
    assert styled["size"] == pytest.approx(normal["size"] * 1.5)
    assert "OpenDyslexic" not in normal["font"]
    assert styled["font"].startswith('"OpenDyslexic"') or styled["font"].startswith("OpenDyslexic")
    assert styled["loaded"] >= 1, "the OpenDyslexic font file did not load"
    background = styled["bodyBackground"]
    assert contrast_ratio(styled["color"], background) >= 7
    assert contrast_ratio(styled["link"], styled["footerBackground"]) >= 7
    assert contrast_ratio(styled["hint"], background) >= 7


def test_normal_colours_meet_aa_contrast(new_context, base_url):
    page = new_context().new_page()
    page.goto(base_url + "/")
    colours = page.evaluate("""() => ({
        body: getComputedStyle(document.body).color,
        bg: getComputedStyle(document.body).backgroundColor,
        muted: getComputedStyle(document.querySelector('main .meta')).color,
        link: getComputedStyle(document.querySelector('footer a')).color,
        footerBg: getComputedStyle(document.querySelector('footer')).backgroundColor,
    })""")
    assert contrast_ratio(colours["body"], colours["bg"]) >= 4.5
    assert contrast_ratio(colours["muted"], colours["bg"]) >= 4.5
    assert contrast_ratio(colours["link"], colours["footerBg"]) >= 4.5


def test_reduced_motion_and_forced_colours_leave_content_readable(new_context, base_url):
    context = new_context(reduced_motion="reduce", forced_colors="active")
    page = context.new_page()
    page.goto(base_url + "/compte/inscription")
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
    heading = page.locator("h1")
    assert heading.is_visible()
    box = heading.bounding_box()
    assert box["width"] > 0
    assert box["height"] > 0
    styles = page.evaluate("""() => {
        const h1 = getComputedStyle(document.querySelector('h1'));
        const button = getComputedStyle(document.querySelector('.button'));
        return {color: h1.color, background: getComputedStyle(document.body).backgroundColor,
                buttonBorder: button.borderTopStyle, transition: button.transitionDuration};
    }""")
    assert contrast_ratio(styles["color"], styles["background"]) >= 4.5
    assert styles["buttonBorder"] != "none"
    assert styles["transition"] in ("0s", "")
    page.keyboard.press("Tab")
    assert_focus_visible(page, "forced colours: first Tab")


def test_screenshots_of_the_home_page(new_context, base_url, artifacts):
    for width in (1280, 320):
        page = new_context(viewport={"width": width, "height": 900}).new_page()
        page.goto(base_url + "/")
        target = artifacts / f"accueil-{width}px.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000


def test_the_menu_folds_on_a_phone_into_a_disclosure_button(new_context, base_url):
    """An admin's 13 links no longer push the content down a phone's screen: « Menu »
    unfolds them, a button with aria-expanded; the skip link stays first."""
    context = log_in(new_context(viewport={"width": 375, "height": 740}), base_url,
                     "organisation@exemple.fr")
    page = context.new_page()
    page.goto(base_url + "/clara/evenements/")
    main_top = page.evaluate("document.querySelector('main').getBoundingClientRect().top")
    assert main_top < 300, f"the content starts {main_top}px down"
    assert not page.locator("#navigation-list a").first.is_visible()
    button = page.locator("button.nav-toggle")
    assert button.get_attribute("aria-expanded") == "false"
    assert button.get_attribute("aria-controls") == "navigation-list"
    assert "Soirées Parle-Moi" in page.inner_text(".nav-current")  # where I am, said
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.innerText") == "Aller au contenu"
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    current = page.locator("#navigation-list a[aria-current=page]")
    assert current.is_visible()
    assert current.inner_text() == "Soirées Parle-Moi"
    assert scroll_overflow(page) == 0
    button.click()
    assert not page.locator("#navigation-list a").first.is_visible()
    # « Aller au menu » unfolds it and lands on its first link.
    page.goto(base_url + "/clara/evenements/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.innerText") == "Aller au menu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('#navigation-list') !== null")
    # Wide screens show the links and no button.
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("#navigation-list a").first.is_visible()
    assert not button.is_visible()


def test_the_menu_unfolds_without_javascript_too(new_context, base_url):
    page = new_context(viewport={"width": 375, "height": 740},
                       java_script_enabled=False).new_page()
    page.goto(base_url + "/clara/projets/")
    assert not page.locator("#navigation-list a").first.is_visible()
    page.click("a.nav-toggle")
    assert page.locator("#navigation-list a").first.is_visible()
    page.click("#navigation-list a:has-text('Soirées Parle-Moi')")
    assert "/clara/evenements/" in page.url


@pytest.mark.parametrize("path", ["/compte/connexion", "/compte/inscription"])
def test_the_show_password_button_keeps_its_word_on_one_line(new_context, base_url, path):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(base_url + path)
    button = page.locator(".password-wrapper button").first
    lines = page.evaluate("""el => { const s = getComputedStyle(el);
        return Math.round(el.getBoundingClientRect().height / parseFloat(s.lineHeight)); }""",
                          button.element_handle())
    assert button.inner_text() == "Afficher"
    assert page.evaluate("el => el.scrollWidth <= el.clientWidth", button.element_handle())
    assert lines <= 2, "« Afficher » wraps"
