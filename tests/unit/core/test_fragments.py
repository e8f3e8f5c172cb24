"""A part kept by core.fragments is kept per language: the page's own (as the context
processors saw it, a mail's forced language included), else Flask-Babel's."""

from flask import render_template_string
from flask_babel import force_locale

from patientlab.core import fragments

PAGE = ('{% call cached_fragment("essai-langue") %}{{ _("Accueil") }}{% endcall %}')


def test_a_part_is_kept_per_language_of_the_page(app):
    fragments.clear()
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert render_template_string(PAGE) == "Accueil"
        assert render_template_string(PAGE) == "Accueil"  # kept
        with force_locale("en"):  # a mail in its reader's language
            assert render_template_string(PAGE) == "Home"
        assert render_template_string(PAGE) == "Accueil"


def test_a_template_without_the_pages_language_asks_flask_babel(app):
    fragments.clear()
    template = app.jinja_env.from_string(PAGE)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert template.render() == "Home"
        with force_locale("fr"):
            assert template.render() == "Accueil"
