"""Stand sign-in cards: a QR that signs a tablet in at /scan as this stand's staff.

The token travels in the URL fragment (``#token=…``): a browser never sends a fragment to a
server, so the secret stays out of access logs and proxies; the page reads it and signs in
with a POST.
"""

from dataclasses import dataclass
from typing import BinaryIO

from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from qr.posters import BOLD, MONO, REGULAR, fit_lines, winansi
from qr.render import draw_symbol, matrix

SCAN_PATH = "/scan"
MARGIN = 8 * mm
QR_SIDE = 70 * mm  # symbol plus quiet zone
QUIET = 4
INSTRUCTION_NL = "Scan met de camera van de tablet om de stand-scanner te openen"
INSTRUCTION_EN = "Scan with the tablet's camera to open the stand scanner"
KEEP_SAFE = "Bewaar veilig · Keep safe: this card signs in as this stand. Lost? Have it revoked."


def sign_in_url(base_url: str, token: str) -> str:
    """The scanner page with the token in the fragment, which never reaches a server."""
    if not token or any(not (ch.isascii() and (ch.isalnum() or ch in "-_")) for ch in token):
        raise ValueError("a token is URL-safe base64 text")
    return f"{base_url.rstrip('/')}{SCAN_PATH}#token={token}"


@dataclass(frozen=True)
class SignInCard:
    """One stand's card: who it is for, and the sign-in URL its QR encodes."""

    company: str
    label: str
    event: str
    url: str


def _centred(canvas: Canvas, text: str, font: str, size: float, y: float) -> None:
    canvas.setFont(font, size)
    canvas.drawCentredString(A6[0] / 2, y, text)


def render_card(card: SignInCard, out: BinaryIO) -> None:
    """One A6 page: company, stand and edition, the QR, and what to do with it."""
    canvas = Canvas(out, pagesize=A6, invariant=1, pageCompression=1)
    canvas.setTitle("Speld stand sign-in card")
    width = A6[0] - 2 * MARGIN
    y = A6[1] - MARGIN
    lines, size = fit_lines(winansi(card.company) or "?", BOLD, 20, 10, width, 2)
    for line in lines:
        y -= size
        _centred(canvas, line, BOLD, size, y)
        y -= size * 0.2
    stand_line = winansi(f"Stand {card.label} · {card.event}")
    lines, size = fit_lines(stand_line, REGULAR, 13, 7, width)
    y -= size * 1.3
    _centred(canvas, lines[0], REGULAR, size, y)
    m = matrix(card.url, "M")
    module = QR_SIDE / (m.size + 2 * QUIET)
    qr_bottom = y - 4 * mm - QR_SIDE
    draw_symbol(canvas, m, (A6[0] - m.size * module) / 2, qr_bottom + QUIET * module, module)
    y = qr_bottom - 2 * mm
    for text, font, largest in ((INSTRUCTION_NL, BOLD, 9), (INSTRUCTION_EN, REGULAR, 9)):
        lines, size = fit_lines(text, font, largest, 6, width, 2)
        for line in lines:
            y -= size * 1.2
            _centred(canvas, line, font, size, y)
    canvas.setFillGray(0.35)
    lines, size = fit_lines(winansi(KEEP_SAFE), REGULAR, 7, 5, width, 2)
    for line in lines:
        y -= size * 1.3
        _centred(canvas, line, REGULAR, size, y)
    page_url = card.url.split("#", 1)[0]  # never the token in print: only in the QR
    _centred(canvas, winansi(page_url), MONO, 7, MARGIN / 2)
    canvas.setFillGray(0)
    canvas.showPage()
    canvas.save()
