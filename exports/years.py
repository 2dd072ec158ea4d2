"""The editions side by side: each one's headline beside the 2018 baseline, and the changes.

A pure function of the editions' funnels (``exports.funnel.funnel``, or a viewer's copy
from ``exports.suppression.for_viewer``): every point of the trend is the figure its
edition's funnel shows, suppressed or not, so the two can never disagree. The change
between consecutive editions is the difference of two independent proportions with
Newcombe's interval, and its verdict is decided as the headline's is (the whole
interval below or above 0). An edition whose figures follow another definitions
version than the one before it is marked, and no change is computed across it;
the baseline (a survey of 2018, not Speld) is its own kind of measurement
(docs/metrics.md, "Years").
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from backend.services.words import N_
from exports import stats
from exports.awareness import rounded, verdict
from exports.figures import DEFINITIONS_VERSION, Funnel, Suppressed

BASELINE_YEAR = 2018
# The 2018 measurement is no Speld edition: its definitions are its own study's.
BASELINE_DEFINITIONS = "kitt-2018"
# What the interval of a change between two editions allows one to say.
CHANGES = ("fewer_than_before", "more_than_before", "not_distinguishable")


@dataclass(frozen=True)
class YearPoint:
    """One measurement of the share that could name no Twente company: an edition or 2018."""

    kind: str  # "edition" or "baseline"
    event: str | None  # slug; None for the baseline
    name: str
    year: int
    starts_on: date | None
    definitions_version: str
    respondents: int | None  # the baseline's: its sample size
    named_none: float | None  # students answering 0 (the baseline's: share × size)
    named_none_share: float | None
    named_none_interval: stats.Interval | None
    verdict: str | None  # against the baseline, as the edition's funnel says it
    difference_from_baseline: float | None = None
    difference_interval: stats.Interval | None = None  # Newcombe, 95%, as the funnel's
    hidden: bool = False  # a viewer's: too few respondents to show


@dataclass(frozen=True)
class Change:
    """From one measurement to the next: the difference of their shares, with its interval."""

    from_point: int  # indexes into ``Years.points``
    to_point: int
    same_definitions: bool
    difference: float | None  # to − from; None across definitions or with a figure hidden
    difference_interval: stats.Interval | None  # Newcombe, 95%
    verdict: str | None  # one of CHANGES; None when no difference is given


@dataclass(frozen=True)
class Years:
    """Every edition and the baseline in time order, with the changes between neighbours."""

    points: tuple[YearPoint, ...]
    changes: tuple[Change, ...]
    suppressed: Suppressed = Suppressed()
    definitions_version: str = DEFINITIONS_VERSION


_BEFORE = {"fewer_than_baseline": "fewer_than_before", "more_than_baseline": "more_than_before"}


def change_verdict(interval: stats.Interval | None) -> str | None:
    """Fewer or more than the edition before only when the whole interval says so."""
    said = verdict(interval)
    return _BEFORE.get(said, said)


def edition_point(figures: Funnel, starts_on: date) -> YearPoint:
    """An edition's point, exactly as its funnel (exact or a viewer's) shows the headline."""
    awareness = figures.awareness
    none = next((row.respondents for row in awareness.named_before if row.answer == "0"), None)
    hidden = figures.suppressed.threshold is not None and awareness.respondents is None
    return YearPoint(
        kind="edition",
        event=figures.event,
        name=figures.event_name,
        year=starts_on.year,
        starts_on=starts_on,
        definitions_version=figures.definitions_version,
        respondents=awareness.respondents,
        named_none=none,
        named_none_share=awareness.named_none_share,
        named_none_interval=awareness.named_none_interval,
        verdict=awareness.verdict,
        difference_from_baseline=awareness.difference_from_baseline,
        difference_interval=awareness.difference_interval,
        hidden=hidden,
    )


BASELINE_STUDY = N_("Keeping Talent in Twente")  # the 2018 study's title


def baseline_point(share: float, size: int, name: str = BASELINE_STUDY) -> YearPoint:
    """The 2018 measurement as a point: its share, its size, Wilson's interval of it."""
    none = share * size  # 35% of 450 is 157.5 "students", as the editions' intervals take it
    return YearPoint(
        kind="baseline",
        event=None,
        name=name,
        year=BASELINE_YEAR,
        starts_on=None,
        definitions_version=BASELINE_DEFINITIONS,
        respondents=size,
        named_none=none,
        named_none_share=share,
        named_none_interval=rounded(stats.wilson(none, size)),
        verdict=None,
    )


def change(points: Sequence[YearPoint], before: int, after: int) -> Change:
    first, second = points[before], points[after]
    same = first.definitions_version == second.definitions_version
    counts = (second.named_none, second.respondents, first.named_none, first.respondents)
    if not same or None in counts or not first.respondents or not second.respondents:
        return Change(before, after, same, None, None, None)
    interval = stats.newcombe(*counts)  # the verdict reads it unrounded, as the headline's does
    difference = round(counts[0] / counts[1] - counts[2] / counts[3], 4)
    return Change(before, after, same, difference, rounded(interval), change_verdict(interval))


DEFAULT_BASELINE = (0.35, 450)  # an edition's default (``Event.baseline_share``, ``…_size``)


def years(editions: Sequence[tuple[Funnel, date]], exact: bool = True) -> Years:
    """The baseline and every edition (``(funnel, starts_on)``, any order), oldest first.

    The baseline drawn is the oldest edition's (each edition's verdict stays against its
    own, as its funnel gives it). Changes are between consecutive editions; each
    edition's difference from 2018 is its funnel's (``difference_from_baseline``).
    """
    ordered = sorted(editions, key=lambda pair: (pair[1], pair[0].event))
    baseline = DEFAULT_BASELINE
    if ordered:
        first = ordered[0][0].awareness
        baseline = (first.baseline, first.baseline_size)
    points = [baseline_point(*baseline)] + [edition_point(f, day) for f, day in ordered]
    changes = tuple(change(points, n, n + 1) for n in range(1, len(points) - 1))
    hidden = sum(point.hidden for point in points)
    threshold = (
        None
        if exact
        else next((f.suppressed.threshold for f, _ in ordered if f.suppressed.threshold), None)
    )
    return Years(tuple(points), changes, Suppressed(threshold, hidden))
