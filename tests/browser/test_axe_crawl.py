"""Crawl every page as a visitor and as each demo role: zero axe-core violations."""

import pytest

from tests.browser.conftest import DEMO_ROLES, log_in
from tests.browser.harness import assert_no_axe_violations, crawl, nu_html_errors, run_axe

# PACA's organiser sees the organiser's kinds of page, which the organiser's crawl checks;
# her menu's links to her own network are a functional test (test_network_host).
ROLES = ["visitor", *(role for role in DEMO_ROLES if role != "paca_organiser")]


@pytest.mark.parametrize("role", ROLES)
def test_every_reachable_page_has_zero_axe_violations_and_valid_html(
        role, new_context, base_url, capsys, tmp_path):
    """axe-core on every page and error state, then the Nu HTML Checker on the same
    pages as served (RGAA 8.2: duplicate ids break labels and descriptions)."""
    context = new_context()
    if role != "visitor":
        log_in(context, base_url, DEMO_ROLES[role])
    report = crawl(context, base_url, role)
    invalid = nu_html_errors(report.sources, tmp_path)
    with capsys.disabled():
        print(f"\n  axe crawl as {role}: {len(report.pages)} pages, "
              f"{len(report.error_states)} form error states checked, "
              f"{len(report.sources)} validated by the Nu HTML Checker")
    assert len(report.pages) >= 5, report.pages
    assert not report.failures, "\n".join(report.failures)
    assert not invalid, "\n".join(invalid[:40])


def test_harness_catches_a_broken_page(new_context, base_url):
    """An image without alt and an input without label must fail the check."""
    page = new_context().new_page()
    page.goto(base_url + "/_test/page-cassee")
    rules = {v["id"] for v in run_axe(page)}
    assert "image-alt" in rules
    assert "label" in rules
    with pytest.raises(AssertionError, match="image-alt"):
        assert_no_axe_violations(page)


def test_english_pages_have_zero_axe_violations(new_context, base_url):
    context = new_context(locale="en-GB")
    report = crawl(context, base_url, "visitor (English)")
    assert len(report.pages) >= 5
    assert not report.failures, "\n".join(report.failures)


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("visitor", "/page-qui-n-existe-pas", 404),
        ("visitor", "/compte/verifier/lien-abime", 400),
        ("visitor", "/compte/mot-de-passe/lien-abime", 400),
        ("visitor", "/compte/inscription/verifiez-vos-mails", 200),
        ("researcher", "/clara/coordination/", 403),
        ("coordinator", "/clara/coordination/validations/999999", 404),
    ],
)
def test_pages_reached_without_a_link_have_zero_violations(
        role, path, status, new_context, base_url):
    context = new_context()
    if role != "visitor":
        log_in(context, base_url, DEMO_ROLES[role])
    page = context.new_page()
    response = page.goto(base_url + path)
    assert response.status == status
    assert page.locator("h1").count() == 1
    assert_no_axe_violations(page, f"{role} {path}")


def test_pages_after_a_successful_form_have_zero_violations(new_context, base_url):
    page = new_context().new_page()
    page.goto(base_url + "/compte/mot-de-passe-oublie")
    page.fill("#email", "quelquun@exemple.fr")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "Vérifiez vos e-mails" in page.inner_text("h1")
    assert_no_axe_violations(page, "forgotten password sent")


def test_the_html_checker_catches_invalid_html(tmp_path):
    errors = nu_html_errors({"deux formulaires": b"<!doctype html><html lang='fr'><title>x"
                                                 b"</title><p id='submit'>a</p>"
                                                 b"<p id='submit'>b</p></html>"}, tmp_path)
    assert any("deux formulaires" in e and "Duplicate ID" in e for e in errors), errors
