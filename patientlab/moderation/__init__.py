"""Moderation of what users write: states, decisions, queue."""

from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderation")

from patientlab.moderation import routes  # noqa: E402, F401
