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


def test_wtforms_own_messages_are_read_once_per_language_and_follow_it(app):
    from wtforms import DateField

    from patientlab.core.forms import BaseForm, wtforms_messages

    class When(BaseForm):
        class Meta:
            csrf = False

        day = DateField()

    for lang, expected in (("fr", "N'est pas une date valide."),
                           ("en", "Not a valid date value.")):
        with app.app_context(), app.test_request_context("/", method="POST", data={"day": "demain"},
                                                          headers={"Accept-Language": lang}):
            form = When()
            assert not form.validate()
            assert form.day.errors == [expected]
            assert wtforms_messages() is wtforms_messages()
