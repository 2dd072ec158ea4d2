"""The funnel's scan figures and breakdowns: per hour and day in the event's time zone,
per device, per stand, and the scans kept out of the stages.

Timestamps are stored in UTC. Hours and local days are counted one range
query at a time between bounds computed here with zoneinfo (the databases need
not know time zones), along indexes made for these reads (see the models);
periods without rows are skipped by seeking the next row.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import case, false, func, select, true

from backend.models import (
    Batch,
    Company,
    LandingVisit,
    OrphanScan,
    Pin,
    Scan,
    Stand,
    StandVisit,
    UnknownCodeLookup,
)
from backend.models.types import DEVICE_CLASSES
from exports.figures import DayRow, DeviceRow, Excluded, HourRow, StandRow
from exports.scope import Scope

# Orphan scans carry no event: without a window, count those within the fair's days ± this.
ORPHAN_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class Hour:
    """Counted scans (human, of an active pin) in one UTC hour."""

    start: datetime  # UTC, aware
    scans: int  # repeats included
    repeats: int
    pins: int  # distinct


@dataclass(frozen=True)
class Scanning:
    """Counted scans per UTC hour, and distinct pins scanned per local day."""

    hours: list[Hour]
    pins_per_day: dict[date, int]


def scanning(scope: Scope) -> Scanning:
    """Counted scans per hour, then distinct pins per local day of those hours."""
    hours = counted_hours(scope)
    days = sorted({day for hour in hours for day in _local_days(scope, hour)})
    return Scanning(hours, scanned_per_day(scope, days))


def devices(scope: Scope) -> tuple[DeviceRow, ...]:
    """Counted scans and distinct pins per device class.

    One pass along ix_scans_counted (device_class, kind, pin_void, scanned_at,
    pin_id, ...), which holds every column asked for, so no table row is read.
    """
    query = (
        select(Scan.device_class, func.count(), func.count(Scan.pin_id.distinct()))
        .where(scope.among(Scan.pin_id), *scope.counted_scan())
        .group_by(Scan.device_class)
    )
    rows = {device: (int(n), int(p)) for device, n, p in scope.session.execute(query)}
    order = {device: index for index, device in enumerate(DEVICE_CLASSES)}
    return tuple(
        DeviceRow(device, *rows[device])
        for device in sorted(rows, key=lambda d: (order.get(d, len(order)), d))
    )


def counted_hours(scope: Scope) -> list[Hour]:
    """Counted scans per UTC hour that has any: one range of ix_scans_counted per hour.

    Grouping a million scans by an hour computed per row costs a sort of them
    all; a range per hour reads each scan once, in index order. Hours without
    scans are skipped by seeking the next scan (a seek per device class), so a
    pin scanned again a year later costs two more queries, not 8,760.
    """
    hours: list[Hour] = []
    start = _hour_of_next_scan(scope, None)
    while start is not None:
        end = start + timedelta(hours=1)
        in_hour = [*scope.counted_scan(), Scan.scanned_at >= start, Scan.scanned_at < end]
        scans, repeats, pins = scope.session.execute(
            select(
                func.count(),
                func.sum(case((Scan.is_repeat, 1), else_=0)),
                func.count(Scan.pin_id.distinct()),
            ).where(Scan.device_class.in_(DEVICE_CLASSES), scope.among(Scan.pin_id), *in_hour)
        ).one()
        if scans:
            hours.append(Hour(start, int(scans), int(repeats or 0), int(pins)))
        start = _hour_of_next_scan(scope, end)
    return hours


def _hour_of_next_scan(scope: Scope, moment: datetime | None) -> datetime | None:
    """The UTC hour of the first counted scan at or after ``moment`` (of any pin)."""
    after = [] if moment is None else [Scan.scanned_at >= moment]
    nexts = [
        scope.session.scalar(
            select(func.min(Scan.scanned_at)).where(
                Scan.device_class == device, *scope.counted_scan(), *after
            )
        )
        for device in DEVICE_CLASSES
    ]
    found = [_aware(n) for n in nexts if n is not None]
    return _hour_of(min(found)) if found else None


def _hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _aware(value) -> datetime:
    """A min()/max() of a UtcDateTime column: SQLite hands back its stored text."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _local_days(scope: Scope, hour: Hour) -> set[date]:
    # An hour can straddle local midnight where the offset is not whole hours.
    last_minute = hour.start + timedelta(minutes=59)
    return {hour.start.astimezone(scope.zone).date(), last_minute.astimezone(scope.zone).date()}


def scanned_per_day(scope: Scope, days: list[date]) -> dict[date, int]:
    """Distinct active pins with a counted scan on each day: one probe per pin and day.

    A probe is an index seek on scans(pin_id, scanned_at), so this costs pins x days
    seeks instead of another pass over every scan.
    """
    columns, probed = [], []
    for day in days:
        start = scope.local_midnight(day)
        end = scope.local_midnight(day + timedelta(days=1))
        scanned = (
            select(1)
            .where(
                Scan.pin_id == Pin.id,
                *scope.counted_scan(),  # with the window
                Scan.scanned_at >= start,
                Scan.scanned_at < end,
            )
            .exists()
        )
        columns.append(func.sum(case((scanned, 1), else_=0)))
        probed.append(day)
    if not columns:
        return {}
    query = scope.narrow(
        select(*columns)
        .select_from(Pin)
        .join(Batch, Batch.id == Pin.batch_id)
        .where(Batch.event_id == scope.event.id, Pin.status == "active")
    )
    row = scope.session.execute(query).one()
    return {day: int(n or 0) for day, n in zip(probed, row, strict=True)}


def uncounted_scans(scope: Scope) -> dict:
    """Bot, test and void-pin scans, rehearsals, orphan scans and void pins (docs/metrics.md)."""
    # Scans of active pins that do not count are few: two seeks into ix_scans_counted
    # (bots and tests; humans scanning a pin while it was void) instead of a pass.
    every_device = Scan.device_class.in_(DEVICE_CLASSES)
    not_counted = [
        select(Scan.kind, Scan.pin_void, func.count())
        .where(every_device, *where, scope.among(Scan.pin_id), *scope.during(Scan.scanned_at))
        .group_by(Scan.kind, Scan.pin_void)
        for where in (
            [Scan.kind.in_(("bot", "test"))],
            [Scan.kind == "human", Scan.pin_void == true()],
        )
    ]
    of_active = [row for query in not_counted for row in scope.session.execute(query)]
    # Scans of void pins, found through the pin_id index (void pins are few).
    of_void = scope.session.execute(
        select(Scan.kind, func.count())
        .where(Scan.pin_id.in_(scope.pins("void")), *scope.during(Scan.scanned_at))
        .group_by(Scan.kind)
    )
    by_kind = dict.fromkeys(("human", "bot", "test"), 0)
    void_pin_scans = 0
    for kind, pin_void, n in of_active:
        by_kind[kind] += n
        void_pin_scans += n if pin_void else 0
    for kind, n in of_void:
        by_kind[kind] += n
        void_pin_scans += n
    void_pins = scope.session.scalar(
        select(func.count()).select_from(scope.pins("void").subquery())
    )
    return {
        "bot_scans": int(by_kind["bot"]),
        "test_scans": int(by_kind["test"]),
        "rehearsal_visits": rehearsal_visits(scope),
        "void_pin_scans": int(void_pin_scans),
        "orphan_scans": orphan_scans(scope),
        "refused_lookups": refused_lookups(scope),
        "void_pins": int(void_pins or 0),
    }


def rehearsal_visits(scope: Scope) -> int:
    """Stand visits of the event's pins (void or not) made outside the fair's days."""
    # Rehearsals are few and they are tests: the (pin_id, stand_id, is_test) key finds them.
    query = select(func.count(StandVisit.id)).where(
        StandVisit.pin_id.in_(scope.pins(None)),
        StandVisit.is_test == true(),
        StandVisit.is_rehearsal == true(),
        *scope.during(StandVisit.visited_at),
    )
    return int(scope.session.scalar(query) or 0)


def _beside_the_fair(scope: Scope) -> tuple:
    """The window for rows that belong to no event: the filter's, or the fair's days ± slack."""
    event = scope.event
    since = scope.filters.since or scope.local_midnight(event.starts_on) - ORPHAN_SLACK
    until = scope.filters.until or (
        scope.local_midnight(event.ends_on + timedelta(days=1)) + ORPHAN_SLACK
    )
    return since, until


def orphan_scans(scope: Scope) -> int:
    """Orphan scans (any kind) in the window, or within the fair's days ± ORPHAN_SLACK."""
    since, until = _beside_the_fair(scope)
    query = select(func.count(OrphanScan.id)).where(
        OrphanScan.scanned_at >= since, OrphanScan.scanned_at < until
    )
    return int(scope.session.scalar(query) or 0)


def refused_lookups(scope: Scope) -> int:
    """Unknown codes the guessing brake answered with 429, in the same window as orphans."""
    since, until = _beside_the_fair(scope)
    looked_up_at = UnknownCodeLookup.looked_up_at
    query = select(func.count(UnknownCodeLookup.id)).where(
        UnknownCodeLookup.refused, looked_up_at >= since, looked_up_at < until
    )
    return int(scope.session.scalar(query) or 0)


def excluded(scanning: Scanning, uncounted: dict) -> Excluded:
    """The ``excluded`` figures: counted scans and repeats, and the uncounted ones."""
    return Excluded(
        human_scans=sum(h.scans for h in scanning.hours),
        repeat_scans=sum(h.repeats for h in scanning.hours),
        **uncounted,
    )


def hourly(scope: Scope, scanning: Scanning) -> tuple[HourRow, ...]:
    """Counted scans (repeats included) and distinct pins per hour with any, in local time."""
    return tuple(HourRow(h.start.astimezone(scope.zone), h.scans, h.pins) for h in scanning.hours)


def daily(scope: Scope, scanning: Scanning, landed: dict, visited: dict) -> tuple[DayRow, ...]:
    """Per local day with any activity: scans, distinct pins scanned, landed and at a stand."""
    scans: dict[date, int] = {}
    for hour in scanning.hours:
        day = hour.start.astimezone(scope.zone).date()
        scans[day] = scans.get(day, 0) + hour.scans
    rows = []
    for day in sorted(set(scanning.pins_per_day) | set(landed) | set(visited)):
        figures = (
            scans.get(day, 0),
            scanning.pins_per_day.get(day, 0),
            landed.get(day, 0),
            visited.get(day, 0),
        )
        if any(figures):
            rows.append(DayRow(day, *figures))
    return tuple(rows)


def landed_and_visited_per_day(scope: Scope) -> tuple[dict, dict]:
    """Distinct active pins per local day with a human landing visit, and with a stand visit."""
    landed = _per_local_day(
        scope, LandingVisit.visited_at, LandingVisit.pin_id, LandingVisit.kind == "human"
    )
    visited = _per_local_day(
        scope, StandVisit.visited_at, StandVisit.pin_id, StandVisit.is_test == false()
    )
    return landed, visited


def _per_local_day(scope: Scope, column, pin_column, condition) -> dict[date, int]:
    """One range query per local day with any row, between that day's local midnights.

    The days are found by seeking the next row (an index on (condition's column,
    ``column``)), so days without rows cost nothing and daylight-saving days come
    out right: the midnights are computed by zoneinfo, not by the database.
    """
    counted = [condition, *scope.during(column)]
    counts: dict[date, int] = {}
    moment = scope.session.scalar(select(func.min(column)).where(*counted))
    while moment is not None:
        day = _aware(moment).astimezone(scope.zone).date()
        start, end = scope.local_midnight(day), scope.local_midnight(day + timedelta(days=1))
        pins = scope.session.scalar(
            select(func.count(pin_column.distinct())).where(
                scope.among(pin_column), *counted, column >= start, column < end
            )
        )
        if pins:
            counts[day] = int(pins)
        moment = scope.session.scalar(select(func.min(column)).where(*counted, column >= end))
    return counts


def stands(scope: Scope) -> tuple[StandRow, ...]:
    """Every stand of the event (all zones): distinct pins and registrations, self and staff."""
    visits = (
        select(
            StandVisit.stand_id,
            func.count(StandVisit.pin_id.distinct()).label("pins"),
            func.count().label("registrations"),
            func.sum(case((StandVisit.method == "self", 1), else_=0)).label("self"),
            func.sum(case((StandVisit.method == "staff", 1), else_=0)).label("staff"),
        )
        .where(
            scope.among(StandVisit.pin_id),
            StandVisit.is_test == false(),
            *scope.during(StandVisit.visited_at),
        )
        .group_by(StandVisit.stand_id)
        .subquery()
    )
    query = (
        select(Stand.id, Stand.label, Company.name, Stand.zone, *list(visits.c)[1:])
        .join(Company, Company.id == Stand.company_id)
        .outerjoin(visits, visits.c.stand_id == Stand.id)
        .where(Stand.event_id == scope.event.id)
        .order_by(Stand.label)
    )
    return tuple(
        StandRow(stand_id, label, company, zone, *(int(n or 0) for n in counts))
        for stand_id, label, company, zone, *counts in scope.session.execute(query)
    )
