"""The glossary's terms, kept by the coordination: each with its anchor (« essai-clinique »)
and its definition; the summaries link their first use (projects.glossary)."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, or_, select

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.collation import sorted_french
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.permissions import EDITORS
from patientlab.core.sanitize import plain_text
from patientlab.core.text import fold
from patientlab.extensions import db

from .models import GlossaryTerm


def glossary() -> list[GlossaryTerm]:
    return sorted_french(db.session.scalars(select(GlossaryTerm)), key=lambda t: t.term)


def slugify(term: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(term)).strip("-")[:130]


def _free_slug(base: str, term: GlossaryTerm | None) -> str:
    """« terme », « terme-2 »…: for words with no Latin letter or digit to make one of."""
    taken = set(db.session.scalars(select(GlossaryTerm.slug).where(
        GlossaryTerm.slug.like(f"{base}%"),
        GlossaryTerm.id != (term.id if term is not None and term.id else -1))))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def save_term(actor: User, term: GlossaryTerm | None, text: str, definition: str) -> GlossaryTerm:
    if not actor.has_any_role(EDITORS):
        raise PermissionError("only coordinators maintain the glossary")
    text = plain_text(text)
    slug = slugify(text)
    # Same word for a reader (case, accents, punctuation aside): same anchor, refused.
    clash = db.session.scalar(select(GlossaryTerm).where(or_(
        func.lower(GlossaryTerm.term) == text.lower(),
        GlossaryTerm.slug == slug if slug else false())))
    if clash is not None and clash is not term:
        raise ServiceError(_l("Ce terme est déjà dans le glossaire (« %(term)s »).",
                              term=clash.term), field="term")
    slug = slug or _free_slug("terme", term)
    if term is None:
        term = GlossaryTerm(term=text, slug=slug, definition="")
        db.session.add(term)
        action = "glossary.create"
    else:
        action = "glossary.update"
        term.term, term.slug = text, slug
    term.definition = plain_text(definition, multiline=True)
    term.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, action, term, summary=term.term)
    return term


def delete_term(actor: User, term: GlossaryTerm) -> None:
    if not actor.has_any_role(EDITORS):
        raise PermissionError("only coordinators maintain the glossary")
    audit.record(actor, "glossary.delete", term, summary=term.term)
    db.session.delete(term)
