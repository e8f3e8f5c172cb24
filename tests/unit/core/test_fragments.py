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


def test_a_part_is_kept_per_application_of_the_process(app):
    """Two applications in one process (each test suite's live app) never share a part."""
    from patientlab import create_app

    fragments.clear()
    other = create_app("testing", {"PLATFORM_NAME": "Autre plateforme"})
    page = '{% call cached_fragment("essai-appli") %}{{ config.PLATFORM_NAME }}{% endcall %}'
    with app.test_request_context("/"):
        assert render_template_string(page) == app.config["PLATFORM_NAME"]
    with other.test_request_context("/"):
        assert render_template_string(page) == "Autre plateforme"
    with app.test_request_context("/"):
        assert render_template_string(page) == app.config["PLATFORM_NAME"]
