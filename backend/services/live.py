"""The organisers' live view of a running fair: what happens now, which tablet is silent.

Plain reads over the tables, as of ``now`` (the caller's clock), for one edition. The
rules of what is flagged are here, once; ``docs/live.md`` says them in words. Counted
as the funnel counts (``exports/funnel.py``): scans and landings and portal clicks by
humans, scans not of a void pin, stand visits and survey answers that are not tests.
"""

import time as clock
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import false, func, select, text, true

from backend.extensions import db
from backend.models import (
    Batch,
    Event,
    LandingVisit,
    OrphanScan,
    Pin,
    PortalClick,
    Scan,
    Stand,
    StandVisit,
    SurveyResponse,
    TabletState,
    UnknownCodeLookup,
)
from backend.models.types import TWENTE_PLAZA
from backend.services import health, scan_errors
from backend.services.stamps import during_the_fair

BUCKET = timedelta(minutes=5)
BUCKETS = 24  # two hours of five minutes, the last one holding now
SILENT = timedelta(minutes=15)  # a tablet not heard from this long while the fair is open
QUIET = timedelta(hours=1)  # a Plaza stand with no visit this long while the fair is open
# The fair's doors, in the edition's zone: an edition keeps its days, not its hours; Business
# Days Twente opens 10:00 to 17:00 (as services/simulation.py plays it). Outside them nothing
# is flagged as silent or quiet.
OPEN_FROM, OPEN_UNTIL = time(10), time(17)
FIRST_SCAN_BY = time(12)  # a batch or channel with no scan by noon of the first day
SLOW_MS = 250  # a database round trip slower than this is a problem
SERIES = ("scans", "landings", "clicks", "visits", "answers")


@dataclass(frozen=True)
class Bucket:
    """Five minutes from ``start`` (UTC): how much of each happened."""

    start: datetime
    scans: int
    landings: int
    clicks: int
    visits: int
    answers: int

    def of(self, series: str) -> int:
        return getattr(self, series)


@dataclass(frozen=True)
class Tablet:
    stand_id: int
    stand: str
    company: str
    tablet: str
    last_heard_at: datetime
    queued: int
    version: str
    scans_today: int  # the stand's visits today: a visit does not say which tablet scanned it
    silent: bool


@dataclass(frozen=True)
class PlazaStand:
    stand_id: int
    label: str
    company: str
    visits: int
    last_hour: int
    quiet: bool


@dataclass(frozen=True)
class BatchLine:
    batch_id: int
    label: str
    channel: str
    scans: int
    flagged: bool


@dataclass(frozen=True)
class ChannelLine:
    channel: str
    scans: int
    flagged: bool


@dataclass(frozen=True)
class Problems:
    """The last hour's trouble, counts only (nothing about who), and how the database answers."""

    unknown_codes: int  # lookups of an unknown pin or stand code, all editions
    refused: int  # of those, answered by the guessing brake with 429
    orphan_scans: int  # requests to a pin URL whose code is unknown or malformed
    void_scans: int  # scans of this edition's void pins
    database_ms: float | None  # one round trip; None when it did not answer
    readiness: dict[str, str]  # /readyz's checks
    # The scan path's 5xx answers by door and status, all editions (services/scan_errors.py).
    server_errors: tuple[scan_errors.ErrorLine, ...] = ()

    @property
    def ready(self) -> bool:
        return all(value == "ok" for value in self.readiness.values())

    @property
    def slow(self) -> bool:
        return self.database_ms is None or self.database_ms > SLOW_MS

    @property
    def any(self) -> bool:
        return bool(self.refused) or bool(self.server_errors) or self.slow or not self.ready


@dataclass(frozen=True)
class Live:
    event: Event
    now: datetime
    open: bool
    buckets: tuple[Bucket, ...]
    tablets: tuple[Tablet, ...]
    plaza: tuple[PlazaStand, ...]
    batches: tuple[BatchLine, ...]
    channels: tuple[ChannelLine, ...]
    problems: Problems

    def total(self, series: str) -> int:
        return sum(bucket.of(series) for bucket in self.buckets)


def fair_open(event: Event, now: datetime) -> bool:
    """A fair day, between the doors' hours, in the edition's zone."""
    local = now.astimezone(ZoneInfo(event.timezone))
    return during_the_fair(event, now) and OPEN_FROM <= local.time() < OPEN_UNTIL


def window(now: datetime) -> tuple[datetime, datetime]:
    """The first bucket's start and the last's end: two hours of five minutes, now in the last."""
    epoch = int(now.timestamp())
    last = datetime.fromtimestamp(epoch - epoch % int(BUCKET.total_seconds()), now.tzinfo)
    return last - (BUCKETS - 1) * BUCKET, last + BUCKET


def _edition_pins(event: Event):
    return select(Pin.id).join(Batch, Batch.id == Pin.batch_id).where(Batch.event_id == event.id)


def _counted_scan():
    return (Scan.kind == "human", Scan.pin_void == false())


def _moments(event: Event, start: datetime, end: datetime) -> dict[str, list[datetime]]:
    pins = _edition_pins(event)
    queries = {
        "scans": select(Scan.scanned_at).where(
            Scan.pin_id.in_(pins), *_counted_scan(), Scan.scanned_at >= start, Scan.scanned_at < end
        ),
        "landings": select(LandingVisit.visited_at).where(
            LandingVisit.pin_id.in_(pins),
            LandingVisit.kind == "human",
            LandingVisit.visited_at >= start,
            LandingVisit.visited_at < end,
        ),
        "clicks": select(PortalClick.clicked_at).where(
            PortalClick.pin_id.in_(pins),
            PortalClick.kind == "human",
            PortalClick.clicked_at >= start,
            PortalClick.clicked_at < end,
        ),
        "visits": select(StandVisit.visited_at).where(
            StandVisit.pin_id.in_(pins),
            StandVisit.is_test == false(),
            StandVisit.visited_at >= start,
            StandVisit.visited_at < end,
        ),
        "answers": select(SurveyResponse.answered_at).where(
            SurveyResponse.pin_id.in_(pins),
            SurveyResponse.is_test == false(),
            SurveyResponse.answered_at >= start,
            SurveyResponse.answered_at < end,
        ),
    }
    return {series: list(db.session.scalars(query)) for series, query in queries.items()}


def buckets(event: Event, now: datetime) -> tuple[Bucket, ...]:
    """Scans, landings, portal clicks, stand visits and answers per five minutes, two hours."""
    start, end = window(now)
    counts = {
        series: Counter((moment - start) // BUCKET for moment in moments)
        for series, moments in _moments(event, start, end).items()
    }
    return tuple(
        Bucket(start + i * BUCKET, **{series: counts[series][i] for series in SERIES})
        for i in range(BUCKETS)
    )


def _local_day(event: Event, now: datetime) -> tuple[datetime, datetime]:
    zone = ZoneInfo(event.timezone)
    start = datetime.combine(now.astimezone(zone).date(), time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


def tablets(event: Event, now: datetime, is_open: bool) -> tuple[Tablet, ...]:
    """Every tablet heard at one of the edition's stands, by stand; silent ones flagged."""
    day_start, day_end = _local_day(event, now)
    today = dict(
        db.session.execute(
            select(StandVisit.stand_id, func.count())
            .join(Stand, Stand.id == StandVisit.stand_id)
            .where(
                Stand.event_id == event.id,
                StandVisit.is_test == false(),
                StandVisit.visited_at >= day_start,
                StandVisit.visited_at < day_end,
            )
            .group_by(StandVisit.stand_id)
        ).all()
    )
    rows = db.session.execute(
        select(TabletState, Stand)
        .join(Stand, Stand.id == TabletState.stand_id)
        .where(Stand.event_id == event.id)
        .order_by(Stand.label, TabletState.last_heard_at.desc(), TabletState.id)
    ).all()
    return tuple(
        Tablet(
            stand_id=stand.id,
            stand=stand.label,
            company=stand.company.name,
            tablet=state.tablet,
            last_heard_at=state.last_heard_at,
            queued=state.queued,
            version=state.version,
            scans_today=today.get(stand.id, 0),
            silent=is_open and now - state.last_heard_at > SILENT,
        )
        for state, stand in rows
    )


def plaza(event: Event, now: datetime, is_open: bool) -> tuple[PlazaStand, ...]:
    """The Twente Plaza's stands: visits so far and in the last hour; a quiet one flagged."""
    recent = StandVisit.visited_at > now - QUIET
    counted = (StandVisit.is_test == false(), StandVisit.visited_at <= now)
    rows = db.session.execute(
        select(
            Stand,
            select(func.count()).where(StandVisit.stand_id == Stand.id, *counted).scalar_subquery(),
            select(func.count())
            .where(StandVisit.stand_id == Stand.id, *counted, recent)
            .scalar_subquery(),
        )
        .where(Stand.event_id == event.id, Stand.zone == TWENTE_PLAZA, Stand.retired_at.is_(None))
        .order_by(Stand.label)
    ).all()
    return tuple(
        PlazaStand(stand.id, stand.label, stand.company.name, total, hour, is_open and hour == 0)
        for stand, total, hour in rows
    )


def first_scans_due(event: Event, now: datetime) -> bool:
    """Past noon of the fair's first day (edition's zone): every batch should have scanned."""
    zone = ZoneInfo(event.timezone)
    return now >= datetime.combine(event.starts_on, FIRST_SCAN_BY, tzinfo=zone)


def batches(event: Event, now: datetime) -> tuple[tuple[BatchLine, ...], tuple[ChannelLine, ...]]:
    """Counted scans so far per batch and per channel; none by noon of the first day is flagged."""
    scans = dict(
        db.session.execute(
            select(Pin.batch_id, func.count(Scan.id))
            .join(Scan, Scan.pin_id == Pin.id)
            .join(Batch, Batch.id == Pin.batch_id)
            .where(Batch.event_id == event.id, *_counted_scan(), Scan.scanned_at <= now)
            .group_by(Pin.batch_id)
        ).all()
    )
    due = first_scans_due(event, now)
    rows = db.session.scalars(
        select(Batch).where(Batch.event_id == event.id).order_by(Batch.channel, Batch.label)
    ).all()
    lines = tuple(
        BatchLine(b.id, b.label, b.channel, scans.get(b.id, 0), due and not scans.get(b.id, 0))
        for b in rows
    )
    per_channel: dict[str, int] = {}
    for line in lines:
        per_channel[line.channel] = per_channel.get(line.channel, 0) + line.scans
    channels = tuple(
        ChannelLine(channel, n, due and n == 0) for channel, n in sorted(per_channel.items())
    )
    return lines, channels


def _round_trip_ms() -> float | None:
    started = clock.perf_counter()
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # not answering is what this measures; the page says so
        db.session.rollback()
        return None
    return (clock.perf_counter() - started) * 1000


def problems(event: Event, now: datetime) -> Problems:
    """The last hour's refusals and unknown codes, void scans, server errors, the database."""
    since = now - timedelta(hours=1)
    lookups = (UnknownCodeLookup.looked_up_at > since, UnknownCodeLookup.looked_up_at <= now)
    unknown, refused = db.session.execute(
        select(
            func.count(),
            func.count().filter(UnknownCodeLookup.refused == true()),
        ).where(*lookups)
    ).one()
    orphans = db.session.scalar(
        select(func.count()).where(
            OrphanScan.kind == "human", OrphanScan.scanned_at > since, OrphanScan.scanned_at <= now
        )
    )
    void = db.session.scalar(
        select(func.count()).where(
            Scan.pin_id.in_(_edition_pins(event)),
            Scan.pin_void == true(),
            Scan.kind == "human",
            Scan.scanned_at > since,
            Scan.scanned_at <= now,
        )
    )
    return Problems(
        unknown_codes=unknown,
        refused=refused,
        orphan_scans=orphans,
        void_scans=void,
        database_ms=_round_trip_ms(),
        readiness=health.readiness().checks,
        server_errors=scan_errors.recent(since, now),
    )


def live_view(event: Event, now: datetime) -> Live:
    """Everything the live page shows, as of ``now``."""
    is_open = fair_open(event, now)
    batch_lines, channel_lines = batches(event, now)
    return Live(
        event=event,
        now=now,
        open=is_open,
        buckets=buckets(event, now),
        tablets=tablets(event, now, is_open),
        plaza=plaza(event, now, is_open),
        batches=batch_lines,
        channels=channel_lines,
        problems=problems(event, now),
    )
