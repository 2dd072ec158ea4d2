"""API tokens: shown once at creation, stored as a hash."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.extensions import db
from backend.models.types import ROLES, UtcDateTime, one_of, utcnow


class ApiToken(db.Model):
    """A bearer token with one role; a ``stand`` token belongs to exactly one stand."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="role"),
        CheckConstraint("(role = 'stand') = (stand_id IS NOT NULL)", name="stand_role_has_stand"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(12))
    stand_id: Mapped[int | None] = mapped_column(ForeignKey("stands.id"))
    # SHA-256 of the token: tokens carry 256 random bits, so a slow hash adds nothing.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # None: the token never expires. Checked on every use, like revoked_at.
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Written at most once a minute per token (see services/tokens.py), not on every request.
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def is_live(self, now: datetime) -> bool:
        """Not revoked and not expired at ``now``."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)
