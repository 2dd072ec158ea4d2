"""What a viewer may see of the figures: the one place that decides it.

``exports.funnel`` computes exact figures; a viewer (the municipality, and
through it the public) gets a copy in which no count of 1 to ``below - 1``
students can be read, nor worked out by subtracting what is shown from a
total, within a table or between the views a viewer can fetch (every channel,
every batch, none). The rules, numbered as in docs/metrics.md ("Small numbers"):
1 small counts (stage totals, channels' counts, companies known or not);
2 a second hidden count per column of the channel table; 3 shares follow
their counts, and few respondents hide the survey; 4 views too small to
show, hidden whole and in pairs of siblings; 5 no survey figures by channel or batch.
Each function returns a new value; the figures passed in are never changed.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from exports.figures import (
    STAGES,
    AnswerRow,
    Awareness,
    Breakdowns,
    ChannelRow,
    Comparison,
    Discovery,
    Edition,
    Excluded,
    ExposedAnswers,
    FollowUp,
    Funnel,
    ResponseRates,
    ShiftRow,
    Siblings,
    StageCounts,
    StageRow,
    Suppressed,
    counts_of,
)

SUPPRESS_BELOW = 5  # the small-number threshold for viewers


def for_viewer(
    figures: Funnel | Comparison, siblings: Siblings | None = None
) -> Funnel | Comparison:
    """The figures as a viewer sees them (organisers get them exact).

    A view filtered by channel or batch needs its ``siblings`` (``exports.funnel.siblings``);
    without them it is too small, which is safe.
    """
    if isinstance(figures, Comparison):
        return suppress_comparison(figures, SUPPRESS_BELOW)
    return suppress(figures, SUPPRESS_BELOW, siblings)


def small(count: int | None, below: int | None) -> bool:
    """A count from 1 to ``below - 1``: too few students to publish."""
    return bool(below) and count is not None and 0 < count < below


@dataclass
class _Blanker:
    """Blanks counts and keeps the tally of cells blanked."""

    below: int | None
    cells: int = field(default=0)

    def count(self, count: int | None) -> int | None:
        """``count``, or None if it is small."""
        return self.drop(count) if small(count, self.below) else count

    def drop(self, count: int | None) -> None:
        """None, whatever ``count`` was."""
        if count is not None:
            self.cells += 1


def hidden_cells(rows: Sequence[StageCounts], below: int) -> set[tuple[int, str]]:
    """(row, stage) of the counts rules 1 and 2 hide in a table whose columns add up to totals."""
    hidden = {(i, s) for i, row in enumerate(rows) for s in STAGES if small(row[s], below)}
    for stage in STAGES:
        total = sum(row[stage] for row in rows)
        alone = [i for i in range(len(rows)) if (i, stage) in hidden]
        if small(total, below) or len(alone) != 1:
            continue  # the total is hidden, or no count stands alone
        others = [(row[stage], i) for i, row in enumerate(rows) if row[stage] and i not in alone]
        hidden.add((min(others)[1], stage))  # not empty: the one hidden count is below the total
    return hidden


def population(reached: StageCounts, windowed: bool) -> int:
    """The pins a view is about: its active pins, or within a window those active in it."""
    return max(reached[s] for s in STAGES[1:]) if windowed else reached.issued


def too_small(figures: Funnel, below: int | None, siblings: Siblings | None) -> bool:
    """Whether a viewer's view of ``figures`` carries no counts at all (rule 4)."""
    if not below:
        return False
    filters = figures.filters
    windowed = filters.since is not None or filters.until is not None
    if small(population(counts_of(s.pins for s in figures.stages), windowed), below):
        return True
    if filters.channel is None and filters.batch_id is None:
        return False
    if siblings is None:
        return True
    if filters.batch_id is not None:
        return filters.batch_id in hidden_batches(siblings, below, windowed)
    return filters.channel in hidden_channels(siblings, below, windowed)


def hidden_channels(siblings: Siblings, below: int, windowed: bool) -> set[str]:
    """The channels whose own view is too small: a count of their row is hidden (rule 4)."""
    rows = [row.reached for row in siblings.channels]
    names = {row.channel for row in siblings.channels}
    totals = counts_of(sum(row[stage] for row in rows) for stage in STAGES)
    if small(population(totals, windowed), below):
        return names  # the view without a channel filter is too small itself
    hidden = hidden_cells(rows, below)
    mine = {
        row.channel
        for i, row in enumerate(siblings.channels)
        if any((i, s) in hidden for s in STAGES)
    }
    return mine | _partner(mine, [(row.channel, row.reached.issued) for row in siblings.channels])


def _partner(hidden: set, sizes: list[tuple]) -> set:
    """The sibling to hide beside a lone hidden view: the smallest with active pins.

    Views are hidden whole, and their parent's view is their sum: a lone hidden one
    would be the parent minus the others. (Without another sibling with pins, the
    lone one has all the parent's pins: it is the parent, which shows the same.)
    """
    if len(hidden) != 1:
        return set()
    spare = [(issued, key) for key, issued in sizes if issued and key not in hidden]
    return {min(spare)[1]} if spare else set()


def hidden_batches(siblings: Siblings, below: int, windowed: bool) -> set[int]:
    """The batches whose own view is too small (rule 4)."""
    hidden_channel = hidden_channels(siblings, below, windowed)
    hidden = set()
    for channel in {row.channel for row in siblings.batches}:
        batches = [row for row in siblings.batches if row.channel == channel]
        mine = {
            row.batch_id for row in batches if any(small(row.reached[s], below) for s in STAGES)
        }
        if channel in hidden_channel:
            mine = {row.batch_id for row in batches}
        else:
            mine |= _partner(mine, [(row.batch_id, row.reached.issued) for row in batches])
        hidden |= mine
    return hidden


def suppress(figures: Funnel, below: int | None, siblings: Siblings | None = None) -> Funnel:
    """``figures`` as rules 1 to 5 leave them for ``below`` (None: exact); a new value."""
    if not below:
        return replace(figures, suppressed=Suppressed(None, 0))
    blank = _Blanker(below)
    if too_small(figures, below, siblings):
        return _nothing(figures, blank)
    rows = [row.reached for row in figures.breakdowns.channels]
    hidden = hidden_cells(rows, below)
    channels = tuple(
        ChannelRow(
            row.channel, counts_of(_keep(row.reached[s], (i, s) in hidden, blank) for s in STAGES)
        )
        for i, row in enumerate(figures.breakdowns.channels)
    )
    by_part = figures.filters.channel is not None or figures.filters.batch_id is not None
    stages = _stages(figures.stages, blank)
    awareness = _awareness(figures.awareness, blank, by_part)
    if _answered(stages) is None:  # unexposed + exposed = that total: hide one more part
        awareness = replace(awareness, exposed=_exposed(awareness.exposed, blank, hide=True))
    return replace(
        figures,
        stages=stages,
        breakdowns=replace(figures.breakdowns, channels=channels),
        awareness=replace(
            awareness, response_rates=_response_rates(awareness.response_rates, stages, blank)
        ),
        suppressed=Suppressed(below, blank.cells),
    )


def _keep(count: int | None, hide: bool, blank: _Blanker) -> int | None:
    return blank.drop(count) if hide else count


def _stages(stages: Sequence[StageRow], blank: _Blanker) -> tuple[StageRow, ...]:
    """Small stage totals hidden (rule 1), and the shares made with them (rule 3)."""
    below, rows = blank.below, []
    issued_hidden = small(stages[0].pins, below)
    for index, row in enumerate(stages):
        hidden = small(row.pins, below)
        before = index > 0 and small(stages[index - 1].pins, below)
        rows.append(
            StageRow(
                row.stage,
                blank.count(row.pins),
                None if hidden or before else row.from_previous,
                None if hidden or issued_hidden else row.from_issued,
            )
        )
    return tuple(rows)


def _awareness(awareness: Awareness, blank: _Blanker, by_part: bool) -> Awareness:
    """Companies by rule 1; nothing of the survey with few respondents (3) or by channel or batch (5)."""
    below, respondents = blank.below, awareness.respondents
    if small(respondents, below) or by_part:
        # By channel or batch the answers add up, over the views, to those without a filter;
        # so do the unexposed respondents (the channel's stage total stays in its table).
        return _no_awareness(awareness, blank)
    companies = []
    for row in awareness.companies:
        knew = row.respondents_knew
        if small(knew, below) or small(respondents - knew, below):
            row = replace(row, respondents_knew=blank.drop(knew), share=None)
        companies.append(row)
    return replace(
        awareness,
        companies=tuple(companies),
        exposed=_exposed(awareness.exposed, blank),
        follow_up=_follow_up(awareness.follow_up, blank),
    )


def _no_awareness(awareness: Awareness, blank: _Blanker) -> Awareness:
    discovery = awareness.discovery
    respondents = awareness.respondents  # a stage total too: hidden with it, or shown
    return replace(
        awareness,
        respondents=blank.drop(respondents),
        named_before=tuple(
            AnswerRow(row.answer, blank.drop(row.respondents), None)
            for row in awareness.named_before
        ),
        named_none_share=None,
        named_none_interval=None,
        difference_from_baseline=None,
        difference_interval=None,
        verdict=None,
        exposed=_exposed(awareness.exposed, blank, hide=True),
        follow_up=_follow_up(awareness.follow_up, blank, hide=True),
        companies=tuple(
            replace(row, respondents_knew=blank.drop(row.respondents_knew), share=None)
            for row in awareness.companies
        ),
        discovery=Discovery(
            blank.drop(discovery.stand_visits_by_respondents),
            blank.drop(discovery.by_respondents_who_did_not_know),
            None,
        ),
    )


def _nothing(figures: Funnel, blank: _Blanker) -> Funnel:
    """A too-small view: every count blanked, rows of hours, days and devices left out."""
    parts = figures.breakdowns
    for row in (*parts.hourly, *parts.daily, *parts.devices):
        for name in ("scans", "pins", "landed", "visited_stand"):
            blank.drop(getattr(row, name, None))
    counts = ("pins", "registrations", "by_self", "by_staff")
    return replace(
        figures,
        stages=tuple(
            StageRow(row.stage, blank.drop(row.pins), None, None) for row in figures.stages
        ),
        excluded=Excluded(*(blank.drop(count) for _, count in figures.excluded.items())),
        breakdowns=Breakdowns(
            channels=tuple(
                ChannelRow(row.channel, counts_of(blank.drop(row.reached[s]) for s in STAGES))
                for row in parts.channels
            ),
            hourly=(),
            daily=(),
            stands=tuple(
                replace(row, **{name: blank.drop(getattr(row, name)) for name in counts})
                for row in parts.stands
            ),
            devices=(),
        ),
        awareness=replace(
            _no_awareness(figures.awareness, blank),
            response_rates=_no_rates(figures.awareness.response_rates, blank),
        ),
        suppressed=Suppressed(blank.below, blank.cells, too_small=True),
    )


def suppress_comparison(comparison: Comparison, below: int | None) -> Comparison:
    """Each edition as the funnel shows it with the same filters (rules 1, 3 and 4)."""
    if not below:
        return replace(comparison, suppressed=Suppressed(None, 0))
    blank = _Blanker(below)
    filters = comparison.filters
    windowed = filters.since is not None or filters.until is not None
    editions = tuple(_edition(edition, blank, windowed) for edition in comparison.editions)
    return replace(comparison, editions=editions, suppressed=Suppressed(below, blank.cells))


def _edition(edition: Edition, blank: _Blanker, windowed: bool) -> Edition:
    nothing = small(population(edition.reached, windowed), blank.below)
    keep = blank.drop if nothing else blank.count
    reached = counts_of(keep(edition.reached[s]) for s in STAGES)
    shown = replace(
        edition,
        reached=reached,
        scan_rate=None if None in (reached.issued, reached.scanned) else edition.scan_rate,
    )
    if not (nothing or small(edition.respondents, blank.below)):
        return replace(shown, follow_up=_follow_up(edition.follow_up, blank))
    return replace(
        shown,
        respondents=blank.drop(edition.respondents),
        named_none_share=None,
        named_none_interval=None,
        difference_from_baseline=None,
        difference_interval=None,
        verdict=None,
        discovery_rate=None,
        follow_up=_follow_up(edition.follow_up, blank, hide=True),
    )


def _answers(rows: Sequence[AnswerRow], blank: _Blanker) -> tuple[AnswerRow, ...]:
    return tuple(AnswerRow(row.answer, blank.drop(row.respondents), None) for row in rows)


def _exposed(exposed: ExposedAnswers, blank: _Blanker, hide: bool = False) -> ExposedAnswers:
    """Hidden with the headline. Not on their own: they are the survey stage's total minus
    the unexposed respondents, both shown, so hiding a few of them would hide nothing."""
    if not hide:
        return exposed
    return ExposedAnswers(
        blank.drop(exposed.respondents), _answers(exposed.named_before, blank), None
    )


def _follow_up(follow_up: FollowUp, blank: _Blanker, hide: bool = False) -> FollowUp:
    """The paired answers follow rule 3 too: few pairs, nothing of them."""
    if not (hide or small(follow_up.pairs, blank.below)):
        return follow_up
    return FollowUp(
        pairs=blank.drop(follow_up.pairs),
        named_none_before=None,
        named_none_now=None,
        none_before_only=blank.drop(follow_up.none_before_only),
        none_now_only=blank.drop(follow_up.none_now_only),
        mcnemar_p=None,
        shift=tuple(
            ShiftRow(row.answer, blank.drop(row.before), blank.drop(row.now))
            for row in follow_up.shift
        ),
    )


def _no_rates(rates: ResponseRates | None, blank: _Blanker) -> ResponseRates | None:
    return None if rates is None else ResponseRates(blank.drop(rates.respondents), None, None)


def _response_rates(
    rates: ResponseRates | None, stages: Sequence[StageRow], blank: _Blanker
) -> ResponseRates | None:
    """Respondents are the survey stage's total: shown and hidden with it (rule 1)."""
    return rates if _answered(stages) is not None else _no_rates(rates, blank)


def _answered(stages: Sequence[StageRow]) -> int | None:
    return next(row.pins for row in stages if row.stage == "answered_survey")
