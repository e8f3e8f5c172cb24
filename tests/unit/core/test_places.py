from patientlab.core.places import DEPARTMENTS, department_label, department_of


def test_a_postcode_gives_its_department():
    assert department_of("69004") == "69"
    assert department_of(" 01 000 ") == "01"
    assert department_of("75013") == "75"


def test_corsica_and_overseas_departments_have_their_own_codes():
    assert department_of("20000") == "2A"  # Ajaccio
    assert department_of("20200") == "2B"  # Bastia
    assert department_of("97400") == "974"  # Saint-Denis de La Réunion
    assert department_of("97600") == "976"


def test_what_is_not_a_french_department_postcode_is_refused():
    for typed in ("", "6900", "690041", "69OO4", "00123", "96000", "97500", "98000",
                  "20900"):
        assert department_of(typed) is None, typed


def test_every_department_is_listed_once_with_its_name():
    assert len(DEPARTMENTS) == 101
    assert department_label("69") == "Rhône (69)"
