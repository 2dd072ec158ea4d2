"""The live view of a running fair: ``/console/<slug>/live``, for organisers at the desk or on a phone.

The console's blueprint (and its organisers-only guard); the figures and flags are
``services/live.py``. Pages run no script, so the page reloads itself with a meta
refresh; only once the reader asks for it (``?auto=1``) and with a link to stop, since a
page that reloads unasked is a barrier to some readers (WCAG 2.2.1, axe's meta-refresh).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_time
from flask import request, url_for

from backend.models.types import utcnow
from backend.pages.console import bp, page
from backend.pages.i18n import current_language
from backend.services import events, live

REFRESH_SECONDS = 30
# The chart's drawing: one bar per five minutes, BUCKETS of them side by side.
BAR, GAP, HEIGHT = 10, 2, 40


def _bars(values: list[int]) -> list[dict]:
    """Each bucket's bar (x, y, height) in a viewBox of BUCKETS * BAR by HEIGHT."""
    top = max(values) or 1
    bars = []
    for i, value in enumerate(values):
        height = round(value / top * HEIGHT, 2) if value else 0
        bars.append({"x": i * BAR + GAP / 2, "y": HEIGHT - height, "height": height})
    return bars


def _clock(moment: datetime, zone: ZoneInfo, lang: str, seconds: bool = False) -> str:
    return format_time(moment, "medium" if seconds else "short", tzinfo=zone, locale=lang)


@bp.get("/<slug>/live")
def live_page(slug):
    """Now and the last two hours; every tablet, the Plaza, batches, problems; flags."""
    event = events.get_event(slug)
    view = live.kept_views().view(event, utcnow())
    now = view.now  # the figures' time: the page says it
    lang = current_language()
    zone = ZoneInfo(event.timezone)
    auto = request.args.get("auto") == "1"
    charts = [
        {
            "series": series,
            "total": view.total(series),
            "bars": _bars([bucket.of(series) for bucket in view.buckets]),
        }
        for series in live.SERIES
    ]
    return page(
        "console_live.html",
        event=event,
        view=view,
        charts=charts,
        width=live.BUCKETS * BAR,
        bar_width=BAR - GAP,
        height=HEIGHT,
        rows=[(_clock(b.start, zone, lang), b) for b in reversed(view.buckets)],
        now_text=_clock(now, zone, lang, seconds=True),
        heard={
            (t.stand_id, t.tablet): (
                _clock(t.last_heard_at, zone, lang, seconds=True),
                max(0, int((now - t.last_heard_at).total_seconds() // 60)),
            )
            for t in view.tablets
        },
        error_times={
            (e.door, e.status): _clock(e.last, zone, lang) for e in view.problems.server_errors
        },
        silent_minutes=int(live.SILENT.total_seconds() // 60),
        refresh=REFRESH_SECONDS if auto else None,
        every=REFRESH_SECONDS,
        toggle_url=url_for(".live_page", slug=slug, auto=None if auto else "1", lang=lang),
        series_names=live.SERIES,
    )
