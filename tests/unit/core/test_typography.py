"""French dates as people write them: « 1er décembre », « mardi 1er décembre 2026 »."""

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from patientlab.core.i18n import date_full, date_long, datetime_long

FIRST = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)
ELEVENTH = datetime(2026, 12, 11, 17, 30, tzinfo=UTC)


@pytest.mark.usefixtures("app")
def test_the_first_of_the_month_is_an_ordinal_in_french_only():
    with force_locale("fr"):
        assert date_long(FIRST) == "1er décembre 2026"
        assert date_full(FIRST) == "mardi 1er décembre 2026"
        assert datetime_long(FIRST).startswith("1er décembre 2026 à 18:30")
        assert date_long(ELEVENTH) == "11 décembre 2026"  # not « 11er »
        assert date_long(datetime(2027, 1, 21, 12, tzinfo=UTC)) == "21 janvier 2027"
    with force_locale("en"):
        assert date_long(FIRST) == "December 1, 2026"


def test_no_break_spaces_keep_punctuation_with_its_word():
    from patientlab.core.typography import NARROW_NBSP, NBSP, french_spacing

    assert french_spacing("Vous ne pouvez plus venir ? Annulez !") == \
        f"Vous ne pouvez plus venir{NARROW_NBSP}? Annulez{NARROW_NBSP}!"
    assert french_spacing("Soirées « Parle-Moi »") == f"Soirées «{NBSP}Parle-Moi{NBSP}»"
    assert french_spacing("a ; b") == f"a{NARROW_NBSP}; b"
    assert french_spacing("https://exemple.fr?x=1") == "https://exemple.fr?x=1"  # untouched
    assert french_spacing(french_spacing("Quoi ?")) == french_spacing("Quoi ?")
