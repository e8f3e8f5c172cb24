"""gunicorn settings for production (`make serve-prod`, or `gunicorn -c config/gunicorn.conf.py`).

Access-log lines keep the route but never a working token (patientlab.core.logs).
"""

logger_class = "patientlab.core.logs.AccessLogger"
accesslog = "-"
