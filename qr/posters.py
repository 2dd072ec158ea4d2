"""A4 stand posters: who is here, and a large QR that stamps a visit when scanned.

Each page is A4 plus 3 mm bleed on every side (TrimBox A4), fonts embedded as subsets,
QR and text in 100% black; the edition's background runs into the bleed.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from qr import fonts
from qr.branding import Branding, cmyk
from qr.docinfo import DocInfo, joined
from qr.render import draw_symbol, matrix

INSTRUCTION_NL = "Scan met je telefoon om je bezoek te stempelen"
INSTRUCTION_EN = "Scan with your phone to stamp your visit"
BOLD, REGULAR, MONO = "Speld-Sans-Bold", "Speld-Sans", "Speld-Mono-Bold"
BLEED = 3 * mm
LOGO_HEIGHT = 18 * mm
MARGIN = 20 * mm
QR_SIDE = 130 * mm  # symbol plus quiet zone
QUIET = 4
ELLIPSIS = "\u2026"  # in WinAnsi, so the standard fonts can draw it
# Letters that Unicode does not decompose into a base letter plus accent.
_BASE_LETTERS = str.maketrans("ŁłĐđĦħıŦŧ", "LlDdHhiTt")


@dataclass(frozen=True)
class Poster:
    """One stand: company name, stand label (e.g. "B12") and the stand URL to encode."""

    company: str
    label: str
    url: str


def winansi(text: str) -> str:
    """Text the standard PDF fonts can draw: Latin-1 and friends kept, the rest simplified.

    "Ørsted" and "Müller" pass unchanged; "Łódź" becomes "Lódz"; "?" where no base letter
    exists.
    """
    out = []
    text = " ".join(text.split())  # no control characters, no runs of white space
    for ch in text.translate(_BASE_LETTERS):
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("cp1252", "ignore").decode("cp1252")
            out.append(base or "?")
    return "".join(out)


def _shrink(text: str, font: str, largest: float, smallest: float, width: float) -> float | None:
    """The largest size from largest down to smallest at which text fits, or None."""
    size = largest
    while size >= smallest:
        if stringWidth(text, font, size) <= width:
            return size
        size -= 1
    return None


def _wrap(words: list[str], font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    for word in words:
        if lines and stringWidth(f"{lines[-1]} {word}", font, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _truncate(text: str, font: str, size: float, width: float) -> str:
    while text and stringWidth(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def fit_lines(
    text: str, font: str, largest: float, smallest: float, width: float, max_lines: int = 1
) -> tuple[list[str], float]:
    """The largest size at which text fits in as few lines as reads well; else cut short.

    A line is only broken once the text would shrink below two thirds of largest.
    """
    words = text.split(" ")
    for allowed in range(1, max_lines + 1):
        size = largest
        floor = smallest if allowed == max_lines else max(smallest, largest * 2 / 3)
        while size >= floor:
            lines = _wrap(words, font, size, width)
            if len(lines) <= allowed and all(stringWidth(p, font, size) <= width for p in lines):
                return lines, size
            size -= 1
    # Too long even at the smallest size: break anywhere, and cut the last line short.
    lines = [""]
    for ch in text:
        if stringWidth(lines[-1] + ch, font, smallest) > width:
            if len(lines) == max_lines:
                lines[-1] = _truncate(lines[-1], font, smallest, width)
                break
            lines.append("")
        lines[-1] += ch
    return [line.strip() for line in lines], smallest


def _centred(canvas: Canvas, text: str, font: str, size: float, y: float) -> None:
    canvas.setFont(font, size)
    canvas.drawCentredString(A4[0] / 2, y, text)


def _black(canvas: Canvas, share: float = 1.0) -> None:
    canvas.setFillColorCMYK(0, 0, 0, share)  # K only: no rich black under text or modules


def _backdrop(canvas: Canvas, branding: Branding) -> float:
    """Background into the bleed, and the logo at the top; returns where the text may start."""
    if branding.background:
        canvas.setFillColorCMYK(*cmyk(branding.background))
        canvas.rect(-BLEED, -BLEED, A4[0] + 2 * BLEED, A4[1] + 2 * BLEED, stroke=0, fill=1)
    top = A4[1] - MARGIN
    if branding.logo:
        logo = branding.logo
        width = min(LOGO_HEIGHT * logo.aspect, A4[0] - 2 * MARGIN)
        height = width / logo.aspect
        canvas.drawImage(
            ImageReader(logo.image), (A4[0] - width) / 2, top - height, width, height, mask="auto"
        )
        top -= height + 6 * mm
    return top


def _draw(canvas: Canvas, poster: Poster, ecc: str, branding: Branding) -> None:
    width = A4[0] - 2 * MARGIN
    canvas.translate(BLEED, BLEED)  # draw in A4 coordinates; the page is A4 plus bleed
    y = _backdrop(canvas, branding)
    _black(canvas)
    lines, size = fit_lines(winansi(poster.company) or "?", BOLD, 54, 20, width, 3)
    for line in lines:
        y -= size
        _centred(canvas, line, BOLD, size, y)
        y -= size * 0.2
    label = winansi(poster.label)
    if label:
        lines, size = fit_lines(label, REGULAR, 32, 14, width)
        y -= size * 1.2
        _centred(canvas, lines[0], REGULAR, size, y)
    m = matrix(poster.url, ecc)
    module = QR_SIDE / (m.size + 2 * QUIET)
    qr_bottom = min(y - 10 * mm, MARGIN + 45 * mm + QR_SIDE) - QR_SIDE
    draw_symbol(canvas, m, (A4[0] - m.size * module) / 2, qr_bottom + QUIET * module, module)
    _centred(canvas, INSTRUCTION_NL, BOLD, 20, qr_bottom - 12 * mm)
    _centred(canvas, INSTRUCTION_EN, REGULAR, 17, qr_bottom - 21 * mm)
    _black(canvas, 0.65)
    url_size = _shrink(poster.url, MONO, 10, 5, width) or 5
    _centred(canvas, poster.url, MONO, url_size, MARGIN)
    _black(canvas)


def render_posters(
    posters: Iterable[Poster],
    out: BinaryIO,
    ecc: str = "M",
    branding: Branding | None = None,
    edition: str = "",
) -> int:
    """One A4 page per poster, written to out; returns the number of pages.

    reportlab keeps the document in memory until save(): fine for a fair's few hundred
    stands, unlike pin sheets (see qr.pdfwriter).
    """
    fonts.register()
    media = (A4[0] + 2 * BLEED, A4[1] + 2 * BLEED)
    canvas = Canvas(out, pagesize=media, invariant=1, pageCompression=1, initialFontName=REGULAR)
    canvas.setTrimBox((BLEED, BLEED, BLEED + A4[0], BLEED + A4[1]))
    canvas.setBleedBox((0, 0, *media))
    pages = 0
    for poster in posters:
        _draw(canvas, poster, ecc, branding or Branding())
        canvas.showPage()
        pages += 1
    if not pages:
        canvas.showPage()  # a valid, empty document
    DocInfo(
        title=joined("Speld stand posters", edition),
        subject=joined("Stand posters", edition, f"{pages} stand{'s' if pages != 1 else ''}"),
    ).apply(canvas)
    canvas.save()
    return pages
