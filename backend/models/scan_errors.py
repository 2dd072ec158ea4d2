"""The scan path's server errors, counted: the organisers' live view reads them."""

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.extensions import db
from backend.models.types import UtcDateTime, one_of

# The doors of the scan path an error is counted at, in the order the live view lists them.
SCAN_PATH_DOORS = ("pin", "landing", "click", "survey", "stand", "tablet", "api")


class ScanPathError(db.Model):
    """How many 5xx answers one door of the scan path gave with one status in one minute (UTC).

    Only the minute, the door's fixed name, the status and a count: no code, no address,
    no user agent, no path. One row per (minute, door, status), raised in place by an
    upsert that adds (``services/scan_errors.py``), so every worker adds its own counts.
    Retention deletes rows after ``SCAN_ERROR_DAYS`` (``services/retention.py``).
    """

    __tablename__ = "scan_path_errors"
    __table_args__ = (
        CheckConstraint(one_of("door", SCAN_PATH_DOORS), name="door"),
        CheckConstraint("status >= 500 AND status <= 599", name="status"),
        CheckConstraint("count > 0", name="count"),
    )

    minute: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    door: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column()
