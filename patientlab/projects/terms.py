"""The glossary's terms: each with its anchor (« essai-clinique ») and its definition; the
summaries link their first use (projects.glossary).

The national glossary (``network_id`` empty), kept by the platform's administration, is
shown in every network beside the network's own terms, kept by its coordination. A word
is in one of them only: a network's term never repeats a national one (nor a national
term one of a network's), so that a page never explains it twice."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, or_, select, true

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.collation import sorted_french
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.permissions import ADMINISTRATION, EDITORS, has_any_in
from patientlab.core.sanitize import plain_text
from patientlab.core.text import fold
from patientlab.extensions import db
from patientlab.networks.context import by_id, slug_of

from .models import GlossaryTerm


def shown_in(column, network_id: int | None):
    """The rows a network's pages use: the national ones and ``network_id``'s own (the
    national ones only when None)."""
    national = column.is_(None)
    return national if network_id is None else or_(national, column == network_id)


def glossary(network_id: int | None) -> list[GlossaryTerm]:
    """The national terms and ``network_id``'s own, alphabetically, in one query."""
    return sorted_french(db.session.scalars(select(GlossaryTerm).where(
        shown_in(GlossaryTerm.network_id, network_id))), key=lambda t: t.term)


def may_keep(user, network_id: int | None) -> bool:
    """``user`` keeps the national list (None: the administration) or ``network_id``'s
    own (its coordination, or the administration)."""
    if network_id is None:
        return bool(user is not None and getattr(user, "is_authenticated", False)
                    and user.has_any_role(ADMINISTRATION))
    return has_any_in(user, EDITORS, network_id)


def scope_label(network_id: int | None) -> str:
    """For the journal: « national » or « network=<slug> »."""
    return "national" if network_id is None else f"network={slug_of(network_id)}"


def clash_message(kind: str, found_network_id: int | None, network_id: int | None,
                  word: str):
    """Why ``word`` is refused, for a list of ``network_id`` (``kind``: « term », « word »)."""
    if found_network_id == network_id:
        return (_l("Ce terme est déjà dans le glossaire (« %(term)s »).", term=word)
                if kind == "term" else
                _l("Ce mot est déjà dans la liste (« %(word)s »).", word=word))
    if found_network_id is None:
        return (_l("Ce terme est déjà dans le glossaire national (« %(term)s ») : il "
                   "s’affiche déjà dans votre réseau. Modifiez le mot, par exemple en le "
                   "précisant.", term=word) if kind == "term" else
                _l("Ce mot est déjà dans la liste nationale (« %(word)s ») : l’aide à "
                   "l’écriture le propose déjà dans votre réseau.", word=word))
    network = by_id(found_network_id)
    return (_l("Ce terme est déjà dans le glossaire propre au %(network)s (« %(term)s ») : "
               "retirez-le de ce glossaire avant de l’ajouter au glossaire national.",
               network=network.name, term=word) if kind == "term" else
            _l("Ce mot est déjà dans la liste propre au %(network)s (« %(word)s ») : "
               "retirez-le de cette liste avant de l’ajouter à la liste nationale.",
               network=network.name, word=word))


def clashing_lists(column, network_id: int | None):
    """The lists a word of ``network_id``'s list (None: national) must not repeat: its own
    and the national one; for the national list, every list."""
    return true() if network_id is None else shown_in(column, network_id)


def slugify(term: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(term)).strip("-")[:130]


def _free_slug(base: str, term: GlossaryTerm | None, network_id: int | None) -> str:
    """« terme », « terme-2 »…: for words with no Latin letter or digit to make one of."""
    taken = set(db.session.scalars(select(GlossaryTerm.slug).where(
        GlossaryTerm.slug.like(f"{base}%"), clashing_lists(GlossaryTerm.network_id, network_id),
        GlossaryTerm.id != (term.id if term is not None and term.id else -1))))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def save_term(actor: User, term: GlossaryTerm | None, text: str, definition: str,
              network_id: int | None = None) -> GlossaryTerm:
    """Add a term to ``network_id``'s glossary (None: the national one), or change
    ``term`` (in its own glossary)."""
    if term is not None:
        network_id = term.network_id
    if not may_keep(actor, network_id):
        raise PermissionError("only the coordination keeps its network's glossary, and the "
                              "administration the national one")
    text = plain_text(text)
    slug = slugify(text)
    # Same word for a reader (case, accents, punctuation aside): same anchor, refused.
    clash = db.session.scalar(select(GlossaryTerm).where(
        clashing_lists(GlossaryTerm.network_id, network_id),
        or_(func.lower(GlossaryTerm.term) == text.lower(),
            GlossaryTerm.slug == slug if slug else false()),
        GlossaryTerm.id != (term.id if term is not None else -1)).limit(1))
    if clash is not None:
        raise ServiceError(clash_message("term", clash.network_id, network_id, clash.term),
                           field="term")
    slug = slug or _free_slug("terme", term, network_id)
    if term is None:
        term = GlossaryTerm(term=text, slug=slug, definition="", network_id=network_id)
        db.session.add(term)
        action = "glossary.create"
    else:
        action = "glossary.update"
        term.term, term.slug = text, slug
    term.definition = plain_text(definition, multiline=True)
    term.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, action, term,
                 summary=f"{term.term} ({scope_label(term.network_id)})")
    return term


def delete_term(actor: User, term: GlossaryTerm) -> None:
    if not may_keep(actor, term.network_id):
        raise PermissionError("only the coordination keeps its network's glossary, and the "
                              "administration the national one")
    audit.record(actor, "glossary.delete", term,
                 summary=f"{term.term} ({scope_label(term.network_id)})")
    db.session.delete(term)
