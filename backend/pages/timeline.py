"""The timeline chart: scans per hour of the event's local time, a block of bars per day.

Drawn like the other charts (``charts``): inline SVG for a width, labels measured
before they are drawn. A day's block is never narrower than its shortest name,
so a day with one hour of scans is still named, with a whole form of its name.
"""

from collections.abc import Sequence

from markupsafe import Markup

from backend.pages.chart_text import DASH, count, day_forms, fitting, text, width, words
from backend.pages.charts import BRAND, LINE, MUTED, NARROW, SIZE, SMALL, WIDTH, empty_chart, frame
from backend.pages.dashboard_strings import TEXT
from backend.services.words import say
from exports.figures import HourRow


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
    title: str | None = None,
    lang: str = "en",
    chart_width: int = WIDTH,
) -> Markup:
    """Scans per hour of the event's local time, as bars, with a separator between days.

    A day's name takes the longest complete form that fits before the next day
    (``wo 18 feb``, ``18 feb``, ``18``; ``Wed, Feb 18`` in English); hours are named as often as they fit,
    a bar's count only where it fits above the bar.
    """
    title = title or say(lang, TEXT["timeline"])
    slots = _slots(hourly)
    if not slots:
        return empty_chart(title, words(lang)["empty"], chart_width)
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
        f'font-size="{SMALL}">{count(largest, lang)}</text>',
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
            f"{hour:02d}:00: {count(scans, lang)}</title></rect>"
        )
        if scans and width(count(scans, lang), SMALL) + 2 <= step:
            body.append(
                f'<text x="{centre:.1f}" y="{bottom - bar - 4:.1f}" text-anchor="middle" '
                f'font-size="{SMALL}" {attributes} data-value="{scans}">{count(scans, lang)}</text>'
            )
    return frame(height, title, body, chart_width)
