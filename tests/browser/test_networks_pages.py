"""The national agenda and the networks' own pages in the browser: axe-core finds no
violation, with and without filters, on a laptop and on a phone."""


from tests.browser.harness import assert_no_axe_violations, scroll_overflow

PAGES = ["/agenda", "/agenda?ville=Marseille", "/agenda?reseau=clara&en_ligne=1",
         "/reseaux", "/paca/", "/paca/confidentialite", "/paca/mentions-legales"]


def test_agenda_and_network_pages_have_zero_violations(new_context, base_url):
    page = new_context().new_page()
    for path in PAGES:
        response = page.goto(base_url + path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        assert_no_axe_violations(page, path)


def test_agenda_and_network_pages_reflow_on_a_phone(new_context, base_url):
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    for path in ("/agenda", "/paca/", "/reseaux"):
        page.goto(base_url + path)
        assert scroll_overflow(page) <= 0, path
        assert_no_axe_violations(page, f"{path} at 320 px")


def test_the_agenda_filters_by_town_without_javascript(new_context, base_url):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(base_url + "/agenda")
    page.select_option("#ville", "Marseille")
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrer").click()
    assert "ville=Marseille" in page.url
    titles = page.locator("main .card h3").all_inner_texts()
    assert titles == ["Reprendre le travail après un cancer"]
    page.get_by_role("link", name="Effacer les filtres").first.click()
    assert page.url.endswith("/agenda")
