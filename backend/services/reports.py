"""Funnel figures for an event, as the API, the CLI and the dashboard ask for them.

Viewers (the municipality) get small counts suppressed; organisers get exact counts
(``exports.suppression`` decides what a viewer sees).
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from backend.errors import BatchNotFound, InvalidInput, OutsideRelease
from backend.extensions import db
from backend.services import rules
from backend.services.events import get_event, list_events
from backend.services.pins import get_batch
from exports import report, report_docx, report_pdf
from exports.figures import Comparison, Funnel
from exports.formats import FORMATS, file_name, write
from exports.funnel import compare, funnel, release
from exports.scope import Filters
from exports.suppression import View, comparison_for_viewer, for_viewer
from exports.tables import API_LANGUAGE, DEFAULT_TABLE
from exports.years import Years, years
from qr import docinfo

# Filters outside these years name no fair; near year 1 or 9999 the shift to UTC (and a
# bare until's next day) would leave the calendar, an OverflowError and a 500.
FIRST_YEAR, LAST_YEAR = 2000, 2999
MOMENT_FORMAT = (  # a date, then optionally a time and an offset; no bound is None, not ""
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$"
)
MOMENT_PROBLEM = (
    f"Use a date (2026-02-18) or date-time (2026-02-18T10:00, optionally with an offset), "
    f"in the years {FIRST_YEAR} to {LAST_YEAR}."
)


def parse_moment(text: str | None, zone: ZoneInfo, field: str, end: bool = False):
    """A date or date-time in the event's time zone; a bare ``until`` date includes that day."""
    if text is None:
        return None
    try:
        if not re.fullmatch(MOMENT_FORMAT, text):
            raise ValueError(text)
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time.min, zone)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone)
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise ValueError(text)
    except ValueError:
        raise InvalidInput(fields={field: [MOMENT_PROBLEM]}) from None
    if end and len(text) == 10:
        moment = datetime.combine(moment.date() + timedelta(days=1), time.min, zone)
    return moment


def event_filters(event, channel=None, batch_id=None, since=None, until=None) -> Filters:
    zone = ZoneInfo(event.timezone)
    if batch_id is not None and get_batch(batch_id).event_id != event.id:
        raise BatchNotFound(reason="other_event")
    start = parse_moment(since, zone, "since")
    stop = parse_moment(until, zone, "until", end=True)
    if start and stop and stop <= start:
        raise InvalidInput(fields={"until": ["Must be after since."]})
    return Filters(channel=channel, batch_id=batch_id, since=start, until=stop)


def event_figures(slug: str, exact: bool, **filters) -> Funnel:
    """The funnel of one event; ``exact`` for organisers, else as a viewer may see it."""
    event = get_event(slug)
    chosen = event_filters(event, **filters)
    if exact:
        return funnel(db.session, event, chosen)
    # A viewer's view is one of the release's, decided knowing what every other one shows.
    return for_viewer(release(db.session, event), viewer_view(event, chosen), chosen)


ONE_AT_A_TIME = "A viewer's view has a channel, a batch or a day of the fair: one of them."


def viewer_view(event, chosen: Filters) -> View:
    """Which view of the release a viewer asked for (docs/metrics.md, "Small numbers").

    The edition, a channel, a batch, or one whole day of the fair (``since`` and
    ``until`` that day); any other filter is an organiser's.
    """
    if chosen.since is None and chosen.until is None:
        if chosen.channel is not None and chosen.batch_id is not None:
            raise OutsideRelease(fields={"batch": [ONE_AT_A_TIME]})
        return View(channel=chosen.channel, batch_id=chosen.batch_id)
    if chosen.channel is not None or chosen.batch_id is not None:
        raise OutsideRelease(fields={"since": [ONE_AT_A_TIME]})
    zone = ZoneInfo(event.timezone)
    day = None if chosen.since is None else chosen.since.astimezone(zone).date()
    whole_day = (
        day is not None
        and event.starts_on <= day <= event.ends_on
        and chosen.since == datetime.combine(day, time.min, zone)
        and chosen.until == datetime.combine(day + timedelta(days=1), time.min, zone)
    )
    if not whole_day:
        first, last = event.starts_on.isoformat(), event.ends_on.isoformat()
        raise OutsideRelease(
            fields={
                "since": [
                    f"A viewer's window is one whole day of the fair, {first} to {last}: "
                    "since and until that date."
                ]
            }
        )
    return View(day=day)


@dataclass(frozen=True)
class ExportFile:
    """A funnel file as a download: the name to save it under, its type and its bytes."""

    name: str
    mimetype: str
    body: bytes


def export_file(
    slug: str,
    kind: str,
    exact: bool,
    lang: str = API_LANGUAGE,
    table: str = DEFAULT_TABLE,
    **filters,
) -> ExportFile:
    """The funnel of one event as a file (csv, xlsx, json, zip) with its words in ``lang``.

    The API and the CLI default to English, the dashboard passes its reader's language;
    ``lang`` is checked here for all of them, before any figure is counted.
    """
    lang = rules.export_language(lang)
    figures = event_figures(slug, exact, **filters)
    body = write(figures, kind, lang, table)
    return ExportFile(file_name(slug, kind, lang, table), FORMATS[kind].mimetype, body)


def compare_figures(slugs: list[str], exact: bool) -> Comparison:
    """Headline figures of several editions side by side."""
    if not 1 <= len(slugs) <= 20:
        raise InvalidInput(fields={"events": ["Name 1 to 20 event slugs, comma-separated."]})
    events = [get_event(slug) for slug in slugs]
    comparison = compare(db.session, events)
    if exact:
        return comparison
    return comparison_for_viewer(comparison, {e.slug: release(db.session, e) for e in events})


MAX_EDITIONS = 200  # a fair a year: centuries of editions


def years_figures(exact: bool) -> Years:
    """Every edition beside the 2018 baseline; each point as the edition's funnel shows it.

    Each edition's figures are the dashboard's (``event_figures`` without filters, so a
    viewer's are suppressed the same way); ``exports.years`` puts them side by side.
    """
    events = list_events(1, MAX_EDITIONS).items
    return years([(event_figures(event.slug, exact), event.starts_on) for event in events], exact)


REPORT_FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def report_file(slug: str, kind: str, exact: bool, lang: str = "nl") -> ExportFile:
    """An edition's report for the council, as PDF or DOCX, in ``lang`` (Dutch by default).

    The figures are the dashboard's (``event_figures`` without filters: a viewer's with the
    viewer's suppression), the years those of ``years_figures`` for the same reader.
    """
    lang = rules.export_language(lang)
    if kind not in REPORT_FORMATS:
        raise InvalidInput(fields={"format": ["Use pdf or docx."]})
    event = get_event(slug)
    figures = event_figures(slug, exact)
    together = years_figures(exact)
    stamp = report.Stamp(
        data_as_of=datetime.now(UTC),
        speld_version=docinfo.VERSION,
        request=f"GET /api/v1/events/{slug}/funnel",
    )
    blocks = report.content(figures, together, lang, stamp, (event.starts_on, event.ends_on))
    title = blocks[0].text
    if kind == "pdf":
        body = report_pdf.write(blocks, title, lang, subject=f"Speld {slug}")
    else:
        body = report_docx.write(blocks, title, lang)
    return ExportFile(f"{slug}-report-{lang}.{kind}", REPORT_FORMATS[kind], body)
