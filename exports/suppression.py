"""What a viewer may see of the figures: the one place that blanks small counts.

``exports.funnel`` computes exact figures; a viewer (the municipality, and
through it the public) gets counts from 1 to ``below - 1`` blanked where they
could point at a handful of students: the per-channel stage counts and the
respondents who knew each Twente Plaza company (with the share that would give
that count away). Stage totals, hours, days, stands and devices are left as
they are (docs/metrics.md, "Small numbers"). Each function returns a new value;
the figures passed in are never changed.
"""

from dataclasses import dataclass, replace

from exports.figures import (
    STAGES,
    ChannelRow,
    CompanyRow,
    Comparison,
    Funnel,
    Suppressed,
    counts_of,
)

SUPPRESS_BELOW = 5  # the small-number threshold for viewers


def for_viewer(figures: Funnel | Comparison) -> Funnel | Comparison:
    """The figures as a viewer sees them (organisers get them exact)."""
    if isinstance(figures, Comparison):
        return suppress_comparison(figures, SUPPRESS_BELOW)
    return suppress(figures, SUPPRESS_BELOW)


@dataclass
class _Blanker:
    """Blanks counts below a threshold and keeps the tally of cells blanked."""

    below: int | None
    cells: int = 0

    def count(self, count: int | None) -> int | None:
        """``count``, or None (and one more cell) if it is from 1 to below - 1."""
        if self.below and count is not None and 0 < count < self.below:
            self.cells += 1
            return None
        return count


def suppress(figures: Funnel, below: int | None) -> Funnel:
    """``figures`` with counts from 1 to ``below - 1`` blanked (None: exact); a new value."""
    blank = _Blanker(below)
    channels = tuple(
        ChannelRow(row.channel, counts_of(blank.count(row.reached[s]) for s in STAGES))
        for row in figures.breakdowns.channels
    )
    companies = tuple(_company(row, blank) for row in figures.awareness.companies)
    return replace(
        figures,
        breakdowns=replace(figures.breakdowns, channels=channels),
        awareness=replace(figures.awareness, companies=companies),
        suppressed=Suppressed(below, blank.cells),
    )


def _company(row: CompanyRow, blank: _Blanker) -> CompanyRow:
    if blank.count(row.respondents_knew) == row.respondents_knew:
        return row
    return replace(row, respondents_knew=None, share=None)  # the share would give it away


def suppress_comparison(comparison: Comparison, below: int | None) -> Comparison:
    """A comparison holds edition totals only, which are never blanked; ``below`` is echoed."""
    return replace(comparison, suppressed=Suppressed(below, 0))
