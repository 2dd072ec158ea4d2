"""The names of the funnel's keys, and the rows the funnel's tables word themselves.

Every word is a msgid of the gettext catalogue (``backend.services.words``), said in the
file's language. A stage's, an excluded figure's and a device class's name is read by the
dashboard and the files alike (one msgid each). The English files keep a stage's and an
excluded figure's key (``visited_stand``, the key of the JSON) instead of its name: a key is
an identifier scripts read, not a word (docs/i18n.md).

``exports.tables`` reads figures' rows by attribute; the rows here are the ones that are not
a figure's own: the excluded figures one per row, and the awareness and follow-up tables'
figures beside Q1's answers, each saying its words in the file's language.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from backend.services.words import LANGUAGES, N_, N_plural, say
from exports.figures import STAGES, AnswerRow, Funnel, ShiftRow

API_LANGUAGE = "en"  # the API's and CLI's default: scripts keep reading these column names
__all__ = ["API_LANGUAGE", "LANGUAGES"]

STAGE_WORDS = {
    "issued": N_("Issued"),
    "scanned": N_("Scanned"),
    "landed": N_("Landing page"),
    "clicked": N_("Clicked through"),
    "visited_stand": N_("Visited a stand"),
    "answered_survey": N_("Answered the survey"),
}
EXCLUDED_WORDS = {
    "human_scans": N_("Scans by people (all)"),
    "repeat_scans": N_("Repeat scans"),
    "bot_scans": N_("Bots and link previews"),
    "test_scans": N_("Test scans"),
    "rehearsal_visits": N_("Rehearsal: stand visits outside the fair's days"),
    "void_pin_scans": N_("Scans of void pins"),
    "orphan_scans": N_("Scans of unknown codes"),
    "refused_lookups": N_("Unknown codes refused by the guessing brake"),
    "void_pins": N_("Void pins"),
}
DEVICE_WORDS = {
    "mobile": N_("mobile"),
    "tablet": N_("tablet"),
    "desktop": N_("desktop"),
    "bot": N_("bot"),
    "other": N_("other"),
}
assert set(STAGE_WORDS) == set(STAGES)


def key_name(words: Mapping[str, str]):
    """A key's name in a file: the key itself in the English files, else its words."""

    def name(key: str, lang: str) -> str:
        if lang == API_LANGUAGE or key not in words:
            return key
        return say(lang, words[key])

    return name


def device_name(device_class: str, lang: str) -> str:
    """A device class as people read it, on the dashboard and in the files: ``mobiel``."""
    words = DEVICE_WORDS.get(device_class)
    return device_class if words is None else say(lang, words)


@dataclass(frozen=True)
class Said:
    """A text a row says in the file's language: a msgid (or plural pair) and its values."""

    message: str | tuple[str, str]
    values: dict = field(default_factory=dict)

    def __call__(self, lang: str) -> str:
        return say(lang, self.message, **self.values)


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

    answer: Said
    respondents: int | None
    share: float | None


@dataclass(frozen=True)
class _Pairs:
    """A row the follow-up table words itself."""

    answer: Said
    before: int | None
    now: int | None


def _row(message, respondents, share, **values) -> _Said:
    return _Said(Said(message, values), respondents, share)


def awareness_rows(figures: Funnel) -> Iterable[AnswerRow | _Said]:
    awareness = figures.awareness
    none, difference = awareness.named_none_interval, awareness.difference_interval
    rates, size = awareness.response_rates, awareness.baseline_size
    yield from awareness.named_before
    yield _row(N_("respondents"), awareness.respondents, None)
    yield _row(N_("could name none (share)"), None, awareness.named_none_share)
    yield _row(N_("could name none, 95%% interval: low"), None, none and none.low)
    yield _row(N_("could name none, 95%% interval: high"), None, none and none.high)
    baseline = N_plural(
        "2018 baseline (share of %(n)s student)", "2018 baseline (share of %(n)s students)"
    )
    yield _row(baseline, None, awareness.baseline, n=size)
    yield _row(N_("difference from baseline"), None, awareness.difference_from_baseline)
    yield _row(N_("difference, 95%% interval: low"), None, difference and difference.low)
    yield _row(N_("difference, 95%% interval: high"), None, difference and difference.high)
    yield _row(N_("discovery rate"), None, awareness.discovery.rate)
    if rates is not None:
        yield _row(N_("response rate of landed pins"), rates.respondents, rates.of_landed)
        yield _row(N_("response rate of issued pins"), rates.respondents, rates.of_issued)
    exposed = awareness.exposed
    for row in exposed.named_before:
        yield _row(N_("exposed: %(answer)s"), row.respondents, row.share, answer=row.answer)
    yield _row(N_("exposed: respondents"), exposed.respondents, None)
    yield _row(N_("exposed: could name none (share)"), None, exposed.named_none_share)


def follow_up_rows(figures: Funnel) -> Iterable[ShiftRow | _Pairs]:
    follow_up = figures.awareness.follow_up
    yield from follow_up.shift
    yield _Pairs(Said(N_("pairs")), follow_up.pairs, follow_up.pairs)
    yield _Pairs(Said(N_("could name none before, some now")), follow_up.none_before_only, None)
    yield _Pairs(Said(N_("could name some before, none now")), None, follow_up.none_now_only)
