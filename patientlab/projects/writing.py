"""Writing help for lay summaries (core.plain_language): each section analysed on its
own and the summary as a whole, with the glossary (words explained on the page) and the
coordination's « mots simples » list (hard words and their plain alternatives)."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.collation import sorted_french
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.permissions import EDITORS
from patientlab.core.plain_language import Analysis, analyse
from patientlab.core.sanitize import plain_text, render_rich_text, rich_text
from patientlab.core.text import plain_from_html
from patientlab.extensions import db

from .models import GlossaryTerm, PlainWord
from .services import SECTION_TITLES, SUMMARY_FIELDS


def glossary_explanations() -> dict[str, str]:
    return dict(db.session.execute(select(GlossaryTerm.term, GlossaryTerm.definition)).all())


def plain_words() -> list[PlainWord]:
    return sorted_french(db.session.scalars(select(PlainWord)), key=lambda w: w.word)


def plain_alternatives() -> dict[str, tuple[str, ...]]:
    return {w.word: w.alternative_list for w in plain_words()}


def vocabulary() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """For core.plain_language: what other features' writing help uses too."""
    return glossary_explanations(), plain_alternatives()


def _plain(value: str) -> str:
    return plain_from_html(render_rich_text(rich_text(value or "")))


def _section_text(data_or_project, name: str) -> str:
    return _plain(getattr(data_or_project, name))


def analyse_section(text: str) -> Analysis:
    """One section as typed in the form."""
    return analyse(_plain(text), *vocabulary())


@dataclass
class SummaryAnalysis:
    overall: Analysis
    sections: dict[str, Analysis]  # field name → its analysis (written sections only)

    @property
    def titles(self):
        return SECTION_TITLES


def summary_analysis(data_or_project, fields=SUMMARY_FIELDS) -> SummaryAnalysis:
    """The sections of a lay summary (or of results, ``fields``), each on its own and
    all together, with the vocabulary read once."""
    glossary, plain = vocabulary()
    texts = {name: _section_text(data_or_project, name) for name in fields}
    sections = {name: analyse(text, glossary, plain) for name, text in texts.items() if text}
    overall = analyse("\n".join(texts.values()), glossary, plain)
    return SummaryAnalysis(overall, sections)


def save_plain_word(actor: User, entry: PlainWord | None, word: str,
                    alternatives: str) -> PlainWord:
    if not actor.has_any_role(EDITORS):
        raise PermissionError("only the coordination keeps the plain words")
    word = plain_text(word)
    clash = db.session.scalar(select(PlainWord).where(func.lower(PlainWord.word) == word.lower()))
    if clash is not None and clash is not entry:
        raise ServiceError(_l("Ce mot est déjà dans la liste (« %(word)s »).", word=clash.word),
                           field="word")
    lines = [line.strip() for line in plain_text(alternatives, multiline=True).splitlines()]
    if not any(lines):
        raise ServiceError(_l("Donnez au moins un mot simple, par exemple « complémentaire »."),
                           field="alternatives")
    if entry is None:
        entry = PlainWord(word=word)
        db.session.add(entry)
    entry.word = word
    entry.alternatives = "\n".join(line for line in lines if line)
    entry.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "plain_word.save", entry, summary=entry.word)
    return entry


def delete_plain_word(actor: User, entry: PlainWord) -> None:
    if not actor.has_any_role(EDITORS):
        raise PermissionError("only the coordination keeps the plain words")
    audit.record(actor, "plain_word.delete", entry, summary=entry.word)
    db.session.delete(entry)
