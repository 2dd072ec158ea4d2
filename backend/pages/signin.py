"""The one browser sign-in: a token pasted once, then a session that keeps its role and id.

The dashboard's sign-in page, /staff, the console and the stand scanner all sign
in and out through these functions, with the same session keys (``staff_role``
and ``staff_token_id``), and all read who is signed in through
``backend.client.signed_in_token`` (the scan and stamp pages too, to mark tests). Every
request re-checks the token, so revoking it ends the session at once.
"""

from flask import session

from backend.client import ROLE_KEY, TOKEN_KEY, remember_signed_in, signed_in_token
from backend.models import ApiToken
from backend.services.audit import acting_as, actor_for_token
from backend.services.tokens import authenticate_or_none
from backend.sessions import UNTIL_KEY


def sign_in(raw_token: str | None, roles: tuple[str, ...] | None = None) -> ApiToken | None:
    """Sign this browser in with ``raw_token``; the live token row, or None if it is not one.

    ``roles`` limits who may sign in here (the scanner takes stand staff and organisers).
    """
    token = authenticate_or_none((raw_token or "").strip())
    if token is None or (roles is not None and token.role not in roles):
        return None
    sign_in_as(token)
    return token


def sign_in_as(token: ApiToken) -> None:
    """Sign this browser in as ``token`` (already authenticated): its role and id, never itself."""
    # The session is this browser's signed cookie, so its language and CSRF token are kept.
    session[ROLE_KEY] = token.role
    session[TOKEN_KEY] = token.id
    _forget_browser_close()
    remember_signed_in(token)


def keep_signed_in(token: ApiToken) -> None:
    """Keep this browser signed in after it restarts, until the token expires.

    For stand tablets: their cookie outlives the browser (a permanent session, at
    most until ``token.expires_at``). The token is still re-checked on every
    request, so revoking it ends the session at once.
    """
    session.permanent = True
    if token.expires_at is not None:
        session[UNTIL_KEY] = int(token.expires_at.timestamp())


def _forget_browser_close() -> None:
    # A new sign-in or a sign-out ends with the browser again, unless kept on purpose.
    session.permanent = False
    session.pop(UNTIL_KEY, None)


def sign_out() -> None:
    session.pop(ROLE_KEY, None)
    session.pop(TOKEN_KEY, None)
    _forget_browser_close()
    remember_signed_in(None)


def signed_in_role(touch: bool = False) -> str | None:
    """The role of this browser's session while its token is live."""
    token = signed_in_token(touch)
    return token.role if token is not None else None


def was_signed_in() -> bool:
    """The session names a token (live or not): a page can say that the session ended."""
    return TOKEN_KEY in session


def act_as_signed_in() -> ApiToken | None:
    """For pages that change things: the live token, named as the actor of the audit log."""
    token = signed_in_token(touch=True)
    if token is not None:
        acting_as(actor_for_token(token))
    return token
