"""A4 label sheets of pins, streamed: one page in memory however many pins are printed."""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any, BinaryIO

from reportlab.pdfbase import pdfmetrics

from qr.codes import display
from qr.errors import RenderOptionError
from qr.options import parse_ecc, parse_float, parse_int, reject_unknown
from qr.pdfwriter import A4, PdfWriter, pdf_text
from qr.render import QrMatrix, matrix, pdf_ops

MM = 72 / 25.4  # points per millimetre
PAGE_MM = (210.0, 297.0)
QUIET = 4  # modules of quiet zone, each side
QR_SHARE = 0.68  # QR plus quiet zone is 17 mm on a 25 mm pin
LIFT = 0.07  # the QR sits this share of the diameter above centre, to leave room for the code
FONT = "Courier-Bold"  # monospaced, so 0/O-like look-alikes line up and read clearly
FONT_PT = 6.0  # on a 25 mm pin; scales with the diameter
CAP_HEIGHT = 0.562  # of Courier-Bold per em, from its AFM (reportlab keeps no cap height)
CUT_GREY = 0.55
_RANGES = {
    "diameter_mm": (15.0, 80.0),
    "margin_mm": (3.0, 40.0),
    "gap_mm": (0.0, 20.0),
    "bleed_mm": (0.0, 10.0),
}


def _fit(space: float, cell: float, gap: float) -> int:
    return max(0, math.floor((space + gap) / (cell + gap) + 1e-9))


@dataclass(frozen=True)
class SheetLayout:
    """Pin size and grid on A4; columns and rows default to as many as fit."""

    diameter_mm: float = 25.0
    columns: int | None = None
    rows: int | None = None
    margin_mm: float = 10.0
    gap_mm: float = 3.0
    bleed_mm: float = 0.0  # extra paper around the face that wraps round the pin's edge
    ecc: str = "M"

    def __post_init__(self) -> None:
        for name, (low, high) in _RANGES.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise RenderOptionError(name, "must be a number")
            if not low <= value <= high:
                raise RenderOptionError(name, f"must be {low:g}..{high:g}")
        parse_ecc(self.ecc)
        for name, fit in (("columns", self.fit[0]), ("rows", self.fit[1])):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise RenderOptionError(name, "must be a whole number from 1")
            if value > fit:
                raise RenderOptionError(name, f"at most {fit} fit on A4 with this layout")

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "SheetLayout":
        """A layout from untrusted input; unknown keys and values out of range raise."""
        reject_unknown(params, {f.name for f in fields(cls)})
        values: dict[str, Any] = {}
        for name in _RANGES:
            if name in params:
                values[name] = parse_float(params[name], name)
        for name in ("columns", "rows"):
            if params.get(name) not in (None, ""):
                values[name] = parse_int(params[name], name)
        if "ecc" in params:
            values["ecc"] = parse_ecc(params["ecc"])
        return cls(**values)

    @property
    def cut_mm(self) -> float:
        return self.diameter_mm + 2 * self.bleed_mm

    @property
    def fit(self) -> tuple[int, int]:
        """How many columns and rows fit inside the margins."""
        width, height = (side - 2 * self.margin_mm for side in PAGE_MM)
        return _fit(width, self.cut_mm, self.gap_mm), _fit(height, self.cut_mm, self.gap_mm)

    @property
    def grid(self) -> tuple[int, int]:
        return self.columns or self.fit[0], self.rows or self.fit[1]

    @property
    def per_page(self) -> int:
        return self.grid[0] * self.grid[1]

    def centres(self) -> list[tuple[float, float]]:
        """Centre of each label on a page in points from the bottom left, row by row."""
        columns, rows = self.grid
        pitch, cut, gap = (self.cut_mm + self.gap_mm) * MM, self.cut_mm * MM, self.gap_mm * MM
        left = (A4[0] - (columns * pitch - gap)) / 2 + cut / 2
        top = (A4[1] + (rows * pitch - gap)) / 2 - cut / 2
        return [(left + c * pitch, top - r * pitch) for r in range(rows) for c in range(columns)]


def module_mm(layout: SheetLayout, version: int) -> float:
    """Printed size of one module for a symbol of this version on this layout."""
    return QR_SHARE * layout.diameter_mm / (4 * version + 17 + 2 * QUIET)


@dataclass(frozen=True)
class SheetInfo:
    """What a sheet run produced; module_mm is the smallest module printed."""

    pages: int
    count: int
    per_page: int
    max_version: int
    module_mm: float


def _circle(cx: float, cy: float, r: float) -> str:
    k = 0.5523 * r  # Bezier control distance for a quarter circle
    return (
        f"{cx + r:.3f} {cy:.3f} m "
        f"{cx + r:.3f} {cy + k:.3f} {cx + k:.3f} {cy + r:.3f} {cx:.3f} {cy + r:.3f} c "
        f"{cx - k:.3f} {cy + r:.3f} {cx - r:.3f} {cy + k:.3f} {cx - r:.3f} {cy:.3f} c "
        f"{cx - r:.3f} {cy - k:.3f} {cx - k:.3f} {cy - r:.3f} {cx:.3f} {cy - r:.3f} c "
        f"{cx + k:.3f} {cy - r:.3f} {cx + r:.3f} {cy - k:.3f} {cx + r:.3f} {cy:.3f} c S\n"
    )


class SheetWriter:
    """Add pins one at a time; a page is written out as soon as it is full."""

    def __init__(self, layout: SheetLayout, out: BinaryIO) -> None:
        self.layout = layout
        self._pdf = PdfWriter(out, {"F1": FONT}, title="Speld pins")
        self._cells: list[str] = []
        self._count = 0
        self._max_version = 0
        d = layout.diameter_mm * MM
        self._font_pt = FONT_PT * layout.diameter_mm / 25
        cap = CAP_HEIGHT * self._font_pt
        # The code sits just below the quiet zone, never inside it.
        self._text_dy = (LIFT - QR_SHARE / 2 - 0.02) * d - cap
        self._centres = layout.centres()

    def add(self, code: str, m: QrMatrix) -> None:
        """Place one pin: cut circle, QR of the already encoded URL, and the code under it."""
        cx, cy = self._centres[len(self._cells)]
        d = self.layout.diameter_mm * MM
        module = module_mm(self.layout, m.version) * MM
        half = m.size * module / 2
        label = display(code)
        width = pdfmetrics.stringWidth(label, FONT, self._font_pt)
        self._cells.append(
            f"{CUT_GREY} G 0.4 w {_circle(cx, cy, d / 2)}"
            f"q {module:.5f} 0 0 {module:.5f} {cx - half:.3f} {cy + LIFT * d - half:.3f} cm\n"
            f"{pdf_ops(m)}Q\n"
            f"BT /F1 {self._font_pt:.2f} Tf {cx - width / 2:.3f} {cy + self._text_dy:.3f} Td "
            f"({pdf_text(label)}) Tj ET\n"
        )
        self._count += 1
        self._max_version = max(self._max_version, m.version)
        if len(self._cells) == len(self._centres):
            self._flush()

    def _flush(self) -> None:
        self._pdf.add_page("0 g\n" + "".join(self._cells))
        self._cells = []

    def close(self) -> SheetInfo:
        """Write the last page and finish the file."""
        if self._cells or not self._pdf.pages:
            self._flush()  # an empty run still gives a valid one-page PDF
        self._pdf.close()
        version = self._max_version
        return SheetInfo(
            pages=self._pdf.pages,
            count=self._count,
            per_page=self.layout.per_page,
            max_version=version,
            module_mm=module_mm(self.layout, version) if version else 0.0,
        )


def render_sheets(
    items: Iterable[tuple[str, str]], layout: SheetLayout, out: BinaryIO
) -> SheetInfo:
    """Label sheets for (code, url) pairs, written to out page by page."""
    writer = SheetWriter(layout, out)
    for code, url in items:
        writer.add(code, matrix(url, layout.ecc))
    return writer.close()
