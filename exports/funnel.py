"""The funnel of one edition: distinct active pins per stage, what was kept out, breakdowns.

Every figure is defined in docs/metrics.md (``DEFINITIONS_VERSION``); this module
computes them with a handful of aggregate queries that run on SQLite and
PostgreSQL alike, and returns plain JSON-ready values.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from backend.extensions import db
from backend.models import (
    Batch,
    Event,
    LandingVisit,
    OrphanScan,
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
# Orphan scans carry no event: without a window, count those within the fair's days ± this.
ORPHAN_SLACK = timedelta(days=1)


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
    """An event seen through the filters: which pins count, and which moments."""

    event: Event
    filters: Filters
    zone: ZoneInfo
    dialect: str

    @classmethod
    def of(cls, event: Event, filters: Filters) -> "Scope":
        return cls(event, filters, ZoneInfo(event.timezone), db.engine.dialect.name)

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
        """``pin_column IN (the pins)`` for a pass over a whole activity table.

        On SQLite ``+ 0`` keeps the planner from walking the pin_id index and
        fetching every row at random, which is ten times slower than a scan.
        """
        column = pin_column + 0 if self.dialect == "sqlite" else pin_column
        return column.in_(self.pins(status))

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
        return [Scan.kind == "human", Scan.pin_void.is_(False), *self.during(Scan.scanned_at)]


def stage_conditions(scope: Scope) -> dict:
    """For each stage after issued: EXISTS (the pin did that thing in the window)."""

    def did(model, *conditions):
        return select(1).where(model.pin_id == Pin.id, *conditions).exists()

    return {
        "scanned": did(Scan, *scope.counted_scan()),
        "landed": did(
            LandingVisit, LandingVisit.kind == "human", *scope.during(LandingVisit.visited_at)
        ),
        "clicked": did(
            PortalClick, PortalClick.kind == "human", *scope.during(PortalClick.clicked_at)
        ),
        "visited_stand": did(
            StandVisit, StandVisit.is_test.is_(False), *scope.during(StandVisit.visited_at)
        ),
        "answered_survey": did(
            SurveyResponse,
            SurveyResponse.is_test.is_(False),
            *scope.during(SurveyResponse.answered_at),
        ),
    }


def channel_stages(scope: Scope) -> list[dict]:
    """Per channel, the active pins issued and those that reached each later stage.

    One query over the event's pins; each stage is an index probe per pin
    (``EXISTS``), which is far cheaper than counting distinct pins over every row.
    """
    reached = [
        func.sum(case((condition, 1), else_=0)) for condition in stage_conditions(scope).values()
    ]
    query = scope.narrow(
        select(Batch.channel, func.count(Pin.id), *reached)
        .join(Batch, Batch.id == Pin.batch_id)
        .where(Batch.event_id == scope.event.id, Pin.status == "active")
        .group_by(Batch.channel)
    )
    counts = {row[0]: [int(value or 0) for value in row[1:]] for row in db.session.execute(query)}
    # A channel whose pins are all void still gets its row, with zeros.
    channels = db.session.scalars(
        scope.narrow(select(Batch.channel).where(Batch.event_id == scope.event.id).distinct())
    )
    return [
        {
            "channel": channel,
            **dict(zip(STAGES, counts.get(channel, [0] * len(STAGES)), strict=True)),
        }
        for channel in sorted(channels)
    ]


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


def stage_totals(channels: list[dict]) -> dict[str, int]:
    return {stage: sum(row[stage] for row in channels) for stage in STAGES}


def excluded(scope: Scope, scan_groups: list[breakdowns.ScanGroup]) -> dict:
    """What is kept out of the stages and reported beside them."""
    human = [g for g in scan_groups if g.kind == "human" and not g.void]
    void_pins = db.session.scalar(select(func.count()).select_from(scope.pins("void").subquery()))
    return {
        "human_scans": sum(g.scans for g in human),
        "repeat_scans": sum(g.repeats for g in human),
        "bot_scans": sum(g.scans for g in scan_groups if g.kind == "bot"),
        "test_scans": sum(g.scans for g in scan_groups if g.kind == "test"),
        "void_pin_scans": sum(g.scans for g in scan_groups if g.void),
        "orphan_scans": orphan_scans(scope),
        "void_pins": int(void_pins or 0),
    }


def orphan_scans(scope: Scope) -> int:
    """Orphan scans (any kind) in the window, or within the fair's days ± ORPHAN_SLACK."""
    event = scope.event
    since = scope.filters.since or scope.local_midnight(event.starts_on) - ORPHAN_SLACK
    until = scope.filters.until or (
        scope.local_midnight(event.ends_on + timedelta(days=1)) + ORPHAN_SLACK
    )
    query = select(func.count(OrphanScan.id)).where(
        OrphanScan.scanned_at >= since, OrphanScan.scanned_at < until
    )
    return int(db.session.scalar(query) or 0)


def suppress(rows: list[dict], keys: tuple[str, ...], threshold: int | None, shares=None) -> int:
    """Blank counts from 1 to threshold - 1 (and the share that depends on each); return how many."""
    if not threshold:
        return 0
    cells = 0
    for row in rows:
        for key in keys:
            value = row[key]
            if value is not None and 0 < value < threshold:
                row[key] = None
                cells += 1
                if shares and key in shares:
                    row[shares[key]] = None
    return cells


def funnel(
    event: Event,
    filters: Filters = Filters(),
    *,
    baseline: float = BASELINE_2018,
    suppress_below: int | None = None,
) -> dict:
    """Stages, excluded counts, breakdowns and awareness of one event (docs/metrics.md)."""
    scope = Scope.of(event, filters)
    channels = channel_stages(scope)
    totals = stage_totals(channels)  # before small channel counts are blanked
    scan_groups = breakdowns.scan_groups(scope)
    knew = awareness.awareness(scope, baseline)
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
        "excluded": excluded(scope, scan_groups),
        "breakdowns": {
            "channels": channels,
            "hourly": breakdowns.hourly(scope, scan_groups),
            "daily": breakdowns.daily(scope, scan_groups),
            "stands": breakdowns.stands(scope),
            "devices": breakdowns.devices(scope),
        },
        "awareness": knew,
        "suppressed": {"threshold": suppress_below, "cells": cells},
    }


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
