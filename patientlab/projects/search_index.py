"""The projects' full-text index (core.search): SQLite FTS5 over the stems the
application computes, PostgreSQL's GIN index over ``to_tsvector('french', search_text)``.
Both are made by DDL when the tables are created (tests, a new database) and by the
migration for an existing one."""

from dataclasses import dataclass

from sqlalchemy import (
    DDL,
    Float,
    Integer,
    bindparam,
    column,
    event,
    func,
    literal_column,
    select,
    text,
)

from patientlab.core import search
from patientlab.extensions import db

from .models import Project, Publication

FTS = "project_search"
PG_INDEX = "ix_project_search_french"
FRENCH = literal_column("'french'::regconfig")

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE project_search USING fts5(search_stems, content='project', "
    "content_rowid='id')",
    "CREATE TRIGGER project_search_insert AFTER INSERT ON project BEGIN "
    "INSERT INTO project_search(rowid, search_stems) VALUES (new.id, new.search_stems); END",
    "CREATE TRIGGER project_search_delete AFTER DELETE ON project BEGIN "
    "INSERT INTO project_search(project_search, rowid, search_stems) VALUES ('delete', "
    "old.id, old.search_stems); END",
    "CREATE TRIGGER project_search_update AFTER UPDATE OF search_stems ON project BEGIN "
    "INSERT INTO project_search(project_search, rowid, search_stems) VALUES ('delete', "
    "old.id, old.search_stems); INSERT INTO project_search(rowid, search_stems) "
    "VALUES (new.id, new.search_stems); END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS project_search_insert",
               "DROP TRIGGER IF EXISTS project_search_delete",
               "DROP TRIGGER IF EXISTS project_search_update",
               "DROP TABLE IF EXISTS project_search"]
PG_CREATE = [f"CREATE INDEX {PG_INDEX} ON project USING gin "
             "(to_tsvector('french'::regconfig, search_text))"]


def install() -> None:
    search.register_unmanaged(FTS, PG_INDEX)
    table = Project.__table__
    if table.info.get("search_ddl"):  # SQLAlchemy's place for an application's own notes
        return
    table.info["search_ddl"] = True
    for statement in SQLITE_CREATE:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    for statement in SQLITE_DROP:
        event.listen(table, "before_drop", DDL(statement).execute_if(dialect="sqlite"))
    for statement in PG_CREATE:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))


def matching(dialect: str, terms: list[str]):
    """(a selectable of ``id`` and ``rank`` — lower is better — of the projects having
    every term). One query on either database, ranked by relevance."""
    if dialect == "postgresql":
        vector = func.to_tsvector(FRENCH, Project.search_text)
        query = func.to_tsquery(FRENCH, search.tsquery(terms))
        return select(Project.id.label("id"),
                      (-func.ts_rank(vector, query)).label("rank")).where(
            vector.op("@@")(query)).subquery("matching")
    # MATERIALIZED: SQLite runs the match once, instead of once per project row when it
    # puts the project table first (a count: 40 ms → under 1 ms at 1,000 projects).
    return text("SELECT rowid AS id, bm25(project_search) AS rank FROM project_search "
                "WHERE project_search MATCH :match").bindparams(
        match=search.fts5_query(terms)).columns(
        column("id", Integer), column("rank", Float)).cte("matching").prefix_with(
        "MATERIALIZED")



#: Every state but published: few projects, found through the publication index.
NOT_PUBLISHED = tuple(sorted(set(Publication.LABELS) - {Publication.PUBLISHED}))
_MATCHES = text("SELECT count(*) FROM project_search WHERE project_search MATCH :match")
_HIDDEN = text(
    "SELECT rowid FROM project_search WHERE project_search MATCH :match AND rowid IN "
    "(SELECT id FROM project WHERE publication IN :hidden)").bindparams(
    bindparam("hidden", NOT_PUBLISHED, expanding=True))
#: The same, with the matches of other networks than this address's.
_HIDDEN_HERE = text(
    "SELECT rowid FROM project_search WHERE project_search MATCH :match AND rowid IN "
    "(SELECT id FROM project WHERE publication IN :hidden OR network_id != :network)"
).bindparams(bindparam("hidden", NOT_PUBLISHED, expanding=True))
_RANKED = text("SELECT rowid FROM project_search WHERE project_search MATCH :match "
               "ORDER BY rank, rowid DESC LIMIT :wanted")


@dataclass(frozen=True)
class PublishedMatches:
    """On SQLite, the published projects having every term, read from the index alone:
    all the matches less the few not published, found through the publication index
    (when 800 of 10,000 projects match: count 0.14 ms instead of 2.4 ms, page 1.8 ms
    instead of 3 ms; the big project rows are not read)."""

    match: str
    hidden: frozenset[int]  # the matches not published (or of another network)
    total: int

    def ranked(self, limit: int, offset: int) -> list[int]:
        """Their ids, most relevant first (ties: the newest project first), ``limit`` of
        them from ``offset``: the index sorts by bm25 itself."""
        ids = db.session.scalars(_RANKED, {"match": self.match,
                                           "wanted": offset + limit + len(self.hidden)})
        return [i for i in ids if i not in self.hidden][offset:offset + limit]


def published_matches(dialect: str, terms: list[str],
                      network_id: int | None = None) -> PublishedMatches | None:
    """None on PostgreSQL, whose join on the GIN index's matches is already cheap.
    ``network_id``: only that network's projects (a network's page never lists
    another's)."""
    if dialect != "sqlite":
        return None
    match = search.fts5_query(terms)
    hidden = frozenset(db.session.scalars(_HIDDEN, {"match": match}) if network_id is None
                       else db.session.scalars(_HIDDEN_HERE, {"match": match,
                                                              "network": network_id}))
    total = db.session.execute(_MATCHES, {"match": match}).scalar_one() - len(hidden)
    return PublishedMatches(match, hidden, total)
