"""Domain errors with stable codes, and the one place that turns errors into responses.

Everything under ``/api`` answers ``{"error": {"code", "message", "fields"}}``;
pages get a friendly HTML page instead.
"""

import functools
import sqlite3

import psycopg
from flask import current_app, jsonify, render_template, request
from sqlalchemy import exc as sa
from werkzeug.exceptions import HTTPException

from qr.errors import RenderOptionError


class DomainError(Exception):
    """A use case refused: ``code`` is stable for clients, ``status`` is the HTTP answer."""

    code = "error"
    status = 400
    message = "The request could not be handled."

    def __init__(self, message: str | None = None, fields: dict | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.fields = fields or {}


class NotFound(DomainError):
    code, status, message = "not_found", 404, "Not found."


class EventNotFound(NotFound):
    code, message = "event_not_found", "No event with that slug."


class CompanyNotFound(NotFound):
    code, message = "company_not_found", "No company with that id."


class StandNotFound(NotFound):
    code, message = "stand_not_found", "No stand with that id."


class BatchNotFound(NotFound):
    code, message = "batch_not_found", "No batch with that id."


class PinNotFound(NotFound):
    code, message = "pin_not_found", "No pin with that code."


class StandCodeNotFound(NotFound):
    code, message = "stand_not_found", "No stand with that code."


class TooManyGuesses(DomainError):
    code, status, message = (
        "too_many_requests",
        429,
        "Too many unknown codes from this address; try again in a minute.",
    )


class PinVoid(DomainError):
    code, status, message = "pin_void", 409, "This pin has been voided."


class PinOfOtherEvent(DomainError):
    code, status, message = "pin_other_event", 422, "This pin belongs to another event."


class NonceReused(DomainError):
    code, status, message = "nonce_reused", 409, "That nonce was used for another pin."


class SurveyNotStarted(DomainError):
    code, status, message = "survey_not_started", 409, "Answer the first question first."


class FollowUpNotDue(DomainError):
    code, status, message = (
        "follow_up_not_due",
        409,
        "The follow-up question is asked once, some time after a Twente Plaza visit.",
    )


class PrintFailed(DomainError):
    code, status, message = "print_failed", 503, "Preparing the print files failed."


class Conflict(DomainError):
    code, status, message = "conflict", 409, "That conflicts with what is stored."


class StandRetired(DomainError):
    code, status, message = (
        "stand_retired",
        409,
        "This stand has been retired: its visits are kept, new visits are not registered.",
    )


class StandInUse(Conflict):
    code, message = (
        "stand_in_use",
        "This stand has visits or sign-in tokens, so it cannot be removed; retire it instead.",
    )


class InvalidInput(DomainError):
    code, status, message = "invalid_input", 422, "Some fields are not valid."


class OutsideRelease(InvalidInput):
    """A viewer asked for figures outside the release (docs/metrics.md, "Small numbers")."""

    code, message = (
        "outside_release",
        "Viewers get the edition, a channel, a batch or one whole day of the fair; "
        "other filters are for organisers.",
    )


class LocalBaseUrl(DomainError):
    code, status, message = (
        "local_public_base_url",
        409,
        "PUBLIC_BASE_URL points to this computer: printed codes would work nowhere else.",
    )


class Unauthorized(DomainError):
    code, status, message = "unauthorized", 401, "A valid bearer token is required."


class LastOrganiserToken(DomainError):
    code, status = "last_organiser_token", 409
    message = (
        "That is the last live organiser token: without it nobody could sign in to the "
        "console. Make another organiser token first."
    )


class OwnToken(DomainError):
    code, status = "own_token", 409
    message = (
        "That is the token you are signed in with: revoking it signs you out. "
        "Confirm that you mean it."
    )


class Forbidden(DomainError):
    code, status, message = "forbidden", 403, "Your token's role may not do this."


class DatabaseUnavailable(DomainError):
    code, status = "database_unavailable", 503
    message = "The database cannot be reached just now; try again in a moment."


# The database is down, restarting, or out of connections: SQLAlchemy's errors, and the
# driver's own from the scan's raw cursor. Operational errors are about the server, not
# the request (SQLite's "database is locked" or "unable to open database file" too).
DATABASE_DOWN = (
    sa.OperationalError,
    sa.InterfaceError,
    sa.TimeoutError,  # no pooled connection came free in time
    sqlite3.OperationalError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
RETRY_AFTER_SECONDS = 2


# Werkzeug's exceptions mapped to our stable codes.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
}


def wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, fields: dict | None = None, headers=None):
    """The one error envelope for the API, or the friendly page for people."""
    if wants_json():
        body = {"error": {"code": code, "message": message, "fields": fields or {}}}
        response = jsonify(body)
    else:
        from backend.pages.i18n import current_language  # delivery's words, looked up late

        lang = current_language()
        response = render_template("error.html", status=status, message=message, lang=lang)
    return response, status, headers or {}


def _validation_fields(error: HTTPException) -> dict:
    # webargs stores marshmallow messages per location: {"json": {...}} or {"query": {...}}.
    messages = (getattr(error, "data", None) or {}).get("messages") or {}
    fields = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            fields.update(location_messages)
        else:
            fields["_body"] = location_messages
    return fields


def handle_domain_error(error: DomainError):
    return error_response(error.status, error.code, error.message, error.fields)


def handle_http_exception(error: HTTPException):
    original = getattr(error, "original_exception", None)
    if isinstance(original, DATABASE_DOWN):
        # An outage inside an error handler of its own (one that reads or writes): Flask
        # brings that here as a 500. Still the database, so still the 503.
        return handle_database_down(original)
    status = error.code or 500
    fields = _validation_fields(error)
    if status == 422:
        message = "Some fields are not valid."
    elif status == 400 and fields:
        message = "The request body is not valid JSON."
    else:
        message = error.description or error.name
    code = HTTP_CODES.get(status, "error" if status < 500 else "internal_error")
    headers = (getattr(error, "data", None) or {}).get("headers")
    if status == 405 and error.valid_methods:
        headers = {"Allow": ", ".join(error.valid_methods)}
    return error_response(status, code, message, fields, headers)


def handle_render_option_error(error: RenderOptionError):
    return error_response(
        422, "invalid_input", "Some fields are not valid.", {error.field: [error.message]}
    )


def handle_database_down(error: Exception):
    """503 with Retry-After: the envelope under /api, a page in the reader's language else.

    Nothing to repair here: SQLAlchemy drops a broken connection (and the pool's
    older ones) on a disconnect, the scan drops its own, and a connection the server
    ended while idle is replaced before use (``extensions.server_hung_up``), so the
    first request after the database is back starts on a fresh connection.
    """
    # The driver's first line says what (refused, terminated, locked); never the statement.
    reason = (str(getattr(error, "orig", None) or error).splitlines() or [""])[0][:200]
    current_app.logger.warning("Database unavailable: %s: %s", type(error).__name__, reason)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    unavailable = DatabaseUnavailable()
    if wants_json():
        return error_response(503, unavailable.code, unavailable.message, headers=headers)
    # Imported here: the pages import this module, and their strings live with them.
    from backend.pages.i18n import current_language, translator

    lang = current_language()
    page = render_template("unavailable.html", lang=lang, t=translator(lang))
    return page, 503, headers


def outage_is_unavailable(handler):
    """Wrap an error handler that writes: an outage while it writes is the usual 503.

    Flask does not handle an error raised inside an error handler: it became a 500.
    The not-found handlers count the unknown code for the guessing brake, and that
    count decides between 404 and 429, so it is not skipped to answer 404 anyway:
    an outage is answered as one, as it is for a well-formed unknown code, whose
    lookup fails first.
    """

    @functools.wraps(handler)
    def guarded(error):
        try:
            return handler(error)
        except DATABASE_DOWN as outage:
            return handle_database_down(outage)

    return guarded


def register_error_handlers(app):
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(RenderOptionError, handle_render_option_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    for kind in DATABASE_DOWN:
        app.register_error_handler(kind, handle_database_down)
