"""The funnel of one edition: distinct active pins per stage, what was kept out, breakdowns.

Every figure is defined in docs/metrics.md (``DEFINITIONS_VERSION``); this module
computes them with a handful of aggregate queries that run on SQLite and
PostgreSQL alike, on the session it is given, and returns exact figures as a
``exports.figures.Funnel``. What a viewer may see of them is
``exports.suppression``'s business.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import case, false, func, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import SingletonThreadPool, StaticPool

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
from exports.figures import (
    STAGES,
    Awareness,
    Baseline,
    BatchRow,
    Breakdowns,
    ChannelRow,
    Comparison,
    DayStages,
    DeviceRow,
    Edition,
    Funnel,
    Release,
    StageCounts,
    StageRow,
    StandRow,
    counts_of,
)
from exports.scope import NO_FILTERS, Filters, Scope


def baseline_of(event: Event) -> Baseline:
    """The measurement this edition is held against (by default 2018's 35% of 450 students)."""
    return Baseline(event.baseline_share, event.baseline_size)


def stage_conditions(scope: Scope) -> dict:
    """For each stage after issued: EXISTS (the pin did that thing in the window)."""

    def did(model, *conditions):
        return select(1).where(model.pin_id == Pin.id, *conditions).exists()

    human, during = "human", scope.during
    conditions = {
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
    return {stage: conditions[stage] for stage in STAGES[1:]}  # in the stages' order


def _reached_by(scope: Scope, *keys) -> dict[tuple, list[int]]:
    """Per value of ``keys`` (Batch columns), the active pins issued and at each later stage.

    One query over the event's pins; each stage is an index probe per pin
    (``EXISTS``), far cheaper than counting distinct pins over every row.
    """
    reached = [func.sum(case((did, 1), else_=0)) for did in stage_conditions(scope).values()]
    query = scope.narrow(
        select(*keys, func.count(Pin.id), *reached)
        .join(Batch, Batch.id == Pin.batch_id)
        .where(Batch.event_id == scope.event.id, Pin.status == "active")
        .group_by(*keys)
    )
    width = len(keys)
    return {
        tuple(row[:width]): [int(n or 0) for n in row[width:]]
        for row in scope.session.execute(query)
    }


ZEROS = [0] * len(STAGES)


def channel_stages(scope: Scope) -> tuple[ChannelRow, ...]:
    """Per channel, the active pins issued and those that reached each later stage."""
    counts = _reached_by(scope, Batch.channel)
    # A channel whose pins are all void still gets its row, with zeros.
    channels = scope.session.scalars(
        scope.narrow(select(Batch.channel).where(Batch.event_id == scope.event.id).distinct())
    )
    return tuple(
        ChannelRow(channel, counts_of(counts.get((channel,), ZEROS)))
        for channel in sorted(channels)
    )


def batch_stages(scope: Scope) -> tuple[BatchRow, ...]:
    """Per batch (with its channel), as ``channel_stages``; a batch of void pins has zeros."""
    counts = _reached_by(scope, Batch.id, Batch.channel)
    batches = scope.session.execute(
        scope.narrow(select(Batch.id, Batch.channel).where(Batch.event_id == scope.event.id))
    )
    return tuple(
        BatchRow(batch_id, channel, counts_of(counts.get((batch_id, channel), ZEROS)))
        for batch_id, channel in sorted(batches)
    )


def release(session: Session, event: Event) -> Release:
    """What a viewer may be shown of ``event``, exact: the edition, its batches, its days."""
    whole = Scope.of(session, event, NO_FILTERS)
    days, day = [], event.starts_on
    while day <= event.ends_on:
        window = Filters(
            since=whole.local_midnight(day), until=whole.local_midnight(day + timedelta(days=1))
        )
        scope = Scope.of(session, event, window)
        days.append(DayStages(day, stage_totals(channel_stages(scope))))
        day += timedelta(days=1)
    return Release(
        edition=funnel(session, event),
        batches=batch_stages(whole),
        days=tuple(days),
        fair_days=tuple(d.day for d in days),
    )


def stage_totals(channels: tuple[ChannelRow, ...]) -> StageCounts:
    """The stage figures: the sums of the channel rows."""
    return counts_of(sum(row.reached[stage] for row in channels) for stage in STAGES)


def stage_rows(totals: StageCounts) -> tuple[StageRow, ...]:
    """Each stage with its conversion from the stage before and from issued."""
    rows, previous = [], None
    for stage in STAGES:
        pins = totals[stage]
        from_previous = None if previous is None else share(pins, previous)
        rows.append(StageRow(stage, pins, from_previous, share(pins, totals.issued)))
        previous = pins
    return tuple(rows)


def side_by_side(scope: Scope, aside, here):
    """``(aside(scope), here(scope))``, the first on its own connection in a second thread.

    SQLite runs one query on one core; the funnel's queries fall into two halves
    of about equal cost, and each half runs on its own core. Each
    connection reads committed rows only. An in-memory SQLite database has one
    connection for all, so there everything runs in turn.
    """
    engine = scope.session.get_bind()
    if isinstance(engine.pool, StaticPool | SingletonThreadPool):
        return aside(scope), here(scope)

    def on_own_session():
        with Session(engine) as session:
            return aside(scope.on(session))

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(on_own_session)
        mine = here(scope)
        return future.result(), mine


@dataclass(frozen=True)
class _ByTime:
    scanning: breakdowns.Scanning
    landed: dict
    visited: dict
    stands: tuple[StandRow, ...]


@dataclass(frozen=True)
class _Rest:
    devices: tuple[DeviceRow, ...]
    channels: tuple[ChannelRow, ...]
    uncounted: dict
    awareness: Awareness


def funnel(
    session: Session,
    event: Event,
    filters: Filters = NO_FILTERS,
) -> Funnel:
    """Stages, excluded counts, breakdowns and awareness of one event, exact (docs/metrics.md)."""
    scope = Scope.of(session, event, filters)
    by_time, rest = side_by_side(scope, _by_time, _everything_else(baseline_of(event)))
    scanning = by_time.scanning
    reached = stage_totals(rest.channels)
    return Funnel(
        event=event.slug,
        event_name=event.name,
        timezone=event.timezone,
        filters=filters,
        stages=stage_rows(reached),
        excluded=breakdowns.excluded(scanning, rest.uncounted),
        breakdowns=Breakdowns(
            channels=rest.channels,
            hourly=breakdowns.hourly(scope, scanning),
            daily=breakdowns.daily(scope, scanning, by_time.landed, by_time.visited),
            stands=by_time.stands,
            devices=rest.devices,
        ),
        awareness=replace(rest.awareness, response_rates=awareness.response_rates(reached)),
    )


def _by_time(scope: Scope) -> _ByTime:
    """Per hour and per local day, and per stand: about half of the funnel's work."""
    landed, visited = breakdowns.landed_and_visited_per_day(scope)
    return _ByTime(breakdowns.scanning(scope), landed, visited, breakdowns.stands(scope))


def _everything_else(baseline: Baseline):
    def run(scope: Scope) -> _Rest:
        return _Rest(
            devices=breakdowns.devices(scope),
            channels=channel_stages(scope),
            uncounted=breakdowns.uncounted_scans(scope),
            awareness=awareness.awareness(scope, baseline),
        )

    return run


def compare(
    session: Session,
    events: list[Event],
    filters: Filters = NO_FILTERS,
) -> Comparison:
    """Headline figures of several editions side by side, in order of their start."""
    editions = []
    for event in sorted(events, key=lambda e: (e.starts_on, e.slug)):
        scope = Scope.of(session, event, filters)
        totals = stage_totals(channel_stages(scope))
        head = awareness.headline(scope, baseline_of(event))
        editions.append(
            Edition(
                event=event.slug,
                event_name=event.name,
                starts_on=event.starts_on,
                reached=totals,
                scan_rate=share(totals.scanned, totals.issued),
                named_none_share=head.named_none_share,
                named_none_interval=head.named_none_interval,
                baseline=head.baseline.share,
                baseline_size=head.baseline.size,
                difference_from_baseline=head.difference_from_baseline,
                difference_interval=head.difference_interval,
                verdict=head.verdict,
                respondents=head.respondents,
                discovery_rate=awareness.discovery(scope).rate,
                follow_up=awareness.follow_up(scope),
            )
        )
    return Comparison(filters=filters, editions=tuple(editions))
