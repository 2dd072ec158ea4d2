"""The funnel as named tables of rows: one registry that CSV, XLSX and ZIP all read.

A column is (key, header, kind); kind ``pct`` is a share from 0 to 1 (a
percentage cell in Excel), ``int`` a count, ``text`` anything else. ``None``
is an empty cell: a share with no denominator, or a count suppressed as too
small to publish.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[tuple[str, str, str], ...]
    rows: Callable[[dict], Iterable[dict]]

    @property
    def headers(self) -> list[str]:
        return [header for _, header, _ in self.columns]

    def values(self, figures: dict) -> Iterable[list]:
        for row in self.rows(figures):
            yield [row.get(key) for key, _, _ in self.columns]


def _excluded(figures: dict) -> Iterable[dict]:
    for key, value in figures["excluded"].items():
        yield {"figure": key, "count": value}


def _awareness(figures: dict) -> Iterable[dict]:
    awareness = figures["awareness"]
    yield from awareness["named_before"]
    yield {"answer": "respondents", "respondents": awareness["respondents"]}
    yield {"answer": "could name none (share)", "share": awareness["named_none_share"]}
    yield {"answer": "2018 baseline (share)", "share": awareness["baseline"]}
    yield {"answer": "difference from baseline", "share": awareness["difference_from_baseline"]}
    yield {"answer": "discovery rate", "share": awareness["discovery"]["rate"]}


STAGE_COUNTS = tuple(
    (stage, stage.replace("_", " "), "int")
    for stage in ("issued", "scanned", "landed", "clicked", "visited_stand", "answered_survey")
)

TABLES: dict[str, Table] = {
    "funnel": Table(
        "Funnel",
        (
            ("stage", "stage", "text"),
            ("pins", "pins", "int"),
            ("from_previous", "from previous stage", "pct"),
            ("from_issued", "from issued", "pct"),
        ),
        lambda f: f["stages"],
    ),
    "excluded": Table(
        "Excluded",
        (("figure", "kept out of the stages", "text"), ("count", "count", "int")),
        _excluded,
    ),
    "channels": Table(
        "Channels",
        (("channel", "channel", "text"), *STAGE_COUNTS),
        lambda f: f["breakdowns"]["channels"],
    ),
    "hourly": Table(
        "Hourly",
        (("hour", "hour (event time)", "text"), ("scans", "scans", "int"), ("pins", "pins", "int")),
        lambda f: f["breakdowns"]["hourly"],
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
        lambda f: f["breakdowns"]["daily"],
    ),
    "stands": Table(
        "Stands",
        (
            ("label", "stand", "text"),
            ("company", "company", "text"),
            ("zone", "zone", "text"),
            ("pins", "pins", "int"),
            ("registrations", "registrations", "int"),
            ("self", "self", "int"),
            ("staff", "staff", "int"),
        ),
        lambda f: f["breakdowns"]["stands"],
    ),
    "devices": Table(
        "Devices",
        (("device_class", "device", "text"), ("scans", "scans", "int"), ("pins", "pins", "int")),
        lambda f: f["breakdowns"]["devices"],
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
        lambda f: f["awareness"]["companies"],
    ),
}
DEFAULT_TABLE = "funnel"
