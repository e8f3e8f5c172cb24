"""Accounts: registration, login, verification, reset, profile, preferences."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/compte")

from patientlab.auth import routes  # noqa: E402, F401
