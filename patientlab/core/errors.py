"""Translated, accessible error pages that keep the site layout."""

import logging

from flask import redirect, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from patientlab.extensions import db


class ServiceError(Exception):
    """A rule was broken; ``field`` names the form field the message belongs to.

    Services raise it; the route's ``attempt(form)`` (core.transaction) rolls back and
    shows the message next to the field (or at the top of the page); one no route meets
    is handled by ``core.transaction.handle_service_error``.
    """

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.also: list[ServiceError] = []  # more refusals found at once, each its field

    @classmethod
    def all_of(cls, errors: list["ServiceError"]) -> "ServiceError":
        """One refusal carrying every problem found, so that the form shows them all."""
        first, *others = errors
        first.also = others
        return first


MESSAGES = {
    400: (_l("La demande n’a pas pu être comprise"),
          _l("Le formulaire ou le lien utilisé contient une erreur. Revenez à la page "
             "précédente et réessayez.")),
    403: (_l("Vous n’avez pas accès à cette page"),
          _l("Cette page est réservée à certaines personnes. Si vous pensez que c’est une "
             "erreur, écrivez-nous.")),
    404: (_l("Page introuvable"),
          _l("Cette page n’existe pas ou n’existe plus. Vérifiez l’adresse, ou repartez de "
             "l’accueil.")),
    405: (_l("Action impossible sur cette page"),
          _l("Cette page ne permet pas cette action. Repartez de l’accueil.")),
    413: (_l("Envoi trop volumineux"),
          _l("Ce que vous avez envoyé dépasse 2 Mo. Réduisez la taille du texte ou du fichier "
             "puis réessayez.")),
    429: (_l("Trop de tentatives"),
          _l("Vous avez fait beaucoup d’essais en peu de temps. Attendez quelques minutes "
             "puis réessayez.")),
    500: (_l("Un problème technique est survenu"),
          _l("Ce n’est pas de votre faute. Nous avons été prévenus. Réessayez dans quelques "
             "minutes.")),
}

CSRF_MESSAGE = _l("Le formulaire a expiré ou n’a pas pu être vérifié. Revenez à la page "
                  "précédente, rechargez-la, puis envoyez-la à nouveau.")

FOREIGN_FORM_MESSAGE = _l("Ce formulaire ne vient pas d’une page de notre site : par "
                          "sécurité, il n’a pas été pris en compte. Revenez à la page, "
                          "rechargez-la, puis envoyez-le à nouveau.")


def render_error(code: int, detail=None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title,
                           message=detail or message), code


log = logging.getLogger(__name__)


def handle_http_exception(error: HTTPException):
    code = error.code or 500
    if code in (401, 403):
        # Every refused authorisation is logged; the path is quoted so that a newline
        # in it cannot forge a log line.
        from flask_login import current_user

        user = current_user.id if current_user and current_user.is_authenticated else None
        log.info("access refused status=%s user=%s ip=%s path=%r", code, user,
                 request.remote_addr, request.path)
    if code not in MESSAGES:
        return error
    if request_ctx.url_adapter is None:
        # A host this platform does not answer for (TRUSTED_HOSTS): no link can be
        # built, so no page with the layout; the status and a plain line only.
        return str(MESSAGES[code][0]), code, {"Content-Type": "text/plain; charset=utf-8"}
    body, status = render_error(code)
    headers = {}
    if code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    return body, status, headers


#: Flask-WTF's reason for a token past WTF_CSRF_TIME_LIMIT (flask_wtf.csrf.validate_csrf).
TOKEN_EXPIRED = "The CSRF token has expired."  # noqa: S105 - a message, not a secret  # nosec B105


def handle_csrf_error(error: CSRFError):
    """A form whose token is missing or too old: what was typed is kept and the page
    shown again with it and a fresh token, rather than an error page. A request that
    cannot come back to a page (no GET at that address, nothing typed) gets the 400."""
    from patientlab.core import kept

    if not _stale_form_within_limit():
        log.info("forms refused for their token: limit reached ip=%s path=%r",
                 request.remote_addr, request.path)
        return render_error(429)
    # A visitor's form is kept only when its token expired (a page left open): a fresh
    # token refused for another reason (over HTTPS, a missing or foreign Referer) is no
    # stale form (core.kept).
    expired = error.description == TOKEN_EXPIRED
    page = kept.keep_posted(token_expired=expired) if kept.same_origin() else None
    if page is not None:
        log.info("stale form kept path=%r user=%s", request.path, _user_id())
        return redirect(page, code=303)
    return render_error(400, CSRF_MESSAGE)


def _stale_form_within_limit() -> bool:
    """Every form refused for its token counts toward a limit per address
    (``RATE_LIMIT_STALE_FORM_PER_IP``): this path runs before any route's own limit, and it
    may keep what was posted (core.kept)."""
    from patientlab.core.limits import within

    return within("RATE_LIMIT_STALE_FORM_PER_IP", "stale-form")


def handle_permission_error(error: PermissionError):
    """A service refused the acting user: the route should have checked first; 403 (and
    the request's work is rolled back, as for every error answer: core.transaction)."""
    log.info("access refused by a service user=%s path=%r: %s", _user_id(), request.path, error)
    return render_error(403)


def _user_id():
    from flask_login import current_user

    return current_user.id if current_user and current_user.is_authenticated else None


def handle_server_error(error: InternalServerError):
    # The session may hold a failed flush: it is emptied before the error page reads
    # anything (the request's end rolls back too: core.transaction).
    db.session.rollback()
    original = error.original_exception
    if original is not None:
        log.error("unhandled error on %s %r", request.method, request.path, exc_info=original)
    return render_error(500)


def register_error_handlers(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(PermissionError, handle_permission_error)
