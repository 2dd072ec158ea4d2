"""The dashboard's charts as inline SVG: pure functions from figures to markup.

No JavaScript and no chart library: the pages' CSP refuses scripts, and an SVG
of rects and texts prints sharply and can be read back by a browser test.
Every text is escaped (company names are free text) and every figure sits in a
real ``<text>`` element. A count of ``None`` was suppressed as too small to
publish; it gets a mark, never a bar, and no scale ever divides by zero.

Each chart is drawn for a width: ``WIDTH`` for a laptop and for A4, ``NARROW``
for a phone (labels above their bars), so that its text is read at about the
page's own size on both; the page shows the one that suits the screen. Labels
are measured before they are drawn (``chart_text``): they wrap, take a shorter
complete form or are left out, and never run past the chart's edge.
"""

from collections.abc import Callable, Sequence

from markupsafe import Markup

from backend.pages.chart_text import (  # noqa: F401  (count, percent, … are read from here)
    DASH,
    WORDS,
    count,
    day_forms,
    decimal,
    fitting,
    percent,
    points,
    text,
    width,
    wrap,
)
from exports.figures import HourRow, StageRow

WIDTH, NARROW = 720, 360
BRAND, MUTED, LINE, PALE = "#0b4f8a", "#5a6570", "#d5dbe0", "#9aa5b1"
SIZE, SMALL, LINE_HEIGHT = 14, 11, 17


def _svg(height: float, title: str, body: list[str], chart_width: int = WIDTH) -> Markup:
    variant = "narrow" if chart_width <= NARROW else "wide"
    return Markup(
        f'<svg class="chart {variant}" role="img" aria-label="{text(title)}" '
        f'viewBox="0 0 {chart_width} {height:g}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" font-family="system-ui, sans-serif" '
        f'font-size="{SIZE}"><title>{text(title)}</title>{"".join(body)}</svg>'
    )


def _empty(title: str, message: str, chart_width: int = WIDTH) -> Markup:
    return _svg(
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


def _bar(row: dict, words: dict, bar_x: float, bar_y: float, room: float, largest) -> str:
    middle = bar_y + 16
    value = row["value"]
    if value is None:
        return (
            f'<text x="{bar_x}" y="{middle}" fill="{MUTED}" font-style="italic" '
            f'data-figure="value" data-suppressed="1">{text(words["suppressed"])}</text>'
        )
    length = round(room * value / largest, 1) if largest > 0 else 0
    return (
        f'<rect x="{bar_x}" y="{bar_y}" width="{max(length, 1 if value else 0)}" '
        f'height="22" fill="{BRAND}"/>'
        f'<text x="{bar_x + length + 6:g}" y="{middle}" font-weight="600" '
        f'data-figure="value" data-value="{value}">{count(value)}</text>'
    )


def _horizontal(
    rows: list[dict], title: str, words: dict, label_width: int = 200, chart_width: int = WIDTH
) -> Markup:
    """Bars of ``rows`` (key, label, value, aside), scaled to the largest value.

    Wide: the label left of its bar, wrapped in its column. Narrow: the label on
    a line of its own above the bar, the aside at the line's right end.
    """
    narrow = chart_width <= NARROW
    largest = max((r["value"] for r in rows if r["value"] is not None), default=0)
    widest_value = max((width(count(r["value"]), SIZE, True) for r in rows), default=0)
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
            + _bar(row, words, bar_x, bar_y, bar_room, largest)
        )
        if row.get("aside") is not None:
            aside_y = first if narrow else bar_y + 16
            body.append(
                f'<text x="{right}" y="{aside_y:g}" text-anchor="end" fill="{MUTED}" '
                f'data-figure="aside">{text(row["aside"])}</text>'
            )
        body.append("</g>")
        y += height
    return _svg(y + 6, title, body, chart_width)


def funnel_chart(
    stages: Sequence[StageRow],
    labels: dict | None = None,
    title: str = "Funnel",
    lang: str = "en",
    chart_width: int = WIDTH,
) -> Markup:
    """One bar per stage: distinct pins, and on the right the share of issued pins."""
    words = WORDS[lang]
    if not stages:
        return _empty(title, words["empty"], chart_width)
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
    return _horizontal(rows, title, words, chart_width=chart_width)


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
    words = WORDS[lang]
    if not rows:
        return _empty(title, words["empty"], chart_width)
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
    return _horizontal(bars, title, words, label_width=250, chart_width=chart_width)


def _slots(hourly: Sequence[HourRow]) -> list[tuple]:
    """(day, hour, scans) per hour, each day filled from its first to its last hour with scans.

    Hours are already local to the event (they carry its UTC offset), so the
    day and the hour are read off the timestamp as written.
    """
    by_day: dict = {}
    for row in hourly:
        by_day.setdefault(row.hour.date(), {})[row.hour.hour] = row.scans
    slots = []
    for day, hours in by_day.items():
        for hour in range(min(hours), max(hours) + 1):
            slots.append((day, hour, hours.get(hour, 0)))
    return slots


def _days(slots: list[tuple], left: float, right: float, lang: str) -> tuple:
    """The hour's width, each slot's x, and (x, end, day, label or None) per day.

    A day is at least as wide as its shortest name (its bars centred in it), so a
    day with one hour of scans is still named; its name is the longest complete
    form that fits before the next day.
    """
    starts = [n for n, slot in enumerate(slots) if n == 0 or slot[0] != slots[n - 1][0]]
    hours = [b - a for a, b in zip(starts, [*starts[1:], len(slots)], strict=True)]
    least = max(width(day_forms(slots[n][0], lang)[-1], SIZE, True) + 8 for n in starts)
    step = min(48.0, (right - left) / len(slots))
    while step > 1 and sum(max(h * step, least) for h in hours) > right - left:
        step *= 0.95
    xs, days, x = [], [], float(left)
    for n, h in zip(starts, hours, strict=True):
        block = max(h * step, least)
        xs += [x + (block - h * step) / 2 + k * step for k in range(h)]
        days.append([x, x + block, slots[n][0]])
        x += block
    days[-1][1] = max(days[-1][1], right)
    return (
        step,
        xs,
        [
            (x, end, day, fitting(day_forms(day, lang), end - x - 6, SIZE, True))
            for x, end, day in days
        ],
    )


def timeline_chart(
    hourly: Sequence[HourRow],
    title: str = "Scans per hour",
    lang: str = "en",
    chart_width: int = WIDTH,
) -> Markup:
    """Scans per hour of the event's local time, as bars, with a separator between days.

    A day's name takes the longest complete form that fits before the next day
    (``wo 18 feb``, ``18 feb``, ``18``); hours are named as often as they fit,
    a bar's count only where it fits above the bar.
    """
    words = WORDS[lang]
    slots = _slots(hourly)
    if not slots:
        return _empty(title, words["empty"], chart_width)
    left, top, bottom, height = (34 if chart_width <= NARROW else 44), 30, 186, 212
    right = chart_width - 4
    step, xs, days = _days(slots, left, right, lang)
    largest = max((s for _, _, s in slots if s is not None), default=0)
    body = [
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{MUTED}"/>',
        f'<text x="{left - 6}" y="{bottom + 4}" text-anchor="end" fill="{MUTED}" '
        f'font-size="{SMALL}">0</text>',
        f'<line x1="{left}" y1="{top}" x2="{right}" y2="{top}" stroke="{LINE}"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" fill="{MUTED}" '
        f'font-size="{SMALL}">{count(largest)}</text>',
    ]
    for n, (x, _, day, label) in enumerate(days):
        if n:
            body.append(
                f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{bottom + 22}" stroke="{MUTED}" '
                f'stroke-dasharray="4 3" data-day-separator="1"/>'
            )
        if label:
            body.append(
                f'<text x="{x + 4:.1f}" y="{top - 14}" font-weight="600" '
                f'data-day="{day.isoformat()}">{text(label)}</text>'
            )
    hour_room = width("00", SMALL) + 6
    every = next((k for k in (1, 2, 3, 4, 6, 12) if k * step >= hour_room), 24)
    last_hour_label = -hour_room
    for n, (day, hour, scans) in enumerate(slots):
        x = xs[n]
        centre = x + step / 2
        if hour % every == 0 and centre - last_hour_label >= hour_room:
            body.append(
                f'<text x="{centre:.1f}" y="{bottom + 16}" text-anchor="middle" fill="{MUTED}" '
                f'font-size="{SMALL}">{hour:02d}</text>'
            )
            last_hour_label = centre
        attributes = f'data-hour="{day.isoformat()}T{hour:02d}"'
        if scans is None:
            body.append(
                f'<text x="{centre:.1f}" y="{bottom - 4}" text-anchor="middle" fill="{MUTED}" '
                f'font-size="{SMALL}" {attributes} data-suppressed="1">{DASH}</text>'
            )
            continue
        bar = (bottom - top) * scans / largest if largest > 0 else 0
        body.append(
            f'<rect x="{x + step * 0.12:.1f}" y="{bottom - bar:.1f}" width="{step * 0.76:.1f}" '
            f'height="{bar:.1f}" fill="{BRAND}"><title>{text(day_forms(day, lang)[0])} '
            f"{hour:02d}:00: {count(scans)}</title></rect>"
        )
        if scans and width(count(scans), SMALL) + 2 <= step:
            body.append(
                f'<text x="{centre:.1f}" y="{bottom - bar - 4:.1f}" text-anchor="middle" '
                f'font-size="{SMALL}" {attributes} data-value="{scans}">{count(scans)}</text>'
            )
    return _svg(height, title, body, chart_width)


def baseline_chart(
    named_none_share: float | None,
    baseline: float,
    title: str = "Could name no Twente company",
    lang: str = "en",
    hidden: bool = False,
    chart_width: int = 480,
) -> Markup:
    """Our share that could name no Twente company beside the 2018 baseline, on 0 to 100%.

    ``hidden``: the share is None because the respondents are too few to show, not absent.
    """
    words = WORDS[lang]
    row_height = 40
    left = 12 + max(width(words[key], SIZE) for key in ("ours", "baseline"))
    room = chart_width - left - 70
    rows = (("ours", words["ours"], named_none_share), ("baseline", words["baseline"], baseline))
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
                f"{text(words['suppressed' if hidden and key == 'ours' else 'no_answers'])}</text>"
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
    return _svg(2 * row_height + 30, title, body, chart_width)
