"""Write transactions that queue instead of failing, on SQLite and PostgreSQL.

PostgreSQL locks rows with SELECT … FOR UPDATE. SQLite has one writer at a time
and a reader that later tries to write can fail at once with "database is locked";
``start_write_transaction`` therefore begins the request's transaction with
BEGIN IMMEDIATE before anything is read, so concurrent writers wait their turn.
"""

from contextvars import ContextVar

from sqlalchemy.engine import Connection

from patientlab.extensions import db

immediate_begin: ContextVar[bool] = ContextVar("immediate_begin", default=False)


def start_write_transaction() -> None:
    """Call at the start of a route that counts-then-inserts (registrations)."""
    session = db.session
    bind = session.get_bind()
    if bind.dialect.name != "sqlite" or isinstance(bind, Connection):
        return  # PostgreSQL uses row locks; tests run inside an outer transaction
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("start_write_transaction() must come before any change")
    session.rollback()  # end the read-only transaction of the before-request hooks
    token = immediate_begin.set(True)
    try:
        session.connection()  # begins now, with BEGIN IMMEDIATE (see patientlab.__init__)
    finally:
        immediate_begin.reset(token)
