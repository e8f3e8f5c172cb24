"""One transaction per request, from the routes' side.

A route parses its form, then calls its service inside ``transaction(form)``: on success
the request's work is committed once; on ServiceError everything the service did is rolled
back (mail included: it was only in the outbox table) and the message is put next to its
field on the form — or flashed when there is no form — so the page can be shown again with
everything the person typed::

    with transaction(form) as done:
        svc.suspend(acting_user(), user, form.reason.data, form.until.data)
    if done:
        flash(...)
        return redirect(...)

Any other exception propagates, and the session is rolled back by the error handler.
"""

from flask import flash

from patientlab.core.errors import ServiceError
from patientlab.core.forms import add_service_error
from patientlab.extensions import db


class transaction:
    def __init__(self, form=None):
        self.form = form
        self.ok = False
        self.error: ServiceError | None = None

    def __enter__(self) -> "transaction":
        return self

    def __exit__(self, exc_type, exc, traceback) -> bool:
        if exc_type is None:
            db.session.commit()
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
