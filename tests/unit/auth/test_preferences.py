import pytest

from patientlab.auth.preferences import Preferences


def test_default_preferences_only_set_the_normal_text_size():
    assert Preferences().html_classes() == ["pl-text-100"]


def test_cookie_round_trip():
    prefs = Preferences(150, True, False, True, True)
    assert Preferences.from_cookie(prefs.to_cookie()) == prefs
    assert prefs.html_classes() == ["pl-text-150", "pl-contrast", "pl-spacing",
                                    "pl-reduced-motion"]


@pytest.mark.parametrize("value", [None, "", "999-0000", "125-01", "125-2222", "abc",
                                   "125-0000-extra-long", "<script>"])
def test_malformed_cookie_gives_defaults(value):
    assert Preferences.from_cookie(value) == Preferences()
