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
