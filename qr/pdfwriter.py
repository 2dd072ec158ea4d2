"""A minimal PDF writer that sends each page to the file as soon as it is done.

reportlab builds the whole document in memory and writes it at save(), so a sheet run of
50,000 pins would hold every page at once. Label sheets need only vector paths and text in
the standard fonts, so this writer emits those objects itself: memory holds one page plus one
offset per object. Font metrics still come from reportlab (see qr.sheets).
"""

import zlib
from typing import BinaryIO

A4 = (595.2756, 841.8898)  # points: 210 x 297 mm


class PdfWriter:
    """Pages in, PDF out, one page in memory at a time; out need not be seekable."""

    def __init__(self, out: BinaryIO, fonts: dict[str, str], title: str = "") -> None:
        # Fixed object numbers: 1 catalog, 2 page tree (written last), 3 info, then fonts.
        self._out = out
        self._pos = 0
        self._offsets: dict[int, int] = {}
        self._pages: list[int] = []
        self._next = 4
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        self._object(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        self._object(3, b"<< /Producer (Speld) /Title (" + _pdf_string(title) + b") >>")
        refs = []
        for name, base_font in fonts.items():
            number = self._new()
            # Standard 14 fonts need no embedding; WinAnsi covers Latin-1 text.
            self._object(
                number,
                f"<< /Type /Font /Subtype /Type1 /BaseFont /{base_font} "
                f"/Encoding /WinAnsiEncoding >>".encode(),
            )
            refs.append(f"/{name} {number} 0 R")
        self._resources = f"<< /Font << {' '.join(refs)} >> /ProcSet [/PDF /Text] >>"

    @property
    def pages(self) -> int:
        return len(self._pages)

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._pos += len(data)

    def _new(self) -> int:
        self._next += 1
        return self._next - 1

    def _object(self, number: int, body: bytes) -> None:
        self._offsets[number] = self._pos
        self._write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def add_page(self, content: str, size: tuple[float, float] = A4) -> None:
        """Write one page whose content stream is the given PDF operators."""
        stream = zlib.compress(content.encode("latin-1"), 6)
        contents, page = self._new(), self._new()
        self._object(
            contents,
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream",
        )
        self._object(
            page,
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {size[0]:.4f} {size[1]:.4f}] "
            f"/Resources {self._resources} /Contents {contents} 0 R >>".encode(),
        )
        self._pages.append(page)

    def close(self) -> None:
        """Write the page tree, cross-reference table and trailer; the file is then complete."""
        kids = " ".join(f"{n} 0 R" for n in self._pages)
        self._object(2, f"<< /Type /Pages /Kids [{kids}] /Count {len(self._pages)} >>".encode())
        xref, size = self._pos, self._next
        lines = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
        lines += [b"%010d 00000 n \n" % self._offsets[n] for n in range(1, size)]
        self._write(b"".join(lines))
        self._write(b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\n" % size)
        self._write(b"startxref\n%d\n%%%%EOF\n" % xref)


def _pdf_string(text: str) -> bytes:
    """Text for a literal PDF string: WinAnsi bytes with the delimiters escaped."""
    raw = text.encode("cp1252", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def pdf_text(text: str) -> str:
    """A string to place between ( ) in a content stream (content is encoded as latin-1)."""
    return _pdf_string(text).decode("latin-1")
