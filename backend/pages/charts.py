"""The dashboard's charts as inline SVG: pure functions from figures to markup.

No JavaScript and no chart library: the pages' CSP refuses scripts, and an SVG
of rects and texts prints sharply and can be read back by a browser test.
Every text is escaped (company names are free text) and every figure sits in a
real ``<text>`` element. A count of ``None`` was suppressed as too small to
publish; it gets a mark, never a bar, and no scale ever divides by zero.

Each chart is drawn for a width: ``WIDTH`` for a laptop and for A4, ``NARROW``
for a phone (labels above their bars), so that its text is read at about the
page's own size on both; the page shows the one that suits the screen
(``timeline`` draws the hours the same way). Labels are measured before they
are drawn (``chart_text``): they wrap, take a shorter complete form or are left
out, and never run past the chart's edge.
"""

from collections.abc import Callable, Sequence

from markupsafe import Markup

from backend.pages import chart_text
from backend.pages.chart_text import (  # noqa: F401  (the page formats numbers through here)
    DASH,
    count,
    decimal,
    p_value,
    percent,
    points,
    text,
    width,
    words,
    wrap,
)
from backend.pages.dashboard_strings import TEXT
from backend.services.words import say
from exports.figures import StageRow

WIDTH, NARROW = 720, 360
# Bars stand out from the page by at least 3:1 (WCAG 1.4.11): the brand 8.4:1, PALE 3.7:1.
BRAND, MUTED, LINE, PALE = "#0b4f8a", "#5a6570", "#d5dbe0", "#7b8794"
SIZE, SMALL, LINE_HEIGHT = 14, 11, 17


def frame(height: float, title: str, body: list[str], chart_width: int = WIDTH) -> Markup:
    variant = "narrow" if chart_width <= NARROW else "wide"
    return Markup(
        f'<svg class="chart {variant}" role="img" aria-label="{text(title)}" '
        f'viewBox="0 0 {chart_width} {height:g}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" font-family="system-ui, sans-serif" '
        f'font-size="{SIZE}"><title>{text(title)}</title>{"".join(body)}</svg>'
    )


def empty_chart(title: str, message: str, chart_width: int = WIDTH) -> Markup:
    return frame(
        48,
        title,
        [
            f'<rect x="0.5" y="0.5" width="{chart_width - 1}" height="47" fill="none" '
            f'stroke="{LINE}"/><text x="{chart_width / 2}" y="29" text-anchor="middle" '
            f'fill="{MUTED}" data-empty="1">{text(message)}</text>',
        ],
        chart_width,
    )


def _lines(label: str, lines: list[str], x: float, first: float, anchor: str) -> str:
    """A label as one ``<text>``, a ``<tspan>`` per line; ``data-label`` keeps it whole."""
    spans = "".join(
        f'<tspan x="{x:g}" y="{first + n * LINE_HEIGHT:g}">{text(line)}</tspan>'
        for n, line in enumerate(lines)
    )
    return f'<text text-anchor="{anchor}" data-label="{text(label)}">{spans}</text>'


def _bar(row: dict, said: dict, bar_x: float, bar_y: float, room: float, largest, lang) -> str:
    middle = bar_y + 16
    value = row["value"]
    if value is None:
        return (
            f'<text x="{bar_x}" y="{middle}" fill="{MUTED}" font-style="italic" '
            f'data-figure="value" data-suppressed="1">{text(said["suppressed"])}</text>'
        )
    length = round(room * value / largest, 1) if largest > 0 else 0
    return (
        f'<rect x="{bar_x}" y="{bar_y}" width="{max(length, 1 if value else 0)}" '
        f'height="22" fill="{BRAND}"/>'
        f'<text x="{bar_x + length + 6:g}" y="{middle}" font-weight="600" '
        f'data-figure="value" data-value="{value}">{count(value, lang)}</text>'
    )


def _horizontal(
    rows: list[dict], title: str, lang: str, label_width: int = 200, chart_width: int = WIDTH
) -> Markup:
    """Bars of ``rows`` (key, label, value, aside), scaled to the largest value.

    Wide: the label left of its bar, wrapped in its column. Narrow: the label on
    a line of its own above the bar, the aside at the line's right end.
    """
    narrow = chart_width <= NARROW
    largest = max((r["value"] for r in rows if r["value"] is not None), default=0)
    said = words(lang)
    widest_value = max((width(count(r["value"], lang), SIZE, True) for r in rows), default=0)
    aside_room = max((width(r["aside"] or "", SIZE) for r in rows), default=0)
    right = chart_width - 4
    if narrow:
        bar_x, bar_room = 0, right - widest_value - 10
        label_room = right - (aside_room + 10 if aside_room else 0)
    else:
        bar_x, label_room = label_width + 8, label_width - 4
        bar_room = right - bar_x - widest_value - 10 - (aside_room + 16 if aside_room else 0)
    body, y = [], 6.0
    for row in rows:
        lines = wrap(row["label"], label_room, SIZE)
        block = len(lines) * LINE_HEIGHT
        if narrow:
            height = block + 4 + 22 + 12
            first, bar_y, label_x, anchor = y + 13, y + block + 4, 0, "start"
        else:
            height = max(34, block + 12)
            first = y + (height - 12 - block) / 2 + 13
            bar_y, label_x, anchor = y + (height - 12 - 22) / 2, label_width, "end"
        body.append(
            f'<g data-key="{text(row["key"])}"><title>{text(row["label"])}</title>'
            + _lines(row["label"], lines, label_x, first, anchor)
            + _bar(row, said, bar_x, bar_y, bar_room, largest, lang)
        )
        if row.get("aside") is not None:
            aside_y = first if narrow else bar_y + 16
            body.append(
                f'<text x="{right}" y="{aside_y:g}" text-anchor="end" fill="{MUTED}" '
                f'data-figure="aside">{text(row["aside"])}</text>'
            )
        body.append("</g>")
        y += height
    return frame(y + 6, title, body, chart_width)


def funnel_chart(
    stages: Sequence[StageRow],
    labels: dict | None = None,
    title: str | None = None,
    lang: str = "en",
    chart_width: int = WIDTH,
) -> Markup:
    """One bar per stage: distinct pins, and on the right the share of issued pins."""
    title = title or say(lang, TEXT["funnel_chart"])
    if not stages:
        return empty_chart(title, words(lang)["empty"], chart_width)
    labels = labels or {}
    rows = [
        {
            "key": s.stage,
            "label": labels.get(s.stage, s.stage.replace("_", " ")),
            "value": s.pins,
            "aside": percent(s.from_issued, lang),
        }
        for s in stages
    ]
    return _horizontal(rows, title, lang, chart_width=chart_width)


def bar_chart(
    rows: Sequence[object],
    label_key: str | Callable[[object], str],
    value_key: str,
    title: str,
    aside: Callable[[dict], str | None] | None = None,
    sort: bool = False,
    lang: str = "en",
    chart_width: int = WIDTH,
) -> Markup:
    """Horizontal bars of the rows' attribute ``value_key``; ``sort`` puts the largest first."""
    if not rows:
        return empty_chart(title, words(lang)["empty"], chart_width)
    label = label_key if callable(label_key) else (lambda row: str(getattr(row, label_key)))

    def value(row) -> int | None:
        return getattr(row, value_key)

    if sort:
        rows = sorted(rows, key=lambda r: -1 if value(r) is None else value(r), reverse=True)
    bars = [
        {
            "key": label(row),
            "label": label(row),
            "value": value(row),
            "aside": aside(row) if aside else None,
        }
        for row in rows
    ]
    return _horizontal(bars, title, lang, label_width=250, chart_width=chart_width)


def baseline_chart(
    named_none_share: float | None,
    baseline: float,
    title: str | None = None,
    lang: str = "en",
    hidden: bool = False,
    chart_width: int = 480,
) -> Markup:
    """Our share that could name no Twente company beside the 2018 baseline, on 0 to 100%.

    ``hidden``: the share is None because the respondents are too few to show, not absent.
    """
    title = title or say(lang, TEXT["named_none"])
    said = words(lang)
    row_height = 40
    left = 12 + max(width(said[key], SIZE) for key in ("ours", "baseline"))
    room = chart_width - left - 70
    rows = (("ours", said["ours"], named_none_share), ("baseline", said["baseline"], baseline))
    body = []
    for tick in range(0, 101, 25):
        x = left + room * tick / 100
        body.append(
            f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{4 + 2 * row_height}" stroke="{LINE}"/>'
            f'<text x="{x:.1f}" y="{2 * row_height + 22}" text-anchor="middle" fill="{MUTED}" '
            f'font-size="{SMALL}">{tick}%</text>'
        )
    for n, (key, label, share) in enumerate(rows):
        y = 10 + n * row_height
        middle = y + 16
        body.append(
            f'<g data-key="{key}"><text x="{left - 8:.1f}" y="{middle}" text-anchor="end">'
            f"{text(label)}</text>"
        )
        if share is None:
            body.append(
                f'<text x="{left + 6:.1f}" y="{middle}" fill="{MUTED}" font-style="italic" '
                f'data-figure="value" data-suppressed="1">{DASH} '
                f"{text(said['suppressed' if hidden and key == 'ours' else 'no_answers'])}</text>"
            )
        else:
            length = room * min(max(share, 0.0), 1.0)
            colour = BRAND if key == "ours" else PALE
            body.append(
                f'<rect x="{left:.1f}" y="{y}" width="{length:.1f}" height="22" fill="{colour}"/>'
                f'<text x="{left + length + 6:.1f}" y="{middle}" font-weight="600" '
                f'data-figure="value" data-value="{share}">{percent(share, lang)}</text>'
            )
        body.append("</g>")
    return frame(2 * row_height + 30, title, body, chart_width)


def trend_chart(
    measures: Sequence[object],
    labels: Sequence[str],
    title: str,
    lang: str = "en",
    chart_width: int = WIDTH,
) -> Markup:
    """The share that could name no company per measurement, its 95% interval drawn as a bar.

    ``measures`` are ``exports.years.YearPoint``s, oldest first, the 2018 baseline first;
    ``labels`` their x-axis labels. A line joins consecutive editions of one definitions
    version only: the baseline (another study) and an edition under another version
    stand apart, never joined. A hidden point (too few respondents) gets a mark.
    """
    said = words(lang)
    if not measures:
        return empty_chart(title, said["empty"], chart_width)
    narrow = chart_width <= NARROW
    left, right, top = 40, chart_width - 8, 26
    plot_height = 150 if narrow else 190
    bottom = top + plot_height
    slot = (right - left) / len(measures)
    body = []
    for tick in range(0, 101, 25):
        y = bottom - plot_height * tick / 100
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{LINE}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}" '
            f'font-size="{SMALL}">{tick}%</text>'
        )

    def y_of(share: float) -> float:
        return bottom - plot_height * min(max(share, 0.0), 1.0)

    centres = [left + slot * (n + 0.5) for n in range(len(measures))]
    for n in range(1, len(measures)):
        before, after = measures[n - 1], measures[n]
        joined = (
            before.kind == after.kind == "edition"
            and before.definitions_version == after.definitions_version
            and None not in (before.named_none_share, after.named_none_share)
        )
        if joined:
            body.append(
                f'<line x1="{centres[n - 1]:.1f}" y1="{y_of(before.named_none_share):.1f}" '
                f'x2="{centres[n]:.1f}" y2="{y_of(after.named_none_share):.1f}" '
                f'stroke="{BRAND}" stroke-width="2" data-joins="{n - 1}-{n}"/>'
            )
    value_room = slot - 4
    for n, (point, label) in enumerate(zip(measures, labels, strict=True)):
        x = centres[n]
        colour = PALE if point.kind == "baseline" else BRAND
        axis = chart_text.fitting([label, label[-2:]], slot - 2, SMALL) or ""
        group = [f'<g data-point="{n}" data-kind="{point.kind}">']
        group.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" font-size="{SMALL}" '
            f'data-label="{text(label)}">{text(axis)}</text>'
        )
        share = point.named_none_share
        if share is None:
            group.append(
                f'<text x="{x:.1f}" y="{bottom - 8}" text-anchor="middle" fill="{MUTED}" '
                f'font-style="italic" font-size="{SMALL}" data-figure="value" '
                f'data-suppressed="1">{text(said["suppressed"] if point.hidden else DASH)}</text>'
            )
        else:
            interval = point.named_none_interval
            if interval is not None:
                low, high = y_of(interval.low), y_of(interval.high)
                group.append(
                    f'<line x1="{x:.1f}" y1="{low:.1f}" x2="{x:.1f}" y2="{high:.1f}" '
                    f'stroke="{colour}" stroke-width="2" data-figure="interval" '
                    f'data-low="{interval.low}" data-high="{interval.high}"/>'
                    f'<line x1="{x - 6:.1f}" y1="{low:.1f}" x2="{x + 6:.1f}" y2="{low:.1f}" '
                    f'stroke="{colour}" stroke-width="2"/>'
                    f'<line x1="{x - 6:.1f}" y1="{high:.1f}" x2="{x + 6:.1f}" y2="{high:.1f}" '
                    f'stroke="{colour}" stroke-width="2"/>'
                )
            shown = percent(share, lang)
            y = y_of(share)
            group.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}" '
                f'data-figure="value" data-value="{share}"/>'
            )
            if width(shown, SMALL, True) <= value_room:  # else the table beside says it
                above = y_of(interval.high) if interval else y
                group.append(
                    f'<text x="{x:.1f}" y="{max(above - 6, 12):.1f}" text-anchor="middle" '
                    f'font-size="{SMALL}" font-weight="600">{text(shown)}</text>'
                )
        group.append("</g>")
        body.append("".join(group))
    return frame(bottom + 26, title, body, chart_width)
