"""The edition's look on pins and posters: a background colour and an optional logo.

The default look is neutral (white, no logo). A background must leave a black QR readable:
the same contrast rule as RenderOptions' dark and light colours.
"""

import io
from dataclasses import dataclass, field

from PIL import Image

from qr.errors import RenderOptionError
from qr.options import MIN_CONTRAST, contrast, parse_colour, rgb
from qr.pdfwriter import PdfImage

LOGO_PX = 1200  # longest side: 600 dpi at 50 mm, more than a poster's logo needs
BLACK = "#000000"


@dataclass(frozen=True, eq=False)
class Logo:
    """A logo as pixels with alpha (SVG rasterised at LOGO_PX), ready for any PDF writer."""

    image: Image.Image = field(repr=False)

    @property
    def aspect(self) -> float:
        return self.image.width / self.image.height

    def pdf_image(self) -> PdfImage:
        rgba = self.image.convert("RGBA")
        alpha = rgba.getchannel("A").tobytes()
        return PdfImage(rgba.width, rgba.height, rgba.convert("RGB").tobytes(), alpha)


def load_logo(data: bytes, filename: str) -> Logo:
    """A logo from PNG or SVG bytes; anything else, or an unreadable file, is refused."""
    kind = filename.rsplit(".", 1)[-1].lower()
    try:
        if kind == "svg":
            import resvg_py

            png = bytes(
                resvg_py.svg_to_bytes(svg_string=data.decode("utf-8"), width=LOGO_PX, dpi=96)
            )
            image = Image.open(io.BytesIO(png))
        elif kind == "png":
            image = Image.open(io.BytesIO(data))
            image.load()
        else:
            raise RenderOptionError("logo", "must be an SVG or PNG file")
    except RenderOptionError:
        raise
    except Exception as error:  # Pillow and resvg raise many kinds for a broken file
        raise RenderOptionError("logo", f"cannot be read as {kind.upper()}") from error
    image = image.convert("RGBA")
    image.thumbnail((LOGO_PX, LOGO_PX))
    if image.getchannel("A").getbbox() is None:
        raise RenderOptionError("logo", "is empty (fully transparent)")
    return Logo(image)


def cmyk(colour: str) -> tuple[float, float, float, float]:
    """A naive RGB to CMYK conversion; the print shop's RIP applies its own profile."""
    r, g, b = (c / 255 for c in rgb(colour))
    k = 1 - max(r, g, b)
    if k >= 1:
        return 0.0, 0.0, 0.0, 1.0
    return tuple(round((1 - c - k) / (1 - k), 4) for c in (r, g, b)) + (round(k, 4),)


@dataclass(frozen=True)
class Branding:
    """Background colour (None: plain paper) and logo of the edition's print files."""

    background: str | None = None
    logo: Logo | None = None

    def __post_init__(self) -> None:
        if self.background is None:
            return
        if parse_colour(self.background, "background") != self.background:
            raise RenderOptionError("background", "must be a lower-case colour like #1a2b3c")
        if contrast(BLACK, self.background) < MIN_CONTRAST:
            raise RenderOptionError("background", "too dark: a black QR would not stand out")

    def fill(self) -> str:
        """PDF operators that set the background as the fill colour (CMYK)."""
        c, m, y, k = cmyk(self.background or "#ffffff")
        return f"{c:g} {m:g} {y:g} {k:g} k\n"
