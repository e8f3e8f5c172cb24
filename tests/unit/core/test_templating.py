"""The Jinja environment: each template's globals are a plain copy of the environment's,
with the template's own on top, and never leak back into the environment."""

from patientlab.core.templating import Environment


def test_template_globals_are_a_copy_with_the_templates_own_on_top(app):
    env = app.jinja_env
    assert isinstance(env, Environment)
    template = env.from_string("{{ url_for('main.home') }} {{ extra }}",
                               globals={"extra": "à part"})
    assert type(template.globals) is dict
    assert "extra" not in env.globals
    assert template.globals["url_for"] is env.globals["url_for"]
    with app.test_request_context("/"):
        assert template.render() == "/ à part"


def test_an_imported_macro_sees_the_same_globals_as_the_page(app):
    env = app.jinja_env
    macros = env.from_string("{% macro where() %}{{ url_for('main.home') }}{% endmacro %}")
    page = env.from_string("{% from macros import where %}[{{ where() }}]")
    with app.test_request_context("/"):
        assert page.render(macros=macros) == "[/]"
