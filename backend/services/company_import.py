"""Import companies (and their stands at one edition) from the spreadsheet organisers keep.

Two steps, both plain functions: ``preview`` says for each row whether it is
new, changed, unchanged or refused (and why); ``apply_import`` re-checks the
same rows and applies them in one transaction, or refuses all of them while
any row is refused. Importing the same file twice changes nothing.
"""

import codecs
import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from sqlalchemy import select

from backend.errors import InvalidInput
from backend.extensions import db
from backend.models import Company, Stand
from backend.models.types import TWENTE_PLAZA
from backend.services import audit, rules
from backend.services.commit import commit_or_conflict
from backend.services.events import COMPANY_FIELDS, get_event
from qr.codes import mint_stand_code

MAX_ROWS = 1000  # the biggest fair has 170 companies; a million-row sheet is refused early
COLUMNS = ("name", "is_twente", "portal_url", "stand", "zone")
# Headers as organisers write them, in Dutch or English.
HEADERS = {
    "name": "name",
    "naam": "name",
    "company": "name",
    "bedrijf": "name",
    "twente": "is_twente",
    "is_twente": "is_twente",
    "twents": "is_twente",
    "portal_url": "portal_url",
    "portal": "portal_url",
    "url": "portal_url",
    "website": "portal_url",
    "stand": "stand",
    "stand_label": "stand",
    "label": "stand",
    "zone": "zone",
}
YES = {"yes", "ja", "y", "j", "true", "1", "x", "waar"}
NO = {"no", "nee", "n", "false", "0", "", "onwaar"}


class ImportRefused(InvalidInput):
    code, message = "import_refused", "The file cannot be imported."


@dataclass(frozen=True)
class Reason:
    """Why a row is refused, in no language: the column, the rule it breaks, what a sentence needs.

    ``rule`` is ``invalid`` (the value breaks the column's rule, the one the forms and the
    API apply), ``needs_stand`` (a zone without a stand label), ``duplicate`` (the same
    name or label is also on ``line``) or ``taken`` (``stand`` is the stand of ``company``).
    Every door says it in its reader's language (``backend/pages/refusals.py``).
    """

    field: str
    rule: str
    line: int | None = None
    stand: str | None = None
    company: str | None = None

    @property
    def code(self) -> str:
        """The stable code a client reads, e.g. ``portal_url.invalid``."""
        return f"{self.field}.{self.rule}"


@dataclass
class Row:
    """One line of the file, as read and as checked."""

    line: int
    values: dict
    status: str = ""  # new | changed | unchanged | refused
    reasons: list[Reason] = field(default_factory=list)
    changes: dict = field(default_factory=dict)


def read_table(filename: str, data: bytes) -> list[dict]:
    """The file's rows as dicts of the known columns (text values), or ``ImportRefused``."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        raw = _read_xlsx(data)
    elif name.endswith(".csv"):
        raw = _read_csv(data)
    else:
        raise ImportRefused(reason="not_a_table")
    if not raw:
        raise ImportRefused(reason="empty")
    header, *lines = raw
    columns = [HEADERS.get(str(h or "").strip().lower().replace(" ", "_")) for h in header]
    if "name" not in columns:
        raise ImportRefused(reason="no_name_column")
    if len(lines) > MAX_ROWS:
        raise ImportRefused(reason="too_many_rows", values={"rows": MAX_ROWS})
    rows = []
    for cells in lines:
        values = {c: "" for c in COLUMNS}
        for column, cell in zip(columns, cells, strict=False):
            if column:
                values[column] = "" if cell is None else str(cell).strip()
        if any(values.values()):
            rows.append(values)
    return rows


def _read_csv(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(reason="not_utf8") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = []
    for cells in csv.reader(io.StringIO(text), delimiter=delimiter):
        rows.append(cells)
        if len(rows) > MAX_ROWS + 1:
            break
    return rows


# An XLSX is a ZIP: a file under the upload limit can unpack to gigabytes, and openpyxl
# reads the shared strings whole. 170 companies unpack to about 40 KB.
MAX_UNPACKED = 20 * 1024 * 1024
# What a broken or hostile file raises inside openpyxl: not a ZIP or a part missing,
# malformed XML (expat's and lxml's errors are SyntaxErrors: a mismatched tag, ``&#x1;``),
# values of the wrong kind. Each is the file's fault, so each is a refusal, not a 500.
_BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, IndexError)
_BROKEN += (ValueError, TypeError, AttributeError, SyntaxError, StopIteration)
_ROW = re.compile(rb"<(?:\w+:)?row[\s/>]")  # a row element, with or without a prefix
_DOCTYPE = b"<!DOCTYPE"


def _read_xlsx(data: bytes) -> list[list]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(item.file_size for item in archive.infolist())
    except _BROKEN:
        raise ImportRefused(reason="unreadable") from None
    if unpacked > MAX_UNPACKED:
        raise ImportRefused(reason="too_large")
    try:
        _check_parts(data, archive)
        return _sheet_rows(data)
    except _BROKEN:
        raise ImportRefused(reason="unreadable") from None


def _check_parts(data: bytes, archive: zipfile.ZipFile) -> None:
    """Refuse what the parts say before openpyxl parses them: a DTD, too many rows.

    No spreadsheet program writes a DTD; its entities are how XML is made to grow or
    to fetch other files. The first sheet's rows are counted on its bytes, because
    openpyxl reads the shared strings whole and, without a ``<dimension>``, the whole
    sheet before the first row: a 100,000-row file cost seconds before its refusal.
    """
    for item in archive.infolist():
        part = archive.read(item)
        if part[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            part = part.decode("utf-16").encode()
        if _DOCTYPE in part:
            raise ImportRefused(reason="unreadable")
    rows = len(_ROW.findall(archive.read(_first_sheet(data))))
    if rows > MAX_ROWS + 1:
        raise ImportRefused(reason="too_many_rows", values={"rows": MAX_ROWS})


def _first_sheet(data: bytes) -> str:
    """The part name of the worksheet openpyxl reads first (``xl/worksheets/sheet1.xml``)."""
    from openpyxl.reader.excel import ExcelReader

    reader = ExcelReader(io.BytesIO(data), read_only=True)
    reader.read_manifest()
    reader.read_workbook()  # the workbook's own part: a sheet list, small
    names = set(reader.valid_files)
    return next(
        rel.target
        for _, rel in reader.parser.find_sheets()
        if rel.target in names and "chartsheet" not in rel.Type
    )


def _sheet_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = book.worksheets[0]
        rows = []
        for cells in sheet.iter_rows(values_only=True):
            # Checked as the cell will be stored: stripped, so " =1+1" is a formula too.
            if any(isinstance(c, str) and c.strip().startswith("=") for c in cells):
                raise ImportRefused(reason="formula", values={"row": len(rows) + 1})
            rows.append(list(cells))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        book.close()


def _check(values: dict) -> tuple[dict, list[Reason]]:
    """The row's values as stored, and the reasons it is refused (empty if none)."""
    clean, reasons = {}, []
    checks = {
        "name": rules.name,
        "portal_url": rules.optional_url,
        "stand": lambda v: rules.stand_label(v, "stand") if v else None,
        "zone": lambda v: rules.zone(v) if v else None,
    }
    for column, check in checks.items():
        try:
            clean[column] = check(values.get(column, ""))
        except InvalidInput:
            reasons.append(Reason(column, "invalid"))
    twente = str(values.get("is_twente", "")).strip().lower()
    if twente in YES or twente in NO:
        clean["is_twente"] = twente in YES
    else:
        reasons.append(Reason("is_twente", "invalid"))
    if clean.get("zone") and not values.get("stand"):
        reasons.append(Reason("zone", "needs_stand"))
    # Only an empty zone cell means the Plaza; a refused one is never replaced by a guess.
    if clean.get("stand") and "zone" in clean and clean["zone"] is None:
        clean["zone"] = TWENTE_PLAZA
    return clean, reasons


def preview(event_slug: str, rows: list[dict]) -> list[Row]:
    """What applying ``rows`` to the edition would do, row by row; nothing is written."""
    event = get_event(event_slug)
    companies = {c.name.lower(): c for c in db.session.scalars(select(Company))}
    stands = db.session.scalars(select(Stand).where(Stand.event_id == event.id)).all()
    by_company = {s.company_id: s for s in stands}
    by_label = {s.label.lower(): s for s in stands}
    seen_names, seen_labels, result = {}, {}, []
    for line, values in enumerate(rows, start=2):
        row = Row(line, dict(values))
        clean, row.reasons = _check(values)
        key = (clean.get("name") or "").lower()
        if key and key in seen_names:
            row.reasons.append(Reason("name", "duplicate", line=seen_names[key]))
        seen_names.setdefault(key, line)
        label = (clean.get("stand") or "").lower()
        if label and label in seen_labels:
            row.reasons.append(Reason("stand", "duplicate", line=seen_labels[label]))
        if label:
            seen_labels.setdefault(label, line)
        company = companies.get(key)
        holder = by_label.get(label)
        if label and holder and (company is None or holder.company_id != company.id):
            taken = Reason("stand", "taken", stand=holder.label, company=holder.company.name)
            row.reasons.append(taken)
        if row.reasons:
            row.status = "refused"
        elif company is None:
            row.status, row.changes = "new", {k: v for k, v in clean.items() if v is not None}
        else:
            row.changes = _differences(company, by_company.get(company.id), clean)
            row.status = "changed" if row.changes else "unchanged"
        if row.status != "refused":
            # What will be stored (a zone by its slug); a refused row stays as the file said
            # it, so its correction boxes hold the organiser's own text.
            row.values = {**row.values, **{k: v for k, v in clean.items() if k != "is_twente"}}
        result.append(row)
    return result


def _differences(company: Company, stand: Stand | None, clean: dict) -> dict:
    changed = {}
    for column in ("is_twente", "portal_url"):
        if getattr(company, column) != clean[column]:
            changed[column] = clean[column]
    if clean["stand"] and (
        stand is None or (stand.label, stand.zone) != (clean["stand"], clean["zone"])
    ):
        changed["stand"], changed["zone"] = clean["stand"], clean["zone"]
    return changed


@dataclass(frozen=True)
class ImportResult:
    created: int
    changed: int
    unchanged: int


def apply_import(event_slug: str, rows: list[dict]) -> ImportResult:
    """Apply every row in one transaction; while any row is refused, apply none."""
    checked = preview(event_slug, rows)
    refused = [row for row in checked if row.status == "refused"]
    if refused:
        raise ImportRefused(
            reason="rows_refused",
            fields={str(row.line): [r.code for r in row.reasons] for row in refused},
        )
    event = get_event(event_slug)
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    # Everything the rows touch is loaded once and written in one flush: per-row
    # queries cost about 7 ms a row on SQLite (autoflush before each lookup).
    companies = {c.name.lower(): c for c in db.session.scalars(select(Company))}
    stands = {
        s.company_id: s for s in db.session.scalars(select(Stand).where(Stand.event_id == event.id))
    }
    placed = []
    with db.session.no_autoflush:
        for row in checked:
            counts[row.status] += 1
            if row.status != "unchanged":
                clean, _ = _check(row.values)
                company = _apply_company(companies, clean)
                placed.append((company, clean))
        db.session.flush()  # new companies get their ids
        for company, clean in placed:
            if clean["stand"]:
                _apply_stand(event, stands.get(company.id), company, clean)
    commit_or_conflict("import_overtaken")
    return ImportResult(counts["new"], counts["changed"], counts["unchanged"])


def _apply_company(companies: dict, clean: dict) -> Company:
    company = companies.get(clean["name"].lower())
    if company is None:
        company = Company(
            name=clean["name"], is_twente=clean["is_twente"], portal_url=clean["portal_url"]
        )
        db.session.add(company)
        after = audit.snapshot(company, COMPANY_FIELDS)
        audit.record("company.import", f"company {company.name}", None, after)
        return company
    before = audit.snapshot(company, COMPANY_FIELDS)
    company.is_twente, company.portal_url = clean["is_twente"], clean["portal_url"]
    old, new = audit.changes(before, audit.snapshot(company, COMPANY_FIELDS))
    if new:
        audit.record("company.import", f"company #{company.id} {company.name}", old, new)
    return company


def _apply_stand(event, stand: Stand | None, company: Company, clean: dict) -> None:
    target = f"stand {event.slug} {clean['stand']}"
    after = {"label": clean["stand"], "zone": clean["zone"]}
    if stand is None:
        code = mint_stand_code()
        db.session.add(Stand(event=event, company=company, code=code, **_stand_fields(clean)))
        audit.record("stand.import", target, None, {"company": company.name, **after})
    elif (stand.label, stand.zone) != (clean["stand"], clean["zone"]):
        before = {"label": stand.label, "zone": stand.zone}
        stand.label, stand.zone = clean["stand"], clean["zone"]
        audit.record("stand.import", target, before, after)


def _stand_fields(clean: dict) -> dict:
    return {"label": clean["stand"], "zone": clean["zone"]}
