"""French alphabetical order: « Élise » before « Yann », « œ » as « oe », case and
accents second. The Unicode Collation Algorithm (pyuca, with its default table) rather
than hand-made folding; in SQL, the same order on both databases: SQLite gets a
collation function built on it, PostgreSQL uses ICU's French collation.

    sorted(terms, key=lambda t: sort_key(t.term))
    select(User).order_by(french(User.name))
"""

from functools import cache, lru_cache

from pyuca import Collator
from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

SQLITE_COLLATION = "french"
POSTGRES_COLLATION = "fr-x-icu"


@cache
def _collator() -> Collator:
    return Collator()


@lru_cache(maxsize=16384)
def sort_key(text: str | None) -> tuple:
    return _collator().sort_key(text or "")


def sorted_french(items, key=lambda item: item):
    """``items`` in French alphabetical order of ``key(item)``."""
    return sorted(items, key=lambda item: sort_key(key(item)))


def _compare(left: str, right: str) -> int:
    a, b = sort_key(left), sort_key(right)
    return (a > b) - (a < b)


def register_sqlite(dbapi_connection) -> None:
    """Called for each new SQLite connection (patientlab/__init__.py)."""
    dbapi_connection.create_collation(SQLITE_COLLATION, _compare)


class french(FunctionElement):
    """``column COLLATE <French>`` for ORDER BY."""

    type = String()
    inherit_cache = True


@compiles(french)
def _french_default(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(french, "sqlite")
def _french_sqlite(element, compiler, **kw):
    return f"{compiler.process(element.clauses, **kw)} COLLATE {SQLITE_COLLATION}"


@compiles(french, "postgresql")
def _french_postgresql(element, compiler, **kw):
    return f'{compiler.process(element.clauses, **kw)} COLLATE "{POSTGRES_COLLATION}"'
