"""The scan path's server errors: every 5xx a door of it answers, counted for the live view.

What is counted: a 5xx answer (500 for an unexpected error, 503 while the database is
down, any other) from the pin URL, the landing page and its click-through, the survey,
the stand poster, the tablets' sync and the API's visits; keyed by the minute (UTC), the
door's fixed name (``DOORS``) and the status. Nothing else: no code, no address, no user
agent, no path. The hook that sees every answer is in ``backend/error_responses.py``.

Where it is kept: errors come mostly when the database is down, so a request cannot
write its own. Each process (each gunicorn worker) keeps its counts in memory, and the
first answer without a server error after ``FLUSH_SECONDS`` writes them to
``scan_path_errors`` with one upsert that adds to a row, so the workers' counts add
up (and a worker that ends writes its own before it goes). The write has its own
connection and transaction, never the request's session, so it cannot spoil a
request; if it fails, the counts stay for the next try. An answer
with no counts waiting costs one dict check; the scan lane's own 302s (most scans) never
reach the hook at all, and they are never errors.
"""

import atexit
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from backend.extensions import db
from backend.models import ScanPathError
from backend.models.scan_errors import SCAN_PATH_DOORS

EXTENSION = "speld_scan_errors"
FLUSH_SECONDS = 5.0  # at most one write per process this often, and one try after a failure
# Each door's endpoints (Flask's names), by the door's name in the table.
DOORS = {
    "journey.scan": "pin",
    "journey.landing": "landing",
    "journey.go": "click",
    "journey.survey_start": "survey",
    "journey.answer": "survey",
    "journey.survey_known": "survey",
    "journey.answer_known": "survey",
    "journey.follow_up": "survey",
    "journey.stand": "stand",
    "scanner.visits": "tablet",
    "journey_api.StandVisits": "api",
    "journey_api.StandVisitBatch": "api",
}


def minute_of(moment: datetime) -> datetime:
    """The start of ``moment``'s minute: the key's time, no finer."""
    return moment.replace(second=0, microsecond=0)


class ErrorCounts:
    """One process's counts not yet written; shared by its threads."""

    def __init__(self, engine, write_turn, clock=time.monotonic):
        self.engine = engine
        self.write_turn = write_turn  # SQLite writers take turns (services/scans.py)
        self.clock = clock
        self._lock = threading.Lock()
        self._counts: Counter = Counter()
        self._next_flush = 0.0
        table = ScanPathError.__table__
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        upsert = dialect.insert(table)
        self._add = upsert.on_conflict_do_update(
            index_elements=[table.c.minute, table.c.door, table.c.status],
            set_={"count": table.c.count + upsert.excluded.count},
        )

    def count(self, endpoint: str | None, status: int, now: datetime) -> None:
        """Count one answer with ``status`` from ``endpoint``, if it is a scan path's 5xx."""
        door = DOORS.get(endpoint)
        if door is None or not 500 <= status <= 599:
            return
        with self._lock:
            self._counts[(minute_of(now), door, status)] += 1

    @property
    def due(self) -> bool:
        """Counts are waiting and the last write (or try) is long enough ago."""
        return bool(self._counts) and self.clock() >= self._next_flush

    def flush(self) -> int:
        """Add the waiting counts to the table; how many errors were written.

        On failure (the database still down) they are put back, and the error raised.
        """
        with self._lock:
            taken, self._counts = self._counts, Counter()
            self._next_flush = self.clock() + FLUSH_SECONDS
        if not taken:
            return 0
        rows = [
            {"minute": minute, "door": door, "status": status, "count": n}
            for (minute, door, status), n in taken.items()
        ]
        try:
            with self.write_turn(), self.engine.begin() as connection:
                connection.execute(self._add, rows)
        except BaseException:
            with self._lock:
                self._counts.update(taken)
            raise
        return sum(taken.values())

    def flush_at_exit(self) -> None:
        """A worker that ends (gunicorn's max_requests, a restart) writes what it still holds."""
        try:
            self.flush()
        except Exception:  # the process is ending; nothing left to tell, nobody to tell it to
            return

    def waiting(self) -> dict[tuple[datetime, str, int], int]:
        """The counts not yet written (for tests and the curious)."""
        with self._lock:
            return dict(self._counts)

    def forget(self) -> None:
        """Drop the waiting counts (tests empty the tables between them)."""
        with self._lock:
            self._counts.clear()
            self._next_flush = 0.0


def flush_quietly(counts: ErrorCounts, logger) -> None:
    """Write the waiting counts if due; a failure is logged and they wait for the next try."""
    if not counts.due:
        return
    try:
        counts.flush()
    except Exception as error:  # whatever it was, the answer it follows goes out unspoiled
        reason = (str(getattr(error, "orig", None) or error).splitlines() or [""])[0][:200]
        logger.warning("Scan path errors not written yet: %s: %s", type(error).__name__, reason)


@dataclass(frozen=True)
class ErrorLine:
    """One door's errors with one status in a period: how many, and the last minute seen."""

    door: str
    status: int
    count: int
    last: datetime


def recent(since: datetime, until: datetime) -> tuple[ErrorLine, ...]:
    """The written counts of the minutes after ``since`` up to ``until``, by door and status."""
    table = ScanPathError
    rows = db.session.execute(
        select(table.door, table.status, func.sum(table.count), func.max(table.minute))
        .where(table.minute > minute_of(since), table.minute <= until)
        .group_by(table.door, table.status)
    ).all()
    lines = [ErrorLine(door, status, int(n), last) for door, status, n, last in rows]
    lines.sort(key=lambda line: (SCAN_PATH_DOORS.index(line.door), line.status))
    return tuple(lines)


def install(app, engine, write_turn) -> None:
    """Give the app its process's counts (``create_app`` calls this)."""
    counts = ErrorCounts(engine, write_turn)
    atexit.register(counts.flush_at_exit)
    app.extensions[EXTENSION] = counts
