"""The Flask application class: Flask, with what every request goes through made once
instead of at each request.

- The session cookie's signer (``SessionInterface``): Flask builds a new one, keys and
  all, to open every session and again to save it.
- Whether a hook or view is a coroutine (``ensure_sync``): Flask inspects each of the
  fifteen or so functions a request calls, every time.
- Each template's globals as a plain dict (core.templating.Environment).

And what a request brings is cleaned as it is parsed (``Request``).
"""

from urllib.parse import urlsplit, urlunsplit

from flask import Flask
from flask import Request as FlaskRequest
from flask.sessions import SecureCookieSessionInterface
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import RequestRedirect

from patientlab.core.sanitize import without_forbidden
from patientlab.core.templating import Environment


def _clean(value):
    return without_forbidden(value) if isinstance(value, str) else value


class CleanParameters(ImmutableMultiDict):
    """Werkzeug's form and URL parameters, names and texts without the code points HTML
    forbids (core.sanitize.without_forbidden); files are left as they are."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        if hasattr(mapping, "items") and hasattr(mapping, "getlist"):
            pairs = mapping.items(multi=True)
        elif hasattr(mapping, "items"):
            pairs = ((key, item) for key, value in mapping.items()
                     for item in (value if isinstance(value, (list, tuple)) else [value]))
        else:
            pairs = mapping
        super().__init__([(_clean(key), _clean(value)) for key, value in pairs])


class Request(FlaskRequest):
    """Flask's request; its form fields and URL parameters are parsed into
    ``CleanParameters`` (Werkzeug's ``parameter_storage_class``): the one place where
    every text typed into the platform loses the characters HTML forbids, whichever form,
    field or service it goes to next."""

    parameter_storage_class = CleanParameters


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, the signer kept for as long as the keys stay."""

    def __init__(self):
        self._signers: dict[tuple, object] = {}

    def get_signing_serializer(self, app):
        key = (id(app), app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        signer = self._signers.get(key)
        if signer is None:
            signer = super().get_signing_serializer(app)
            if signer is not None:
                self._signers[key] = signer
        return signer


def relative_location(url: str) -> str:
    """``url``'s path and query alone, starting with one « / » (never « //host »)."""
    parts = urlsplit(url)
    return urlunsplit(("", "", "/" + parts.path.lstrip("/"), parts.query, ""))


class Application(Flask):
    jinja_environment = Environment
    request_class = Request
    session_interface = SessionInterface()

    def raise_routing_exception(self, request):
        """Werkzeug's own redirects (« /evenements//1 » to « /evenements/1 », « /projets »
        to « /projets/ ») lead to a path on this site, never to an absolute address: it
        built them on the request's Host header (« Location: http://<Host>/… »), which a
        proxy or a cache may take from the client."""
        error = request.routing_exception
        if isinstance(error, RequestRedirect):
            error.new_url = relative_location(error.new_url)
        super().raise_routing_exception(request)

    def ensure_sync(self, func):
        """Flask's answer, found once per function (hooks and views are the same few
        functions at every request)."""
        known = self.__dict__.setdefault("_ensured_sync", {})
        try:
            return known[func]
        except KeyError:
            made = known[func] = super().ensure_sync(func)
            return made
        except TypeError:  # not hashable: asked each time, as Flask does
            return super().ensure_sync(func)
