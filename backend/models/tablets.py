"""What each stand tablet last said about itself: the organisers' live view reads it."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.extensions import db
from backend.models.types import UtcDateTime


class TabletState(db.Model):
    """One stand tablet's last report: when it was heard, its waiting scans, its scanner version.

    ``tablet`` is a random id the scanner makes once and keeps in the browser's storage:
    it names a device, not a person. No address, no user agent. One row per tablet at a
    stand, raised in place on every sync and heartbeat (``services/stand_scanner.py``).
    """

    __tablename__ = "tablet_states"
    __table_args__ = (UniqueConstraint("stand_id", "tablet"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stand_id: Mapped[int] = mapped_column(ForeignKey("stands.id"))
    tablet: Mapped[str] = mapped_column(String(40))
    last_heard_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Scans the tablet holds that the server has not answered yet ("waiting for the network").
    queued: Mapped[int] = mapped_column(default=0)
    version: Mapped[str] = mapped_column(String(40), default="")
