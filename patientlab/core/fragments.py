"""Parts of a page that are the same for everyone and change only with their own data
(a project's card in a list) are made once per language and kept in memory::

    {% call cached_fragment("project-card", project.id, project.updated_at) %}…{% endcall %}

The application (tests make several in one process), the language, the application's
root (every link starts with it) and what packages registered (the network whose pages
the links lead to) are always part of the key; the key given must name
everything else the part shows: here the project's last change (its title, teaser, tags,
status…, all set together). Nothing personal goes in such a part.
"""

from collections import OrderedDict
from threading import Lock

from flask import current_app
from flask_babel import get_locale
from jinja2 import pass_context
from markupsafe import Markup

from patientlab.core import page_cache
from patientlab.core.urls import link_root

MAX_FRAGMENTS = 5000
_FRAGMENTS: OrderedDict[tuple, Markup] = OrderedDict()
_LOCK = Lock()


@pass_context
def cached_fragment(context, *key, caller) -> Markup:
    if not current_app.config.get("FRAGMENT_CACHE", True):
        return caller()
    # The page's language, as the context processors saw it when the page began (inside
    # a mail's force_locale too); a template made without them asks Flask-Babel.
    # Its links start with the application's root: that is part of the key too.
    full = (page_cache.scope(), context.get("html_lang") or str(get_locale()), link_root(),
            *(part() for part in key_parts()), *key)
    with _LOCK:
        found = _FRAGMENTS.get(full)
        if found is not None:
            _FRAGMENTS.move_to_end(full)
            return found
    made = caller()  # already Markup: the template escaped what it had to
    with _LOCK:
        _FRAGMENTS[full] = made
        while len(_FRAGMENTS) > MAX_FRAGMENTS:
            _FRAGMENTS.popitem(last=False)
    return made


def key_parts() -> list:
    return current_app.extensions.setdefault("patientlab.fragments.key_parts", [])


def register_key_part(part) -> None:
    """``part()``: something every kept part's links depend on beyond the language and the
    root (the networks give the network the request is about, which links lead to).
    Called from the owning package's init_app."""
    if part not in key_parts():
        key_parts().append(part)


def clear() -> None:
    with _LOCK:
        _FRAGMENTS.clear()


def init_app(app) -> None:
    app.jinja_env.globals["cached_fragment"] = cached_fragment
