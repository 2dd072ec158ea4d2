"""The council's report of an edition: its content once, in plain language, for every format.

``content`` turns an edition's funnel (exact, or as a viewer sees it: the same value the
dashboard and the JSON show, so the report can hold no figure they hide) and the years side
by side into a list of blocks: headings, paragraphs, tables and charts, every word said in
the reader's language (``backend.services.words``) and every number in the reader's number
format (Babel). ``exports.report_pdf`` and ``exports.report_docx`` only lay the blocks out.
The sections, in the issue's order: the answer, the effect of the fair, who answered,
reach, method and definitions, the reproducibility stamp (docs/metrics.md, "The report").
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from babel.numbers import format_decimal, format_percent

from backend.models.types import TWENTE_PLAZA
from backend.services.words import N_, N_plural, say
from exports.figures import STAGES, Funnel
from exports.rows import STAGE_WORDS
from exports.schemas import funnel_json
from exports.stats import Interval
from exports.suppression import SUPPRESS_BELOW
from exports.years import Years

DASH = "\u2014"
HIDDEN = "\u00d7"  # a count a viewer may not see, as the dashboard marks it

VERDICTS = {  # the dashboard's sentences, so both say the same
    "fewer_than_baseline": N_("Fewer students than in 2018 could name no Twente company."),
    "more_than_baseline": N_("More students than in 2018 could name no Twente company."),
    "not_distinguishable": N_plural(
        "Not distinguishable from 2018 with %(n)s answer.",
        "Not distinguishable from 2018 with %(n)s answers.",
    ),
}
CHANGES = {
    "fewer_than_before": N_(
        "Fewer students than at the edition before could name no Twente company."
    ),
    "more_than_before": N_(
        "More students than at the edition before could name no Twente company."
    ),
    "not_distinguishable": N_("Not distinguishable from the edition before."),
}
EXCLUDED = {
    "bot_scans": N_("bots and link previews"),
    "test_scans": N_("organisers' test scans"),
    "repeat_scans": N_("repeat scans within the repeat window"),
    "rehearsal_visits": N_("stand visits outside the fair's days (rehearsals)"),
    "void_pins": N_("void pins (lost or misprinted)"),
}


@dataclass(frozen=True)
class Block:
    """One piece of the report: ``kind`` heading, text, verdict, note, table or chart."""

    kind: str
    text: str = ""
    level: int = 1
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    chart: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Stamp:
    """What makes the figures reproducible."""

    data_as_of: datetime
    speld_version: str
    request: str  # the API request that returns the same figures (with the reader's token)


def figures_hash(figures: Funnel) -> str:
    """sha256 of the figures' JSON in canonical form (keys sorted, no spaces, UTF-8).

    The API's ``GET /api/v1/events/<slug>/funnel`` body, loaded and dumped the same way
    (``json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``),
    gives the same hash.
    """
    canonical = json.dumps(
        funnel_json(figures), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Numbers:
    """Numbers in the reader's format (Babel): 35,2% in Dutch, 35.2% in English."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def pct(self, share: float | None) -> str:
        return DASH if share is None else format_percent(share, "#,##0.0%", locale=self.lang)

    def n(self, count: int | None, hidden: bool = True) -> str:
        if count is None:
            return HIDDEN if hidden else DASH
        return format_decimal(count, "#,##0", locale=self.lang)

    def points(self, difference: float | None) -> str:
        if difference is None:
            return DASH
        shown = format_decimal(difference * 100, "+#,##0.0;\u2212#,##0.0", locale=self.lang)
        return say(self.lang, N_("%(value)s percentage points"), value=shown)

    def p(self, value: float | None) -> str:
        return DASH if value is None else format_decimal(value, "0.000", locale=self.lang)

    def interval(self, interval: Interval | None, of=None) -> str:
        if interval is None:
            return DASH
        show = of or self.pct
        return say(
            self.lang, N_("%(low)s to %(high)s"), low=show(interval.low), high=show(interval.high)
        )


def content(
    figures: Funnel,
    years: Years | None,
    lang: str,
    stamp: Stamp,
    days: tuple[date, date],
) -> list[Block]:
    """The report's blocks in order; ``years`` drawn only with more than one edition."""
    s = lambda message, **values: say(lang, message, **values)  # noqa: E731
    num = Numbers(lang)
    a = figures.awareness
    viewer = figures.suppressed.threshold is not None
    blocks = [
        Block("heading", s(N_("Measurement report: %(name)s"), name=figures.event_name), 0),
        Block(
            "note",
            s(
                N_("%(first)s to %(last)s. %(whose)s"),
                first=days[0].isoformat(),
                last=days[1].isoformat(),
                whose=s(
                    N_("As a viewer sees it: counts below %(n)s are hidden (×)."),
                    n=figures.suppressed.threshold,
                )
                if viewer
                else s(N_("Exact counts (organiser).")),
            ),
        ),
    ]
    add = blocks.append

    # 1. The answer first.
    add(Block("heading", s(N_("1. The answer")), 1))
    if a.named_none_share is None:
        add(
            Block(
                "verdict",
                s(
                    N_("Too few answers to show this figure (fewer than %(n)s)."),
                    n=figures.suppressed.threshold,
                )
                if viewer and a.respondents is None
                else s(N_("No answers yet.")),
            )
        )
    else:
        add(
            Block(
                "text",
                s(
                    N_(
                        "Before the fair, %(share)s of the students who answered unprimed "
                        "could name no Twente company (95%% interval %(interval)s; "
                        "%(n)s respondents)."
                    ),
                    share=num.pct(a.named_none_share),
                    interval=num.interval(a.named_none_interval),
                    n=num.n(a.respondents),
                ),
            )
        )
        add(
            Block(
                "text",
                s(
                    N_(
                        "In 2018, %(baseline)s of %(size)s students could name none (Keeping "
                        "Talent in Twente). The difference is %(diff)s (95%% interval "
                        "%(interval)s)."
                    ),
                    baseline=num.pct(a.baseline),
                    size=num.n(a.baseline_size),
                    diff=num.points(a.difference_from_baseline),
                    interval=num.interval(a.difference_interval, num.points),
                ),
            )
        )
        add(Block("verdict", s(VERDICTS[a.verdict], n=a.respondents)))  # as the dashboard says it
    add(
        Block(
            "chart",
            s(N_("Could name no Twente company")),
            chart={
                "kind": "bars",
                "bars": [
                    (
                        s(N_("This edition")),
                        a.named_none_share,
                        a.named_none_interval,
                        num.pct(a.named_none_share),
                    ),
                    (s(N_("Baseline 2018")), a.baseline, None, num.pct(a.baseline)),
                ],
            },
        )
    )
    if years is not None and sum(p.kind == "edition" for p in years.points) > 1:
        add(Block("heading", s(N_("Over the years")), 2))
        add(
            Block(
                "chart",
                s(N_("Could name no Twente company, per year, with 95%% intervals")),
                chart={
                    "kind": "trend",
                    "points": [
                        (
                            str(p.year),
                            p.named_none_share,
                            p.named_none_interval,
                            p.kind,
                            p.definitions_version,
                        )
                        for p in years.points
                    ],
                    "labels": [num.pct(p.named_none_share) for p in years.points],
                },
            )
        )
        add(
            Block(
                "table",
                header=(
                    s(N_("Measurement")),
                    s(N_("Respondents")),
                    s(N_("Could name no Twente company")),
                    s(N_("95%% interval")),
                    s(N_("Definitions")),
                ),
                rows=tuple(
                    (
                        s(N_("Baseline 2018 (Keeping Talent in Twente)"))
                        if p.kind == "baseline"
                        else p.name,
                        num.n(p.respondents),
                        HIDDEN if p.hidden else num.pct(p.named_none_share),
                        num.interval(p.named_none_interval),
                        s(N_("another study")) if p.kind == "baseline" else p.definitions_version,
                    )
                    for p in years.points
                ),
            )
        )
        for c in years.changes:
            before, after = years.points[c.from_point], years.points[c.to_point]
            if not c.same_definitions:
                said = s(
                    N_(
                        "Measured under definitions version %(v)s, the edition before under %(w)s: not compared."
                    ),
                    v=after.definitions_version,
                    w=before.definitions_version,
                )
            elif c.verdict is None:
                said = s(N_("No comparison: too few answers shown in one of the two."))
            else:
                said = s(
                    N_(
                        "%(before)s to %(after)s: %(diff)s (95%% interval %(interval)s). %(verdict)s"
                    ),
                    before=before.name,
                    after=after.name,
                    diff=num.points(c.difference),
                    interval=num.interval(c.difference_interval, num.points),
                    verdict=s(CHANGES[c.verdict]),
                )
            add(Block("text", said))
        add(
            Block(
                "note",
                s(
                    N_(
                        "The 2018 figure comes from another study, asked another way: it is "
                        "drawn apart, never joined to the editions' line."
                    )
                ),
            )
        )

    # 2. The effect of the fair itself.
    f = a.follow_up
    add(Block("heading", s(N_("2. The effect of the fair itself")), 1))
    if f.pairs and f.mcnemar_p is not None:
        add(
            Block(
                "text",
                s(
                    N_(
                        "%(pairs)s students answered the first question before the fair and "
                        "the same question again after a visit to the Twente Plaza. Could name "
                        "no company: %(before)s before, %(now)s now. %(moved)s moved from none "
                        "to at least one, %(back)s the other way (McNemar's exact test: "
                        "p = %(p)s)."
                    ),
                    pairs=num.n(f.pairs),
                    before=num.pct(f.named_none_before),
                    now=num.pct(f.named_none_now),
                    moved=num.n(f.none_before_only),
                    back=num.n(f.none_now_only),
                    p=num.p(f.mcnemar_p),
                ),
            )
        )
        add(
            Block(
                "table",
                header=(s(N_("Answer")), s(N_("Before")), s(N_("Now"))),
                rows=tuple(
                    (_answer(row.answer, s), num.n(row.before), num.n(row.now)) for row in f.shift
                ),
            )
        )
    elif f.pairs is None and viewer:
        add(
            Block(
                "text",
                s(
                    N_("Too few students answered twice to show this (fewer than %(n)s)."),
                    n=figures.suppressed.threshold,
                ),
            )
        )
    else:
        add(Block("text", s(N_("Nobody has answered the follow-up question yet."))))
    add(
        Block(
            "note",
            s(
                N_(
                    "Its limits: these students chose to answer twice, and the second answer "
                    "comes after they saw the companies, by design. The change is theirs; it "
                    "does not show what the fair did for every student, and a small p says "
                    "the change is unlikely to be chance among them, not how large it is."
                )
            ),
        )
    )

    # 3. Who answered.
    add(Block("heading", s(N_("3. Who answered")), 1))
    rates = a.response_rates
    if rates is not None:
        add(
            Block(
                "text",
                s(
                    N_(
                        "%(n)s pins answered the questions: %(landed)s of the pins that "
                        "opened the page, %(issued)s of all pins issued. Of them, %(unexposed)s "
                        "answered unprimed and are counted in the answer above."
                    ),
                    n=num.n(rates.respondents),
                    landed=num.pct(rates.of_landed),
                    issued=num.pct(rates.of_issued),
                    unexposed=num.n(a.respondents),
                ),
            )
        )
    add(
        Block(
            "text",
            s(
                N_(
                    "%(n)s answers came after a stand visit or after the list of companies "
                    "was shown (%(share)s of them could name no company). They are kept "
                    "apart: having just seen the names, a student names more, so they would "
                    "make the figure look better than it is."
                ),
                n=num.n(a.exposed.respondents),
                share=num.pct(a.exposed.named_none_share),
            ),
        )
    )
    add(
        Block(
            "table",
            header=(s(N_("Answer")), s(N_("Respondents")), s(N_("Share"))),
            rows=tuple(
                (_answer(row.answer, s), num.n(row.respondents), num.pct(row.share))
                for row in a.named_before
            ),
        )
    )
    add(
        Block(
            "note",
            s(
                N_(
                    "Students chose whether to answer, so respondents are not a random sample. "
                    "If those who know few companies answer less often, the figure is too low; "
                    "if they answer more often, too high. The interval covers chance, not this: "
                    "the response rates above say how much room there is."
                )
            ),
        )
    )

    # 4. Reach.
    add(Block("heading", s(N_("4. Reach")), 1))
    add(
        Block(
            "table",
            header=(s(N_("Stage")), s(N_("Pins")), s(N_("Of issued"))),
            rows=tuple(
                (s(STAGE_WORDS[row.stage]), num.n(row.pins), num.pct(row.from_issued))
                for row in figures.stages
            ),
        )
    )
    plaza = [row for row in figures.breakdowns.stands if row.zone == TWENTE_PLAZA]
    if plaza:
        add(Block("heading", s(N_("Twente Plaza: stand visits")), 2))
        add(
            Block(
                "table",
                header=(s(N_("Stand")), s(N_("Company")), s(N_("Pins"))),
                rows=tuple((row.label, row.company, num.n(row.pins)) for row in plaza),
            )
        )
    if figures.breakdowns.channels:
        add(Block("heading", s(N_("Channels")), 2))
        add(
            Block(
                "table",
                header=(s(N_("Channel")), *(s(STAGE_WORDS[stage]) for stage in STAGES)),
                rows=tuple(
                    (row.channel, *(num.n(row.reached[stage]) for stage in STAGES))
                    for row in figures.breakdowns.channels
                ),
            )
        )

    # 5. Method and definitions.
    add(Block("heading", s(N_("5. Method and definitions")), 1))
    for message in (
        N_(
            "Question 1, \u201cHow many Twente companies could you name before Business "
            "Days?\u201d, is asked on the pin's first page, before any company name is "
            "shown. Question 2 asks which Twente Plaza companies the student knew; the "
            "follow-up asks question 1 again, once, after a visit to the Twente Plaza."
        ),
        N_(
            "The 95%% interval of a share is Wilson's; that of a difference Newcombe's. A "
            "verdict says fewer or more only when the whole interval of the difference is "
            "below or above zero."
        ),
    ):
        add(Block("text", s(message)))
    add(
        Block(
            "text",
            s(N_("Definitions version %(v)s (docs/metrics.md)."), v=figures.definitions_version),
        )
    )
    add(
        Block(
            "table",
            header=(s(N_("Not counted")), s(N_("Number"))),
            rows=tuple(
                (s(EXCLUDED[key]), num.n(value))
                for key, value in figures.excluded.items()
                if key in EXCLUDED
            ),
        )
    )
    add(
        Block(
            "note",
            s(
                N_(
                    "A viewer sees no count from 1 to %(below)s: those are hidden, with one "
                    "more where needed so that none can be worked out from a total, and the "
                    "survey's figures are hidden with fewer than %(n)s respondents."
                ),
                below=SUPPRESS_BELOW - 1,
                n=SUPPRESS_BELOW,
            ),
        )
    )

    # 6. Reproducibility.
    add(Block("heading", s(N_("6. Reproducibility")), 1))
    add(
        Block(
            "table",
            header=(s(N_("What")), s(N_("Value"))),
            rows=(
                (s(N_("Data as of (UTC)")), stamp.data_as_of.strftime("%Y-%m-%d %H:%M:%S")),
                (s(N_("Definitions version")), figures.definitions_version),
                (s(N_("Speld version")), stamp.speld_version),
                (s(N_("sha256 of the figures' JSON")), figures_hash(figures)),
                (
                    s(N_("The same figures from the API")),
                    s(N_("%(request)s with a viewer's token"), request=stamp.request)
                    if viewer
                    else s(N_("%(request)s with an organiser's token"), request=stamp.request),
                ),
            ),
        )
    )
    add(
        Block(
            "note",
            s(
                N_(
                    "The hash is of the API's JSON with its keys sorted and no spaces, in "
                    "UTF-8. Until more data arrives, the request returns the same figures."
                )
            ),
        )
    )
    return blocks


def _answer(answer: str, s) -> str:
    return s(N_("none")) if answer == "0" else answer.replace("-", "\u2013")
