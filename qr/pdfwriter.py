"""A minimal PDF writer that sends each page to the file as soon as it is done.

reportlab builds the whole document in memory and writes it at save(), so a sheet run of
50,000 pins would hold every page at once. Label sheets need only vector paths, text, a spot
colour for the cut path and perhaps one logo, so this writer emits those objects itself:
memory holds one page plus one offset per object. Fonts are embedded subsets (qr.fonts),
written at the end, once every character used is known.
"""

import time
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from qr.docinfo import SPELD, DocInfo
from qr.fonts import SubsetFont

A4 = (595.2756, 841.8898)  # points: 210 x 297 mm
CUT_COLOUR = "CutContour"  # the spot colour name contour cutters and their RIPs look for


@dataclass(frozen=True)
class PdfImage:
    """An RGB image with optional alpha, 8 bits per channel, as raw rows."""

    width: int
    height: int
    rgb: bytes
    alpha: bytes | None = None


class PdfWriter:
    """Pages in, PDF out, one page in memory at a time; out need not be seekable.

    Resources every page may use: fonts by name, images by name, and with cut_colour the
    CutContour separation (`/Cut`) and overprint on (`/OP`). A file without a contour cut
    declares neither: a RIP that finds a CutContour colour sends the file to the cutter.
    """

    def __init__(
        self,
        out: BinaryIO,
        fonts: dict[str, SubsetFont],
        info: DocInfo,
        cut_colour: bool = False,
        images: dict[str, PdfImage] | None = None,
    ) -> None:
        # Fixed object numbers: 1 catalog, 2 page tree (written last), 3 info, then the rest.
        self._out = out
        self._pos = 0
        self._offsets: dict[int, int] = {}
        self._pages: list[int] = []
        self._next = 4
        self._write(b"%PDF-1.6\n%\xe2\xe3\xcf\xd3\n")
        self._object(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        stamp = time.strftime("D:%Y%m%d%H%M%SZ", time.gmtime(info.created))
        entries = (
            ("Title", info.title),
            ("Subject", info.subject),
            ("Producer", info.producer),
            ("Creator", info.creator),
            ("Author", SPELD),
        )
        self._object(
            3,
            b"<< "
            + b"".join(b"/%s %s " % (k.encode(), _pdf_text(v)) for k, v in entries if v)
            + f"/CreationDate ({stamp}) /Trapped /False >>".encode(),
        )
        self._fonts = {name: (font, self._reserve(4)) for name, font in fonts.items()}
        font_refs = " ".join(f"/{name} {number} 0 R" for name, (_, number) in self._fonts.items())
        image_refs = " ".join(
            f"/{name} {self._image(img)} 0 R" for name, img in (images or {}).items()
        )
        resources = f"/Font << {font_refs} >> /XObject << {image_refs} >> /ProcSet [/PDF /Text]"
        if cut_colour:
            # A separation that prints as magenta where no cutter takes it (a proof from a
            # desktop printer shows the cut line); RIPs key on its name and overprint.
            resources += (
                f" /ColorSpace << /Cut [/Separation /{CUT_COLOUR} /DeviceCMYK << /FunctionType 2"
                " /Domain [0 1] /C0 [0 0 0 0] /C1 [0 1 0 0] /N 1 >>] >>"
                " /ExtGState << /OP << /Type /ExtGState /OP true /op true /OPM 1 >> >>"
            )
        # One resource dictionary for every page, written once.
        self._resources = self._new()
        self._object(self._resources, f"<< {resources} >>".encode())

    @property
    def pages(self) -> int:
        return len(self._pages)

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._pos += len(data)

    def _new(self) -> int:
        self._next += 1
        return self._next - 1

    def _reserve(self, count: int) -> int:
        first = self._next
        self._next += count
        return first

    def _object(self, number: int, body: bytes) -> None:
        self._offsets[number] = self._pos
        self._write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def _stream(self, number: int, data: bytes, entries: str = "") -> None:
        packed = zlib.compress(data, 6)
        head = f"<< /Length {len(packed)} /Filter /FlateDecode {entries}>>\nstream\n".encode()
        self._object(number, head + packed + b"\nendstream")

    def _image(self, image: PdfImage) -> int:
        smask = ""
        if image.alpha is not None:
            mask = self._new()
            self._stream(
                mask,
                image.alpha,
                f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} "
                "/ColorSpace /DeviceGray /BitsPerComponent 8 ",
            )
            smask = f"/SMask {mask} 0 R "
        number = self._new()
        self._stream(
            number,
            image.rgb,
            f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} "
            f"/ColorSpace /DeviceRGB /BitsPerComponent 8 {smask}",
        )
        return number

    def add_page(
        self, content: str, size: tuple[float, float] = A4, trim: tuple[float, ...] | None = None
    ) -> None:
        """Write one page whose content stream is the given PDF operators.

        trim is the TrimBox (x0, y0, x1, y1), the finished size; the whole page is the bleed.
        """
        contents, page = self._new(), self._new()
        self._stream(contents, content.encode("latin-1"))
        media = f"0 0 {size[0]:.4f} {size[1]:.4f}"
        boxes = f"/MediaBox [{media}] /BleedBox [{media}] /TrimBox ["
        boxes += " ".join(f"{v:.4f}" for v in trim) if trim else media
        self._object(
            page,
            f"<< /Type /Page /Parent 2 0 R {boxes}] "
            f"/Resources {self._resources} 0 R /Contents {contents} 0 R >>".encode(),
        )
        self._pages.append(page)

    def close(self) -> None:
        """Write the fonts, page tree, cross-reference table and trailer; the file is complete."""
        for font, number in self._fonts.values():
            for n, body in font.objects(number):
                self._object(n, body)
        kids = " ".join(f"{n} 0 R" for n in self._pages)
        self._object(2, f"<< /Type /Pages /Kids [{kids}] /Count {len(self._pages)} >>".encode())
        xref, size = self._pos, self._next
        lines = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
        lines += [b"%010d 00000 n \n" % self._offsets[n] for n in range(1, size)]
        self._write(b"".join(lines))
        self._write(b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\n" % size)
        self._write(b"startxref\n%d\n%%%%EOF\n" % xref)


def _pdf_text(text: str) -> bytes:
    """A PDF text string: ASCII as a literal string, anything else as UTF-16 with its mark."""
    if text.isascii():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode() + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"
