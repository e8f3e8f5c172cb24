"""Jinja filters and globals used by every template (features add their own in their
init_app)."""

from flask import g, request
from flask.templating import Environment as FlaskEnvironment
from flask_babel import get_locale
from markupsafe import Markup

from patientlab.core import navigation, people, permissions
from patientlab.core.i18n import (
    CONTENT_LANGUAGE,
    LANGUAGE_NAMES,
    content_lang,
    date_full,
    date_long,
    datetime_long,
    decimal,
    duration,
    time_short,
    user_written,
    written,
)
from patientlab.core.sanitize import render_rich_text
from patientlab.core.security import Role, role_label
from patientlab.core.urls import link_root


class Environment(FlaskEnvironment):
    """Flask's Jinja environment, each template's globals a plain dict instead of a
    ChainMap over the environment's: every render copies them into its context, and every
    ``{% from … import %}`` compares them with the imported template's, key by key through
    the ChainMap (a twentieth of a millisecond per import). Our globals are all set while
    the application is made, before any template is loaded, as Jinja asks."""

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


def csrf_field(form) -> Markup:
    """A form's hidden CSRF token without an id: a page with several forms keeps its ids
    unique (valid HTML); nothing when CSRF is off (tests of the forms themselves)."""
    field = getattr(form, "csrf_token", None)
    return field(id=False) if field is not None else Markup("")


def note_form() -> str:
    """Called by the field macros: this page asks the person to type something."""
    g.page_has_form = True
    return ""


def site_paths(html: Markup) -> Markup:
    """Links written from the platform's root in cleaned stored texts (« /compte/donnees »,
    in the charter) get the application's root in front, as every other link of the page."""
    root = link_root()
    if not root:
        return html
    return html.replace(Markup('href="/'), Markup('href="{}/').format(root))


def page_has_form() -> bool:
    return bool(g.get("page_has_form"))


def register_template_helpers(app) -> None:
    app.jinja_env.filters["date_long"] = date_long
    app.jinja_env.filters["date_full"] = date_full
    app.jinja_env.filters["datetime_long"] = datetime_long
    app.jinja_env.filters["written"] = written
    app.jinja_env.globals["content_lang"] = content_lang
    app.jinja_env.globals["CONTENT_LANGUAGE"] = CONTENT_LANGUAGE
    app.jinja_env.tests["user_written"] = user_written
    app.jinja_env.filters["role_label"] = role_label
    app.jinja_env.filters["time_short"] = time_short
    app.jinja_env.filters["rich"] = render_rich_text
    app.jinja_env.filters["site_paths"] = site_paths
    app.jinja_env.filters["decimal"] = decimal
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.globals["Role"] = Role
    app.jinja_env.globals.update(menu=navigation.menu, visitor_menu_key=navigation.visitor_menu_key,
                                 place_url=navigation.place_url,
                                 has_any=permissions.has_any,
                                 permissions=permissions, person_url=people.person_url,
                                 csrf_field=csrf_field, note_form=note_form,
                                 page_has_form=page_has_form)
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _inject():
        locale = str(get_locale())
        return {
            "html_lang": locale,
            "other_languages": [code for code in app.config["LANGUAGES"] if code != locale],
            "current_path": request.path if request else "/",
        }
