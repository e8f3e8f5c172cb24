"""Writing help for lay summaries (core.plain_language): each section analysed on its
own and the summary as a whole, with the glossary (words explained on the page) and the
« mots simples » list (hard words and their plain alternatives): the national ones and
those of the network the text is written in."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from patientlab.auth.models import User
from patientlab.core import audit
from patientlab.core.collation import sorted_french
from patientlab.core.errors import ServiceError
from patientlab.core.models import utcnow
from patientlab.core.plain_language import Analysis, analyse
from patientlab.core.sanitize import plain_text, render_rich_text, rich_text
from patientlab.core.text import plain_from_html
from patientlab.extensions import db
from patientlab.networks import context

from .models import GlossaryTerm, PlainWord
from .services import SECTION_TITLES, SUMMARY_FIELDS
from .terms import clash_message, clashing_lists, may_keep, scope_label, shown_in


def glossary_explanations(network_id: int | None) -> dict[str, str]:
    return dict(db.session.execute(select(GlossaryTerm.term, GlossaryTerm.definition).where(
        shown_in(GlossaryTerm.network_id, network_id))).all())


def plain_words(network_id: int | None) -> list[PlainWord]:
    """The national plain words and ``network_id``'s own, alphabetically, in one query."""
    return sorted_french(db.session.scalars(select(PlainWord).where(
        shown_in(PlainWord.network_id, network_id))), key=lambda w: w.word)


def plain_alternatives(network_id: int | None) -> dict[str, tuple[str, ...]]:
    return {w.word: w.alternative_list for w in plain_words(network_id)}


def vocabulary(network_id: int | None = None) -> tuple[dict[str, str],
                                                      dict[str, tuple[str, ...]]]:
    """For core.plain_language: what other features' writing help uses too. The national
    words and those of ``network_id`` (default: this address's network)."""
    if network_id is None:
        network_id = context.current_id()
    return glossary_explanations(network_id), plain_alternatives(network_id)


def _plain(value: str) -> str:
    return plain_from_html(render_rich_text(rich_text(value or "")))


def _section_text(data_or_project, name: str) -> str:
    return _plain(getattr(data_or_project, name))


def analyse_section(text: str, network_id: int | None = None) -> Analysis:
    """One section as typed in the form."""
    return analyse(_plain(text), *vocabulary(network_id))


@dataclass
class SummaryAnalysis:
    overall: Analysis
    sections: dict[str, Analysis]  # field name → its analysis (written sections only)

    @property
    def titles(self):
        return SECTION_TITLES


def summary_analysis(data_or_project, fields=SUMMARY_FIELDS) -> SummaryAnalysis:
    """The sections of a lay summary (or of results, ``fields``), each on its own and
    all together, with the vocabulary read once (the project's network's, when it is a
    project)."""
    glossary, plain = vocabulary(getattr(data_or_project, "network_id", None))
    texts = {name: _section_text(data_or_project, name) for name in fields}
    sections = {name: analyse(text, glossary, plain) for name, text in texts.items() if text}
    overall = analyse("\n".join(texts.values()), glossary, plain)
    return SummaryAnalysis(overall, sections)


def save_plain_word(actor: User, entry: PlainWord | None, word: str,
                    alternatives: str, network_id: int | None = None) -> PlainWord:
    """Add a word to ``network_id``'s list (None: the national one), or change ``entry``
    (in its own list)."""
    if entry is not None:
        network_id = entry.network_id
    if not may_keep(actor, network_id):
        raise PermissionError("only the coordination keeps its network's plain words, and "
                              "the administration the national ones")
    word = plain_text(word)
    clash = db.session.scalar(select(PlainWord).where(
        clashing_lists(PlainWord.network_id, network_id),
        func.lower(PlainWord.word) == word.lower(),
        PlainWord.id != (entry.id if entry is not None else -1)).limit(1))
    if clash is not None:
        raise ServiceError(clash_message("word", clash.network_id, network_id, clash.word),
                           field="word")
    lines = [line.strip() for line in plain_text(alternatives, multiline=True).splitlines()]
    if not any(lines):
        raise ServiceError(_l("Donnez au moins un mot simple, par exemple « complémentaire »."),
                           field="alternatives")
    if entry is None:
        entry = PlainWord(word=word, network_id=network_id)
        db.session.add(entry)
    entry.word = word
    entry.alternatives = "\n".join(line for line in lines if line)
    entry.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "plain_word.save", entry,
                 summary=f"{entry.word} ({scope_label(entry.network_id)})")
    return entry


def delete_plain_word(actor: User, entry: PlainWord) -> None:
    if not may_keep(actor, entry.network_id):
        raise PermissionError("only the coordination keeps its network's plain words, and "
                              "the administration the national ones")
    audit.record(actor, "plain_word.delete", entry,
                 summary=f"{entry.word} ({scope_label(entry.network_id)})")
    db.session.delete(entry)
