"""A4 label sheets of pins, streamed: one page in memory however many pins are printed.

What a print shop's preflight looks for is on every page: fonts embedded (subset), QR
modules and text in 100% black (K) only, the paper circle as a visible CutContour
spot-colour stroke set to overprint (or a printed hairline for hand cutting),
crop marks and a slug line outside the cut area.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from qr.branding import Branding
from qr.codes import display
from qr.docinfo import DocInfo, joined
from qr.fonts import MONO_BOLD, SubsetFont
from qr.layout import MM, SheetLayout
from qr.pdfwriter import PdfWriter
from qr.render import QrMatrix, matrix, pdf_ops

QUIET = 4  # modules of quiet zone, each side
# QR plus quiet zone is 16.6 mm on a 25 mm pin, its centre lifted 0.5 mm to leave room for the
# code below it. The whole square, quiet zone included, lies on the face: its top corners 0.4 mm
# inside the face's edge, the code's lower corners 0.36 mm (tests/qr/test_face.py checks both).
QR_SHARE = 0.664
LIFT = 0.02  # share of the diameter the QR's centre sits above the pin's centre
FONT_PT = 6.0  # on a 25 mm pin; scales with the diameter
K = "0 0 0 1"  # 100% black, no rich black: four inks on a 0.5 mm module would smear
HAIRLINE_PT = 0.25
MARK_MM, MARK_OFFSET_MM = 5.0, 2.0  # crop mark length, and its distance from the cut area
SLUG_PT = (6.0, 4.0)  # largest and smallest size of the slug line
SLUG_TOLERANCE_PT = 1e-6  # far below anything printed, far above a float's rounding


def module_mm(layout: SheetLayout, version: int) -> float:
    """Printed size of one module for a symbol of this version on this layout."""
    return QR_SHARE * layout.diameter_mm / (4 * version + 17 + 2 * QUIET)


def quiet_zone_box(layout: SheetLayout, cx: float, cy: float) -> tuple[float, float, float, float]:
    """The QR with its quiet zone on the pin centred at (cx, cy): left, bottom, right, top in pt."""
    d = layout.diameter_mm * MM
    half = QR_SHARE * d / 2
    return cx - half, cy + LIFT * d - half, cx + half, cy + LIFT * d + half


@dataclass(frozen=True)
class Slug:
    """What the slug line says about the run: batch, channel, pin count (for "3 / 34"), date;
    and the edition, which the file's document information names with the batch; created is
    the run's moment (DocInfo.created)."""

    batch: str = ""
    channel: str = ""
    total: int | None = None
    date: str = ""
    edition: str = ""
    created: float | None = None

    def info(self, layout: SheetLayout) -> DocInfo:
        """The sheets' title and subject: edition, batch, channel, machine."""
        return DocInfo(
            title=joined("Speld pins", self.edition, self.batch),
            subject=joined(
                "Pin sheets",
                self.edition,
                self.batch and f"batch {self.batch}",
                self.channel and f"channel {self.channel}",
                layout.machine,
                f"cut: {layout.cut}",
            ),
            created=self.created,
        )


@dataclass(frozen=True)
class SheetInfo:
    """What a sheet run produced; module_mm is the smallest module printed."""

    pages: int
    count: int
    per_page: int
    max_version: int
    module_mm: float


def circle(cx: float, cy: float, r: float) -> str:
    """A closed circle path (four Bezier quarters), not yet painted."""
    k = 0.5523 * r  # Bezier control distance for a quarter circle
    return (
        f"{cx + r:.3f} {cy:.3f} m "
        f"{cx + r:.3f} {cy + k:.3f} {cx + k:.3f} {cy + r:.3f} {cx:.3f} {cy + r:.3f} c "
        f"{cx - k:.3f} {cy + r:.3f} {cx - r:.3f} {cy + k:.3f} {cx - r:.3f} {cy:.3f} c "
        f"{cx - r:.3f} {cy - k:.3f} {cx - k:.3f} {cy - r:.3f} {cx:.3f} {cy - r:.3f} c "
        f"{cx + k:.3f} {cy - r:.3f} {cx + r:.3f} {cy - k:.3f} {cx + r:.3f} {cy:.3f} c h\n"
    )


def crop_marks(box: tuple[float, float, float, float]) -> str:
    """Corner marks just outside the grid, stroked in K."""
    left, bottom, right, top = box
    gap, length = MARK_OFFSET_MM * MM, MARK_MM * MM
    ops = []
    for x, y, sx, sy in (
        (left, bottom, -1, -1),
        (right, bottom, 1, -1),
        (left, top, -1, 1),
        (right, top, 1, 1),
    ):
        ops.append(f"{x:.3f} {y + sy * gap:.3f} m {x:.3f} {y + sy * (gap + length):.3f} l ")
        ops.append(f"{x + sx * gap:.3f} {y:.3f} m {x + sx * (gap + length):.3f} {y:.3f} l\n")
    return f"q {K} K {HAIRLINE_PT} w " + "".join(ops) + "S Q\n"


def fit_slug(text: str, font: SubsetFont, room: float) -> tuple[str, float]:
    """The slug line and its size in points: the whole line as large as fits in room (up to
    SLUG_PT[0]); at the smallest size, shortened with an ellipsis only if it still does not fit.

    The size is room / width, so the line is exactly as wide as the room but for the last
    bits of a float: measured again it can come out 1e-13 pt too wide, which must not cut it.
    """
    pt = max(SLUG_PT[1], min(SLUG_PT[0], SLUG_PT[0] * room / font.width(text, SLUG_PT[0])))
    while len(text) > 1 and font.width(text, pt) > room + SLUG_TOLERANCE_PT:
        text = text[:-2] + "…"
    return text, pt


class SheetWriter:
    """Add pins one at a time; a page is written out as soon as it is full."""

    def __init__(
        self,
        layout: SheetLayout,
        out: BinaryIO,
        branding: Branding | None = None,
        slug: Slug | None = None,
    ) -> None:
        self.layout = layout
        self.branding = branding or Branding()
        self.slug = slug or Slug()
        self._font = SubsetFont(MONO_BOLD)
        logo = self.branding.logo
        self._pdf = PdfWriter(
            out,
            {"F1": self._font},
            self.slug.info(layout),
            cut_colour=layout.cut == "contour",
            images={"Logo": logo.pdf_image()} if logo else {},
        )
        self._cells: list[str] = []
        self._codes: list[str] = []
        self._count = 0
        self._max_version = 0
        d = layout.diameter_mm * MM
        self._font_pt = FONT_PT * layout.diameter_mm / 25
        cap = self._font.face.capHeight / 1000 * self._font_pt
        # The code sits just below the quiet zone, never inside it.
        self._text_dy = (LIFT - QR_SHARE / 2 - 0.02) * d - cap
        self._centres = layout.centres()
        self._pages_total = (
            math.ceil(self.slug.total / layout.per_page) if self.slug.total else None
        )

    def add(self, code: str, m: QrMatrix) -> None:
        """Place one pin: background, QR of the already encoded URL, the code under it."""
        cx, cy = self._centres[len(self._cells)]
        module = module_mm(self.layout, m.version) * MM
        left, bottom, _, _ = quiet_zone_box(self.layout, cx, cy)
        x, y = left + QUIET * module, bottom + QUIET * module
        label = display(code)
        width = self._font.width(label, self._font_pt)
        self._cells.append(
            f"{self._backdrop(cx, cy)}"
            f"q {module:.5f} 0 0 {module:.5f} {x:.3f} {y:.3f} cm\n"
            f"{pdf_ops(m)}Q\n"
            f"BT /F1 {self._font_pt:.2f} Tf {cx - width / 2:.3f} {cy + self._text_dy:.3f} Td "
            f"{self._font.show(label)} Tj ET\n"
        )
        self._codes.append(code)
        self._count += 1
        self._max_version = max(self._max_version, m.version)
        if len(self._cells) == len(self._centres):
            self._flush()

    def _backdrop(self, cx: float, cy: float) -> str:
        """The edition's background over the whole paper circle, and its logo in the wrap."""
        ops = ""
        if self.branding.background:
            # Out to the cut line: the wrap is bleed, a white rim would show on the edge.
            ops += f"q {self.branding.fill()}{circle(cx, cy, self.layout.cut_mm * MM / 2)}f Q\n"
        if self.branding.logo:
            face, cut = self.layout.diameter_mm * MM / 2, self.layout.cut_mm * MM / 2
            height = 0.6 * (cut - face)
            width = min(height * self.branding.logo.aspect, face * 0.6)
            height = width / self.branding.logo.aspect
            y = cy - (face + cut) / 2 - height / 2
            ops += f"q {width:.3f} 0 0 {height:.3f} {cx - width / 2:.3f} {y:.3f} cm /Logo Do Q\n"
        return ops

    def _cut_paths(self) -> str:
        r = self.layout.cut_mm * MM / 2
        paths = "".join(circle(x, y, r) for x, y in self._centres[: len(self._cells)])
        if self.layout.cut == "hairline":
            return f"q {K} K {HAIRLINE_PT} w\n{paths}S Q\n"
        # A visible CutContour stroke set to overprint, as print-and-cut RIPs (VersaWorks,
        # FineCut, GoProduce) want it: they send it to the cutter and lay no ink for it. On no
        # layer that does not print, so a RIP that honours layers keeps it, and a proof from
        # a desktop printer shows the line to cut along.
        return f"q /OP gs /Cut CS 1 SCN {HAIRLINE_PT} w\n{paths}S Q\n"

    def _slug_line(self) -> str:
        page = self._pdf.pages + 1
        of = f" / {self._pages_total}" if self._pages_total else ""
        layout = self.layout
        parts = ["Speld", self.slug.batch, self.slug.channel, f"page {page}{of}"]
        if self._codes:
            parts.append(f"{display(self._codes[0])} – {display(self._codes[-1])}")
        parts += [layout.machine, f"cut: {layout.cut}", self.slug.date]
        text = " | ".join(" ".join(p.split()) for p in parts if p)
        left, bottom, right, _ = layout.box()
        room = right - left - 2 * (MARK_OFFSET_MM + 1) * MM
        text, pt = fit_slug(text, self._font, room)
        x = (left + right - self._font.width(text, pt)) / 2
        y = bottom - (MARK_OFFSET_MM + 2) * MM - pt
        return f"BT /F1 {pt:.2f} Tf {x:.3f} {y:.3f} Td {self._font.show(text)} Tj ET\n"

    def _flush(self) -> None:
        self._pdf.add_page(
            f"{K} k\n"
            + "".join(self._cells)
            + crop_marks(self.layout.box())
            + self._slug_line()
            + self._cut_paths()
        )
        self._cells, self._codes = [], []

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
    items: Iterable[tuple[str, str]],
    layout: SheetLayout,
    out: BinaryIO,
    branding: Branding | None = None,
    slug: Slug | None = None,
) -> SheetInfo:
    """Label sheets for (code, url) pairs, written to out page by page."""
    writer = SheetWriter(layout, out, branding, slug)
    for code, url in items:
        writer.add(code, matrix(url, layout.ecc))
    return writer.close()
