"""Words in Dutch and English, and the rows the funnel's tables word themselves.

``exports.tables`` reads figures' rows by attribute; the rows here are the ones
that are not a figure's own: the excluded figures one per row, and the awareness
and follow-up tables' figures beside Q1's answers, each with its words in both
languages. A stage's and an excluded figure's key keeps its English form (the
key of docs/metrics.md and the JSON) in the English files.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from exports.figures import STAGES, AnswerRow, Funnel, ShiftRow

LANGUAGES = ("nl", "en")
API_LANGUAGE = "en"  # the API's and CLI's default: scripts keep reading these column names


@dataclass(frozen=True)
class Words:
    """One text in Dutch and English."""

    nl: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


@dataclass(frozen=True)
class _Figure:
    figure: str
    count: int | None


def excluded_rows(figures: Funnel) -> Iterable[_Figure]:
    for key, value in figures.excluded.items():
        yield _Figure(key, value)


@dataclass(frozen=True)
class _Said:
    """A row the awareness table words itself (a figure beside Q1's answers)."""

    answer: Words
    respondents: int | None
    share: float | None


@dataclass(frozen=True)
class _Pairs:
    """A row the follow-up table words itself."""

    answer: Words
    before: int | None
    now: int | None


def _row(nl: str, en: str, respondents, share) -> _Said:
    return _Said(Words(nl, en), respondents, share)


def awareness_rows(figures: Funnel) -> Iterable[AnswerRow | _Said]:
    awareness = figures.awareness
    none, difference = awareness.named_none_interval, awareness.difference_interval
    rates, size = awareness.response_rates, awareness.baseline_size
    yield from awareness.named_before
    yield _row("respondenten", "respondents", awareness.respondents, None)
    yield _row(
        "kon er geen noemen (aandeel)", "could name none (share)", None, awareness.named_none_share
    )
    yield _row(
        "kon er geen noemen, 95%-interval: onder",
        "could name none, 95% interval: low",
        None,
        none and none.low,
    )
    yield _row(
        "kon er geen noemen, 95%-interval: boven",
        "could name none, 95% interval: high",
        None,
        none and none.high,
    )
    yield _row(
        f"referentie 2018 (aandeel van {size} studenten)",
        f"2018 baseline (share of {size} students)",
        None,
        awareness.baseline,
    )
    yield _row(
        "verschil met 2018", "difference from baseline", None, awareness.difference_from_baseline
    )
    yield _row(
        "verschil, 95%-interval: onder",
        "difference, 95% interval: low",
        None,
        difference and difference.low,
    )
    yield _row(
        "verschil, 95%-interval: boven",
        "difference, 95% interval: high",
        None,
        difference and difference.high,
    )
    yield _row("ontdekking", "discovery rate", None, awareness.discovery.rate)
    if rates is not None:
        yield _row(
            "respons van bezochte pins",
            "response rate of landed pins",
            rates.respondents,
            rates.of_landed,
        )
        yield _row(
            "respons van uitgegeven pins",
            "response rate of issued pins",
            rates.respondents,
            rates.of_issued,
        )
    exposed = awareness.exposed
    for row in exposed.named_before:
        yield _row(f"geprimed: {row.answer}", f"exposed: {row.answer}", row.respondents, row.share)
    yield _row("geprimed: respondenten", "exposed: respondents", exposed.respondents, None)
    yield _row(
        "geprimed: kon er geen noemen (aandeel)",
        "exposed: could name none (share)",
        None,
        exposed.named_none_share,
    )


def follow_up_rows(figures: Funnel) -> Iterable[ShiftRow | _Pairs]:
    follow_up = figures.awareness.follow_up
    yield from follow_up.shift
    yield _Pairs(Words("paren", "pairs"), follow_up.pairs, follow_up.pairs)
    yield _Pairs(
        Words("vooraf geen, nu wel", "could name none before, some now"),
        follow_up.none_before_only,
        None,
    )
    yield _Pairs(
        Words("vooraf wel, nu geen", "could name some before, none now"),
        None,
        follow_up.none_now_only,
    )


# A stage's and an excluded figure's words; the English file keeps the keys of docs/metrics.md.
STAGE_WORDS = {
    "issued": Words("uitgegeven", "issued"),
    "scanned": Words("gescand", "scanned"),
    "landed": Words("landingspagina", "landed"),
    "clicked": Words("doorgeklikt", "clicked"),
    "visited_stand": Words("stand bezocht", "visited stand"),
    "answered_survey": Words("vragen beantwoord", "answered survey"),
}
STAGE_KEYS = {stage: Words(STAGE_WORDS[stage].nl, stage) for stage in STAGES}
EXCLUDED_WORDS = {
    "human_scans": Words("scans door mensen (alle)", "human_scans"),
    "repeat_scans": Words("herhaalde scans", "repeat_scans"),
    "bot_scans": Words("bots en linkvoorbeelden", "bot_scans"),
    "test_scans": Words("testscans", "test_scans"),
    "rehearsal_visits": Words("standbezoeken buiten de beursdagen (oefening)", "rehearsal_visits"),
    "void_pin_scans": Words("scans van ingetrokken pins", "void_pin_scans"),
    "orphan_scans": Words("scans van onbekende codes", "orphan_scans"),
    "refused_lookups": Words("onbekende codes geweigerd door de gokrem", "refused_lookups"),
    "void_pins": Words("ingetrokken pins", "void_pins"),
}
