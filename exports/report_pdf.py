"""The report as an A4 PDF: reportlab's platypus, DejaVu embedded, text selectable, vector charts.

Lays out the blocks of ``exports.report.content``; decides no word and no figure.
Every text is in the shipped DejaVu Sans (``qr/fonts``), embedded as a subset, so
the PDF reads the same on any machine and no standard font is referenced. Charts
are reportlab graphics (lines, rectangles and strings in the page's content), not
pictures.
"""

import io
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from exports.report import Block
from qr import fonts
from qr.docinfo import SPELD, DocInfo

SANS, BOLD = "Speld-Sans", "Speld-Sans-Bold"
BRAND, MUTED, LINE, PALE = (
    colors.HexColor("#0b4f8a"),
    colors.HexColor("#5a6570"),
    colors.HexColor("#d5dbe0"),
    colors.HexColor("#7b8794"),
)
WIDTH = A4[0] - 40 * mm


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("text", fontName=SANS, fontSize=10, leading=14, spaceAfter=6)
    return {
        "title": ParagraphStyle(
            "title", base, fontName=BOLD, fontSize=18, leading=22, spaceAfter=4
        ),
        "h1": ParagraphStyle(
            "h1", base, fontName=BOLD, fontSize=13.5, leading=17, spaceBefore=10, textColor=BRAND
        ),
        "h2": ParagraphStyle("h2", base, fontName=BOLD, fontSize=11, leading=14, spaceBefore=6),
        "text": base,
        "verdict": ParagraphStyle("verdict", base, fontName=BOLD, fontSize=11.5, leading=15),
        "note": ParagraphStyle("note", base, fontSize=8.5, leading=11.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=10.5, spaceAfter=0),
        "head": ParagraphStyle(
            "head", base, fontName=BOLD, fontSize=8.5, leading=10.5, spaceAfter=0
        ),
    }


def _para(text: str, style) -> Paragraph:
    return Paragraph(escape(text), style)


def _table(block: Block, styles) -> Table:
    header = [_para(cell, styles["head"]) for cell in block.header]
    rows = [[_para(cell, styles["cell"]) for cell in row] for row in block.rows]
    table = Table([header, *rows], repeatRows=1, hAlign="LEFT", colWidths=_widths(block))
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), SANS, 8.5),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, MUTED),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _widths(block: Block) -> list[float]:
    columns = len(block.header)
    if columns == 2:  # the stamp's: a sha256 on one line, however wide its 64 hex digits
        return [WIDTH * 0.24, WIDTH * 0.76]
    first = WIDTH * (0.3 if columns > 4 else 0.4)
    return [first] + [(WIDTH - first) / (columns - 1)] * (columns - 1)


def _drawing(height: float) -> Drawing:
    """A drawing whose renderer starts in DejaVu, not reportlab's default Helvetica."""
    drawing = Drawing(WIDTH, height)
    drawing.initialFontName, drawing.initialFontSize = SANS, 9
    return drawing


def _bars(chart: dict, title: str) -> Drawing:
    """Horizontal bars on 0 to 100%, each with its 95% interval where it has one."""
    left, room, row = 110, WIDTH - 170, 26
    height = row * len(chart["bars"]) + 34
    drawing = _drawing(height)
    drawing.add(String(0, height - 10, title, fontName=BOLD, fontSize=9))
    base = 16
    for tick in range(0, 101, 25):
        x = left + room * tick / 100
        drawing.add(Line(x, base, x, height - 18, strokeColor=LINE, strokeWidth=0.5))
        drawing.add(
            String(
                x, 4, f"{tick}%", fontName=SANS, fontSize=7, fillColor=MUTED, textAnchor="middle"
            )
        )
    for n, (label, share, interval, shown) in enumerate(chart["bars"]):
        y = height - 18 - (n + 1) * row + 6
        drawing.add(String(left - 6, y + 5, label, fontName=SANS, fontSize=8.5, textAnchor="end"))
        if share is None:
            drawing.add(
                String(left + 4, y + 5, "\u2014", fontName=SANS, fontSize=8.5, fillColor=MUTED)
            )
            continue
        colour = BRAND if n == 0 else PALE
        drawing.add(Rect(left, y, room * share, 14, fillColor=colour, strokeColor=None))
        end = room * share
        if interval is not None:
            low, high = left + room * interval.low, left + room * interval.high
            drawing.add(Line(low, y + 7, high, y + 7, strokeColor=colors.black, strokeWidth=1))
            drawing.add(Line(low, y + 3, low, y + 11, strokeColor=colors.black, strokeWidth=1))
            drawing.add(Line(high, y + 3, high, y + 11, strokeColor=colors.black, strokeWidth=1))
            end = room * interval.high
        drawing.add(String(left + end + 5, y + 4, shown, fontName=BOLD, fontSize=8.5))
    return drawing


def _trend(chart: dict, title: str) -> Drawing:
    """The years: a point and its interval per measurement; lines join one version only."""
    points = chart["points"]
    left, right, bottom, plot = 34, WIDTH - 8, 18, 130
    height = bottom + plot + 30
    drawing = _drawing(height)
    drawing.add(String(0, height - 10, title, fontName=BOLD, fontSize=9))
    for tick in range(0, 101, 25):
        y = bottom + plot * tick / 100
        drawing.add(Line(left, y, right, y, strokeColor=LINE, strokeWidth=0.5))
        drawing.add(
            String(
                left - 4,
                y - 2.5,
                f"{tick}%",
                fontName=SANS,
                fontSize=7,
                fillColor=MUTED,
                textAnchor="end",
            )
        )
    slot = (right - left) / len(points)
    xs = [left + slot * (n + 0.5) for n in range(len(points))]

    def y_of(share: float) -> float:
        return bottom + plot * min(max(share, 0.0), 1.0)

    for n in range(1, len(points)):
        (_, a, _, kind_a, version_a), (_, b, _, kind_b, version_b) = points[n - 1], points[n]
        if kind_a == kind_b == "edition" and version_a == version_b and None not in (a, b):
            drawing.add(
                Line(xs[n - 1], y_of(a), xs[n], y_of(b), strokeColor=BRAND, strokeWidth=1.5)
            )
    for n, ((year, share, interval, kind, _), shown) in enumerate(
        zip(points, chart["labels"], strict=True)
    ):
        x, colour = xs[n], PALE if kind == "baseline" else BRAND
        drawing.add(String(x, 5, year, fontName=SANS, fontSize=8, textAnchor="middle"))
        if share is None:
            drawing.add(
                String(
                    x,
                    bottom + 4,
                    "\u00d7",
                    fontName=SANS,
                    fontSize=9,
                    fillColor=MUTED,
                    textAnchor="middle",
                )
            )
            continue
        top = y_of(share)
        if interval is not None:
            low, high = y_of(interval.low), y_of(interval.high)
            for line in ((x, low, x, high), (x - 4, low, x + 4, low), (x - 4, high, x + 4, high)):
                drawing.add(Line(*line, strokeColor=colour, strokeWidth=1.2))
            top = high
        drawing.add(Circle(x, y_of(share), 3.5, fillColor=colour, strokeColor=None))
        drawing.add(String(x, top + 5, shown, fontName=BOLD, fontSize=7.5, textAnchor="middle"))
    return drawing


def write(blocks: list[Block], title: str, lang: str, subject: str = "") -> bytes:
    """The blocks as an A4 PDF; ``title``, ``subject`` and ``lang`` go into its metadata,
    Producer and Creator name Speld and its version (``qr.docinfo``)."""
    fonts.register()
    styles = _styles()
    story = []
    for block in blocks:
        if block.kind == "heading":
            story.append(_para(block.text, styles[{0: "title", 1: "h1"}.get(block.level, "h2")]))
        elif block.kind in ("text", "verdict", "note"):
            story.append(_para(block.text, styles[block.kind]))
        elif block.kind == "table":
            story += [_table(block, styles), Spacer(1, 6)]
        elif block.kind == "chart":
            draw = _trend if block.chart["kind"] == "trend" else _bars
            story += [KeepTogether([draw(block.chart, block.text)]), Spacer(1, 6)]
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        subject=subject,
        author=SPELD,
        creator=SPELD,
        producer=SPELD,
        lang=lang,
        initialFontName=SANS,
    )
    info = DocInfo(title, subject)

    def stamp(canvas, _document) -> None:
        info.apply(canvas)

    document.build(story, onFirstPage=stamp, onLaterPages=stamp)
    return out.getvalue()
