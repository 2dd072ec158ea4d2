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

from qr.fonts import SubsetFont

A4 = (595.2756, 841.8898)  # points: 210 x 297 mm
CUT_LAYER = "CutContour"  # the spot colour name contour cutters and their RIPs look for


@dataclass(frozen=True)
class PdfImage:
    """An RGB image with optional alpha, 8 bits per channel, as raw rows."""

    width: int
    height: int
    rgb: bytes
    alpha: bytes | None = None


class PdfWriter:
    """Pages in, PDF out, one page in memory at a time; out need not be seekable.

    Resources every page may use: fonts by name, `/Cut` (the CutContour separation),
    `/OP` (overprint on), `/CutLayer` (the non-printing optional-content layer for the cut
    path) when cut_layer is set, and images by name.
    """

    def __init__(
        self,
        out: BinaryIO,
        fonts: dict[str, SubsetFont],
        title: str = "",
        cut_layer: bool = False,
        images: dict[str, PdfImage] | None = None,
    ) -> None:
        # Fixed object numbers: 1 catalog, 2 page tree (written last), 3 info, then the rest.
        self._out = out
        self._pos = 0
        self._offsets: dict[int, int] = {}
        self._pages: list[int] = []
        self._next = 4
        self._write(b"%PDF-1.6\n%\xe2\xe3\xcf\xd3\n")
        layer = self._new() if cut_layer else 0
        catalog = "<< /Type /Catalog /Pages 2 0 R"
        if layer:
            # Visible on screen, off when printed: the cut path is for the cutter, not the ink.
            catalog += (
                f" /OCProperties << /OCGs [{layer} 0 R] /D << /Name (Speld) /Order [{layer} 0 R]"
                f" /ON [{layer} 0 R] /AS [<< /Event /Print /OCGs [{layer} 0 R] /Category"
                f" [/Print] >> << /Event /View /OCGs [{layer} 0 R] /Category [/View] >>] >> >>"
            )
        self._object(1, (catalog + " >>").encode())
        stamp = time.strftime("D:%Y%m%d%H%M%SZ", time.gmtime())
        self._object(
            3,
            b"<< /Producer (Speld) /Creator (Speld) /Title ("
            + _pdf_string(title)
            + f") /CreationDate ({stamp}) /Trapped /False >>".encode(),
        )
        if layer:
            self._object(
                layer,
                f"<< /Type /OCG /Name ({CUT_LAYER}) /Usage << /Print << /PrintState /OFF >> "
                f"/View << /ViewState /ON >> >> >>".encode(),
            )
        self._fonts = {name: (font, self._reserve(4)) for name, font in fonts.items()}
        font_refs = " ".join(f"/{name} {number} 0 R" for name, (_, number) in self._fonts.items())
        image_refs = " ".join(
            f"/{name} {self._image(img)} 0 R" for name, img in (images or {}).items()
        )
        # A separation whose tint shows as magenta on screen; RIPs key on its name.
        cut = "[/Separation /CutContour /DeviceCMYK << /FunctionType 2 /Domain [0 1] /C0 [0 0 0 0] /C1 [0 1 0 0] /N 1 >>]"
        resources = (
            f"<< /Font << {font_refs} >> /ColorSpace << /Cut {cut} >> "
            f"/ExtGState << /OP << /Type /ExtGState /OP true /op true /OPM 1 >> >> "
            f"/XObject << {image_refs} >> /ProcSet [/PDF /Text]"
        )
        if layer:
            resources += f" /Properties << /CutLayer {layer} 0 R >>"
        self._resources = resources + " >>"

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
            f"/Resources {self._resources} /Contents {contents} 0 R >>".encode(),
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


def _pdf_string(text: str) -> bytes:
    """Text for a literal PDF string: WinAnsi bytes with the delimiters escaped."""
    raw = text.encode("cp1252", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
