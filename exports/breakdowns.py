"""The funnel's scan figures and breakdowns: per hour and day in the event's time zone,
per device, per stand, and the scans kept out of the stages.

Timestamps are stored in UTC. Scans are counted per UTC hour in SQL (both
databases agree on that) and the few hours are named in local time here.
Distinct pins per local day cannot be added up from hours, so each day is
counted on its own, between that day's local midnights.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Date, DateTime, String, Text, case, cast, func, literal, or_, select

from backend.models import Batch, Company, LandingVisit, OrphanScan, Pin, Scan, Stand, StandVisit
from backend.models.types import DEVICE_CLASSES

if TYPE_CHECKING:
    from exports.funnel import Scope

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
    """What the two passes over the counted scans found."""

    hours: list[Hour]
    pins_per_day: dict[date, int]
    devices: list[dict]


def scanning(scope: "Scope") -> Scanning:
    """Counted scans per hour (then distinct pins per local day) and per device."""
    hours = counted_hours(scope)
    days = sorted({day for hour in hours for day in _local_days(scope, hour)})
    return Scanning(hours, scanned_per_day(scope, days), devices(scope))


def utc_hour(column, dialect: str):
    """The UTC hour of a timestamp column, as SQL."""
    if dialect == "sqlite":
        # UtcDateTime stores 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC: the first 13
        # characters are the hour, and cheaper to cut than strftime() to compute.
        return func.substr(column, 1, 13, type_=String)
    return func.date_trunc("hour", func.timezone("UTC", column), type_=DateTime)


def counted_hours(scope: "Scope") -> list[Hour]:
    """Counted scans per UTC hour: one pass over the scans, grouped by hour."""
    hour = utc_hour(Scan.scanned_at, scope.dialect).label("hour")
    query = (
        select(
            hour,
            func.count(),
            func.sum(case((Scan.is_repeat, 1), else_=0)),
            func.count(Scan.pin_id.distinct()),
        )
        .where(scope.among(Scan.pin_id), *scope.counted_scan())
        .group_by(hour)
    )
    hours = []
    for start, scans, repeats, pins in scope.session.execute(query):
        if isinstance(start, str):
            start = datetime.strptime(start, "%Y-%m-%d %H")
        hours.append(Hour(start.replace(tzinfo=UTC), int(scans), int(repeats or 0), int(pins)))
    return sorted(hours, key=lambda h: h.start)


def _local_days(scope: "Scope", hour: Hour) -> set[date]:
    # An hour can straddle local midnight where the offset is not whole hours.
    last_minute = hour.start + timedelta(minutes=59)
    return {hour.start.astimezone(scope.zone).date(), last_minute.astimezone(scope.zone).date()}


def scanned_per_day(scope: "Scope", days: list[date]) -> dict[date, int]:
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


def devices(scope: "Scope") -> list[dict]:
    """Counted scans and distinct pins per device class: one pass over the scans."""
    query = (
        select(Scan.device_class, func.count(), func.count(Scan.pin_id.distinct()))
        .where(scope.among(Scan.pin_id), *scope.counted_scan())
        .group_by(Scan.device_class)
    )
    rows = {device: (int(n), int(p)) for device, n, p in scope.session.execute(query)}
    order = {device: index for index, device in enumerate(DEVICE_CLASSES)}
    return [
        {"device_class": device, "scans": rows[device][0], "pins": rows[device][1]}
        for device in sorted(rows, key=lambda d: (order.get(d, len(order)), d))
    ]


def uncounted_scans(scope: "Scope") -> dict:
    """Bot, test and void-pin scans, orphan scans and void pins (docs/metrics.md)."""
    # Scans of active pins that do not count are few: filtering first keeps grouping cheap.
    of_active = scope.session.execute(
        select(Scan.kind, Scan.pin_void, func.count())
        .where(
            scope.among(Scan.pin_id),
            or_(Scan.kind != "human", Scan.pin_void.is_(True)),
            *scope.during(Scan.scanned_at),
        )
        .group_by(Scan.kind, Scan.pin_void)
    )
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
        "void_pin_scans": int(void_pin_scans),
        "orphan_scans": orphan_scans(scope),
        "void_pins": int(void_pins or 0),
    }


def orphan_scans(scope: "Scope") -> int:
    """Orphan scans (any kind) in the window, or within the fair's days ± ORPHAN_SLACK."""
    event = scope.event
    since = scope.filters.since or scope.local_midnight(event.starts_on) - ORPHAN_SLACK
    until = scope.filters.until or (
        scope.local_midnight(event.ends_on + timedelta(days=1)) + ORPHAN_SLACK
    )
    query = select(func.count(OrphanScan.id)).where(
        OrphanScan.scanned_at >= since, OrphanScan.scanned_at < until
    )
    return int(scope.session.scalar(query) or 0)


def excluded(scanning: Scanning, uncounted: dict) -> dict:
    """The ``excluded`` figures, in their documented order."""
    return {
        "human_scans": sum(h.scans for h in scanning.hours),
        "repeat_scans": sum(h.repeats for h in scanning.hours),
        **uncounted,
    }


def hourly(scope: "Scope", scanning: Scanning) -> list[dict]:
    """Counted scans (repeats included) and distinct pins per hour with any, in local time."""
    return [
        {"hour": h.start.astimezone(scope.zone).isoformat(), "scans": h.scans, "pins": h.pins}
        for h in scanning.hours
    ]


def daily(scope: "Scope", scanning: Scanning, landed: dict, visited: dict) -> list[dict]:
    """Per local day with any activity: scans, distinct pins scanned, landed and at a stand."""
    scans: dict[date, int] = {}
    for hour in scanning.hours:
        day = hour.start.astimezone(scope.zone).date()
        scans[day] = scans.get(day, 0) + hour.scans
    rows = []
    for day in sorted(set(scanning.pins_per_day) | set(landed) | set(visited)):
        row = {
            "day": day.isoformat(),
            "scans": scans.get(day, 0),
            "pins": scanning.pins_per_day.get(day, 0),
            "landed": landed.get(day, 0),
            "visited_stand": visited.get(day, 0),
        }
        if any(row[key] for key in ("scans", "pins", "landed", "visited_stand")):
            rows.append(row)
    return rows


def landed_and_visited_per_day(scope: "Scope") -> tuple[dict, dict]:
    """Distinct active pins per local day with a human landing visit, and with a stand visit."""
    landed = _per_local_day(
        scope, LandingVisit.visited_at, LandingVisit.pin_id, LandingVisit.kind == "human"
    )
    visited = _per_local_day(
        scope, StandVisit.visited_at, StandVisit.pin_id, StandVisit.is_test.is_(False)
    )
    return landed, visited


def _per_local_day(scope: "Scope", column, pin_column, condition) -> dict[date, int]:
    where = [scope.among(pin_column), condition, *scope.during(column)]
    day = local_day(scope, column, where)
    if day is None:
        return {}
    query = select(day, func.count(pin_column.distinct())).where(*where).group_by(day)
    return {
        value if isinstance(value, date) else date.fromisoformat(value): int(n)
        for value, n in scope.session.execute(query)
    }


def local_day(scope: "Scope", column, where: list):
    """SQL for the local date of ``column``; None when no row matches ``where``.

    PostgreSQL knows time zones. SQLite does not: there the UTC timestamp is
    shifted by the zone's offset, which changes at daylight-saving transitions,
    so the offset is chosen per stretch between transitions in the data's span.
    """
    if scope.dialect != "sqlite":
        return cast(func.timezone(scope.event.timezone, column), Date)
    span = select(func.min(column), func.max(column)).where(*where)
    first, last = scope.session.execute(span).one()
    if first is None:
        return None
    stretches = offset_stretches(scope.zone, first, last)

    def shift(offset: timedelta):
        return literal(f"{int(offset.total_seconds() // 60):+d} minutes", Text)

    modifier = shift(stretches[-1][1])
    if len(stretches) > 1:
        whens = [
            (column < start, shift(before[1]))
            for before, (start, _) in zip(stretches, stretches[1:], strict=False)
        ]
        modifier = case(*whens, else_=modifier)
    return func.date(column, modifier, type_=String)


def offset_stretches(zone, start: datetime, end: datetime) -> list[tuple[datetime, timedelta]]:
    """[(from, UTC offset)] of ``zone`` between two aware moments, one entry per transition."""
    stretches = [(start, start.astimezone(zone).utcoffset())]
    step = start
    while step < end:
        after = min(step + timedelta(hours=6), end)
        offset = after.astimezone(zone).utcoffset()
        if offset != stretches[-1][1]:
            # Transitions fall on whole minutes: bisect the minutes between step and after.
            low, high = int(step.timestamp() // 60), int(after.timestamp() // 60) + 1
            while high - low > 1:
                middle = (low + high) // 2
                moment = datetime.fromtimestamp(middle * 60, UTC)
                if moment.astimezone(zone).utcoffset() == stretches[-1][1]:
                    low = middle
                else:
                    high = middle
            stretches.append((datetime.fromtimestamp(high * 60, UTC), offset))
        step = after
    return stretches


def stands(scope: "Scope") -> list[dict]:
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
            StandVisit.is_test.is_(False),
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
    return [
        {
            "stand_id": stand_id,
            "label": label,
            "company": company,
            "zone": zone,
            "pins": int(pins or 0),
            "registrations": int(registrations or 0),
            "self": int(by_self or 0),
            "staff": int(by_staff or 0),
        }
        for stand_id, label, company, zone, pins, registrations, by_self, by_staff in (
            scope.session.execute(query)
        )
    ]
