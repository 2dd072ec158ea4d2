"""Sheets and posters as a print shop's preflight sees them, read from the files themselves.

Fonts embedded (subset), QR modules and text in 100% K only, the paper circle as a
visible, overprinting CutContour separation stroke, crop marks and slug line outside the
cut area, page boxes as declared.
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


CUT = ("Separation:CutContour", (1.0,))


def cut_circles(painted):
    return [c for p in painted if p.kind == "stroke" and p.colour == CUT for c in split_circles(p)]


def test_cut_path_is_a_visible_overprinting_cutcontour_stroke(tmp_path, pins, look):
    layout = SheetLayout()
    pdf = pikepdf.open(sheet(tmp_path, pins, layout, look))
    painted = paints(pdf, 0)
    cut = cut_circles(painted)
    assert len(cut) == 35
    assert all(c.diameter_mm == pytest.approx(layout.cut_mm, abs=0.05) for c in cut)
    # Overprint on for stroke and fill, non-zero overprint mode: what print-and-cut RIPs
    # (VersaWorks, FineCut, GoProduce) expect of the CutContour path.
    for c in cut:
        assert c.overprint and c.layer is None
        assert c.graphics_state == {"OP": True, "op": True, "OPM": 1}
    (space,) = {str(v[1]) for v in pdf.pages[0].Resources.ColorSpace.values()}
    assert space == "/CutContour"
    # No optional content at all: no layer a RIP or a viewer could leave unprinted.
    assert "/OCProperties" not in pdf.Root
    assert not [p for p in painted if p.layer is not None]
    assert not [p for p in painted if p.colour[0].startswith("Separation") and p.colour != CUT]


def _magenta(pixel) -> bool:
    r, g, b = pixel
    return r > 150 and g < 120 and b > 150


def test_cut_line_prints_on_a_proof_and_is_the_only_colour_there(tmp_path, pins):
    layout = SheetLayout()
    data = Path(sheet(tmp_path, pins, layout)).read_bytes()
    scale = 1
    for printing in (False, True):  # on screen, and as a desktop printer prints a proof
        image = next(pdf_pages(data, scale, printing=printing, grayscale=False)).convert("RGB")
        pixels = image.load()
        coloured = [
            (x, y)
            for y in range(image.height)
            for x in range(image.width)
            if max(pixels[x, y]) - min(pixels[x, y]) > 12
        ]
        assert sum(1 for x, y in coloured if _magenta(pixels[x, y])) > 1000
        # Every pixel with colour in it lies on a paper circle: the cut line, nothing else.
        radius = layout.cut_mm * MM / 2 * scale
        centres = [(x * scale, image.height - y * scale) for x, y in layout.centres()]
        assert all(
            min(abs(distance((x + 0.5, y + 0.5), c) - radius) for c in centres) < 2.5
            for x, y in coloured
        )


def test_hairline_option_prints_the_circle_in_black(tmp_path, pins):
    layout = SheetLayout(cut="hairline")
    path = sheet(tmp_path, pins, layout)
    pdf = pikepdf.open(path)
    assert "/OCProperties" not in pdf.Root
    circles = [
        c for p in paints(pdf, 0) if p.kind == "stroke" and p.curved for c in split_circles(p)
    ]
    assert len(circles) == 35 and {c.colour for c in circles} == {K}
    assert all(c.diameter_mm == pytest.approx(layout.cut_mm, abs=0.05) for c in circles)
    # Nothing a RIP could take for a cut job: no CutContour declared anywhere in the file,
    # no separation, no overprint (streams decompressed before looking).
    for page in pdf.pages:
        assert "/ColorSpace" not in page.Resources and "/ExtGState" not in page.Resources
    plain = tmp_path / "plain.pdf"
    pdf.save(plain, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.all)
    assert b"CutContour" not in plain.read_bytes() and b"Separation" not in plain.read_bytes()
    contour = pikepdf.open(sheet(tmp_path, pins, SheetLayout(), name="contour.pdf"))
    contour.save(tmp_path / "c.pdf", compress_streams=False)
    assert b"CutContour" in (tmp_path / "c.pdf").read_bytes()  # the same reading finds it


def test_crop_marks_and_slug_line_lie_outside_the_cut_area(tmp_path, pins):
    layout = SheetLayout()
    path = sheet(tmp_path, pins, layout)
    pdf = pikepdf.open(path)
    for number, on_page in ((0, pins[:35]), (1, pins[35:])):
        painted = paints(pdf, number)
        circles = cut_circles(painted)
        centres = [((c.box[0] + c.box[2]) / 2, (c.box[1] + c.box[3]) / 2) for c in circles]
        radius = layout.cut_mm * MM / 2
        marks = [p for p in painted if p.kind == "stroke" and p.colour != CUT]
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
