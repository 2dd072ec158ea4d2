"""Create, check, list and revoke API tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from backend.errors import (
    Conflict,
    InvalidInput,
    LastOrganiserToken,
    NotFound,
    OwnToken,
    StandNotFound,
    Unauthorized,
)
from backend.extensions import db
from backend.models import ApiToken, Stand
from backend.models.types import ROLES, utcnow
from backend.services import audit, rules
from backend.services.paging import Page, paginate

TOKEN_PREFIX = "spd_"
# last_used_at is written at most this often per token: a write per API request would
# cost more than the request, and "used a minute ago" is what an organiser needs.
TOUCH_EVERY = timedelta(minutes=1)


class TokenNotFound(NotFound):
    code, message = "token_not_found", "No token with that id."


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(
    role: str,
    label: str,
    stand_id: int | None = None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Store a new token's hash; return the row and the token, which is never shown again."""
    row, token = add_token(role, label, stand_id, expires_at, now)
    db.session.commit()
    return row, token


def add_token(
    role: str,
    label: str,
    stand_id: int | None = None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """``create_token`` without its commit: for a use case that hands the token over first."""
    if role not in ROLES:
        raise InvalidInput(fields={"role": [f"Must be one of {', '.join(ROLES)}."]})
    if (role == "stand") != (stand_id is not None):
        raise InvalidInput(
            fields={"stand": ["A stand token needs a stand; other roles take none."]}
        )
    label = rules.name(label, "label", high=80)
    if expires_at is not None:
        if expires_at.tzinfo is None:
            raise InvalidInput(fields={"expires_at": ["Give a time with its time zone."]})
        if expires_at <= (now or utcnow()):
            raise InvalidInput(fields={"expires_at": ["Must be in the future."]})
    if stand_id is not None and db.session.get(Stand, stand_id) is None:
        raise StandNotFound()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        role=role,
        label=label,
        stand_id=stand_id,
        token_hash=hash_token(token),
        expires_at=expires_at,
    )
    db.session.add(row)
    db.session.flush()
    after = {"role": role, "label": label, "stand_id": stand_id, "expires_at": _iso(expires_at)}
    audit.record("token.create", f"token #{row.id} {label}", None, after)
    return row, token


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _touch(row: ApiToken, now: datetime) -> None:
    """Note the token's use, at most once per ``TOUCH_EVERY``, in its own small commit."""
    if row.last_used_at is not None and now - row.last_used_at < TOUCH_EVERY:
        return
    db.session.execute(
        update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now),
        execution_options={"synchronize_session": "fetch"},
    )
    db.session.commit()


def authenticate(token: str | None, touch: bool = True) -> ApiToken:
    """The live token row for ``token``, or ``Unauthorized``; ``touch`` notes its use."""
    if not isinstance(token, str) or not token or len(token) > 200:
        raise Unauthorized()
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    now = utcnow()
    if row is None or not row.is_live(now):
        raise Unauthorized()
    if touch:
        _touch(row, now)
    return row


def authenticate_or_none(token: str | None) -> ApiToken | None:
    try:
        return authenticate(token)
    except Unauthorized:
        return None


def live_token(token_id: int, touch: bool = False) -> ApiToken | None:
    """The token row if it still exists, is not revoked and not expired (sessions re-check it).

    ``touch`` notes the use; only a page that checks its session before any
    other work passes it, since noting commits (the student pages never do).
    """
    token = db.session.get(ApiToken, token_id)
    now = utcnow()
    if token is None or not token.is_live(now):
        return None
    if touch:
        _touch(token, now)
    return token


def note_use(token: ApiToken) -> None:
    """Note that a signed-in session used ``token`` (at most once per ``TOUCH_EVERY``)."""
    _touch(token, utcnow())


def get_token(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id) if isinstance(token_id, int) else None
    if token is None:
        raise TokenNotFound()
    return token


def stand_name(token: ApiToken) -> str | None:
    """A stand token's stand as people know it: edition, label and company (else None)."""
    stand = db.session.get(Stand, token.stand_id) if token.stand_id is not None else None
    if stand is None:
        return None
    return f"{stand.event.slug} {stand.label} · {stand.company.name}"


def list_tokens(page: int, per_page: int, include_revoked: bool = True) -> Page:
    """Tokens, newest first; never their secrets (only hashes are stored)."""
    statement = select(ApiToken).order_by(ApiToken.id.desc())
    if not include_revoked:
        statement = statement.where(ApiToken.revoked_at.is_(None))
    return paginate(statement, page, per_page)


@dataclass(frozen=True)
class Revocation:
    """A token that may be revoked, and whether it is the one the actor is signed in with."""

    token: ApiToken
    own: bool


def revocation(token_id: int, now: datetime | None = None) -> Revocation:
    """Check that the token may be revoked now; what revoking it would mean for the actor.

    The last live organiser token is never revoked: without one, nobody can sign in to the
    console or make a new token until someone has a shell on the server.
    """
    token = get_token(token_id)
    now = now or utcnow()
    if token.revoked_at is not None:
        raise Conflict(reason="token_revoked_already")
    if token.role == "organiser" and token.is_live(now):
        # Every live organiser token, locked in id order (PostgreSQL): a second revocation
        # waits, then re-reads the rows, so two at once cannot each leave the other last.
        live = db.session.scalars(
            select(ApiToken.id)
            .where(
                ApiToken.role == "organiser",
                ApiToken.revoked_at.is_(None),
                or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
            )
            .order_by(ApiToken.id)
            .with_for_update()
        ).all()
        if set(live) <= {token.id}:
            raise LastOrganiserToken()
    return Revocation(token, own=token.id == audit.current_actor().token_id)


def revoke_token(token_id: int, now: datetime | None = None, own: bool = False) -> ApiToken:
    """Revoke a token: its API calls and browser sessions are refused from the next request.

    Revoking the token the actor is signed in with ends their own session too: it is
    refused (``OwnToken``) unless ``own`` says they know.
    """
    checked = revocation(token_id, now)
    token = checked.token
    if checked.own and not own:
        raise OwnToken()
    token.revoked_at = now or utcnow()
    audit.record(
        "token.revoke",
        f"token #{token.id} {token.label}",
        {"revoked_at": None},
        {"revoked_at": token.revoked_at.isoformat()},
    )
    db.session.commit()
    return token
