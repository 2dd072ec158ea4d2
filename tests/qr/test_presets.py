"""Each badge-machine preset printed, rasterised as a printer would, and every QR decoded.

One full sheet per preset and look (neutral and branded), each label cut out at its paper
circle and decoded on its own with zxing-cpp, against the (code, url) list it was printed
from. A picture of each sheet and of a poster is kept in test-output/ for a person to look at.
"""

import io
from collections import Counter

import pytest
from decode import decode_labels, pdf_pages, texts
from looks import LOOKS, branded

from qr import PRESETS, Poster, SheetLayout, Slug, render_posters, render_sheets
from qr.codes import mint_stand_code, stand_url
from qr.sheets import module_mm

SCALE = 4  # pixels per point: a 0.515 mm module is about 5.8 pixels
PICTURE_SCALE = 1.5


@pytest.mark.parametrize("look", list(LOOKS))
@pytest.mark.parametrize("preset", ["25", "32", "38", "44", "56"])
def test_a_full_sheet_of_each_preset_decodes_label_by_label(preset, look, make_pins, screenshots):
    layout = SheetLayout.for_preset(preset)
    pins = make_pins(layout.per_page)
    out = io.BytesIO()
    info = render_sheets(
        pins, layout, out, LOOKS[look](), Slug(f"Preset {preset}", "test", len(pins))
    )
    assert (info.pages, info.count) == (1, layout.per_page)
    assert module_mm(layout, info.max_version) >= 0.5
    page = next(pdf_pages(out.getvalue(), SCALE, printing=True))
    decoded = decode_labels(page, layout, SCALE)
    assert Counter(b.text for b in decoded) == Counter(url for _, url in pins)
    picture = next(pdf_pages(out.getvalue(), PICTURE_SCALE, grayscale=False))
    picture.save(screenshots / f"sheet-{preset}mm-{look}.png")


def test_presets_name_the_machines_of_the_issue():
    assert {name: (p.face_mm, p.cut_mm) for name, p in PRESETS.items()} == {
        "25": (25.0, 33.3),
        "32": (32.0, 41.3),
        "38": (38.0, 44.5),
        "44": (44.0, 52.4),
        "56": (57.0, 66.7),
        "58": (57.0, 66.7),
    }
    for preset in PRESETS.values():
        assert preset.cut_mm > preset.face_mm + 5  # a wrap to press round the shell


def test_a_branded_poster_decodes_and_is_kept_as_a_picture(base_url, screenshots):
    poster = Poster("Café Ørsted & Müller", "B12", stand_url(base_url, mint_stand_code()))
    out = io.BytesIO()
    render_posters([poster], out, branding=branded("png"))
    assert [texts(page) for page in pdf_pages(out.getvalue(), 1.5, printing=True)] == [[poster.url]]
    picture = next(pdf_pages(out.getvalue(), 1, grayscale=False))
    picture.save(screenshots / "poster-branded.png")
