"""The funnel's file formats: CSV (one table), XLSX (a sheet per table), JSON, and a ZIP of all.

Each writer takes the figures (``exports.figures.Funnel``, exact or suppressed)
and a language (``exports.tables.LANGUAGES``) and returns bytes, so the API,
the CLI and the dashboard serve the very same files. The language changes
words only (headers, sheet and file names, the rows a table words itself),
never a figure; the JSON keeps its machine keys in every language.
"""

import csv
import io
import json
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from backend.services.validation import UNSAFE_TEXT
from backend.services.words import N_, N_plural, say
from exports.figures import Funnel
from exports.rows import STAGE_WORDS
from exports.schemas import FiltersOut, funnel_json
from exports.tables import API_LANGUAGE, DEFAULT_TABLE, TABLES
from qr.bundle import neutralise

METRICS_DOC = Path(__file__).resolve().parent.parent / "docs" / "metrics.md"
# Excel's number formats by column kind; Excel shows them in the reader's locale.
NUMBER_FORMATS = {
    "pct": "0.0%",
    "int": "#,##0",
    "day": "yyyy-mm-dd",
    "hour": "yyyy-mm-dd hh:mm",
}
PERCENT = NUMBER_FORMATS["pct"]
KINDS = {  # what the explanation sheet says a column holds
    "pct": N_("percentage"),
    "int": N_("count"),
    "day": N_("date"),
    "hour": N_("date and time"),
    "text": N_("text"),
    "label": N_("text"),
}
WORKBOOK = TABLES[DEFAULT_TABLE].file  # the workbook's name: funnel.xlsx, trechter.xlsx
EXPLANATION = N_("Explanation")
EXPLANATION_HEADERS = (N_("sheet"), N_("column"), N_("holds"), N_("explanation"))
ABOUT = {
    "title": N_("About"),
    "export": N_("Speld funnel export"),
    "event": N_("event"),
    "event name": N_("event name"),
    "time zone": N_("time zone"),
    "definitions version": N_("definitions version"),
    "generated at (UTC)": N_("generated at (UTC)"),
    "channel": N_("filter: channel"),
    "batch_id": N_("filter: batch_id"),
    "since": N_("filter: since"),
    "until": N_("filter: until"),
    "small numbers": N_("small numbers"),
    "replaced": N_("replaced characters"),
    "explained": N_("Every sheet and every column is explained on the sheet %(sheet)s."),
    "method": N_("How the figures are made"),
}
# What the About and Explanation sheets themselves are, on the explanation sheet.
ABOUT_SHEET = N_(
    "What this file is: the event, the filters chosen, how small numbers are treated, and how "
    "the figures are made and what they leave out."
)
EXPLANATION_SHEET = N_("This sheet: what every sheet and every column of this file holds.")
# How the figures are made and what they leave out, for a reader without the definitions:
# each a topic and a plain sentence on the About sheet (docs/metrics.md says it in full).
PINS_ARE = N_(
    "Every figure counts the pins of this event's batches, within the filters above: the "
    "badges with a QR code handed out to students. A stage counts distinct pins, so a student "
    "who does something twice counts once there."
)
STAGES_ARE = N_(
    "Stages are independent: each counts the pins that did that thing, whether or not they "
    "did the stage before. Stand staff can register a pin that was never scanned, so ‘from "
    "the previous stage’ can exceed 100%%; it is a ratio, not a flow."
)
STAGE_ABOUT = {
    "issued": N_("Every active pin of the event; the time filter does not apply."),
    "scanned": N_("A person scanned the pin's QR code."),
    "landed": N_("The pin's landing page was opened by a person."),
    "clicked": N_("The student clicked through to the job portal or to a company's profile."),
    "visited_stand": N_(
        "The pin was registered at a stand during the fair, by the student or by stand staff."
    ),
    "answered_survey": N_("The student answered the survey's questions."),
}
LEFT_OUT = {
    "human_scans": N_(
        "Every scan of an active pin by a person, repeats included: a volume, not a number of pins."
    ),
    "repeat_scans": N_(
        "The same visitor scanned the same pin again shortly after (within the fair's repeat "
        "window): counted in the scans per hour and per day, but the pin counts once."
    ),
    "bot_scans": N_(
        "Not a person: search engines and programs that make a link preview (such as a chat "
        "app). They count in no stage."
    ),
    "test_scans": N_(
        "Scans by signed-in organisers and staff trying pins: tests, counted in no stage. "
        "Stamps and answers from their browsers are tests too and count nowhere."
    ),
    "rehearsal_visits": N_(
        "Stand visits (poster or tablet) outside the fair's days: a rehearsal, counted in no stage."
    ),
    "void_pin_scans": N_(
        "Scans of pins that were made void (lost or misprinted). A void pin counts in no "
        "stage, also for what it did before it was made void."
    ),
    "orphan_scans": N_(
        "Addresses with a code that does not exist (mistyped or guessed); they belong to no "
        "pin or channel."
    ),
    "refused_lookups": N_(
        "Unknown codes refused because one address tried too many codes: a sign of guessing, "
        "never a student refused."
    ),
    "void_pins": N_("Pins with the status void; they count in no stage."),
}
TOPICS = {
    N_("Small numbers"): N_(
        "A file for the municipality leaves small counts empty so that no student can be "
        "recognised, and where needed one more count of the same column, so that no empty "
        "count can be worked out from a total. Organisers get exact counts. The line ‘small "
        "numbers’ above says which this file is."
    ),
    N_("Survey answers"): N_(
        "Question 1 asks how many Twente companies a student could name before the fair. Only "
        "answers given before the student visited a stand or was shown the list of companies "
        "count in the awareness figures; answers given after that are exposed and shown apart, "
        "never mixed in."
    ),
    N_("Who answered"): N_(
        "Students chose whether to answer: respondents are not a random sample of the pins."
    ),
    N_("The 2018 baseline"): N_(
        "The share of students who could name no Twente company in the 2018 study Keeping "
        "Talent in Twente, as set for this event; the difference is this event's share minus "
        "that one."
    ),
    N_("Intervals"): N_(
        "A 95%% interval shows how far a share or difference could be off by chance with this "
        "number of answers. When the interval of the difference includes 0, this event cannot "
        "be told apart from 2018."
    ),
    N_("Follow-up"): N_(
        "Students who answered question 1 again after a visit to the Twente Plaza chose to "
        "answer twice, and had seen the companies by then: a change is theirs, not "
        "necessarily the fair's."
    ),
    N_("Times"): N_(
        "Hours and days are those of the event's time zone; the moment this file was made is "
        "in UTC."
    ),
    N_("Definitions version"): N_(
        "It changes when a definition changes: compare only figures of the same version."
    ),
}


def _text(value):
    """A cell as CSV text: dates in ISO 8601, as in the JSON (not str()'s space)."""
    return value.isoformat() if isinstance(value, date) else value


def to_csv(figures: Funnel, lang: str = API_LANGUAGE, table: str = DEFAULT_TABLE) -> bytes:
    """One table as CSV; cells that a spreadsheet would run as a formula are neutralised.

    In every language a CSV is for programs: comma-separated, decimal points, shares
    from 0 to 1; only the header row is in ``lang``.
    """
    spec = TABLES[table]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(spec.headers(lang))
    for values in spec.values(figures, lang):
        # Only text can run as a formula; a number (a negative share too) stays a number.
        writer.writerow([v if isinstance(v, int | float) else neutralise(_text(v)) for v in values])
    return out.getvalue().encode("utf-8")


def to_json(figures: Funnel, lang: str = API_LANGUAGE, table: str = DEFAULT_TABLE) -> bytes:
    """The funnel as the API's JSON, indented; machine keys in every language, every table."""
    return json.dumps(funnel_json(figures), ensure_ascii=False, indent=2).encode("utf-8")


def _about_rows(figures: Funnel, generated_at: datetime, lang: str) -> list[list]:
    filters = FiltersOut().dump(figures.filters)
    about = {key: say(lang, message) for key, message in ABOUT.items() if key != "explained"}
    about["explained"] = say(lang, ABOUT["explained"], sheet=say(lang, EXPLANATION))
    return [
        [about["export"], ""],
        [about["event"], figures.event],
        [about["event name"], figures.event_name],
        [about["time zone"], figures.timezone],
        [about["definitions version"], figures.definitions_version],
        [about["generated at (UTC)"], generated_at.strftime("%Y-%m-%d %H:%M:%S")],
        *[[about[key], "" if value is None else str(value)] for key, value in filters.items()],
        [about["small numbers"], _suppression_note(figures, lang)],
        [about["explained"], ""],
        ["", ""],
        [about["method"], ""],
        *_method_rows(lang),
    ]


def _method_rows(lang: str) -> list[list[str]]:
    """How the figures are made and what they leave out: a topic and a sentence per row."""
    stage, table = TABLES["funnel"].columns[0], TABLES["excluded"]
    rows = [
        [say(lang, N_("Pins")), say(lang, PINS_ARE)],
        [stage.header(lang), say(lang, STAGES_ARE)],
    ]
    rows += [[say(lang, STAGE_WORDS[key]), say(lang, text)] for key, text in STAGE_ABOUT.items()]
    # Named as on the sheet Excluded, so that each of its rows is explained here.
    rows += [[table.columns[0].names(key, lang), say(lang, text)] for key, text in LEFT_OUT.items()]
    rows += [[say(lang, topic), say(lang, text)] for topic, text in TOPICS.items()]
    return rows


def _suppression_note(figures: Funnel, lang: str) -> str:
    threshold, cells = figures.suppressed.threshold, figures.suppressed.cells
    if not threshold:
        return say(lang, N_("exact counts"))
    if figures.suppressed.too_small:
        return say(
            lang,
            N_("too few students in this view to show any count (threshold %(threshold)s)"),
            threshold=threshold,
        )
    return say(
        lang,
        N_plural(
            "counts from 1 to %(last)s, and where needed one more of the same column so that "
            "none can be worked out from a total, are left empty (%(n)s cell)",
            "counts from 1 to %(last)s, and where needed one more of the same column so that "
            "none can be worked out from a total, are left empty (%(n)s cells)",
        ),
        last=threshold - 1,
        n=cells,
    )


REPLACEMENT = "\ufffd"


class _Replaced(dict):
    """The characters XML cannot hold that a workbook was given, and how often: U+FFFE -> 2."""

    def clean(self, value):
        # Input with these characters is refused (backend.services.validation), but a row
        # stored before that rule must not take the whole workbook down: it is written
        # with U+FFFD in their place, and the About sheet says which were replaced.
        if isinstance(value, str):
            for found in UNSAFE_TEXT.findall(value):
                self[found] = self.get(found, 0) + 1
            return UNSAFE_TEXT.sub(REPLACEMENT, value)
        # Excel has no time zones: an hour is its local wall time (the header says so).
        return value.replace(tzinfo=None) if isinstance(value, datetime) else value

    def note(self, lang: str) -> str:
        """What was replaced, e.g. "2 × U+0006, 1 × U+FFFE: characters a workbook ..."."""
        listed = ", ".join(f"{n} × U+{ord(c):04X}" for c, n in sorted(self.items()))
        return say(
            lang,
            N_("%(listed)s: characters a workbook cannot hold, written as U+FFFD (%(mark)s)"),
            listed=listed,
            mark=REPLACEMENT,
        )


def _append(sheet, values: list, replaced: _Replaced) -> None:
    """Append a row whose text stays text: openpyxl would store "=..." as a formula."""
    sheet.append([replaced.clean(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


def _header(sheet, headers: list[str], bold: Font, replaced: _Replaced) -> None:
    _append(sheet, headers, replaced)
    for cell in sheet[1]:
        cell.font = bold
    sheet.freeze_panes = "A2"


def _table_sheet(
    book: Workbook, spec, figures: Funnel, lang: str, bold: Font, replaced: _Replaced
) -> None:
    """One table: a header row, a number format per column, widths that fit."""
    sheet = book.create_sheet(spec.title(lang))
    headers = spec.headers(lang)
    _header(sheet, headers, bold, replaced)
    widths = [len(header) for header in headers]
    for values in spec.values(figures, lang):
        _append(sheet, values, replaced)
        for index, value in enumerate(values):
            widths[index] = max(widths[index], len(str(value)) if value is not None else 0)
    for index, column in enumerate(spec.columns):
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = min(60, widths[index] + 2)
        number_format = NUMBER_FORMATS.get(column.kind)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                cell.number_format = number_format


def _explanation_sheet(book: Workbook, lang: str, bold: Font, replaced: _Replaced) -> None:
    """Every sheet, and every column of every table sheet: its header, what it holds and means."""
    sheet = book.create_sheet(say(lang, EXPLANATION))
    _header(sheet, [say(lang, words) for words in EXPLANATION_HEADERS], bold, replaced)
    _append(sheet, [say(lang, ABOUT["title"]), "", "", say(lang, ABOUT_SHEET)], replaced)
    for spec in TABLES.values():
        _append(sheet, [spec.title(lang), "", "", spec.about(lang)], replaced)
        for column in spec.columns:
            row = [spec.title(lang), column.header(lang), say(lang, KINDS[column.kind])]
            _append(sheet, [*row, column.about(lang)], replaced)
    _append(sheet, [say(lang, EXPLANATION), "", "", say(lang, EXPLANATION_SHEET)], replaced)
    for letter, width in zip("ABCD", (16, 36, 14, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    for (cell,) in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def to_xlsx(
    figures: Funnel,
    lang: str = API_LANGUAGE,
    table: str = DEFAULT_TABLE,
    *,
    generated_at: datetime | None = None,
) -> bytes:
    """A workbook: About, a sheet per table (number formats, frozen header), an explanation."""
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    replaced = _Replaced()
    for spec in TABLES.values():
        _table_sheet(book, spec, figures, lang, bold, replaced)
    _explanation_sheet(book, lang, bold, replaced)
    rows = _about_rows(figures, generated_at or datetime.now(UTC), lang)
    rows = [[replaced.clean(value) for value in row] for row in rows]  # the event's name too
    small_numbers, method = say(lang, ABOUT["small numbers"]), say(lang, ABOUT["method"])
    if replaced:  # said right below the small numbers, before how the figures are made
        at = next(i for i, row in enumerate(rows) if row[0] == small_numbers)
        rows.insert(at + 1, [say(lang, ABOUT["replaced"]), replaced.note(lang)])
    about = book.create_sheet(say(lang, ABOUT["title"]), 0)
    for row in rows:
        _append(about, row, replaced)
    about["A1"].font = bold
    for (cell,) in about.iter_rows(min_col=1, max_col=1):
        if cell.value == method:
            cell.font = bold
    for (cell,) in about.iter_rows(min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    about.column_dimensions["A"].width = 40
    about.column_dimensions["B"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_zip(
    figures: Funnel,
    lang: str = API_LANGUAGE,
    table: str = DEFAULT_TABLE,
    *,
    generated_at: datetime | None = None,
) -> bytes:
    """Every table as CSV, the workbook, the JSON and the definitions, in one file.

    The CSVs and the workbook are named in ``lang`` (``kanalen.csv``, ``trechter.xlsx``);
    the JSON and the definitions keep their names, like their English contents.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, spec in TABLES.items():
            archive.writestr(f"{spec.file(lang)}.csv", to_csv(figures, lang, name))
        archive.writestr(
            f"{WORKBOOK(lang)}.xlsx", to_xlsx(figures, lang, generated_at=generated_at)
        )
        archive.writestr("funnel.json", to_json(figures))
        if METRICS_DOC.exists():
            archive.write(METRICS_DOC, "metrics.md")
    return out.getvalue()


class Format(NamedTuple):
    """A file format: its media type and its writer.

    Every writer takes ``(figures, lang, table)`` and returns bytes; a format that
    holds every table (the workbook, the JSON, the ZIP) does not need ``table``,
    and the JSON keeps its machine keys in every ``lang``.
    """

    mimetype: str
    write: Callable[[Funnel, str, str], bytes]


FORMATS = {
    "csv": Format("text/csv", to_csv),
    "xlsx": Format("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
    "json": Format("application/json", to_json),
    "zip": Format("application/zip", to_zip),
}


def write(figures: Funnel, kind: str, lang: str = API_LANGUAGE, table: str = DEFAULT_TABLE):
    """The bytes of one format (``table`` for CSV only) in ``lang``."""
    return FORMATS[kind].write(figures, lang, table)


def file_name(slug: str, kind: str, lang: str = API_LANGUAGE, table: str = DEFAULT_TABLE) -> str:
    """The name a download is saved under: ``bdt-2026-kanalen.csv``, ``bdt-2026-funnel.xlsx``."""
    if kind == "csv":
        return f"{slug}-{TABLES[table].file(lang)}.csv"
    if kind == "zip":
        return f"{slug}-export.zip"
    return f"{slug}-{WORKBOOK(lang) if kind == 'xlsx' else 'funnel'}.{kind}"
