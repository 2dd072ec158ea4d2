"""Domain errors with stable codes: what a use case refuses, and which errors mean an outage.

Plain exceptions, no Flask: use cases and the CLI raise and catch them, and
``backend/error_responses.py`` (delivery) turns them into responses.
"""

import sqlite3

import psycopg
from sqlalchemy import exc as sa


class DomainError(Exception):
    """A use case refused: ``code`` is stable for clients, ``status`` is the HTTP answer."""

    code = "error"
    status = 400
    message = "The request could not be handled."

    def __init__(
        self,
        message: str | None = None,
        fields: dict | None = None,
        *,
        reason: str | None = None,
        values: dict | None = None,
    ):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.fields = fields or {}
        # How people and API clients read it: the sentence of (code, reason) in the table of
        # refusals (backend/pages/refusals.py), its placeholders filled from ``values``.
        self.reason = reason
        self.values = values or {}


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
