"""Translations are looked up once per request and locale, and follow force_locale."""

from flask import render_template_string
from flask_babel import force_locale, gettext


def test_translations_follow_the_locale_inside_one_request(app):
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "fr"}):
        assert gettext("Mes relectures") == "Mes relectures"
        assert render_template_string("{{ _('Mes relectures') }}") == "Mes relectures"
        with force_locale("en"):
            assert gettext("Mes relectures") == "My reviews"
            assert render_template_string("{{ _('Mes relectures') }}") == "My reviews"
            assert render_template_string(
                "{{ ngettext('%(num)s appel', '%(num)s appels', 2) }}") == "2 calls"
        assert gettext("Mes relectures") == "Mes relectures"
    # A new request has a new application context (g), as in production.
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string("{{ _('Mes relectures') }}") == "My reviews"
