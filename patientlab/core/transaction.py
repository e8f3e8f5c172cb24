"""One owner of the transaction: a request commits once, at its end, or not at all.

A request's work — what its hooks, its view and the services they call change, the mail
they queue in the outbox, the form copy it forgets — is one transaction. Nobody else
commits: not a view, not a hook, not a service. The application (core.application) ends
every request here, after its last ``after_request`` hook and after the session cookie is
made:

- the answer is not an error (status below 400): **commit**, then what was registered to
  run after a commit (``after_commit``: the mail queued by this request is delivered);
- an error answer (4xx, 5xx, an exception turned into the error page): **roll back**;
  but a refusal (4xx) whose view called ``commit_despite_error()`` commits what it
  recorded: the trace of a refused attempt that the audit log must keep.

As pyramid_tm does for Warehouse (its ``x-tm: commit`` header is our
``commit_despite_error``) and ``RH.process`` for Indico. A commit that fails
raises: the person gets the error page, never a « c'est enregistré » for nothing.

In a route, a service that refuses (``ServiceError``) is met by ``attempt(form)``: what
the service did is rolled back and its message goes next to its field on the form, or is
flashed when there is no form, so the page can be shown again with everything typed::

    with attempt(form) as done:
        svc.suspend(acting_user(), user, form.reason.data, form.until.data)
    if done:
        flash(...)
        return redirect(...)

A ``ServiceError`` that no route meets is rolled back by its error handler
(core.errors), which keeps the posted form and brings the person back to it.

Work outside a request (a command, the mail sender, a job) is cut into units with
``unit_of_work()``: each commits when it ends well, rolls back otherwise.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import current_app, flash, g, redirect

from patientlab.core.errors import ServiceError, render_error
from patientlab.core.forms import add_service_error
from patientlab.extensions import db

log = logging.getLogger(__name__)

AFTER_COMMIT = "patientlab.after_commit"


def after_commit(app, callback: Callable[[], None]) -> None:
    """``callback()`` runs after each request that committed, in the request's context
    (mail delivery). It must not raise: an error is logged, never shown."""
    app.extensions.setdefault(AFTER_COMMIT, []).append(callback)


def commit_despite_error() -> None:
    """This request's refusal (a 4xx answer) still commits: for a view that refuses and
    must leave a trace of the attempt (an audit entry written by the service that
    refused), having changed nothing else. A server error (5xx) rolls back all the same."""
    g.commit_despite_error = True


def end_request(response):
    """The end of every request (``Application.process_response``): commit when the
    answer is not an error, roll back otherwise."""
    session = db.session
    status = response.status_code
    if status >= 500 or (status >= 400 and not g.get("commit_despite_error")):
        session.rollback()
        return response
    if not session().in_transaction():  # nothing read, nothing written: nothing to end
        return response
    session.commit()
    for callback in current_app.extensions.get(AFTER_COMMIT, ()):
        try:
            callback()
        except Exception:  # the request's work is saved; what follows must not undo it
            log.exception("after the commit: %s failed", getattr(callback, "__name__", callback))
            db.session.rollback()
    return response


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Outside a request: the block's changes are committed together when it ends
    well, rolled back when it raises."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


class attempt:
    """A route's call to a service that may refuse (``ServiceError``): see the module's
    docstring. Commits nothing: the request does, at its end."""

    def __init__(self, form=None):
        self.form = form
        self.ok = False
        self.error: ServiceError | None = None

    def __enter__(self) -> "attempt":
        return self

    def __exit__(self, exc_type, exc, traceback) -> bool:
        if exc_type is None:
            self.ok = True
            return False
        if not issubclass(exc_type, ServiceError):
            return False
        db.session.rollback()
        self.error = exc
        if self.form is not None:
            add_service_error(self.form, exc)
        else:
            flash(str(exc.message), "error")
        return True

    def __bool__(self) -> bool:
        return self.ok


def handle_service_error(error: ServiceError):
    """A service refused and no route met it with ``attempt``: what it did is rolled
    back, what the person typed is kept (core.kept) and they are brought back to the
    form with the message; without a form to come back to, the message on an error page."""
    from patientlab.core import kept

    db.session.rollback()
    page = kept.keep_posted(token_expired=False)
    if page is None:
        return render_error(400, error.message)
    flash(str(error.message), "error")
    return redirect(page, code=303)


def init_app(app) -> None:
    app.register_error_handler(ServiceError, handle_service_error)
