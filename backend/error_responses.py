"""The one place that turns errors into responses, at the delivery layer.

Everything under ``/api`` answers ``{"error": {"code", "message", "fields"}}``
(built by ``json_error`` alone); pages get a friendly HTML page instead. The
errors themselves are plain exceptions in ``backend/errors.py``.
"""

import functools

from flask import current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from backend.errors import DATABASE_DOWN, RETRY_AFTER_SECONDS, DatabaseUnavailable, DomainError
from backend.models.types import utcnow
from backend.services import scan_errors
from qr.errors import RenderOptionError

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


def json_error(status: int, code: str, message: str, fields: dict | None = None, headers=None):
    """The one JSON error envelope: ``{"error": {"code", "message", "fields"}}``."""
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return jsonify(body), status, headers or {}


def error_response(status: int, code: str, message: str, fields: dict | None = None, headers=None):
    """The error envelope for the API, or the friendly page for people."""
    if wants_json():
        return json_error(status, code, message, fields, headers)
    from backend.pages.i18n import current_language  # delivery's words, looked up late
    from backend.pages.refusals import sentence

    lang = current_language()
    said = sentence(code, status, lang)  # the table of refusals', in the reader's language
    page = render_template("error.html", status=status, message=said, lang=lang)
    return page, status, headers or {}


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
    from backend.pages.refusals import english  # the table of refusals: the API reads its English

    return error_response(error.status, error.code, english(error), error.fields)


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


def scan_path_error_counter(counts: scan_errors.ErrorCounts):
    """The hook every answer passes, a 500 of an unexpected error too: a scan path's 5xx is counted.

    Any other answer writes the counts waiting in this process, when they are due
    (``services/scan_errors.py``). With none waiting it costs a comparison and a dict
    check: the app's counts are bound here, not looked up per answer.
    """

    def count_scan_path_errors(response):
        if response.status_code >= 500:
            counts.count(request.endpoint, response.status_code, utcnow())
        elif counts.due:
            scan_errors.flush_quietly(counts, current_app.logger)
        return response

    return count_scan_path_errors


def register_error_handlers(app):
    app.after_request(scan_path_error_counter(app.extensions[scan_errors.EXTENSION]))
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(RenderOptionError, handle_render_option_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    for kind in DATABASE_DOWN:
        app.register_error_handler(kind, handle_database_down)
