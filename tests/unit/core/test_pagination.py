import pytest

from patientlab.core.pagination import MAX_PAGE, Page, page_number


@pytest.mark.parametrize(("raw", "page"), [
    ("3", 3), (None, 1), ("", 1), ("0", 1), ("-2", 1), ("²", 1), ("1⁰", 1), ("٣", 1),
    ("9" * 4301, 1), ("99999999", 1), ("100000", MAX_PAGE), ("12abc", 1), (" 4 ", 4),
])
def test_page_numbers_are_ascii_digits_clamped(raw, page):
    assert page_number(raw) == page


def test_a_page_past_the_end_is_the_last_one():
    assert Page.of(total=45, requested=9, per_page=20).page == 3


@pytest.mark.parametrize(("page", "pages", "shown"), [
    (1, 1, [1]),
    (1, 4, [1, 2, 3, 4]),
    (1, 5, [1, 2, 3, None, 5]),
    (4, 20, [1, 2, 3, 4, 5, 6, None, 20]),
    (5, 20, [1, None, 3, 4, 5, 6, 7, None, 20]),
    (10, 20, [1, None, 8, 9, 10, 11, 12, None, 20]),
    (20, 20, [1, None, 18, 19, 20]),
    (250, 500, [1, None, 248, 249, 250, 251, 252, None, 500]),
])
def test_the_pagination_shows_the_ends_and_the_pages_near_this_one(page, pages, shown):
    """The same numbers the pagination always showed, as many whatever the number of
    pages (it used to walk every page)."""
    assert Page.of(total=pages * 10, requested=page, per_page=10).window() == shown
