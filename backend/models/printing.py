"""Print files prepared in the background: PrintJob."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.extensions import db
from backend.models.types import UtcDateTime, one_of, utcnow

PRINT_JOB_STATES = ("preparing", "ready", "failed")


class PrintJob(db.Model):
    """The sheets and bundle of one batch in one layout and look, made once and kept.

    The row is the state every worker and host shares: who is preparing (``attempt``),
    how far it got (``done`` of ``total``), and the folder the files are in once ready.
    A worker that dies stops its ``heartbeat_at``; the next request picks the job up again.
    """

    __tablename__ = "print_jobs"
    __table_args__ = (
        UniqueConstraint("batch_id", "variant"),
        CheckConstraint(one_of("state", PRINT_JOB_STATES), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"))
    # SHA-256 of the layout, look and base URL the files are made with (canonical JSON).
    variant: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10), default="preparing")
    attempt: Mapped[int] = mapped_column(default=1)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int]
    folder: Mapped[str | None] = mapped_column(String(80))
    error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
