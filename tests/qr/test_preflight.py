"""Sheets and posters as a print shop's preflight sees them, read from the files themselves.

Fonts embedded (subset), QR modules and text in 100% K only, the paper circle as a
CutContour separation on a non-printing, overprinting layer, crop marks and slug line
outside the cut area, page boxes as declared.
"""

from pathlib import Path

import pikepdf
import pytest
from decode import pdf_pages
from looks import branded
from preflight import K, boxes, distance, fonts, have_poppler, paints, poppler, split_circles

from qr import Poster, SheetLayout, Slug, render_posters, render_sheets
from qr.branding import cmyk
from qr.codes import display, mint_stand_code, stand_url
from tests.conftest import need

A4_PT = (595.28, 841.89)
MM = 72 / 25.4


@pytest.fixture(autouse=True)
def _poppler():
    need(have_poppler(), "poppler-utils (pdffonts, pdfinfo, pdftotext) reads the files")


def sheet(tmp_path, pins, layout=None, branding=None, name="sheets.pdf"):
    path = tmp_path / name
    with path.open("wb") as out:
        render_sheets(
            pins,
            layout or SheetLayout(),
            out,
            branding,
            Slug("Day 1", "ut-desk", len(pins), "2026-12-01"),
        )
    return str(path)


@pytest.fixture(scope="module")
def pins(make_pins):
    return make_pins(40)  # 35 on the first page of the 25 mm machine, 5 on the second


@pytest.fixture(params=["plain", "branded"])
def look(request):
    return branded() if request.param == "branded" else None


def test_every_font_of_a_sheet_is_an_embedded_subset(tmp_path, pins, look):
    found = fonts(sheet(tmp_path, pins, branding=look))
    assert found and all((f["emb"], f["sub"], f["uni"]) == ("yes", "yes", "yes") for f in found)
    assert all(f["name"].endswith("+DejaVuSansMono-Bold") for f in found)


def test_qr_modules_and_text_are_black_ink_only(tmp_path, pins, look):
    pdf = pikepdf.open(sheet(tmp_path, pins, branding=look))
    for number in range(len(pdf.pages)):
        painted = paints(pdf, number)
        modules = [p for p in painted if p.kind == "fill" and not p.curved]
        assert len(modules) == (35 if number == 0 else 5)  # one dark area per QR
        assert {p.colour for p in modules} == {K}
        assert {p.colour for p in painted if p.kind == "text"} == {K}
        # Nothing in RGB or grey: a RIP would turn it into rich black or a screen.
        assert not [p for p in painted if p.colour[0] in ("DeviceRGB", "DeviceGray")]


def test_cut_path_is_cutcontour_on_a_non_printing_overprinting_layer(tmp_path, pins, look):
    layout = SheetLayout()
    pdf = pikepdf.open(sheet(tmp_path, pins, layout, look))
    painted = paints(pdf, 0)
    cut = [c for p in painted if p.layer == "CutContour" for c in split_circles(p)]
    assert len(cut) == 35
    assert all(c.kind == "stroke" and c.colour == ("Separation:CutContour", (1.0,)) for c in cut)
    assert all(c.overprint for c in cut)
    assert all(c.diameter_mm == pytest.approx(layout.cut_mm, abs=0.05) for c in cut)
    assert not [p for p in painted if p.colour[0].startswith("Separation") and p.layer is None]
    oc = pdf.Root.OCProperties
    (layer,) = list(oc.OCGs)
    assert str(layer.Name) == "CutContour" and layer.Usage.Print.PrintState == "/OFF"
    events = {
        str(entry.Event) for entry in oc.D.AS if layer.objgen in [g.objgen for g in entry.OCGs]
    }
    assert "/Print" in events


def test_cut_path_is_not_on_the_printed_plates(tmp_path, pins):
    data = Path(sheet(tmp_path, pins)).read_bytes()
    on_screen = next(pdf_pages(data, 1, grayscale=False)).convert("RGB")
    printed = next(pdf_pages(data, 1, printing=True, grayscale=False)).convert("RGB")

    def magenta(image):
        return sum(1 for r, g, b in image.get_flattened_data() if r > 150 and g < 120 and b > 150)

    assert magenta(on_screen) > 1000  # the cutter's path shows on screen
    assert magenta(printed) == 0
    # The plain look prints black ink only: no pixel with colour in it (pdfium shows K as
    # a near-neutral dark grey).
    assert all(max(px) - min(px) <= 12 for px in printed.get_flattened_data())


def test_hairline_option_prints_the_circle_in_black(tmp_path, pins):
    layout = SheetLayout(cut="hairline")
    pdf = pikepdf.open(sheet(tmp_path, pins, layout))
    assert "/OCProperties" not in pdf.Root
    circles = [
        c for p in paints(pdf, 0) if p.kind == "stroke" and p.curved for c in split_circles(p)
    ]
    assert len(circles) == 35 and {c.colour for c in circles} == {K}
    assert all(c.diameter_mm == pytest.approx(layout.cut_mm, abs=0.05) for c in circles)


def test_crop_marks_and_slug_line_lie_outside_the_cut_area(tmp_path, pins):
    layout = SheetLayout()
    path = sheet(tmp_path, pins, layout)
    pdf = pikepdf.open(path)
    for number, on_page in ((0, pins[:35]), (1, pins[35:])):
        painted = paints(pdf, number)
        circles = [c for p in painted if p.layer == "CutContour" for c in split_circles(p)]
        centres = [((c.box[0] + c.box[2]) / 2, (c.box[1] + c.box[3]) / 2) for c in circles]
        radius = layout.cut_mm * MM / 2
        marks = [p for p in painted if p.kind == "stroke" and p.layer is None]
        assert marks and all(
            distance(point, centre) > radius + 1
            for p in marks
            for point in p.points
            for centre in centres
        )
        lowest = min(c.box[1] for c in circles)
        slug = [p for p in painted if p.kind == "text" and p.points[0][1] < lowest]
        assert len(slug) == 1 and slug[0].points[0][1] > 0
        text = poppler("pdftotext", "-f", str(number + 1), "-l", str(number + 1), path, "-")
        first, last = display(on_page[0][0]), display(on_page[-1][0])
        for part in (
            "Day 1",
            "ut-desk",
            f"page {number + 1} / 2",
            f"{first} – {last}",
            "2026-12-01",
        ):
            assert part in " ".join(text.split())


def test_sheet_page_is_a4_and_the_background_bleeds_to_the_cut_line(tmp_path, pins):
    layout = SheetLayout.for_preset("38")
    look = branded()
    path = sheet(tmp_path, pins, layout, look)
    found = boxes(path)
    assert found["MediaBox"] == found["TrimBox"] == (0.0, 0.0, *A4_PT)
    pdf = pikepdf.open(path)
    background = [p for p in paints(pdf, 0) if p.kind == "fill" and p.curved]
    assert background and {p.colour for p in background} == {("DeviceCMYK", cmyk("#fde8b0"))}
    # The wrap is bleed: the background runs to the paper circle, not to the face.
    assert all(p.diameter_mm == pytest.approx(layout.cut_mm, abs=0.05) for p in background)
    logos = [p for p in paints(pdf, 0) if p.kind == "image"]
    face, cut = layout.diameter_mm * MM / 2, layout.cut_mm * MM / 2
    for logo, centre in zip(logos, layout.centres(), strict=True):
        # The logo sits in the wrap ring, below the face.
        assert all(face <= distance(point, centre) <= cut for point in logo.points)


@pytest.fixture
def posters(tmp_path, base_url):
    def make(branding=None):
        path = tmp_path / "posters.pdf"
        items = [Poster("Café Ørsted & Müller", "B12", stand_url(base_url, mint_stand_code()))]
        with path.open("wb") as out:
            render_posters(items, out, branding=branding)
        return str(path)

    return make


def test_posters_embed_fonts_print_black_and_declare_their_bleed(posters, look):
    path = posters(look)
    found = fonts(path)
    assert len(found) == 3 and all((f["emb"], f["sub"]) == ("yes", "yes") for f in found)
    bleed = 3 * MM
    media, trim = boxes(path)["MediaBox"], boxes(path)["TrimBox"]
    assert media == pytest.approx((0, 0, A4_PT[0] + 2 * bleed, A4_PT[1] + 2 * bleed), abs=0.01)
    assert trim == pytest.approx((bleed, bleed, A4_PT[0] + bleed, A4_PT[1] + bleed), abs=0.01)
    painted = paints(pikepdf.open(path), 0)
    modules = [
        p for p in painted if p.kind == "fill" and p.colour != ("DeviceCMYK", cmyk("#fde8b0"))
    ]
    assert len(modules) == 1 and modules[0].colour == K
    assert {p.colour[0] for p in painted if p.kind == "text"} == {"DeviceCMYK"}
    assert all(p.colour[1][:3] == (0, 0, 0) for p in painted if p.kind == "text")  # K only
    if look:
        (background,) = [p for p in painted if p.kind == "fill" and p.colour != K]
        assert background.box == pytest.approx(media, abs=0.01)  # into the bleed
