"""Print runs and the physical pins in them: Batch, Pin."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.extensions import db
from backend.models.event import Event
from backend.models.types import PIN_STATUSES, UtcDateTime, one_of, utcnow


class Batch(db.Model):
    """One print run of pins, handed out through one distribution channel."""

    __tablename__ = "batches"
    __table_args__ = (
        UniqueConstraint("event_id", "label"),
        CheckConstraint("size > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    label: Mapped[str] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(40), index=True)
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    event: Mapped[Event] = relationship()


class Pin(db.Model):
    """One physical pin. The code is the key a student holds; it is unique across all events.

    Beside its status, a pin keeps what the unprimed survey needs to know about
    its student: when the list of companies was first shown to it, and whether
    the student skipped the questions (so they are not asked on every visit).
    """

    __tablename__ = "pins"
    __table_args__ = (
        CheckConstraint(one_of("status", PIN_STATUSES), name="status"),
        Index("ix_pins_batch_id_status", "batch_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"))
    status: Mapped[str] = mapped_column(String(8), default="active")
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    void_reason: Mapped[str | None] = mapped_column(String(200))
    # The first moment a page or app screen showed this pin the Twente Plaza companies'
    # names (landing page, stand pages, the app): answers after it are exposed.
    companies_shown_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The student skipped the first-landing questions, or the follow-up question.
    survey_skipped_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    follow_up_skipped_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    batch: Mapped[Batch] = relationship()
