"""The funnel's breakdowns: per hour and per day in the event's time zone, per stand, per device.

Timestamps are stored in UTC. Scans are bucketed per UTC hour in SQL (both
databases agree on that) and the few buckets are named in local time here.
Distinct pins per local day cannot be added up from hours, so each day is
counted on its own, between that day's local midnights.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Date, DateTime, String, Text, case, cast, func, literal, or_, select

from backend.extensions import db
from backend.models import Batch, Company, LandingVisit, Pin, Scan, Stand, StandVisit
from backend.models.types import DEVICE_CLASSES

if TYPE_CHECKING:
    from exports.funnel import Scope


@dataclass(frozen=True)
class ScanGroup:
    """Scans of the event's pins in one UTC hour, of one kind, of void pins or not."""

    hour: datetime  # UTC, aware
    kind: str
    void: bool  # the pin was void when scanned, or is void now
    scans: int
    repeats: int
    pins: int  # distinct pins within this group


def utc_hour(column, dialect: str):
    """The UTC hour of a timestamp column, as SQL."""
    if dialect == "sqlite":
        # UtcDateTime stores 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC: the first 13
        # characters are the hour, and cheaper to cut than strftime() to compute.
        return func.substr(column, 1, 13, type_=String)
    return func.date_trunc("hour", func.timezone("UTC", column), type_=DateTime)


def _as_utc_hour(value) -> datetime:
    if isinstance(value, str):
        value = datetime.strptime(value, "%Y-%m-%d %H")
    return value.replace(tzinfo=UTC)


def scan_groups(scope: "Scope") -> list[ScanGroup]:
    """Every scan of the event's pins (any status) in the window, grouped; one pass over scans."""
    hour = utc_hour(Scan.scanned_at, scope.dialect)
    void = case((or_(Scan.pin_void, Scan.pin_id.in_(scope.pins("void"))), 1), else_=0)
    query = (
        select(
            hour,
            Scan.kind,
            void,
            func.count(),
            func.sum(case((Scan.is_repeat, 1), else_=0)),
            func.count(Scan.pin_id.distinct()),
        )
        .where(scope.among(Scan.pin_id, status=None), *scope.during(Scan.scanned_at))
        .group_by(hour, Scan.kind, void)
    )
    groups = [
        ScanGroup(_as_utc_hour(h), kind, bool(v), int(n), int(r or 0), int(p))
        for h, kind, v, n, r, p in db.session.execute(query)
    ]
    return sorted(groups, key=lambda g: (g.hour, g.kind, g.void))


def _counted(groups: list[ScanGroup]) -> list[ScanGroup]:
    return [g for g in groups if g.kind == "human" and not g.void]


def hourly(scope: "Scope", groups: list[ScanGroup]) -> list[dict]:
    """Counted scans (repeats included) and distinct pins per hour with any, in local time."""
    return [
        {"hour": g.hour.astimezone(scope.zone).isoformat(), "scans": g.scans, "pins": g.pins}
        for g in _counted(groups)
    ]


def daily(scope: "Scope", groups: list[ScanGroup]) -> list[dict]:
    """Per local day with any activity: scans, distinct pins scanned, landed and at a stand."""
    scans: dict[date, int] = {}
    for group in _counted(groups):
        day = group.hour.astimezone(scope.zone).date()
        scans[day] = scans.get(day, 0) + group.scans
        # An hour can straddle local midnight where the offset is not whole hours.
        scans.setdefault((group.hour + timedelta(minutes=59)).astimezone(scope.zone).date(), 0)
    pins = _scanned_per_day(scope, sorted(scans))
    landed = _per_local_day(
        scope, LandingVisit.visited_at, LandingVisit.pin_id, LandingVisit.kind == "human"
    )
    visited = _per_local_day(
        scope, StandVisit.visited_at, StandVisit.pin_id, StandVisit.is_test.is_(False)
    )
    rows = []
    for day in sorted(set(scans) | set(landed) | set(visited)):
        row = {
            "day": day.isoformat(),
            "scans": scans.get(day, 0),
            "pins": pins.get(day, 0),
            "landed": landed.get(day, 0),
            "visited_stand": visited.get(day, 0),
        }
        if any(row[key] for key in ("scans", "pins", "landed", "visited_stand")):
            rows.append(row)
    return rows


def _day_bounds(scope: "Scope", day: date) -> tuple[datetime, datetime]:
    """A local day as a UTC interval, cut to the window."""
    start = scope.local_midnight(day)
    end = scope.local_midnight(day + timedelta(days=1))
    if scope.filters.since is not None:
        start = max(start, scope.filters.since)
    if scope.filters.until is not None:
        end = min(end, scope.filters.until)
    return start, end


def _scanned_per_day(scope: "Scope", days: list[date]) -> dict[date, int]:
    """Distinct active pins with a counted scan on each day: one probe per pin and day.

    A probe is an index seek on scans(pin_id, scanned_at), so this costs pins x days
    seeks instead of another pass over every scan.
    """
    columns, counted_days = [], []
    for day in days:
        start, end = _day_bounds(scope, day)
        if start >= end:
            continue
        scanned = (
            select(1)
            .where(
                Scan.pin_id == Pin.id,
                *scope.counted_scan(),
                Scan.scanned_at >= start,
                Scan.scanned_at < end,
            )
            .exists()
        )
        columns.append(func.sum(case((scanned, 1), else_=0)))
        counted_days.append(day)
    if not columns:
        return {}
    query = scope.narrow(
        select(*columns)
        .select_from(Pin)
        .join(Batch, Batch.id == Pin.batch_id)
        .where(Batch.event_id == scope.event.id, Pin.status == "active")
    )
    row = db.session.execute(query).one()
    return {day: int(value or 0) for day, value in zip(counted_days, row, strict=True)}


def _per_local_day(scope: "Scope", column, pin_column, condition) -> dict[date, int]:
    """Distinct active pins per local day of ``column``, grouped in SQL."""
    where = [scope.among(pin_column), condition, *scope.during(column)]
    day = local_day(scope, column, where)
    if day is None:
        return {}
    query = select(day, func.count(pin_column.distinct())).where(*where).group_by(day)
    return {
        value if isinstance(value, date) else date.fromisoformat(value): int(count)
        for value, count in db.session.execute(query)
    }


def local_day(scope: "Scope", column, where: list):
    """SQL for the local date of ``column``; None when no row matches ``where``.

    PostgreSQL knows time zones. SQLite does not: there the UTC timestamp is
    shifted by the zone's offset, which changes at daylight-saving transitions,
    so the offset is chosen per stretch between transitions in the data's span.
    """
    if scope.dialect != "sqlite":
        return cast(func.timezone(scope.event.timezone, column), Date)
    first, last = db.session.execute(select(func.min(column), func.max(column)).where(*where)).one()
    if first is None:
        return None
    stretches = offset_stretches(scope.zone, _as_utc(first), _as_utc(last))

    def shift(offset: timedelta):
        return literal(f"{int(offset.total_seconds() // 60):+d} minutes", Text)

    if len(stretches) == 1:
        modifier = shift(stretches[0][1])
    else:
        whens = [
            (column < start, shift(before[1]))
            for before, (start, _) in zip(stretches, stretches[1:], strict=False)
        ]
        modifier = case(*whens, else_=shift(stretches[-1][1]))
    return func.date(column, modifier, type_=String)


def _as_utc(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def offset_stretches(zone, start: datetime, end: datetime) -> list[tuple[datetime, timedelta]]:
    """[(from, UTC offset)] of ``zone`` between two UTC moments, one entry per transition."""
    stretches = [(start, start.astimezone(zone).utcoffset())]
    step = start
    while step < end:
        after = min(step + timedelta(hours=6), end)
        offset = after.astimezone(zone).utcoffset()
        if offset != stretches[-1][1]:
            # Transitions fall on whole minutes: bisect the minutes between step and after.
            low = int(step.timestamp() // 60)
            high = int(after.timestamp() // 60) + 1
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


def devices(scope: "Scope") -> list[dict]:
    """Counted scans and distinct pins per device class."""
    query = (
        select(Scan.device_class, func.count(), func.count(Scan.pin_id.distinct()))
        .where(scope.among(Scan.pin_id), *scope.counted_scan())
        .group_by(Scan.device_class)
    )
    rows = {device: (int(n), int(p)) for device, n, p in db.session.execute(query)}
    order = {device: index for index, device in enumerate(DEVICE_CLASSES)}
    return [
        {"device_class": device, "scans": rows[device][0], "pins": rows[device][1]}
        for device in sorted(rows, key=lambda d: (order.get(d, len(order)), d))
    ]


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
            db.session.execute(query)
        )
    ]
