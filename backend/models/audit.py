"""The audit log: who changed what, and when, through the console, the API or the CLI."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.extensions import db
from backend.models.types import UtcDateTime, utcnow


class AuditEntry(db.Model):
    """One change, written in the same transaction as the change itself.

    ``actor_label`` is copied from the token (or names the CLI), so the entry
    still reads right if the token is later revoked. ``before`` and ``after``
    hold only the fields that changed (for a creation, ``after`` holds all).
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor_label: Mapped[str] = mapped_column(String(80))
    actor_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(String(200))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
