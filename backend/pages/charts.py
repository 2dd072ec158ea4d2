"""The dashboard's charts as inline SVG: pure functions from figures to markup.

No JavaScript and no chart library: the pages' CSP refuses scripts, and an SVG
of rects and texts prints sharply and can be read back by a browser test.
Every text is escaped (company names are free text) and every figure sits in a
real ``<text>`` element. A count of ``None`` was suppressed as too small to
publish; it gets a mark, never a bar, and no scale ever divides by zero.
"""

import html
import re
from collections.abc import Callable, Sequence

from markupsafe import Markup

from exports.figures import HourRow, StageRow

WIDTH = 720
BRAND, MUTED, LINE, PALE = "#0b4f8a", "#5a6570", "#d5dbe0", "#9aa5b1"
DASH = "\u2014"

WORDS = {
    "en": {
        "suppressed": "suppressed",
        "empty": "No data yet",
        "no_answers": "no answers yet",
        "ours": "This edition",
        "baseline": "Baseline 2018",
        "days": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        "months": [
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
        ],
    },
    "nl": {
        "suppressed": "verborgen",
        "empty": "Nog geen gegevens",
        "no_answers": "nog geen antwoorden",
        "ours": "Deze editie",
        "baseline": "Nulmeting 2018",
        "days": ("ma", "di", "wo", "do", "vr", "za", "zo"),
        "months": [
            "jan",
            "feb",
            "mrt",
            "apr",
            "mei",
            "jun",
            "jul",
            "aug",
            "sep",
            "okt",
            "nov",
            "dec",
        ],
    },
}

# Characters XML 1.0 does not allow: a name with one in it must not break the page.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value) -> str:
    """``value`` as escaped XML character data, safe in an element and in an attribute."""
    return html.escape(_NOT_XML.sub("", str(value)), quote=True)


def count(value: int | None) -> str:
    """A count with no-break spaces between thousands (the same in Dutch and English)."""
    return DASH if value is None else f"{value:,}".replace(",", "\u00a0")


def percent(share: float | None, lang: str = "en") -> str:
    """A share from 0 to 1 as a percentage with one decimal, Dutch decimal comma in ``nl``."""
    if share is None:
        return DASH
    shown = f"{share * 100:.1f}%"
    return shown.replace(".", ",") if lang == "nl" else shown


def decimal(value: float | None, lang: str = "en") -> str:
    """A probability or other fraction as a plain number with three decimals."""
    if value is None:
        return DASH
    shown = f"{value:.3f}"
    return shown.replace(".", ",") if lang == "nl" else shown


def points(difference: float | None, lang: str = "en") -> str:
    """A difference of shares in percentage points, always signed."""
    if difference is None:
        return DASH
    shown = f"{difference * 100:+.1f}".replace("-", "\u2212")
    return (shown.replace(".", ",") + " procentpunt") if lang == "nl" else shown + " pp"


def _svg(height: int, title: str, body: list[str], width: int = WIDTH) -> Markup:
    return Markup(
        f'<svg class="chart" role="img" aria-label="{text(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" font-family="system-ui, sans-serif" '
        f'font-size="14"><title>{text(title)}</title>{"".join(body)}</svg>'
    )


def _empty(title: str, message: str) -> Markup:
    return _svg(
        48,
        title,
        [
            f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="47" fill="none" stroke="{LINE}"/>',
            f'<text x="{WIDTH / 2}" y="29" text-anchor="middle" fill="{MUTED}" '
            f'data-empty="1">{text(message)}</text>',
        ],
    )


def _short(label: str, limit: int = 30) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"


def _horizontal(rows: list[dict], title: str, words: dict, label_width: int = 200) -> Markup:
    """Bars of ``rows`` (key, label, value, aside), scaled to the largest value."""
    row_height, bar_height, top = 34, 22, 6
    bar_x, bar_room = label_width + 8, WIDTH - label_width - 8 - 150
    largest = max((r["value"] for r in rows if r["value"] is not None), default=0)
    body = []
    for n, row in enumerate(rows):
        y = top + n * row_height
        middle = y + bar_height / 2 + 5
        key = text(row["key"])
        body.append(
            f'<g data-key="{key}"><title>{text(row["label"])}</title>'
            f'<text x="{label_width}" y="{middle}" text-anchor="end">'
            f"{text(_short(row['label']))}</text>"
        )
        value = row["value"]
        if value is None:
            body.append(
                f'<text x="{bar_x}" y="{middle}" fill="{MUTED}" font-style="italic" '
                f'data-figure="value" data-suppressed="1">{text(words["suppressed"])}</text>'
            )
        else:
            length = round(bar_room * value / largest, 1) if largest > 0 else 0
            body.append(
                f'<rect x="{bar_x}" y="{y}" width="{max(length, 1 if value else 0)}" '
                f'height="{bar_height}" fill="{BRAND}"/>'
                f'<text x="{bar_x + length + 6}" y="{middle}" font-weight="600" '
                f'data-figure="value" data-value="{value}">{count(value)}</text>'
            )
        if row.get("aside") is not None:
            body.append(
                f'<text x="{WIDTH - 4}" y="{middle}" text-anchor="end" fill="{MUTED}" '
                f'data-figure="aside">{text(row["aside"])}</text>'
            )
        body.append("</g>")
    return _svg(top * 2 + len(rows) * row_height, title, body)


def funnel_chart(
    stages: Sequence[StageRow], labels: dict | None = None, title: str = "Funnel", lang: str = "en"
) -> Markup:
    """One bar per stage: distinct pins, and on the right the share of issued pins."""
    words = WORDS[lang]
    if not stages:
        return _empty(title, words["empty"])
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
    return _horizontal(rows, title, words)


def bar_chart(
    rows: Sequence[object],
    label_key: str | Callable[[object], str],
    value_key: str,
    title: str,
    aside: Callable[[dict], str | None] | None = None,
    sort: bool = False,
    lang: str = "en",
) -> Markup:
    """Horizontal bars of the rows' attribute ``value_key``; ``sort`` puts the largest first."""
    words = WORDS[lang]
    if not rows:
        return _empty(title, words["empty"])
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
    return _horizontal(bars, title, words, label_width=250)


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


def timeline_chart(
    hourly: Sequence[HourRow], title: str = "Scans per hour", lang: str = "en"
) -> Markup:
    """Scans per hour of the event's local time, as bars, with a separator between days."""
    words = WORDS[lang]
    slots = _slots(hourly)
    if not slots:
        return _empty(title, words["empty"])
    left, top, bottom, height = 44, 30, 186, 212
    room = WIDTH - left - 4
    step = min(48.0, room / len(slots))
    largest = max((s for _, _, s in slots if s is not None), default=0)
    body = [
        f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - 4}" y2="{bottom}" stroke="{MUTED}"/>',
        f'<text x="{left - 6}" y="{bottom + 4}" text-anchor="end" fill="{MUTED}" '
        f'font-size="11">0</text>',
        f'<line x1="{left}" y1="{top}" x2="{WIDTH - 4}" y2="{top}" stroke="{LINE}"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" fill="{MUTED}" '
        f'font-size="11">{count(largest)}</text>',
    ]
    previous_day = None
    for n, (day, hour, scans) in enumerate(slots):
        x = left + n * step
        if day != previous_day:
            if previous_day is not None:
                body.append(
                    f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{bottom + 22}" stroke="{MUTED}" '
                    f'stroke-dasharray="4 3" data-day-separator="1"/>'
                )
            name = f"{words['days'][day.weekday()]} {day.day} {words['months'][day.month - 1]}"
            body.append(
                f'<text x="{x + 4:.1f}" y="16" font-weight="600" data-day="{day.isoformat()}">'
                f"{text(name)}</text>"
            )
            previous_day = day
        centre = x + step / 2
        every = 1 if step >= 16 else 3
        if hour % every == 0:
            body.append(
                f'<text x="{centre:.1f}" y="{bottom + 16}" text-anchor="middle" fill="{MUTED}" '
                f'font-size="11">{hour:02d}</text>'
            )
        attributes = f'data-hour="{day.isoformat()}T{hour:02d}"'
        if scans is None:
            body.append(
                f'<text x="{centre:.1f}" y="{bottom - 4}" text-anchor="middle" fill="{MUTED}" '
                f'font-size="11" {attributes} data-suppressed="1">{DASH}</text>'
            )
            continue
        bar = (bottom - top) * scans / largest if largest > 0 else 0
        body.append(
            f'<rect x="{x + step * 0.12:.1f}" y="{bottom - bar:.1f}" width="{step * 0.76:.1f}" '
            f'height="{bar:.1f}" fill="{BRAND}"><title>{hour:02d}:00 {count(scans)}</title></rect>'
        )
        if step >= 22 and scans:
            body.append(
                f'<text x="{centre:.1f}" y="{bottom - bar - 4:.1f}" text-anchor="middle" '
                f'font-size="11" {attributes} data-value="{scans}">{count(scans)}</text>'
            )
    return _svg(height, title, body)


def baseline_chart(
    named_none_share: float | None,
    baseline: float,
    title: str = "Could name no Twente company",
    lang: str = "en",
    hidden: bool = False,
) -> Markup:
    """Our share that could name no Twente company beside the 2018 baseline, on 0 to 100%.

    ``hidden``: the share is None because the respondents are too few to show, not absent.
    """
    words = WORDS[lang]
    width, left, row_height = 480, 130, 40
    room = width - left - 70
    rows = (("ours", words["ours"], named_none_share), ("baseline", words["baseline"], baseline))
    body = []
    for tick in range(0, 101, 25):
        x = left + room * tick / 100
        body.append(
            f'<line x1="{x}" y1="4" x2="{x}" y2="{4 + 2 * row_height}" stroke="{LINE}"/>'
            f'<text x="{x}" y="{2 * row_height + 22}" text-anchor="middle" fill="{MUTED}" '
            f'font-size="11">{tick}%</text>'
        )
    for n, (key, label, share) in enumerate(rows):
        y = 10 + n * row_height
        middle = y + 16
        body.append(
            f'<g data-key="{key}"><text x="{left - 8}" y="{middle}" text-anchor="end">'
            f"{text(label)}</text>"
        )
        if share is None:
            body.append(
                f'<text x="{left + 6}" y="{middle}" fill="{MUTED}" font-style="italic" '
                f'data-figure="value" data-suppressed="1">{DASH} '
                f"{text(words['suppressed' if hidden and key == 'ours' else 'no_answers'])}</text>"
            )
        else:
            length = room * min(max(share, 0.0), 1.0)
            colour = BRAND if key == "ours" else PALE
            body.append(
                f'<rect x="{left}" y="{y}" width="{length:.1f}" height="22" fill="{colour}"/>'
                f'<text x="{left + length + 6:.1f}" y="{middle}" font-weight="600" '
                f'data-figure="value" data-value="{share}">{percent(share, lang)}</text>'
            )
        body.append("</g>")
    return _svg(2 * row_height + 30, title, body, width)
