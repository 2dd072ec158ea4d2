"""The looks print tests run with: the neutral default and an edition's branding."""

import io

from PIL import Image, ImageDraw

from qr import Branding, load_logo

LOGO_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">'
    b'<rect width="120" height="40" rx="8" fill="#00675b"/>'
    b'<circle cx="20" cy="20" r="12" fill="#ffffff"/></svg>'
)


def logo_png() -> bytes:
    image = Image.new("RGBA", (160, 60), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((0, 0, 159, 59), fill=(200, 30, 60, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def branded(kind: str = "svg") -> Branding:
    """A light yellow edition with a logo, as an organiser would set PRINT_BACKGROUND/LOGO."""
    logo = load_logo(LOGO_SVG, "logo.svg") if kind == "svg" else load_logo(logo_png(), "logo.png")
    return Branding(background="#fde8b0", logo=logo)


LOOKS = {"plain": lambda: None, "branded": branded}
