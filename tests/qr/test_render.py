"""Single QR images: every format decodes, with an independent reader, to the data given."""

import re

import pytest
from decode import IMAGE_OBJECT, pdf_object_types, pdf_pages, png_image, svg_image, texts

from qr import RenderOptionError, RenderOptions, matrix, qr_version, render, render_matrix
from qr.codes import mint_code, pin_url


@pytest.fixture
def url(base_url):
    return pin_url(base_url, mint_code())


def test_png_decodes_to_the_url(url):
    data, mimetype = render(url, RenderOptions(size_px=300))
    image = png_image(data)
    assert mimetype == "image/png" and data.startswith(b"\x89PNG")
    assert image.size == (300, 300)
    assert texts(image) == [url]


def test_png_keeps_a_light_quiet_zone_of_at_least_four_modules(url):
    options = RenderOptions(size_px=330, quiet_zone=4)
    image = png_image(render(url, options)[0]).convert("L")
    module = 330 // (25 + 8)
    border = 4 * module
    for box in [(0, 0, 330, border), (0, 0, border, 330), (330 - border, 0, 330, 330)]:
        assert image.crop(box).getextrema() == (255, 255)


def test_coloured_png_still_decodes(url):
    options = RenderOptions.from_params({"dark": "#123a5f", "light": "#fff4d6", "ecc": "H"})
    image = png_image(render(url, options)[0])
    assert image.convert("RGB").getpixel((0, 0)) == (255, 244, 214)
    assert texts(image) == [url]


def test_svg_is_one_path_and_decodes_to_the_url(url):
    data, mimetype = render(url, RenderOptions(format="svg", size_px=400))
    assert mimetype == "image/svg+xml"
    assert data.count(b"<path") == 1 and data.count(b"<rect") == 1
    assert texts(svg_image(data, 400)) == [url]


def test_pdf_is_vector_and_decodes_to_the_url(url):
    data, mimetype = render(url, RenderOptions(format="pdf", size_px=200))
    assert mimetype == "application/pdf" and data.startswith(b"%PDF")
    assert IMAGE_OBJECT not in pdf_object_types(data)
    assert [texts(page) for page in pdf_pages(data, scale=3)] == [[url]]


def test_one_matrix_serves_every_format(url):
    symbol = matrix(url, "Q")
    for fmt in ("png", "svg", "pdf"):
        options = RenderOptions(format=fmt, ecc="Q")
        assert render_matrix(symbol, options) == render(url, options)


def test_matrix_has_no_quiet_zone_and_a_finder_in_the_corner(url):
    symbol = matrix(url)
    assert symbol.size == 4 * symbol.version + 17 == len(symbol.rows[0])
    assert symbol.rows[0][:7] == b"\x01" * 7  # the top-left finder's top edge


def test_rectangles_cover_exactly_the_dark_modules(url):
    symbol = matrix(url)
    covered = set()
    for x, y, w, h in symbol.rects:
        cells = {(x + dx, y + dy) for dx in range(w) for dy in range(h)}
        assert not covered & cells
        covered |= cells
    dark = {(x, y) for y, row in enumerate(symbol.rows) for x, v in enumerate(row) if v}
    assert covered == dark


def test_upper_case_url_uses_alphanumeric_mode_and_stays_small(base_url):
    code = mint_code()
    assert qr_version(pin_url(base_url, code)) == 2
    # The same URL in lower case needs byte mode and a bigger symbol.
    assert qr_version(f"{base_url}/p/{code.lower()}") > 2


def test_png_too_small_for_the_symbol_is_refused():
    long_data = "HTTPS://PINS.EXAMPLE.ORG/" + "A" * 1500
    with pytest.raises(RenderOptionError) as caught:
        render(long_data, RenderOptions(size_px=64, ecc="L"))
    assert caught.value.field == "size_px"


def test_svg_path_is_compact(url):
    data = render(url, RenderOptions(format="svg"))[0]
    path = re.search(rb' d="([^"]*)"', data).group(1)
    assert path.count(b"M") < 25 * 25 // 3  # runs and stacks, not one square per module
