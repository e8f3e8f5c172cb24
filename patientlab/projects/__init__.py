"""Research projects, lay summaries, FALC versions, glossary, questions, clarity ratings."""

from flask import Blueprint

bp = Blueprint("projects", __name__)

from patientlab.projects import routes  # noqa: E402, F401
