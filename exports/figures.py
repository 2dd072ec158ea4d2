"""The funnel as a typed value: what ``exports.funnel`` returns and every reader reads.

Frozen dataclasses, so a reader cannot change the figures another reader gets;
a count or share of ``None`` has no denominator or was suppressed as too small
to publish (``exports.suppression``). The JSON form is ``exports.schemas``; the
definitions are ``docs/metrics.md``.
"""

from dataclasses import dataclass, fields
from datetime import date, datetime

from exports.scope import Filters
from exports.stats import Interval

# 2: awareness from unexposed answers only, with 95% intervals, the exposed answers, response
# rates and the paired follow-up beside it (docs/metrics.md).
DEFINITIONS_VERSION = "2"


@dataclass(frozen=True)
class StageCounts:
    """Distinct active pins that reached each stage. The field order *is* the funnel's order."""

    issued: int | None
    scanned: int | None
    landed: int | None
    clicked: int | None
    visited_stand: int | None
    answered_survey: int | None

    def __getitem__(self, stage: str) -> int | None:
        return getattr(self, stage)


# The stages, in order: the one list that queries, tables, schemas and pages all read.
STAGES: tuple[str, ...] = tuple(f.name for f in fields(StageCounts))


def counts_of(values) -> StageCounts:
    """StageCounts from values in the order of STAGES."""
    return StageCounts(*values)


@dataclass(frozen=True)
class StageRow:
    stage: str
    pins: int | None
    from_previous: float | None
    from_issued: float | None


@dataclass(frozen=True)
class ChannelRow:
    channel: str
    reached: StageCounts


@dataclass(frozen=True)
class BatchRow:
    batch_id: int
    channel: str
    reached: StageCounts


@dataclass(frozen=True)
class DayStages:
    """The stages of one day of the fair (a window from local midnight to midnight), exact."""

    day: date
    reached: StageCounts


@dataclass(frozen=True)
class Release:
    """Everything a viewer may be shown of an edition, exact (docs/metrics.md, "Small numbers").

    The edition without a filter, every batch's stages (a channel's are in the
    edition's channel table) and every day of the fair's; ``exports.suppression``
    decides over all of it at once which cells a viewer is not shown.
    """

    edition: "Funnel"
    batches: tuple[BatchRow, ...]
    days: tuple[DayStages, ...]
    fair_days: tuple[date, ...]


@dataclass(frozen=True)
class Excluded:
    """Scans and pins kept out of the stages, in their documented order."""

    human_scans: int | None
    repeat_scans: int | None
    bot_scans: int | None
    test_scans: int | None
    rehearsal_visits: int | None  # stand visits outside the fair's days
    void_pin_scans: int | None
    orphan_scans: int | None
    refused_lookups: int | None  # unknown codes answered 429 by the guessing brake
    void_pins: int | None

    def items(self) -> list[tuple[str, int]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


@dataclass(frozen=True)
class HourRow:
    hour: datetime  # the local start of the hour, with its UTC offset
    scans: int | None
    pins: int | None


@dataclass(frozen=True)
class DayRow:
    day: date  # local
    scans: int | None
    pins: int | None
    landed: int | None
    visited_stand: int | None


@dataclass(frozen=True)
class StandRow:
    stand_id: int
    label: str
    company: str
    zone: str
    pins: int | None
    registrations: int | None
    by_self: int | None  # "self" in the files and the JSON
    by_staff: int | None


@dataclass(frozen=True)
class DeviceRow:
    device_class: str
    scans: int | None
    pins: int | None


@dataclass(frozen=True)
class Breakdowns:
    channels: tuple[ChannelRow, ...]
    hourly: tuple[HourRow, ...]
    daily: tuple[DayRow, ...]
    stands: tuple[StandRow, ...]
    devices: tuple[DeviceRow, ...]


@dataclass(frozen=True)
class AnswerRow:
    """Respondents who gave one answer to Q1, and their share of all respondents."""

    answer: str
    respondents: int | None
    share: float | None


@dataclass(frozen=True)
class CompanyRow:
    """Respondents who knew one Twente Plaza company before (Q2), and their share."""

    company_id: int
    company: str
    respondents_knew: int | None
    share: float | None


@dataclass(frozen=True)
class Discovery:
    stand_visits_by_respondents: int | None
    by_respondents_who_did_not_know: int | None
    rate: float | None


@dataclass(frozen=True)
class Baseline:
    """The measurement an edition is held against: 35% of 450 students in 2018."""

    share: float
    size: int


@dataclass(frozen=True)
class ExposedAnswers:
    """Answers given after the company list was shown or after a stand visit: primed.

    Reported beside the headline, never mixed into it.
    """

    respondents: int | None
    named_before: tuple[AnswerRow, ...]
    named_none_share: float | None


@dataclass(frozen=True)
class ResponseRates:
    """Who answered at all (exposed or not), of the pins that landed and of those issued."""

    respondents: int | None
    of_landed: float | None
    of_issued: float | None


@dataclass(frozen=True)
class ShiftRow:
    """Paired pins giving one answer to Q1 before the fair and to the follow-up (now)."""

    answer: str
    before: int | None
    now: int | None


@dataclass(frozen=True)
class FollowUp:
    """Pins that answered Q1 (unexposed) and the follow-up: the change, pin by pin."""

    pairs: int | None
    named_none_before: float | None  # share of the pairs
    named_none_now: float | None
    none_before_only: int | None  # could name none before, some now
    none_now_only: int | None  # could name some before, none now
    mcnemar_p: float | None  # exact, two-sided; None without pairs
    shift: tuple[ShiftRow, ...]


# What the difference from the baseline's interval says (the dashboard words it).
VERDICTS = ("fewer_than_baseline", "more_than_baseline", "not_distinguishable")


@dataclass(frozen=True)
class Awareness:
    """The headline, from unexposed answers only, beside the exposed ones and the follow-up."""

    respondents: int | None
    named_before: tuple[AnswerRow, ...]
    named_none_share: float | None
    named_none_interval: Interval | None  # Wilson, 95%
    baseline: float
    baseline_size: int
    difference_from_baseline: float | None
    difference_interval: Interval | None  # Newcombe, 95%
    verdict: str | None  # one of VERDICTS; None without answers
    companies: tuple[CompanyRow, ...]
    discovery: Discovery
    exposed: ExposedAnswers
    follow_up: FollowUp
    response_rates: ResponseRates | None = None  # filled in from the stages


@dataclass(frozen=True)
class Suppressed:
    """The small-number threshold applied (None: exact counts) and how many cells it blanked.

    ``too_small``: the view's population is too small to publish (or publishing it would
    give away what another view hides), so it carries no counts at all.
    """

    threshold: int | None = None
    cells: int = 0
    too_small: bool = False


@dataclass(frozen=True)
class Funnel:
    """The funnel of one event within the filters (docs/metrics.md)."""

    event: str  # slug
    event_name: str
    timezone: str
    filters: Filters
    stages: tuple[StageRow, ...]
    excluded: Excluded
    breakdowns: Breakdowns
    awareness: Awareness
    suppressed: Suppressed = Suppressed()
    definitions_version: str = DEFINITIONS_VERSION


@dataclass(frozen=True)
class Edition:
    """One edition's headline figures in a comparison."""

    event: str
    event_name: str
    starts_on: date
    reached: StageCounts
    scan_rate: float | None
    named_none_share: float | None
    named_none_interval: Interval | None
    baseline: float
    baseline_size: int
    difference_from_baseline: float | None
    difference_interval: Interval | None
    verdict: str | None
    respondents: int | None
    discovery_rate: float | None
    follow_up: FollowUp


@dataclass(frozen=True)
class Comparison:
    """Headline figures of several editions, in order of their start."""

    filters: Filters
    editions: tuple[Edition, ...]
    suppressed: Suppressed = Suppressed()
    definitions_version: str = DEFINITIONS_VERSION
