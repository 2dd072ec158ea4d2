"""Create and check API tokens."""

import hashlib
import secrets

from sqlalchemy import select

from backend.errors import InvalidInput, StandNotFound, Unauthorized
from backend.extensions import db
from backend.models import ApiToken, Stand
from backend.models.types import ROLES
from backend.services.validation import check_text

TOKEN_PREFIX = "spd_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(role: str, label: str, stand_id: int | None = None) -> tuple[ApiToken, str]:
    """Store a new token's hash; return the row and the token, which is never shown again."""
    if role not in ROLES:
        raise InvalidInput(fields={"role": [f"Must be one of {', '.join(ROLES)}."]})
    if (role == "stand") != (stand_id is not None):
        raise InvalidInput(
            fields={"stand": ["A stand token needs --stand; other roles take none."]}
        )
    if stand_id is not None and db.session.get(Stand, stand_id) is None:
        raise StandNotFound()
    check_text(label=label)
    if not label or len(label) > 80:
        raise InvalidInput(fields={"label": ["Give a label of 1 to 80 characters."]})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(role=role, label=label, stand_id=stand_id, token_hash=hash_token(token))
    db.session.add(row)
    db.session.commit()
    return row, token


def authenticate(token: str | None) -> ApiToken:
    """The live token row for ``token``, or ``Unauthorized``."""
    if not token or len(token) > 200:
        raise Unauthorized()
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None:
        raise Unauthorized()
    return row


def authenticate_or_none(token: str | None) -> ApiToken | None:
    try:
        return authenticate(token)
    except Unauthorized:
        return None


def live_token(token_id: int) -> ApiToken | None:
    """The token row if it still exists and is not revoked (a signed-in session re-checks it)."""
    token = db.session.get(ApiToken, token_id)
    return None if token is None or token.revoked_at is not None else token


def session_role(role, token_id) -> str | None:
    """The role a signed-in browser session claims, if its token is still live.

    A session keeps the role and the token's id, never the token; revoking the
    token ends every session signed in with it, on the dashboard and at /staff.
    """
    if not isinstance(role, str) or not isinstance(token_id, int):
        return None
    token = live_token(token_id)
    return role if token is not None and token.role == role else None
