"""Sign-in cards: the printed hand-over of a token, one A6 page per token, fitted to its role.

A stand's card holds a QR that signs a tablet in at /scan as that stand's staff. The token
travels in the URL fragment (``#token=…``): a browser never sends a fragment to a server,
so the secret stays out of access logs and proxies; the page reads it and signs in with a
POST. The card never prints the token as text: only the QR holds it.

A viewer's card leads to the edition's dashboard and an organiser's to the console: they
sign in on a laptop, so their QR holds only the address and the token is printed to paste.

The fonts are Speld's own (``qr/fonts.py``), registered here and embedded in the file: a
print shop's RIP never substitutes them.
"""

from dataclasses import dataclass
from typing import BinaryIO

from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from qr import fonts
from qr.docinfo import DocInfo, joined
from qr.posters import BOLD, MONO, REGULAR, fit_lines, winansi
from qr.render import draw_symbol, matrix

SCAN_PATH = "/scan"
MARGIN = 8 * mm
QR_SIDE = 70 * mm  # symbol plus quiet zone
QUIET = 4
# Per role: the PDF's title, then what to do with the card in Dutch and in English.
KINDS = {
    "stand": (
        "Speld stand sign-in card",
        "Scan met de camera van de tablet om de stand-scanner te openen",
        "Scan with the tablet's camera to open the stand scanner",
    ),
    "viewer": (
        "Speld dashboard sign-in",
        "Open dit adres (of scan de code) en log in met het token hieronder",
        "Open this address (or scan the code) and sign in with the token below",
    ),
    "organiser": (
        "Speld console sign-in",
        "Open dit adres (of scan de code) en log in met het token hieronder",
        "Open this address (or scan the code) and sign in with the token below",
    ),
}
KEEP_SAFE = {
    "stand": "Bewaar veilig · Keep safe: this card signs in as this stand. Lost? Have it revoked.",
    "viewer": "Bewaar veilig · Keep safe: this token opens the dashboard. Lost? Have it revoked.",
    "organiser": "Bewaar veilig · Keep safe: this token runs the whole fair. Lost? Revoke it.",
}


def _url_safe(token: str) -> str:
    if not token or any(not (ch.isascii() and (ch.isalnum() or ch in "-_")) for ch in token):
        raise ValueError("a token is URL-safe base64 text")
    return token


def sign_in_url(base_url: str, token: str) -> str:
    """The scanner page with the token in the fragment, which never reaches a server."""
    return f"{base_url.rstrip('/')}{SCAN_PATH}#token={_url_safe(token)}"


@dataclass(frozen=True)
class SignInCard:
    """One token's card: who it is for, the URL its QR encodes, and (off a stand) the token.

    ``company`` is the card's heading (a stand's company, or the token's label), ``label``
    the stand's label (empty off a stand), ``event`` the edition (or empty).
    """

    company: str
    label: str
    event: str
    url: str
    kind: str = "stand"
    token: str | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind is one of {', '.join(KINDS)}")
        if (self.kind == "stand") != (self.token is None):
            raise ValueError("only a viewer's or organiser's card prints its token")
        if self.token is not None:
            _url_safe(self.token)


def _centred(canvas: Canvas, text: str, font: str, size: float, y: float) -> None:
    canvas.setFont(font, size)
    canvas.drawCentredString(A6[0] / 2, y, text)


def _subtitle(card: SignInCard) -> str:
    if card.kind == "stand":
        return f"Stand {card.label} · {card.event}"
    place = "Dashboard" if card.kind == "viewer" else "Console"
    return f"{place} · {card.event}" if card.event else place


def render_card(card: SignInCard, out: BinaryIO) -> None:
    """One A6 page: who it is for, the QR, what to do with it (and the token to paste)."""
    fonts.register()  # the card's fonts are known to reportlab whoever drew first
    canvas = Canvas(out, pagesize=A6, invariant=1, pageCompression=1, initialFontName=REGULAR)
    title, instruction_nl, instruction_en = KINDS[card.kind]
    DocInfo(title=joined(title, card.event), subject=joined(card.company, _subtitle(card))).apply(
        canvas
    )
    width = A6[0] - 2 * MARGIN
    y = A6[1] - MARGIN
    lines, size = fit_lines(winansi(card.company) or "?", BOLD, 20, 10, width, 2)
    for line in lines:
        y -= size
        _centred(canvas, line, BOLD, size, y)
        y -= size * 0.2
    lines, size = fit_lines(winansi(_subtitle(card)), REGULAR, 13, 7, width)
    y -= size * 1.3
    _centred(canvas, lines[0], REGULAR, size, y)
    side = QR_SIDE if card.token is None else QR_SIDE * 0.7  # room for the token below
    m = matrix(card.url, "M")
    module = side / (m.size + 2 * QUIET)
    qr_bottom = y - 4 * mm - side
    draw_symbol(canvas, m, (A6[0] - m.size * module) / 2, qr_bottom + QUIET * module, module)
    y = qr_bottom - 2 * mm
    for text, font, largest in ((instruction_nl, BOLD, 9), (instruction_en, REGULAR, 9)):
        lines, size = fit_lines(text, font, largest, 6, width, 2)
        for line in lines:
            y -= size * 1.2
            _centred(canvas, line, font, size, y)
    if card.token is not None:
        y -= 4 * mm
        _centred(canvas, winansi(card.url), MONO, 7, y)
        y -= 4 * mm
        _centred(canvas, card.token, MONO, 6.5, y)
    canvas.setFillGray(0.35)
    lines, size = fit_lines(winansi(KEEP_SAFE[card.kind]), REGULAR, 7, 5, width, 2)
    for line in lines:
        y -= size * 1.3
        _centred(canvas, line, REGULAR, size, y)
    if card.token is None:
        page_url = card.url.split("#", 1)[0]  # never the token in print: only in the QR
        _centred(canvas, winansi(page_url), MONO, 7, MARGIN / 2)
    canvas.setFillGray(0)
    canvas.showPage()
    canvas.save()
