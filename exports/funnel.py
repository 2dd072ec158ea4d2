"""The funnel of one edition: distinct active pins per stage, what was kept out, breakdowns.

Every figure is defined in docs/metrics.md (``DEFINITIONS_VERSION``); this module
computes them with a handful of aggregate queries that run on SQLite and
PostgreSQL alike, and returns plain JSON-ready values.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import case, false, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import SingletonThreadPool, StaticPool

from backend.extensions import db
from backend.models import (
    Batch,
    Event,
    LandingVisit,
    Pin,
    PortalClick,
    Scan,
    StandVisit,
    SurveyResponse,
)
from exports import awareness, breakdowns
from exports.awareness import share

DEFINITIONS_VERSION = "1"
BASELINE_2018 = (
    0.35  # share of students who could name no Twente company (Keeping Talent in Twente, 2018)
)
SUPPRESS_BELOW = 5  # default small-number threshold for viewers
STAGES = ("issued", "scanned", "landed", "clicked", "visited_stand", "answered_survey")
# Above this many runs of consecutive pin ids, the pins are given as IN (subquery).
MAX_RUNS = 64


@dataclass(frozen=True)
class Filters:
    channel: str | None = None
    batch_id: int | None = None
    since: datetime | None = None  # aware; inclusive
    until: datetime | None = None  # aware; exclusive

    def __post_init__(self):
        for name in ("since", "until"):
            moment = getattr(self, name)
            if moment is not None and moment.tzinfo is None:
                raise ValueError(f"Filters.{name} must be timezone-aware")

    def as_json(self) -> dict:
        return {
            "channel": self.channel,
            "batch_id": self.batch_id,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }


@dataclass(frozen=True)
class Scope:
    """An event seen through the filters: which pins count, which moments, on which session."""

    event: Event
    filters: Filters
    zone: ZoneInfo
    session: Session = field(compare=False, repr=False)
    _runs: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, event: Event, filters: Filters) -> "Scope":
        zone = ZoneInfo(event.timezone)
        return cls(event, filters, zone, db.session)

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


def stage_conditions(scope: Scope) -> dict:
    """For each stage after issued: EXISTS (the pin did that thing in the window)."""

    def did(model, *conditions):
        return select(1).where(model.pin_id == Pin.id, *conditions).exists()

    human, during = "human", scope.during
    return {
        "scanned": did(Scan, *scope.counted_scan()),
        "landed": did(LandingVisit, LandingVisit.kind == human, *during(LandingVisit.visited_at)),
        "clicked": did(PortalClick, PortalClick.kind == human, *during(PortalClick.clicked_at)),
        "visited_stand": did(
            StandVisit, StandVisit.is_test == false(), *during(StandVisit.visited_at)
        ),
        "answered_survey": did(
            SurveyResponse, SurveyResponse.is_test == false(), *during(SurveyResponse.answered_at)
        ),
    }


def channel_stages(scope: Scope) -> list[dict]:
    """Per channel, the active pins issued and those that reached each later stage.

    One query over the event's pins; each stage is an index probe per pin
    (``EXISTS``), far cheaper than counting distinct pins over every row.
    """
    reached = [func.sum(case((did, 1), else_=0)) for did in stage_conditions(scope).values()]
    query = scope.narrow(
        select(Batch.channel, func.count(Pin.id), *reached)
        .join(Batch, Batch.id == Pin.batch_id)
        .where(Batch.event_id == scope.event.id, Pin.status == "active")
        .group_by(Batch.channel)
    )
    counts = {row[0]: [int(n or 0) for n in row[1:]] for row in scope.session.execute(query)}
    # A channel whose pins are all void still gets its row, with zeros.
    channels = scope.session.scalars(
        scope.narrow(select(Batch.channel).where(Batch.event_id == scope.event.id).distinct())
    )
    zeros = [0] * len(STAGES)
    return [
        {"channel": channel, **dict(zip(STAGES, counts.get(channel, zeros), strict=True))}
        for channel in sorted(channels)
    ]


def stage_totals(channels: list[dict]) -> dict[str, int]:
    return {stage: sum(row[stage] for row in channels) for stage in STAGES}


def stage_rows(totals: dict[str, int]) -> list[dict]:
    rows, previous = [], None
    for stage in STAGES:
        pins = totals[stage]
        rows.append(
            {
                "stage": stage,
                "pins": pins,
                "from_previous": None if previous is None else share(pins, previous),
                "from_issued": share(pins, totals["issued"]),
            }
        )
        previous = pins
    return rows


def suppress(rows: list[dict], keys: tuple[str, ...], threshold: int | None, shares=None) -> int:
    """Blank counts from 1 to threshold - 1 (and the share that depends on each); return how many."""
    if not threshold:
        return 0
    cells = 0
    for row in rows:
        for key in keys:
            if row[key] is not None and 0 < row[key] < threshold:
                row[key] = None
                cells += 1
                if shares and key in shares:
                    row[shares[key]] = None
    return cells


def side_by_side(scope: Scope, aside, here):
    """``(aside(scope), here(scope))``, the first on its own connection in a second thread.

    SQLite runs one query on one core; the funnel's queries fall into two halves
    of about equal cost, and each half runs on its own core. Each
    connection reads committed rows only. An in-memory SQLite database has one
    connection for all, so there everything runs in turn.
    """
    engine = db.engine
    if isinstance(engine.pool, StaticPool | SingletonThreadPool):
        return aside(scope), here(scope)

    def on_own_session():
        with Session(engine) as session:
            return aside(replace(scope, session=session))

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(on_own_session)
        mine = here(scope)
        return future.result(), mine


def funnel(
    event: Event,
    filters: Filters = Filters(),
    *,
    baseline: float = BASELINE_2018,
    suppress_below: int | None = None,
) -> dict:
    """Stages, excluded counts, breakdowns and awareness of one event (docs/metrics.md)."""
    scope = Scope.of(event, filters)
    by_time, rest = side_by_side(scope, _by_time, _everything_else(baseline))
    scanning = by_time["scanning"]
    channels = rest["channels"]
    totals = stage_totals(channels)  # before small channel counts are blanked
    knew = rest["awareness"]
    cells = suppress(channels, STAGES, suppress_below)
    cells += suppress(
        knew["companies"], ("respondents_knew",), suppress_below, {"respondents_knew": "share"}
    )
    return {
        "event": event.slug,
        "event_name": event.name,
        "timezone": event.timezone,
        "definitions_version": DEFINITIONS_VERSION,
        "filters": filters.as_json(),
        "stages": stage_rows(totals),
        "excluded": breakdowns.excluded(scanning, rest["uncounted"]),
        "breakdowns": {
            "channels": channels,
            "hourly": breakdowns.hourly(scope, scanning),
            "daily": breakdowns.daily(scope, scanning, by_time["landed"], by_time["visited"]),
            "stands": by_time["stands"],
            "devices": rest["devices"],
        },
        "awareness": knew,
        "suppressed": {"threshold": suppress_below, "cells": cells},
    }


def _by_time(scope: Scope) -> dict:
    """Per hour and per local day, and per stand: about half of the funnel's work."""
    landed, visited = breakdowns.landed_and_visited_per_day(scope)
    return {
        "scanning": breakdowns.scanning(scope),
        "landed": landed,
        "visited": visited,
        "stands": breakdowns.stands(scope),
    }


def _everything_else(baseline: float):
    def run(scope: Scope) -> dict:
        return {
            "devices": breakdowns.devices(scope),
            "channels": channel_stages(scope),
            "uncounted": breakdowns.uncounted_scans(scope),
            "awareness": awareness.awareness(scope, baseline),
        }

    return run


def compare(
    events: list[Event],
    filters: Filters = Filters(),
    *,
    baseline: float = BASELINE_2018,
    suppress_below: int | None = None,
) -> dict:
    """Headline figures of several editions side by side, in order of their start.

    Edition totals are stage figures, which are never suppressed (as in
    ``funnel``); ``suppress_below`` is accepted for one signature and echoed.
    """
    editions = []
    for event in sorted(events, key=lambda e: (e.starts_on, e.slug)):
        scope = Scope.of(event, filters)
        totals = stage_totals(channel_stages(scope))
        head = awareness.headline(scope, baseline)
        editions.append(
            {
                "event": event.slug,
                "event_name": event.name,
                "starts_on": event.starts_on.isoformat(),
                **totals,
                "scan_rate": share(totals["scanned"], totals["issued"]),
                "named_none_share": head["named_none_share"],
                "difference_from_baseline": head["difference_from_baseline"],
                "respondents": head["respondents"],
                "discovery_rate": awareness.discovery(scope)["rate"],
            }
        )
    return {
        "definitions_version": DEFINITIONS_VERSION,
        "filters": filters.as_json(),
        "editions": editions,
        "suppressed": {"threshold": suppress_below, "cells": 0},
    }
