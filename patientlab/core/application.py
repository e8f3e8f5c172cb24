"""The Flask application class: Flask, with what every request goes through made once
instead of at each request.

- The session cookie's signer (``SessionInterface``): Flask builds a new one, keys and
  all, to open every session and again to save it.
- Whether a hook or view is a coroutine (``ensure_sync``): Flask inspects each of the
  fifteen or so functions a request calls, every time.
- Each template's globals as a plain dict (core.templating.Environment).
"""

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from patientlab.core.templating import Environment


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


class Application(Flask):
    jinja_environment = Environment
    session_interface = SessionInterface()

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
