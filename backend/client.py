"""What a request tells about its sender, read in one place for pages, API and the scan lane."""

from flask import current_app, request, session

from backend.models.types import utcnow
from backend.services import scans
from backend.services.tokens import session_role


def staff_signed_in() -> bool:
    """Organisers and stand staff signed in on this browser: their traffic is a test.

    Without a session cookie the session is not touched (a first scan has none).
    """
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return False
    return session_role(session.get("staff_role"), session.get("staff_token_id")) is not None


def client_facts() -> scans.ClientFacts:
    """The sender of the current request (its address as ProxyFix let it through)."""
    return scans.ClientFacts(
        request.remote_addr, request.headers.get("User-Agent"), request.method, staff_signed_in()
    )


def count_unknown_code() -> bool:
    """Count one unknown or malformed code from this address; True when the brake refuses it."""
    return scans.recorder().brake.refuses(request.remote_addr, utcnow())
