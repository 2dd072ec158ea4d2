"""Independent readers for what qr/ draws: zxing-cpp decodes, pdfium and resvg rasterise.

None of these share code with qrcode, reportlab or Pillow's drawing, so a symbol that decodes
here was drawn right, not merely drawn the way we think we drew it.
"""

import ctypes
import io
import os
from collections.abc import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp
from PIL import Image

MM_PER_PT = 25.4 / 72


def decode(image: Image.Image) -> list[zxingcpp.Barcode]:
    """Every QR code zxing-cpp finds in the image."""
    return zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)


def texts(image: Image.Image) -> list[str]:
    return [barcode.text for barcode in decode(image)]


def decode_labels(page: Image.Image, layout, scale: float) -> list[zxingcpp.Barcode]:
    """Each label of a rasterised sheet cut out and decoded on its own, as a pin is read.

    Decoding a whole page once found a phantom symbol assembled from the finder
    patterns of neighbouring codes; nobody scans a sheet, they scan a pin.
    """
    half = layout.cut_mm / 2 / MM_PER_PT * scale
    found = []
    for x, y in layout.centres():
        left, top = x * scale - half, page.height - y * scale - half
        found += decode(page.crop((left, top, left + 2 * half, top + 2 * half)))
    return found


def label_texts(page: Image.Image, layout, scale: float) -> list[str]:
    return [barcode.text for barcode in decode_labels(page, layout, scale)]


def png_image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def pdf_pages(
    data: bytes, scale: float, printing: bool = False, grayscale: bool = True
) -> Iterator[Image.Image]:
    """Each page rasterised by pdfium at scale pixels per point.

    printing renders as for a printer: optional content that does not print (the cut
    layer) is left out, as a RIP leaves it off the plates.
    """
    document = pdfium.PdfDocument(data)
    flags = pdfium_c.FPDF_PRINTING if printing else 0
    for page in document:
        yield page.render(scale=scale, grayscale=grayscale, extra_flags=flags).to_pil()


def pdf_object_types(data: bytes) -> set[int]:
    """The kinds of page objects (path, text, image ...) on all pages."""
    document = pdfium.PdfDocument(data)
    return {obj.type for page in document for obj in page.get_objects()}


def pdf_text(data: bytes) -> list[str]:
    """The text of each page, as pdfium extracts it."""
    return [page.get_textpage().get_text_range() for page in pdfium.PdfDocument(data)]


def _filled(obj) -> bool:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke))
    return fill.value != pdfium_c.FPDF_FILLMODE_NONE and not stroke.value


def filled_square_paths_mm(data: bytes, page: int = 0) -> list[float]:
    """Side in mm of every filled, unstroked square path on a page: the QR dark areas."""
    sides = []
    for obj in pdfium.PdfDocument(data)[page].get_objects():
        if obj.type != pdfium_c.FPDF_PAGEOBJ_PATH or not _filled(obj):
            continue
        left, bottom, right, top = obj.get_bounds()
        width, height = right - left, top - bottom
        if abs(width - height) < 0.01 * width:
            sides.append(width * MM_PER_PT)
    return sides


IMAGE_OBJECT = pdfium_c.FPDF_PAGEOBJ_IMAGE


def svg_image(svg: bytes, width: int) -> Image.Image:
    """An SVG rasterised by resvg (Rust; a self-contained wheel, no system libraries)."""
    resvg = _need("resvg_py", "resvg-py rasterises SVG for the decoder")
    # dpi: resvg-py's default of 0 cannot size an SVG given in mm, as per-pin SVGs are.
    png = resvg.svg_to_bytes(svg_string=svg.decode(), width=width, dpi=96)
    return Image.open(io.BytesIO(bytes(png)))


def _need(module: str, reason: str):
    # Same rule as tests/conftest.py need(): skip here, fail under SPELD_REQUIRE_ALL=1.
    try:
        return __import__(module)
    except ImportError:
        if os.environ.get("SPELD_REQUIRE_ALL") == "1":
            pytest.fail(f"SPELD_REQUIRE_ALL=1 and {module} is missing: {reason}")
        pytest.skip(f"{module} not installed: {reason}")
