"""Mark the first use of each glossary term in a summary with a link to its definition."""

import re
from dataclasses import dataclass

from markupsafe import Markup

from patientlab.core.text import fold_char

_TAG_SPLIT = re.compile(r"(<[^>]+>)")


@dataclass(frozen=True)
class Term:
    term: str
    slug: str
    definition: str


def _folded(text: str) -> str:
    # One character in, one character out, so positions match the original text.
    return "".join(fold_char(ch) for ch in text)


def mark_terms(html: Markup, terms: list[Term], already: set[str]) -> Markup:
    """Link the first occurrence of each term not in ``already`` (updated in place).

    ``html`` is sanitised Markup: text between tags is already escaped, and we
    only wrap slices of it, so nothing unsafe can be introduced. Text inside
    existing links is left alone. Longer terms are matched first.
    """
    if not terms:
        return html
    ordered = sorted(terms, key=lambda t: len(t.term), reverse=True)
    patterns = [(t, re.compile(rf"(?<!\w){re.escape(_folded(t.term))}(?!\w)")) for t in ordered]
    parts = _TAG_SPLIT.split(str(html))
    in_link = 0
    out = []
    for part in parts:
        if part.startswith("<"):
            lowered = part.lower()
            if lowered.startswith("<a ") or lowered == "<a>":
                in_link += 1
            elif lowered.startswith("</a"):
                in_link = max(0, in_link - 1)
            out.append(part)
            continue
        if in_link or not part:
            out.append(part)
            continue
        out.append(_mark_text(part, patterns, already))
    return Markup("".join(out))  # noqa: S704 - sanitised input, only wrapped  # nosec


def _mark_text(text: str, patterns, already: set[str]) -> str:
    folded = _folded(text)
    spans = []  # links to add
    # Characters inside an occurrence of a longer term: shorter ones may not match there.
    # One flag per character keeps the check proportional to the match, not to the
    # number of matches found before (a term repeated a thousand times).
    taken = bytearray(len(folded))
    for term, pattern in patterns:
        for match in pattern.finditer(folded):
            start, end = match.span()
            if taken.find(1, start, end) >= 0:
                continue
            taken[start:end] = b"\x01" * (end - start)
            if term.slug not in already:
                spans.append((start, end, term))
                already.add(term.slug)
    if not spans:
        return text
    spans.sort()
    pieces, cursor = [], 0
    for start, end, term in spans:
        pieces.append(text[cursor:start])
        # The id lets the explanation lead back to the very place the reader left.
        pieces.append(f'<a href="#terme-{term.slug}" id="mot-{term.slug}" '
                      f'class="glossary-term">{text[start:end]}</a>')
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
