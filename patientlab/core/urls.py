"""Absolute links for mail and calendar files.

Every link that leaves the platform (a mail, a calendar file) is built on the configured
public address, ``PUBLIC_URL``, never on the Host header of the request that caused it:
a password reset asked for with ``Host: attacker.example`` must still mail a link to the
platform itself.
"""

import re
from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """``endpoint``'s address on PUBLIC_URL, inside a request or not."""
    base = urlsplit(current_app.config["PUBLIC_URL"].rstrip("/"))
    anchor = values.pop("_anchor", None)
    current_app.inject_url_defaults(endpoint, values)  # the network, as url_for adds it
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme or "https")
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{anchor}" if anchor else url


def public_host() -> str:
    """The host name (and port) of PUBLIC_URL."""
    return urlsplit(current_app.config["PUBLIC_URL"]).netloc


def configured_root(config) -> str:
    """The application's root path from configuration (``APPLICATION_ROOT``, Flask's own
    setting: "/" or "/patientlab"), as a WSGI ``SCRIPT_NAME``: "" or "/patientlab"."""
    root = str(config.get("APPLICATION_ROOT") or "/").strip()
    root = "/" + "/".join(part for part in root.split("/") if part)
    return "" if root == "/" else root


def link_root() -> str:
    """What every link of a page starts with: the request's root (set from configuration
    by ``ApplicationRoot``), or the configured one outside a request. Anything kept that
    holds links is keyed by it."""
    from flask import has_request_context, request

    if has_request_context():
        return request.script_root
    return configured_root(current_app.config)


class ApplicationRoot:
    """WSGI middleware, outermost: the application root (``SCRIPT_NAME``, which starts
    every link) comes from configuration, never from the request. A server fills
    SCRIPT_NAME from what the client or a proxy sent (gunicorn from a ``SCRIPT_NAME``
    header, by default from a local proxy that passes it through): one request with
    ``SCRIPT_NAME: //attacker.example`` would otherwise make a page whose links and form
    actions lead to another host, kept for the next visitors.

    The path the client asked for is what the server split into SCRIPT_NAME and
    PATH_INFO; the configured root is taken off its start when it is there (a proxy that
    forwards /patientlab/… as is), and what remains is the path inside the application.
    """

    def __init__(self, wsgi_app, root: str):
        self.wsgi_app = wsgi_app
        self.root = root

    def __call__(self, environ, start_response):
        # The address as sent, unescaped (a client may send raw UTF-8 or « %01 »): without
        # the code points HTML forbids, as every form field and parameter
        # (core.application), ASCII controls included; the path has no tab nor line
        # breaks either. Otherwise « /signaler/%01%7F%1B/1 » reached a route as is and was
        # stored (a kept form's page) and shown back.
        for name in ("PATH_INFO", "QUERY_STRING"):
            value = environ.get(name, "")
            if not value.isascii() or _ASCII_CONTROL.search(value):
                value = _without_forbidden_wsgi(value)
                environ[name] = _PATH_SPACE.sub("", value) if name == "PATH_INFO" else value
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        root = self.root
        if root and (path == root or path.startswith(root + "/")):
            path = path[len(root):]
        environ["SCRIPT_NAME"] = root
        environ["PATH_INFO"] = path or "/"
        return self.wsgi_app(environ, start_response)


_ASCII_CONTROL = re.compile("[\x00-\x1f\x7f]")
_PATH_SPACE = re.compile("[\t\n\r]")


def clean_path(path: str) -> str:
    """A path without control characters nor the code points HTML forbids (what
    ApplicationRoot leaves of a request's path), for anything that stores one."""
    from patientlab.core.sanitize import without_forbidden

    return _PATH_SPACE.sub("", without_forbidden(path))


def _without_forbidden_wsgi(value: str) -> str:
    """A WSGI string (the request's bytes as Latin-1) without the code points HTML
    forbids once read as UTF-8; bytes that are not UTF-8 go too."""
    from patientlab.core.sanitize import without_forbidden

    text = value.encode("latin-1").decode("utf-8", "surrogateescape")
    return without_forbidden(text).encode("utf-8").decode("latin-1")
