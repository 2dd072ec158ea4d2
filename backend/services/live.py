"""The organisers' live view of a running fair: what happens now, which tablet is silent.

Plain reads over the tables, as of ``now`` (the caller's clock), for one edition. The
rules of what is flagged are here, once; ``docs/live.md`` says them in words. Counted
as the funnel counts (``exports/funnel.py``): scans and landings and portal clicks by
humans, scans not of a void pin, stand visits and survey answers that are not tests.
"""

import itertools
import logging
import threading
import time as clock
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import case, false, func, literal, select, text, true, union_all

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
from backend.models.types import DEVICE_CLASSES, TWENTE_PLAZA
from backend.services import health, scan_errors
from backend.services.stamps import during_the_fair
from exports.scope import MAX_RUNS, NO_FILTERS, Scope, id_runs

logger = logging.getLogger(__name__)

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
    event_id: int
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
    # Every device class named: the counted scans are then read from ix_scans_counted alone.
    return (Scan.device_class.in_(DEVICE_CLASSES), Scan.kind == "human", Scan.pin_void == false())


def _series(scope: Scope) -> dict[str, tuple]:
    """Each series' moment column and what counts, as the funnel counts it."""

    def among(column):
        return scope.among(column, status=None)  # every pin of the edition, void ones too

    return {
        "scans": (Scan.scanned_at, [*_counted_scan(), among(Scan.pin_id)]),
        "landings": (
            LandingVisit.visited_at,
            [LandingVisit.kind == "human", among(LandingVisit.pin_id)],
        ),
        "clicks": (
            PortalClick.clicked_at,
            [PortalClick.kind == "human", among(PortalClick.pin_id)],
        ),
        "visits": (
            StandVisit.visited_at,
            [StandVisit.is_test == false(), among(StandVisit.pin_id)],
        ),
        "answers": (
            SurveyResponse.answered_at,
            [SurveyResponse.is_test == false(), among(SurveyResponse.pin_id)],
        ),
    }


def _per_bucket(column, edges: list[datetime], where: list) -> list[int]:
    """Rows per five minutes between the edges: a count per bucket, each a range of an index.

    One statement (UNION ALL of the counts): a range count reads the index alone, where one
    pass that sorts each row into its bucket costs twenty times as much on SQLite.
    """
    counts = [
        select(literal(i), func.count()).where(column >= a, column < b, *where)
        for i, (a, b) in enumerate(itertools.pairwise(edges))
    ]
    found = dict(db.session.execute(union_all(*counts)).all())
    return [int(found.get(i) or 0) for i in range(len(edges) - 1)]


def buckets(event: Event, now: datetime) -> tuple[Bucket, ...]:
    """Scans, landings, portal clicks, stand visits and answers per five minutes, two hours."""
    start, _ = window(now)
    edges = [start + i * BUCKET for i in range(BUCKETS + 1)]
    scope = Scope.of(db.session, event, NO_FILTERS)
    counts = {
        series: _per_bucket(column, edges, where)
        for series, (column, where) in _series(scope).items()
    }
    return tuple(
        Bucket(edges[i], **{series: counts[series][i] for series in SERIES}) for i in range(BUCKETS)
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


def _scans_per_batch(event: Event, now: datetime) -> dict[int, int]:
    """Counted scans up to ``now`` per batch: one pass over the counted scans' index.

    A batch's pins are the few runs of consecutive ids minting makes, so each scan's batch
    is told by a CASE over those runs; with too many runs, a join of the pins instead.
    """
    counted = (*_counted_scan(), Scan.scanned_at <= now)
    pins = db.session.execute(
        select(Pin.batch_id, Pin.id)
        .join(Batch, Batch.id == Pin.batch_id)
        .where(Batch.event_id == event.id)
        .order_by(Pin.batch_id, Pin.id)
    ).all()
    runs = [
        (batch_id, run)
        for batch_id, group in itertools.groupby(pins, key=lambda row: row[0])
        for run in id_runs(pin for _, pin in group)
    ]
    if not runs:
        return {}
    if len(runs) > MAX_RUNS:
        query = (
            select(Pin.batch_id, func.count(Scan.id))
            .join(Scan, Scan.pin_id == Pin.id)
            .join(Batch, Batch.id == Pin.batch_id)
            .where(Batch.event_id == event.id, *counted)
            .group_by(Pin.batch_id)
        )
    else:
        batch_of = case(
            *[((Scan.pin_id + 0).between(first, last), batch) for batch, (first, last) in runs]
        )
        query = (
            select(batch_of, func.count()).where(*counted, batch_of.is_not(None)).group_by(batch_of)
        )
    return {batch_id: count for batch_id, count in db.session.execute(query).all()}


def batches(event: Event, now: datetime) -> tuple[tuple[BatchLine, ...], tuple[ChannelLine, ...]]:
    """Counted scans so far per batch and per channel; none by noon of the first day is flagged."""
    scans = _scans_per_batch(event, now)
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
            Scan.device_class.in_(DEVICE_CLASSES),  # a seek into ix_scans_counted
            Scan.kind == "human",
            Scan.pin_void == true(),
            Scan.pin_id.in_(_edition_pins(event)),
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
        event_id=event.id,
        now=now,
        open=is_open,
        buckets=buckets(event, now),
        tablets=tablets(event, now, is_open),
        plaza=plaza(event, now, is_open),
        batches=batch_lines,
        channels=channel_lines,
        problems=problems(event, now),
    )


class KeptViews:
    """Each edition's live view as this process last counted it, for every reader of the page.

    Counting takes a few hundred milliseconds on a fair's million scans, and ten organisers
    with the page open would each pay it. So a view younger than ``LIVE_RECOUNT_SECONDS``
    is served as it is; an older one is served while a thread counts it anew (one at a time
    per edition); one four times that old, or none, is counted in the request. The page
    says the view's time ("As of …"). ``LIVE_RECOUNT_SECONDS = 0`` counts every time.
    """

    STALE_FACTOR = 4

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.views: dict[int, Live] = {}
        self.recounting: dict[int, threading.Thread] = {}

    def view(self, event: Event, now: datetime) -> Live:
        fresh = self.app.config["LIVE_RECOUNT_SECONDS"]
        with self.lock:
            kept = self.views.get(event.id)
            age = None if kept is None else (now - kept.now).total_seconds()
            if age is not None and 0 <= age < fresh:
                return kept
            if age is not None and 0 <= age < self.STALE_FACTOR * fresh:
                if event.id not in self.recounting:
                    thread = threading.Thread(
                        target=self._recount, args=(event.id, now), daemon=True
                    )
                    self.recounting[event.id] = thread
                    thread.start()
                return kept
        return self._keep(live_view(event, now))

    def _keep(self, view: Live) -> Live:
        with self.lock:
            kept = self.views.get(view.event_id)
            if kept is None or kept.now <= view.now:
                self.views[view.event_id] = view
        return view

    def _recount(self, event_id: int, now: datetime) -> None:
        try:
            with self.app.app_context():
                event = db.session.get(Event, event_id)
                if event is not None:
                    self._keep(live_view(event, now))
        except Exception:  # the database is away: the kept view stays, and says its time
            logger.warning("live view of edition %s not recounted", event_id, exc_info=True)
        finally:
            with self.lock:
                self.recounting.pop(event_id, None)


def kept_views() -> KeptViews:
    """This process's kept live views (a recount's thread needs the app itself, no proxy)."""
    return kept_views_of(current_app._get_current_object())


def kept_views_of(app) -> KeptViews:
    """The app's kept live views, made on first use."""
    if "speld.live_views" not in app.extensions:
        app.extensions["speld.live_views"] = KeptViews(app)
    return app.extensions["speld.live_views"]
