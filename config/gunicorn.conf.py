"""gunicorn settings for production (`make serve-prod`, or `gunicorn -c config/gunicorn.conf.py`).

Access-log lines keep the route but never a working token (patientlab.core.logs).

What a request may say about itself is stated here rather than left to gunicorn's
defaults (SECURITY.md, « Reverse proxy »):

- ``forwarder_headers`` is empty: no request header becomes part of the WSGI environ.
  gunicorn's default lets a local proxy's ``SCRIPT_NAME`` and ``PATH_INFO`` headers set
  them, and nginx or Caddy pass such headers from the client through. The application
  root comes from ``PATIENTLAB_APPLICATION_ROOT`` alone (core.urls.ApplicationRoot).
- ``forwarded_allow_ips``: only a proxy on this machine is trusted for
  ``X-Forwarded-Proto`` (the proxy sets it, overwriting the client's). Set
  ``FORWARDED_ALLOW_IPS`` to the proxy's address when it runs elsewhere.
- ``secure_scheme_headers``: ``X-Forwarded-Proto`` alone, the header nginx and Caddy set.
- ``header_map = "drop"``: a header with an underscore (``SCRIPT_NAME``) is dropped, never
  read as its dashed twin.
The client's address for per-IP limits is read by the application (``PATIENTLAB_PROXY_HOPS``).
"""

import os

logger_class = "patientlab.core.logs.AccessLogger"
accesslog = "-"

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
forwarder_headers = ""
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
header_map = "drop"
