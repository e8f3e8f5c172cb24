"""Working tokens never reach a log.

Personal links (a registration, a password reset, an address confirmation) carry a
signed token in their path. Access logs, and our own lines that quote a path or a
referrer, keep the route and replace the token by « <jeton> ». Tokens are recognised by
their shape (itsdangerous: payload, timestamp and signature separated by dots), so a new
kind of link is covered without being listed here.
"""

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

# A signed token: three or more URL-safe base64 parts separated by dots, long enough that
# no ordinary path segment (« mot-de-passe », « 2026.css ») looks like one.
# Matches start only where a run of such characters starts, so a long run is read once.
_TOKEN = re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{8,}(?:\.[A-Za-z0-9_\-]{4,}){2,}")
MASK = "<jeton>"


def redact(text):
    """``text`` with every signed token replaced; anything that is not a string as is."""
    if not isinstance(text, str) or "." not in text:
        return text
    return _TOKEN.sub(MASK, text)


def _redact_record(record: logging.LogRecord) -> None:
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(redact(arg) for arg in record.args)
    elif isinstance(record.args, dict):
        record.args = {key: redact(value) for key, value in record.args.items()}


class AccessLogger(GunicornLogger):
    """gunicorn's logger (``logger_class`` in config/gunicorn.conf.py): every value an
    access-log line may show (request line, path, query, referrer, any header or environ
    value) loses its tokens."""

    def atoms(self, resp, req, environ, request_time):
        return {key: redact(value)
                for key, value in super().atoms(resp, req, environ, request_time).items()}


def install(app) -> None:
    """Every log record of the process (the development server's request lines, ours,
    any library's) loses its tokens as it is made, before any handler sees it."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_tokens", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        _redact_record(record)
        return record

    factory.redacts_tokens = True
    logging.setLogRecordFactory(factory)
