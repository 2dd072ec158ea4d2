"""The funnel as named tables of rows: one registry that CSV, XLSX and ZIP all read.

A column is (attribute, header, kind): the attribute of a row of
``exports.figures`` (dotted for a nested one); kind ``pct`` is a share from 0
to 1 (a percentage cell in Excel), ``int`` a count, ``text`` anything else
(a date or hour is written in ISO 8601). ``None`` is an empty cell: a share
with no denominator, or a count suppressed as too small to publish.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from exports.figures import STAGES, AnswerRow, Funnel, ShiftRow


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[tuple[str, str, str], ...]
    rows: Callable[[Funnel], Iterable[object]]

    @property
    def headers(self) -> list[str]:
        return [header for _, header, _ in self.columns]

    def values(self, figures: Funnel) -> Iterable[list]:
        cells = [attrgetter(attribute) for attribute, _, _ in self.columns]
        for row in self.rows(figures):
            yield [_cell(cell(row)) for cell in cells]


def _cell(value):
    # date and datetime alike: the ISO form the JSON has, not str()'s space.
    return value.isoformat() if isinstance(value, date) else value


@dataclass(frozen=True)
class _Figure:
    figure: str
    count: int | None


def _excluded(figures: Funnel) -> Iterable[_Figure]:
    for key, value in figures.excluded.items():
        yield _Figure(key, value)


def _awareness(figures: Funnel) -> Iterable[AnswerRow]:
    awareness = figures.awareness
    none, difference = awareness.named_none_interval, awareness.difference_interval
    rates = awareness.response_rates
    yield from awareness.named_before
    yield AnswerRow("respondents", awareness.respondents, None)
    yield AnswerRow("could name none (share)", None, awareness.named_none_share)
    yield AnswerRow("could name none, 95% interval: low", None, none and none.low)
    yield AnswerRow("could name none, 95% interval: high", None, none and none.high)
    baseline = f"2018 baseline (share of {awareness.baseline_size} students)"
    yield AnswerRow(baseline, None, awareness.baseline)
    yield AnswerRow("difference from baseline", None, awareness.difference_from_baseline)
    yield AnswerRow("difference, 95% interval: low", None, difference and difference.low)
    yield AnswerRow("difference, 95% interval: high", None, difference and difference.high)
    yield AnswerRow("discovery rate", None, awareness.discovery.rate)
    if rates is not None:
        yield AnswerRow("response rate of landed pins", rates.respondents, rates.of_landed)
        yield AnswerRow("response rate of issued pins", rates.respondents, rates.of_issued)
    exposed = awareness.exposed
    for row in exposed.named_before:
        yield AnswerRow(f"exposed: {row.answer}", row.respondents, row.share)
    yield AnswerRow("exposed: respondents", exposed.respondents, None)
    yield AnswerRow("exposed: could name none (share)", None, exposed.named_none_share)


def _follow_up(figures: Funnel) -> Iterable[ShiftRow]:
    follow_up = figures.awareness.follow_up
    yield from follow_up.shift
    yield ShiftRow("pairs", follow_up.pairs, follow_up.pairs)
    yield ShiftRow("could name none before, some now", follow_up.none_before_only, None)
    yield ShiftRow("could name some before, none now", None, follow_up.none_now_only)


STAGE_COUNTS = tuple((f"reached.{stage}", stage.replace("_", " "), "int") for stage in STAGES)

TABLES: dict[str, Table] = {
    "funnel": Table(
        "Funnel",
        (
            ("stage", "stage", "text"),
            ("pins", "pins", "int"),
            ("from_previous", "from previous stage", "pct"),
            ("from_issued", "from issued", "pct"),
        ),
        lambda f: f.stages,
    ),
    "excluded": Table(
        "Excluded",
        (("figure", "kept out of the stages", "text"), ("count", "count", "int")),
        _excluded,
    ),
    "channels": Table(
        "Channels",
        (("channel", "channel", "text"), *STAGE_COUNTS),
        lambda f: f.breakdowns.channels,
    ),
    "hourly": Table(
        "Hourly",
        (("hour", "hour (event time)", "text"), ("scans", "scans", "int"), ("pins", "pins", "int")),
        lambda f: f.breakdowns.hourly,
    ),
    "daily": Table(
        "Daily",
        (
            ("day", "day (event time)", "text"),
            ("scans", "scans", "int"),
            ("pins", "pins", "int"),
            ("landed", "landed", "int"),
            ("visited_stand", "visited a stand", "int"),
        ),
        lambda f: f.breakdowns.daily,
    ),
    "stands": Table(
        "Stands",
        (
            ("label", "stand", "text"),
            ("company", "company", "text"),
            ("zone", "zone", "text"),
            ("pins", "pins", "int"),
            ("registrations", "registrations", "int"),
            ("by_self", "self", "int"),
            ("by_staff", "staff", "int"),
        ),
        lambda f: f.breakdowns.stands,
    ),
    "devices": Table(
        "Devices",
        (("device_class", "device", "text"), ("scans", "scans", "int"), ("pins", "pins", "int")),
        lambda f: f.breakdowns.devices,
    ),
    "awareness": Table(
        "Awareness",
        (
            ("answer", "Q1: Twente companies named before", "text"),
            ("respondents", "respondents", "int"),
            ("share", "share", "pct"),
        ),
        _awareness,
    ),
    "companies": Table(
        "Companies",
        (
            ("company", "company", "text"),
            ("respondents_knew", "respondents who knew it before", "int"),
            ("share", "share of respondents", "pct"),
        ),
        lambda f: f.awareness.companies,
    ),
    "follow_up": Table(
        "Follow-up",
        (
            ("answer", "Q1 answer (paired pins)", "text"),
            ("before", "before the fair", "int"),
            ("now", "at the follow-up", "int"),
        ),
        _follow_up,
    ),
}
DEFAULT_TABLE = "funnel"
