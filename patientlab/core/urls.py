"""Absolute links for mail and calendar files.

Every link that leaves the platform (a mail, a calendar file) is built on the configured
public address, ``PUBLIC_URL``, never on the Host header of the request that caused it:
a password reset asked for with ``Host: attacker.example`` must still mail a link to the
platform itself.
"""

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """``endpoint``'s address on PUBLIC_URL, inside a request or not."""
    base = urlsplit(current_app.config["PUBLIC_URL"].rstrip("/"))
    anchor = values.pop("_anchor", None)
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme or "https")
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{anchor}" if anchor else url


def public_host() -> str:
    """The host name (and port) of PUBLIC_URL."""
    return urlsplit(current_app.config["PUBLIC_URL"]).netloc
