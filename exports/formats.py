"""The funnel's file formats: CSV (one table), XLSX (a sheet per table), JSON, and a ZIP of all.

Each writer takes the figures (``exports.figures.Funnel``, exact or suppressed)
and returns bytes, so the API and the CLI serve the very same files.
"""

import csv
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from exports.figures import Funnel
from exports.schemas import FiltersOut, funnel_json
from exports.tables import DEFAULT_TABLE, TABLES
from qr.bundle import neutralise

METRICS_DOC = Path(__file__).resolve().parent.parent / "docs" / "metrics.md"
PERCENT = "0.0%"


def to_csv(figures: Funnel, table: str = DEFAULT_TABLE) -> bytes:
    """One table as CSV; cells that a spreadsheet would run as a formula are neutralised."""
    spec = TABLES[table]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(spec.headers)
    for values in spec.values(figures):
        # Only text can run as a formula; a number (a negative share too) stays a number.
        writer.writerow([v if isinstance(v, int | float) else neutralise(v) for v in values])
    return out.getvalue().encode("utf-8")


def to_json(figures: Funnel) -> bytes:
    """The funnel as the API's JSON, indented."""
    return json.dumps(funnel_json(figures), ensure_ascii=False, indent=2).encode("utf-8")


def _about_rows(figures: Funnel, generated_at: datetime) -> list[list]:
    filters = FiltersOut().dump(figures.filters)
    rows = [
        ["Speld funnel export", ""],
        ["event", figures.event],
        ["event name", figures.event_name],
        ["time zone", figures.timezone],
        ["definitions version", figures.definitions_version],
        ["generated at (UTC)", generated_at.strftime("%Y-%m-%d %H:%M:%S")],
        *[
            [f"filter: {key}", "" if value is None else str(value)]
            for key, value in filters.items()
        ],
        ["small numbers", _suppression_note(figures)],
        ["", ""],
        ["Definitions (docs/metrics.md)", ""],
    ]
    if METRICS_DOC.exists():
        rows += [[line, ""] for line in METRICS_DOC.read_text(encoding="utf-8").splitlines()]
    return rows


def _suppression_note(figures: Funnel) -> str:
    threshold, cells = figures.suppressed.threshold, figures.suppressed.cells
    if not threshold:
        return "exact counts"
    if figures.suppressed.too_small:
        return f"too few students in this view to show any count (threshold {threshold})"
    return (
        f"counts from 1 to {threshold - 1}, and where needed one more of the same column so "
        f"that none can be worked out from a total, are left empty ({cells} cells)"
    )


def _cell(value):
    # Input is refused with control characters (backend.services.validation), but a row
    # stored before that rule must not take the whole workbook down: XML cannot hold them.
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def _append(sheet, values: list) -> None:
    """Append a row whose text stays text: openpyxl would store "=..." as a formula."""
    sheet.append([_cell(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


def to_xlsx(figures: Funnel, generated_at: datetime | None = None) -> bytes:
    """A workbook: a sheet per table (header row, frozen panes, percentages) and an About sheet."""
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for spec in TABLES.values():
        sheet = book.create_sheet(spec.title)
        _append(sheet, spec.headers)
        for cell in sheet[1]:
            cell.font = bold
        widths = [len(header) for header in spec.headers]
        for values in spec.values(figures):
            _append(sheet, values)
            for index, value in enumerate(values):
                widths[index] = max(widths[index], len(str(value)) if value is not None else 0)
        for index, (_, _, kind) in enumerate(spec.columns):
            letter = get_column_letter(index + 1)
            sheet.column_dimensions[letter].width = min(60, widths[index] + 2)
            if kind == "pct":
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                    cell.number_format = PERCENT
        sheet.freeze_panes = "A2"
    about = book.create_sheet("About", 0)
    for row in _about_rows(figures, generated_at or datetime.now(UTC)):
        _append(about, row)
    about["A1"].font = bold
    about.column_dimensions["A"].width = 60
    about.column_dimensions["B"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_zip(figures: Funnel, generated_at: datetime | None = None) -> bytes:
    """Every table as CSV, the workbook, the JSON and the definitions, in one file."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in TABLES:
            archive.writestr(f"{name}.csv", to_csv(figures, name))
        archive.writestr("funnel.xlsx", to_xlsx(figures, generated_at))
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
