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
from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from backend.services.validation import UNSAFE_TEXT
from exports.figures import Funnel
from exports.schemas import FiltersOut, funnel_json
from exports.tables import API_LANGUAGE, DEFAULT_TABLE, TABLES, Words
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
    "pct": Words("percentage", "percentage"),
    "int": Words("aantal", "count"),
    "day": Words("datum", "date"),
    "hour": Words("datum en tijd", "date and time"),
    "text": Words("tekst", "text"),
    "label": Words("tekst", "text"),
}
WORKBOOK = TABLES[DEFAULT_TABLE].file  # the workbook's name: funnel.xlsx, trechter.xlsx
EXPLANATION = Words("Uitleg", "Explanation")
EXPLANATION_HEADERS = (
    Words("blad", "sheet"),
    Words("kolom", "column"),
    Words("inhoud", "holds"),
    Words("uitleg", "explanation"),
)
ABOUT = {
    "title": Words("Over dit bestand", "About"),
    "export": Words("Speld trechter-export", "Speld funnel export"),
    "event": Words("evenement", "event"),
    "event name": Words("naam van het evenement", "event name"),
    "time zone": Words("tijdzone", "time zone"),
    "definitions version": Words("versie van de definities", "definitions version"),
    "generated at (UTC)": Words("gemaakt op (UTC)", "generated at (UTC)"),
    "channel": Words("filter: kanaal", "filter: channel"),
    "batch_id": Words("filter: batch", "filter: batch_id"),
    "since": Words("filter: vanaf", "filter: since"),
    "until": Words("filter: tot", "filter: until"),
    "small numbers": Words("kleine aantallen", "small numbers"),
    "replaced": Words("vervangen tekens", "replaced characters"),
    "explained": Words(
        "Elke kolom staat uitgelegd op het blad Uitleg.",
        "Every column is explained on the sheet Explanation.",
    ),
    "definitions": Words(
        "Definities (docs/metrics.md, in het Engels)", "Definitions (docs/metrics.md)"
    ),
}


def _text(value):
    """A cell as CSV text: dates in ISO 8601, as in the JSON (not str()'s space)."""
    return value.isoformat() if isinstance(value, date) else value


def to_csv(figures: Funnel, table: str = DEFAULT_TABLE, lang: str = API_LANGUAGE) -> bytes:
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


def to_json(figures: Funnel, lang: str = API_LANGUAGE) -> bytes:
    """The funnel as the API's JSON, indented; machine keys in every language."""
    return json.dumps(funnel_json(figures), ensure_ascii=False, indent=2).encode("utf-8")


def _about_rows(figures: Funnel, generated_at: datetime, lang: str) -> list[list]:
    filters = FiltersOut().dump(figures.filters)
    rows = [
        [ABOUT["export"](lang), ""],
        [ABOUT["event"](lang), figures.event],
        [ABOUT["event name"](lang), figures.event_name],
        [ABOUT["time zone"](lang), figures.timezone],
        [ABOUT["definitions version"](lang), figures.definitions_version],
        [ABOUT["generated at (UTC)"](lang), generated_at.strftime("%Y-%m-%d %H:%M:%S")],
        *[
            [ABOUT[key](lang), "" if value is None else str(value)]
            for key, value in filters.items()
        ],
        [ABOUT["small numbers"](lang), _suppression_note(figures, lang)],
        [ABOUT["explained"](lang), ""],
        ["", ""],
        [ABOUT["definitions"](lang), ""],
    ]
    if METRICS_DOC.exists():
        rows += [[line, ""] for line in METRICS_DOC.read_text(encoding="utf-8").splitlines()]
    return rows


def _suppression_note(figures: Funnel, lang: str) -> str:
    threshold, cells = figures.suppressed.threshold, figures.suppressed.cells
    if not threshold:
        return Words("exacte aantallen", "exact counts")(lang)
    if figures.suppressed.too_small:
        return Words(
            f"te weinig studenten in deze weergave om een aantal te tonen (drempel {threshold})",
            f"too few students in this view to show any count (threshold {threshold})",
        )(lang)
    return Words(
        f"aantallen van 1 tot en met {threshold - 1}, en waar nodig andere ernaast zodat geen "
        f"enkele uit de getoonde terug te rekenen of in te perken is, zijn leeg ({cells} cellen)",
        f"counts from 1 to {threshold - 1}, and where needed others beside them so that none "
        f"can be worked out or narrowed down from those shown, are left empty ({cells} cells)",
    )(lang)


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
        return Words(
            f"{listed}: tekens die een werkblad niet kan bevatten, geschreven als U+FFFD "
            f"({REPLACEMENT})",
            f"{listed}: characters a workbook cannot hold, written as U+FFFD ({REPLACEMENT})",
        )(lang)


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
    """Every column of every table sheet: which sheet, its header, what it holds and means."""
    sheet = book.create_sheet(EXPLANATION(lang))
    _header(sheet, [words(lang) for words in EXPLANATION_HEADERS], bold, replaced)
    for spec in TABLES.values():
        for column in spec.columns:
            row = [spec.title(lang), column.header(lang), KINDS[column.kind](lang)]
            _append(sheet, [*row, column.about(lang)], replaced)
    for letter, width in zip("ABCD", (16, 36, 14, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    for (cell,) in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def to_xlsx(
    figures: Funnel, generated_at: datetime | None = None, lang: str = API_LANGUAGE
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
    if replaced:  # said right below the small numbers, before the definitions
        at = next(i for i, row in enumerate(rows) if row[0] == ABOUT["small numbers"](lang))
        rows.insert(at + 1, [ABOUT["replaced"](lang), replaced.note(lang)])
    about = book.create_sheet(ABOUT["title"](lang), 0)
    for row in rows:
        _append(about, row, replaced)
    about["A1"].font = bold
    about.column_dimensions["A"].width = 60
    about.column_dimensions["B"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_zip(
    figures: Funnel, generated_at: datetime | None = None, lang: str = API_LANGUAGE
) -> bytes:
    """Every table as CSV, the workbook, the JSON and the definitions, in one file.

    The CSVs and the workbook are named in ``lang`` (``kanalen.csv``, ``trechter.xlsx``);
    the JSON and the definitions keep their names, like their English contents.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, spec in TABLES.items():
            archive.writestr(f"{spec.file(lang)}.csv", to_csv(figures, name, lang))
        archive.writestr(f"{WORKBOOK(lang)}.xlsx", to_xlsx(figures, generated_at, lang))
        archive.writestr("funnel.json", to_json(figures))
        if METRICS_DOC.exists():
            archive.write(METRICS_DOC, "metrics.md")
    return out.getvalue()


FORMATS = {
    "csv": ("text/csv", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
    "json": ("application/json", to_json),
    "zip": ("application/zip", to_zip),
}


def write(figures: Funnel, kind: str, lang: str = API_LANGUAGE, table: str = DEFAULT_TABLE):
    """The bytes of one format (``table`` for CSV only) in ``lang``."""
    if kind == "csv":
        return to_csv(figures, table, lang)
    if kind == "json":
        return to_json(figures)
    return FORMATS[kind][1](figures, lang=lang)


def file_name(slug: str, kind: str, lang: str = API_LANGUAGE, table: str = DEFAULT_TABLE) -> str:
    """The name a download is saved under: ``bdt-2026-kanalen.csv``, ``bdt-2026-funnel.xlsx``."""
    if kind == "csv":
        return f"{slug}-{TABLES[table].file(lang)}.csv"
    if kind == "zip":
        return f"{slug}-export.zip"
    return f"{slug}-{WORKBOOK(lang) if kind == 'xlsx' else 'funnel'}.{kind}"
