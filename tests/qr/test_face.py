"""The QR with its whole quiet zone, and the code under it, lie on the pin's round face.

The paper circle is larger than the face: its rim folds round the shell, where a module or
a corner of the quiet zone would be bent out of sight. Checked on the layout's numbers, then
on the rendered sheet of every preset (the dark modules found in the pixels), and every pin of
each sheet decoded by two independent readers, zbar and zxing-cpp.
"""

import io
import math
import shutil
import subprocess
from collections import Counter

import pytest
from decode import decode_labels, pdf_pages
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from qr import PRESETS, SheetLayout, Slug, render_sheets
from qr.codes import display
from qr.fonts import MONO_BOLD, SubsetFont
from qr.layout import MM
from qr.render import matrix
from qr.sheets import QUIET, quiet_zone_box
from tests.conftest import need

SCALE = 4  # pixels per point
DARK = 110


def _corners(box):
    left, bottom, right, top = box
    return [(left, bottom), (left, top), (right, bottom), (right, top)]


@given(
    st.one_of(
        st.sampled_from([SheetLayout.for_preset(name) for name in PRESETS]),
        st.builds(
            SheetLayout,
            diameter_mm=st.floats(15, 60),
            bleed_mm=st.floats(1.5, 10),
            gap_mm=st.just(2.0),
            margin_mm=st.just(8.0),
        ),
    )
)
def test_quiet_zone_square_of_every_layout_lies_within_the_face(layout):
    face = layout.diameter_mm * MM / 2
    for cx, cy in layout.centres():
        for x, y in _corners(quiet_zone_box(layout, cx, cy)):
            # Inside, and by a margin a press can hold: 1.5 % of the diameter (0.4 mm on 25).
            assert math.hypot(x - cx, y - cy) <= face * 0.97


def _blocks(rows: list[int], gap: int) -> list[tuple[int, int]]:
    """Runs of row numbers, split where more than gap rows are missing."""
    blocks = [[rows[0], rows[0]]]
    for row in rows[1:]:
        if row - blocks[-1][1] > gap:
            blocks.append([row, row])
        blocks[-1][1] = row
    return [tuple(b) for b in blocks]


def _label_geometry(page: Image.Image, layout: SheetLayout, centre, url: str):
    """From the pixels alone: the QR's dark-module box and the code's box, in pixels."""
    cx, cy = centre[0] * SCALE, page.height - centre[1] * SCALE
    face = layout.diameter_mm * MM / 2 * SCALE
    left, top = int(cx - face), int(cy - face)
    crop = page.crop((left, top, int(cx + face) + 1, int(cy + face) + 1))
    pixels = crop.load()
    dark = {
        (x, y)
        for y in range(crop.height)
        for x in range(crop.width)
        if pixels[x, y] < DARK and math.hypot(x + left - cx, y + top - cy) < face
    }
    modules = matrix(url, layout.ecc).size
    side_guess = 0.6 * 2 * face  # at least the symbol's side: the light gap is wider
    gap = side_guess / modules * 2  # rows inside the symbol are never two modules light
    blocks = _blocks(sorted({y for _, y in dark}), int(gap))
    assert len(blocks) == 2, blocks  # the symbol, then the code under it
    boxes = []
    for first, last in blocks:
        xs = [x for x, y in dark if first <= y <= last]
        boxes.append((min(xs) + left, first + top, max(xs) + 1 + left, last + 1 + top))
    return (cx, cy), face, boxes, modules


@pytest.mark.parametrize("preset", list(PRESETS))
def test_rendered_quiet_zone_and_code_lie_on_the_face_and_every_pin_decodes_twice(
    preset, make_pins, tmp_path
):
    need(shutil.which("zbarimg") is not None, "zbar-tools (zbarimg) is the second reader")
    layout = SheetLayout.for_preset(preset)
    pins = make_pins(layout.per_page)
    out = io.BytesIO()
    render_sheets(pins, layout, out, slug=Slug(f"Preset {preset}", "test", len(pins)))
    page = next(pdf_pages(out.getvalue(), SCALE, printing=True))
    font = SubsetFont(MONO_BOLD)
    for centre, (code, url) in zip(layout.centres(), pins, strict=True):
        (cx, cy), face, (symbol, text), modules = _label_geometry(page, layout, centre, url)
        left, top, right, bottom = symbol
        assert right - left == pytest.approx(bottom - top, abs=2)  # a square
        module = (right - left) / modules
        quiet = (left - QUIET * module, top - QUIET * module)
        quiet += (right + QUIET * module, bottom + QUIET * module)
        for x, y in ((quiet[0], quiet[1]), (quiet[2], quiet[1]), (quiet[0], quiet[3])):
            assert math.hypot(x - cx, y - cy) < face
        assert math.hypot(quiet[2] - cx, quiet[3] - cy) < face
        # The code starts below the quiet zone, and its corners too are on the face.
        assert text[1] > quiet[3]
        for x in (text[0], text[2]):
            assert math.hypot(x - cx, text[3] - cy) < face
        # What is below is the code: as wide as the font draws it, centred under the QR.
        width = font.width(display(code), 6 * layout.diameter_mm / 25) * SCALE
        assert text[2] - text[0] == pytest.approx(width, rel=0.08)
    # Every pin read on its own, by zxing-cpp and by zbar.
    expected = Counter(url for _, url in pins)
    assert Counter(b.text for b in decode_labels(page, layout, SCALE)) == expected
    half = layout.cut_mm * MM / 2 * SCALE
    files = []
    for n, (x, y) in enumerate(layout.centres()):
        x, y = x * SCALE, page.height - y * SCALE
        path = tmp_path / f"pin-{n:03d}.png"
        page.crop((x - half, y - half, x + half, y + half)).save(path)
        files.append(str(path))
    read = subprocess.run(
        ["zbarimg", "--raw", "--quiet", "-Sdisable", "-Sqrcode.enable", *files],
        capture_output=True,
        text=True,
        check=True,
    )
    assert Counter(read.stdout.split()) == expected
