"""Full-text search with French stemming, the same on both databases.

PostgreSQL searches a ``tsvector`` with its « french » configuration (the Snowball
French stemmer and its stop words) over text already folded to lower case without
accents (core.text.fold does what the ``unaccent`` extension would). SQLite has no
French stemmer: the application stems the same folded text with the same Snowball
algorithm and the same stop-word list (``data/french_stop.txt``, PostgreSQL's own) and
FTS5 indexes those stems. A query word matches the words that start like its stem
(« chimio » finds « chimiothérapie », « fatigué » finds « fatigue » and « fatigues »).
"""

import re
from functools import cache, lru_cache
from importlib.resources import files

import snowballstemmer

from patientlab.core.text import fold

WORD = re.compile(r"[^\W_]+")  # letters and digits: what both databases call a word
MAX_TERMS = 10


@cache
def stop_words() -> frozenset[str]:
    text = files("patientlab.core").joinpath("data/french_stop.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


@cache
def _stemmer():
    return snowballstemmer.stemmer("french")


def words(text: str) -> list[str]:
    """Folded words that are not stop words, in order."""
    stop = stop_words()
    return [w for w in WORD.findall(fold(text or "")) if w not in stop]


def stems(text: str) -> str:
    """What SQLite's index holds for ``text``: its stems, separated by spaces."""
    stem = _stemmer().stemWord
    return " ".join(stem(w) for w in words(text))


def query_words(q: str) -> list[str]:
    """The words of a search, at most ten, each once, stop words left out."""
    seen: list[str] = []
    for word in words(q):
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def fts5_query(terms: list[str]) -> str:
    """« "fatigu"* AND "sommeil"* »: every term, as a prefix of a stem."""
    return _fts5_query(tuple(terms))


@lru_cache(maxsize=2048)  # a search asks for it up to three times; people repeat searches
def _fts5_query(terms: tuple[str, ...]) -> str:
    stem = _stemmer().stemWord
    return " AND ".join(f'"{stem(t)}"*' for t in terms)


def tsquery(terms: list[str]) -> str:
    """« fatigue:* & sommeil:* »: PostgreSQL stems each term itself."""
    return " & ".join(f"{t}:*" for t in terms)


# --- What the databases hold beyond the models ---------------------------------------------

_UNMANAGED: set[str] = set()


def register_unmanaged(*names: str) -> None:
    """Tables (FTS5 and its shadow tables share the name as prefix) and indexes a feature
    creates itself with DDL: migrations' comparison with the models leaves them out."""
    _UNMANAGED.update(names)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic (``include_object``): skip what register_unmanaged names."""
    if not name:
        return True
    return not any(name == n or (type_ == "table" and name.startswith(n + "_"))
                   for n in _UNMANAGED)
