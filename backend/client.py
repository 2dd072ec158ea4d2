"""What a request tells about its sender, read in one place for pages, API and the scan lane."""

from flask import current_app, g, request, session

from backend.models import ApiToken
from backend.models.types import utcnow
from backend.services import scans
from backend.services.tokens import live_token, note_use

# The session's sign-in, written only by ``backend/pages/signin.py``.
ROLE_KEY = "staff_role"
TOKEN_KEY = "staff_token_id"


def signed_in_token(touch: bool = False) -> ApiToken | None:
    """The live token this browser's session is signed in with, or None.

    The one reader of the session's sign-in. It looks the token up once per
    request, and on every request, so a revoked or expired token ends the
    session at the next one. ``touch`` notes the use (a commit of its own); only
    a page that checks its session before any other work passes it.
    """
    cached = g.get("signed_in")
    # An app context can outlive one request (a CLI command, a test's client), so the
    # cached answer names the request it was read for.
    if cached is not None and cached[0] is request._get_current_object():
        token = cached[1]
    else:
        token = _read_session()
        remember_signed_in(token)
    if touch and token is not None:
        note_use(token)
    return token


def _read_session() -> ApiToken | None:
    # Without a session cookie the session is not touched (a first scan has none).
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return None
    role, token_id = session.get(ROLE_KEY), session.get(TOKEN_KEY)
    if not isinstance(role, str) or not isinstance(token_id, int) or isinstance(token_id, bool):
        return None
    token = live_token(token_id)
    # The role the session was signed in with must still be the token's.
    return token if token is not None and token.role == role else None


def remember_signed_in(token: ApiToken | None) -> None:
    """For this request's sign-in or sign-out (``pages/signin.py``): the token from now on."""
    g.signed_in = (request._get_current_object(), token)


def staff_signed_in() -> bool:
    """Organisers and stand staff signed in on this browser: their traffic is a test.

    Without a session cookie the session is not touched (a first scan has none).
    """
    return signed_in_token() is not None


def client_facts() -> scans.ClientFacts:
    """The sender of the current request (its address as ProxyFix let it through)."""
    return scans.ClientFacts(
        request.remote_addr, request.headers.get("User-Agent"), request.method, staff_signed_in()
    )


def count_unknown_code() -> bool:
    """Count one unknown or malformed code from this address; True when the brake refuses it."""
    return scans.recorder().brake.refuses(request.remote_addr, utcnow())
