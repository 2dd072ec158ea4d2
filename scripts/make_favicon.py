"""Draw Speld's favicon: a blue pin with its white QR-ish dot, as backend/pages/static/favicon.ico.

Run once when the look changes: .venv/bin/python scripts/make_favicon.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = (11, 79, 138, 255)  # --brand in the pages' CSS
OUT = Path(__file__).resolve().parent.parent / "backend" / "pages" / "static" / "favicon.ico"


def draw(size: int = 256) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    unit = size / 16
    pen.ellipse((unit, unit, size - unit, size - unit), fill=BRAND)  # the pin
    square = (5 * unit, 5 * unit, 11 * unit, 11 * unit)
    pen.rounded_rectangle(square, radius=unit, fill="white")  # the code on it
    pen.rectangle((6.5 * unit, 6.5 * unit, 9.5 * unit, 9.5 * unit), fill=BRAND)
    return image


if __name__ == "__main__":
    draw().save(OUT, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    print(OUT, OUT.stat().st_size, "bytes")
