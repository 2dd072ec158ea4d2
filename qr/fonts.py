"""The fonts Speld ships (DejaVu, licence in qr/fonts/LICENSE), embedded as subsets.

Print shops refuse PDFs whose fonts are not embedded: the standard 14 fonts are drawn with
whatever the RIP substitutes, and a substitute can turn the code under a QR into a guess.
reportlab embeds these fonts in posters by itself; the streaming sheet writer embeds them
through SubsetFont, which hands out one-byte codes as characters are first used.
"""

import hashlib
import zlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile, makeToUnicodeCMap

FONT_DIR = Path(__file__).parent / "fonts"
MONO_BOLD = FONT_DIR / "DejaVuSansMono-Bold.ttf"
SANS = FONT_DIR / "DejaVuSans.ttf"
SANS_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
# Names under which reportlab knows them (posters, and text widths everywhere).
REPORTLAB_NAMES = {"Speld-Mono-Bold": MONO_BOLD, "Speld-Sans": SANS, "Speld-Sans-Bold": SANS_BOLD}
MAX_CODES = 256  # a simple TrueType font has one-byte codes


@cache
def face(path: Path) -> TTFontFile:
    """The parsed font file, read once per process."""
    return TTFontFile(str(path))


def subset_tag(name: str, codepoints: Iterable[int]) -> str:
    """The six upper-case letters before a subset's name ("XKQWBD+DejaVuSans").

    From the font's name and the characters the subset holds: the same subset gets the same
    tag in every file, two different subsets (almost surely) different ones, so a print shop
    that merges files never takes one subset for another.
    """
    text = name + ":" + ",".join(str(cp) for cp in codepoints)
    return "".join(chr(65 + b % 26) for b in hashlib.sha256(text.encode()).digest()[:6])


class TaggedTTFont(TTFont):
    """reportlab's TrueType font with each subset tagged by subset_tag.

    reportlab tags the n-th subset of every font alike (AAAAAA+, AAAAAB+ …): a poster's three
    fonts all came out AAAAAA+, which collide when a shop merges files.
    """

    def addObjects(self, doc):
        # reportlab 5.1's TTFont.addObjects; only the tag differs.
        state = self.state.get(doc) or self.state.setdefault(doc, TTFont.State(self._asciiReadable))
        state.frozen = 1
        for n, subset in enumerate(state.subsets):
            internal = self.getSubsetInternalName(n, doc)[1:]
            face = (self.face.name + self.face.subfontNameX).decode("pdfdoc")
            base = f"{subset_tag(face, subset)}+{face}"
            font = pdfdoc.PDFTrueTypeFont()
            font.__Comment__ = f"Font {self.fontName} subset {n}"
            font.Name = internal
            font.BaseFont = base
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = pdfdoc.PDFArray(list(map(self.face.getCharWidth, subset)))
            cmap = pdfdoc.PDFStream()
            cmap.content = makeToUnicodeCMap(base, subset)
            if doc.compression:
                cmap.filters = [pdfdoc.PDFZCompress]
            font.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + base)
            font.FontDescriptor = self.face.addSubsetObjects(doc, base, subset)
            doc.Reference(font, internal)
            doc.idToObject["BasicFonts"].dict[internal] = font
        del self.state[doc]


@cache
def register() -> None:
    """Make the shipped fonts known to reportlab (idempotent)."""
    for name, path in REPORTLAB_NAMES.items():
        pdfmetrics.registerFont(TaggedTTFont(name, str(path)))


def has_glyph(path: Path, ch: str) -> bool:
    return ord(ch) in face(path).charToGlyph


class SubsetFont:
    """One font of a streamed PDF: text is encoded as it is drawn, the subset written last."""

    def __init__(self, path: Path) -> None:
        self.face = face(path)
        self._codes: dict[str, int] = {}
        self.subset: list[int] = []

    def _code(self, ch: str) -> int:
        code = self._codes.get(ch)
        if code is None:
            if ord(ch) not in self.face.charToGlyph or len(self.subset) >= MAX_CODES:
                return self._code("?") if ch != "?" else 0
            code = self._codes[ch] = len(self.subset)
            self.subset.append(ord(ch))
        return code

    def show(self, text: str) -> str:
        """Text as a hex string operand for Tj (hex: no escaping, no line-end surprises)."""
        return "<" + "".join(f"{self._code(ch):02X}" for ch in text) + ">"

    def width(self, text: str, size: float) -> float:
        """Width of text in points at size (characters the font lacks count as '?')."""
        widths = self.face.charWidths
        total = 0.0
        for ch in text:
            cp = ord(ch) if ord(ch) in self.face.charToGlyph else ord("?")
            total += widths.get(cp, self.face.defaultWidth)
        return total * size / 1000

    def objects(self, number: int) -> list[tuple[int, bytes]]:
        """The font dictionary (object `number`) and the three objects it refers to."""
        subset = self.subset or [ord(" ")]
        data = self.face.makeSubset(subset)
        name = f"{subset_tag(self.face.name.decode(), subset)}+{self.face.name.decode()}"
        descriptor, fontfile, tounicode = number + 1, number + 2, number + 3
        widths = " ".join(
            str(round(self.face.charWidths.get(cp, self.face.defaultWidth))) for cp in subset
        )
        # Symbolic: codes are our own, mapped to glyphs by the subset's own cmap.
        flags = (self.face.flags & ~(1 << 5)) | (1 << 2)
        bbox = " ".join(str(round(v)) for v in self.face.bbox)
        cmap = zlib.compress(_to_unicode(name, subset).encode())
        packed = zlib.compress(data)
        return [
            (
                number,
                f"<< /Type /Font /Subtype /TrueType /BaseFont /{name} /FirstChar 0 "
                f"/LastChar {len(subset) - 1} /Widths [{widths}] /FontDescriptor "
                f"{descriptor} 0 R /ToUnicode {tounicode} 0 R >>".encode(),
            ),
            (
                descriptor,
                f"<< /Type /FontDescriptor /FontName /{name} /Flags {flags} "
                f"/FontBBox [{bbox}] /ItalicAngle {self.face.italicAngle:g} "
                f"/Ascent {round(self.face.ascent)} /Descent {round(self.face.descent)} "
                f"/CapHeight {round(self.face.capHeight)} /StemV {self.face.stemV} "
                f"/FontFile2 {fontfile} 0 R >>".encode(),
            ),
            (fontfile, _stream(packed, f"/Length1 {len(data)} /Filter /FlateDecode")),
            (tounicode, _stream(cmap, "/Filter /FlateDecode")),
        ]


def _stream(data: bytes, entries: str) -> bytes:
    return f"<< /Length {len(data)} {entries} >>\nstream\n".encode() + data + b"\nendstream"


def _to_unicode(name: str, subset: list[int]) -> str:
    pairs = "\n".join(f"<{i:02X}> <{cp:04X}>" for i, cp in enumerate(subset))
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        f"/CIDSystemInfo << /Registry (Speld) /Ordering ({name}) /Supplement 0 >> def\n"
        f"/CMapName /{name.replace('+', '-')} def\n/CMapType 2 def\n"
        f"1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
        f"{len(subset)} beginbfchar\n{pairs}\nendbfchar\n"
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
