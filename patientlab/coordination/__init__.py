"""Coordinators' space: validations of patient experts and association representatives."""

from flask import Blueprint

bp = Blueprint("coordination", __name__, url_prefix="/coordination")

from patientlab.coordination import routes  # noqa: E402, F401
