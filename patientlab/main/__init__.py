"""Public pages: home, accessibility statement, privacy notice, charter, health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from patientlab.main import routes  # noqa: E402, F401
