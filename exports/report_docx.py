"""The report as a Word document (python-docx): real headings, tables a civil servant can edit.

Lays out the blocks of ``exports.report.content``: headings as Word's Heading styles,
tables as Word tables, and each chart as a native table of its figures (editable and
pasteable into a letter, where a picture would not be).
"""

import io

from docx import Document
from docx.shared import Pt

from exports.report import Block
from qr import fonts


def _table(document, header, rows) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    document.add_paragraph()


def write(blocks: list[Block], title: str, lang: str) -> bytes:
    document = Document()
    document.core_properties.title = title
    document.core_properties.language = lang
    document.core_properties.author = "Speld"
    style = document.styles["Normal"]
    style.font.name = fonts.face(fonts.SANS).familyName.decode()  # the PDF's DejaVu Sans
    style.font.size = Pt(10)
    for block in blocks:
        if block.kind == "heading":
            document.add_heading(block.text, level=block.level)
        elif block.kind == "verdict":
            document.add_paragraph().add_run(block.text).bold = True
        elif block.kind == "note":
            document.add_paragraph().add_run(block.text).italic = True
        elif block.kind == "text":
            document.add_paragraph(block.text)
        elif block.kind == "table":
            _table(document, block.header, block.rows)
        elif block.kind == "chart":
            document.add_paragraph().add_run(block.text).bold = True
            _table(document, *_chart_rows(block))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _chart_rows(block: Block) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """A chart's figures as a table: one row per bar or point, its value and interval."""
    chart = block.chart
    if chart["kind"] == "trend":
        rows = [
            (year, shown)
            for (year, *_), shown in zip(chart["points"], chart["labels"], strict=True)
        ]
        return ("", block.text), rows
    return ("", block.text), [(label, shown) for label, _, _, shown in chart["bars"]]
