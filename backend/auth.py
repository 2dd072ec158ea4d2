"""Bearer-token access for the API: who is calling, and may they?"""

from functools import wraps

from flask import g, request

from backend.errors import Forbidden
from backend.services.audit import SYSTEM, acting_as, actor_for_token
from backend.services.tokens import authenticate

ORGANISER, VIEWER, STAND = "organiser", "viewer", "stand"
BEARER_DOC = {"security": [{"bearerAuth": []}]}


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def require_role(*roles: str):
    """Let the view run only for a valid token with one of ``roles``; the token is ``g.token``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            g.token = authenticate(bearer_token())
            if g.token.role not in roles:
                raise Forbidden()
            acting_as(actor_for_token(g.token))
            return view(*args, **kwargs)

        return wrapped

    return decorator


def check_stand_access(stand_id: int) -> None:
    """A stand token may only touch its own stand."""
    if g.token.role == STAND and g.token.stand_id != stand_id:
        raise Forbidden(reason="other_stand")


def forget_actor() -> None:
    """Each request starts as nobody in particular: a worker thread serves many requests."""
    acting_as(SYSTEM)
