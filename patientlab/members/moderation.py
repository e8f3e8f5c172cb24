"""Presentations are a kind of moderated content."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from patientlab.moderation.services import Kind, register_kind

from .models import Bio


def register_kinds() -> None:
    register_kind(Kind("bio", _l("Présentation d’un membre"), Bio, "body",
                       lambda b: url_for("members.profile", user_id=b.author_id),
                       lambda b: b.author.public_name))
