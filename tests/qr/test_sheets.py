"""Pin label sheets: every printed QR decodes to its URL, drawn as vectors at pin scale."""

import io
from collections import Counter

import pytest
from decode import (
    IMAGE_OBJECT,
    MM_PER_PT,
    decode_labels,
    filled_square_paths_mm,
    pdf_object_types,
    pdf_pages,
    pdf_text,
)

from qr import SheetLayout, module_mm, render_sheets
from qr.codes import display

SCALE = 4  # pixels per point: a 0.515 mm module is about 5.8 pixels


@pytest.fixture(scope="module")
def pins(make_pins):
    return make_pins(70)


@pytest.fixture(scope="module")
def sheet(pins):
    out = io.BytesIO()
    info = render_sheets(pins, SheetLayout(), out)
    return info, out.getvalue()


@pytest.fixture(scope="module")
def decoded_pages(sheet):
    return [decode_labels(page, SheetLayout(), SCALE) for page in pdf_pages(sheet[1], SCALE)]


def test_seventy_pins_fill_two_pages_of_the_25_mm_machine(sheet):
    info, data = sheet
    assert (info.pages, info.count, info.per_page, info.max_version) == (2, 70, 35, 2)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def test_every_qr_on_every_sheet_decodes_to_its_url(pins, decoded_pages):
    assert [len(page) for page in decoded_pages] == [35, 35]
    decoded = Counter(barcode.text for page in decoded_pages for barcode in page)
    assert decoded == Counter(url for _, url in pins)


def test_pins_are_printed_in_the_order_given(pins, decoded_pages):
    first_page = {barcode.text for barcode in decoded_pages[0]}
    assert first_page == {url for _, url in pins[:35]}


def test_sheets_are_vector_without_images(sheet):
    data = sheet[1]
    assert IMAGE_OBJECT not in pdf_object_types(data)
    assert b"/Image" not in data


def test_code_is_printed_under_each_qr(pins, sheet):
    text = "\n".join(pdf_text(sheet[1]))
    for code, _ in pins:
        assert display(code) in text


def test_default_layout_prints_modules_of_at_least_half_a_millimetre(sheet, decoded_pages):
    info, data = sheet
    assert module_mm(SheetLayout(), 2) == pytest.approx(16.6 / 33) and info.module_mm >= 0.5
    for barcode in decoded_pages[0]:
        assert barcode.extra["Version"] == "2" and barcode.ec_level == "M"
        # Where the decoder found the symbol on the raster, back to millimetres.
        pos = barcode.position
        side_px = (
            (pos.top_right.x - pos.top_left.x) + (pos.bottom_right.x - pos.bottom_left.x)
        ) / 2
        assert side_px / SCALE * MM_PER_PT / 25 >= 0.5
    # And from the drawn geometry itself: 35 square dark areas of 25 modules each.
    sides = filled_square_paths_mm(data, page=0)
    assert len(sides) == 35
    assert all(side / 25 >= 0.5 for side in sides)
    assert min(sides) == pytest.approx(25 * 16.6 / 33, abs=0.01)


def test_larger_pins_get_larger_modules_and_a_smaller_grid(pins):
    layout = SheetLayout(diameter_mm=38, columns=3, rows=4)
    out = io.BytesIO()
    info = render_sheets(pins[:25], layout, out)
    assert (info.pages, info.per_page) == (3, 12)
    assert info.module_mm == pytest.approx(0.664 * 38 / 33)
    page = next(pdf_pages(out.getvalue(), 2))
    assert len(decode_labels(page, layout, 2)) == 12


def test_an_empty_run_is_still_a_valid_pdf():
    out = io.BytesIO()
    info = render_sheets([], SheetLayout(), out)
    assert (info.pages, info.count) == (1, 0)
    assert [
        len(decode_labels(page, SheetLayout(), 1)) for page in pdf_pages(out.getvalue(), 1)
    ] == [0]
