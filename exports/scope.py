"""An event seen through the funnel's filters: which pins count, which moments, on which session.

Every query of the funnel (``exports.funnel``, ``exports.breakdowns``,
``exports.awareness``) takes a ``Scope``; the session is the caller's, so this
package needs no Flask and no application context.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session

from backend.models import Batch, Event, Pin, Scan

# Above this many runs of consecutive pin ids, the pins are given as IN (subquery).
MAX_RUNS = 64


@dataclass(frozen=True)
class Filters:
    """Which pins and moments count: a channel or a batch, and a window [since, until)."""

    channel: str | None = None
    batch_id: int | None = None
    since: datetime | None = None  # aware; inclusive
    until: datetime | None = None  # aware; exclusive

    def __post_init__(self):
        for name in ("since", "until"):
            moment = getattr(self, name)
            if moment is not None and moment.tzinfo is None:
                raise ValueError(f"Filters.{name} must be timezone-aware")


NO_FILTERS = Filters()  # every pin of the event, at any moment


@dataclass(frozen=True)
class Scope:
    """An event seen through the filters: which pins count, which moments, on which session."""

    event: Event
    filters: Filters
    zone: ZoneInfo
    session: Session = field(compare=False, repr=False)
    _runs: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, session: Session, event: Event, filters: Filters) -> "Scope":
        return cls(event, filters, ZoneInfo(event.timezone), session)

    def on(self, session: Session) -> "Scope":
        """The same scope read through another session; the pin runs found are shared."""
        return Scope(self.event, self.filters, self.zone, session, self._runs)

    def pins(self, status: str | None = "active"):
        """SELECT of the ids of the event's pins within the channel/batch filters."""
        query = (
            select(Pin.id)
            .join(Batch, Batch.id == Pin.batch_id)
            .where(Batch.event_id == self.event.id)
        )
        if status is not None:
            query = query.where(Pin.status == status)
        return self.narrow(query)

    def narrow(self, query):
        """Apply the channel and batch filters to a query that joins Batch."""
        if self.filters.channel is not None:
            query = query.where(Batch.channel == self.filters.channel)
        if self.filters.batch_id is not None:
            query = query.where(Batch.id == self.filters.batch_id)
        return query

    def among(self, pin_column, status: str | None = "active"):
        """``pin_column IN (the pins)``, for a pass over a whole activity table.

        The pins are given as the few runs of consecutive ids that minting makes
        (``BETWEEN``): cheap to test per row, and PostgreSQL estimates them well,
        where a join of pins and batches misleads it into a seek per pin. ``+ 0``
        keeps either planner from walking the pin_id index and fetching every
        row at random.
        """
        if status not in self._runs:
            ids = self.session.scalars(self.pins(status).order_by(Pin.id))
            self._runs[status] = id_runs(ids)
        runs = self._runs[status]
        if len(runs) > MAX_RUNS:
            return (pin_column + 0).in_(self.pins(status))
        return or_(false(), *[(pin_column + 0).between(first, last) for first, last in runs])

    def during(self, column) -> list:
        """The time-window conditions on ``column``."""
        conditions = []
        if self.filters.since is not None:
            conditions.append(column >= self.filters.since)
        if self.filters.until is not None:
            conditions.append(column < self.filters.until)
        return conditions

    def local_midnight(self, day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=self.zone)

    def counted_scan(self) -> list:
        """A scan that counts: by a human, not of a void pin, in the window (pins: see among)."""
        return [Scan.kind == "human", Scan.pin_void == false(), *self.during(Scan.scanned_at)]


def id_runs(ids) -> list[tuple[int, int]]:
    """Sorted ids as runs of consecutive ones: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[list[int]] = []
    for pin_id in ids:
        if runs and pin_id == runs[-1][1] + 1:
            runs[-1][1] = pin_id
        else:
            runs.append([pin_id, pin_id])
    return [(first, last) for first, last in runs]
