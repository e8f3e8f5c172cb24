"""Files on disk that follow the database transaction.

A file written for a row must not outlive a rollback (nothing would point to it), and a
file replaced or removed must stay until the commit (the row still points to it if the
transaction fails). Services call ``write_file`` and ``delete_file``; the session hooks
below finish the job once the transaction's outcome is known.
"""

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

_NEW = "patientlab_new_files"
_DOOMED = "patientlab_doomed_files"


def write_file(session: Session, path: Path, data: bytes) -> None:
    """Write now; removed again if the transaction rolls back."""
    path.write_bytes(data)
    session.info.setdefault(_NEW, []).append(path)


def delete_file(session: Session, path: Path | None) -> None:
    """Removed once the transaction commits; kept if it rolls back."""
    if path is not None:
        session.info.setdefault(_DOOMED, []).append(path)


def _unlink(paths) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_NEW, None)
    _unlink(session.info.pop(_DOOMED, []))


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    """Rolled back or closed without a commit (after_commit ran first otherwise)."""
    if transaction.parent is None:
        session.info.pop(_DOOMED, None)
        _unlink(session.info.pop(_NEW, []))
