"""Who is acting, and the audit entries the use cases write for their changes.

The delivery layer says who acts (``acting_as``): the API and the console name
the signed-in token, the CLI names itself. A use case calls ``record`` before
its one commit, so the entry and the change are stored together or not at all.
"""

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from backend.extensions import db
from backend.models import AuditEntry
from backend.services.paging import Page, paginate


@dataclass(frozen=True)
class Actor:
    label: str
    token_id: int | None = None


CLI = Actor("command line (flask speld)")
SYSTEM = Actor("system")
_actor: ContextVar[Actor] = ContextVar("speld_actor", default=SYSTEM)


def acting_as(actor: Actor) -> None:
    """Name who makes the changes from here on (per request, or for one CLI command)."""
    _actor.set(actor)


def actor_for_token(token) -> Actor:
    return Actor(f"{token.label} (#{token.id}, {token.role})"[:80], token.id)


def current_actor() -> Actor:
    return _actor.get()


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(row, names) -> dict:
    """The named attributes of ``row`` as JSON-ready values."""
    return {name: _plain(getattr(row, name)) for name in names}


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields whose value changed, before and after."""
    changed = [key for key in after if before.get(key) != after[key]]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def record(action: str, target: str, before: dict | None = None, after: dict | None = None):
    """Add an entry to the current transaction; the use case's commit stores it."""
    actor = current_actor()
    db.session.add(
        AuditEntry(
            actor_label=actor.label,
            actor_token_id=actor.token_id,
            action=action,
            target=target[:200],
            before=before,
            after=after,
        )
    )


def list_entries(
    page: int,
    per_page: int,
    action: str | None = None,
    actor: str | None = None,
    target: str | None = None,
) -> Page:
    """Newest first; each filter is a case-insensitive part of the column."""
    statement = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        statement = statement.where(AuditEntry.action.ilike(f"%{_like(action)}%", escape="\\"))
    if actor:
        statement = statement.where(AuditEntry.actor_label.ilike(f"%{_like(actor)}%", escape="\\"))
    if target:
        statement = statement.where(AuditEntry.target.ilike(f"%{_like(target)}%", escape="\\"))
    return paginate(statement, page, per_page)


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
