"""Print sets: the ZIP holds a sheet PDF, a manifest and an SVG and PNG per pin, all agreeing."""

import csv
import io
import zipfile
from collections import Counter

import pytest
from decode import label_texts, pdf_pages, png_image, svg_image, texts

from qr import PrintMeta, SheetLayout, write_bundle, write_manifest, write_print_set


@pytest.fixture(scope="module")
def bundle(make_pins):
    pins = make_pins(12)
    out = io.BytesIO()
    info = write_bundle(iter(pins), PrintMeta("=SUM(A1)", "mail"), SheetLayout(), out)
    return pins, info, zipfile.ZipFile(io.BytesIO(out.getvalue()))


def read_manifest(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_bundle_holds_sheets_manifest_and_an_svg_and_png_per_pin(bundle):
    pins, info, archive = bundle
    expected = {"sheets.pdf", "manifest.csv"}
    expected |= {f"{kind}/{code}.{kind}" for code, _ in pins for kind in ("svg", "png")}
    assert set(archive.namelist()) == expected
    assert archive.testzip() is None
    assert info.count == 12 and info.sheets.pages == 1


def test_manifest_lists_every_pin_with_batch_channel_and_version(bundle):
    pins, _, archive = bundle
    rows = read_manifest(archive.read("manifest.csv"))
    assert list(rows[0]) == ["code", "url", "batch", "channel", "qr_version"]
    assert [(r["code"], r["url"]) for r in rows] == pins
    # A batch label that starts like a formula is kept as text.
    assert {(r["batch"], r["channel"], r["qr_version"]) for r in rows} == {
        ("'=SUM(A1)", "mail", "2")
    }


def test_every_image_in_the_bundle_decodes_to_the_manifest_url(bundle):
    _, _, archive = bundle
    for row in read_manifest(archive.read("manifest.csv")):
        png = png_image(archive.read(f"png/{row['code']}.png"))
        assert texts(png) == [row["url"]]
        assert texts(svg_image(archive.read(f"svg/{row['code']}.svg"), 300)) == [row["url"]]


def test_per_pin_images_have_the_printed_size_and_record_600_dpi(bundle):
    _, _, archive = bundle
    code = read_manifest(archive.read("manifest.csv"))[0]["code"]
    png = png_image(archive.read(f"png/{code}.png"))
    # 16.6 mm on a 25 mm pin (QR and quiet zone) at 600 dpi is 392 pixels.
    assert png.size == (392, 392)
    assert [round(v) for v in png.info["dpi"]] == [600, 600]
    svg = archive.read(f"svg/{code}.svg").decode()
    assert 'width="16.595mm" height="16.595mm"' in svg


def test_sheets_in_the_bundle_decode_to_the_manifest(bundle):
    _, _, archive = bundle
    urls = Counter(r["url"] for r in read_manifest(archive.read("manifest.csv")))
    pages = list(pdf_pages(archive.read("sheets.pdf"), 4))
    decoded = Counter(t for page in pages for t in label_texts(page, SheetLayout(), 4))
    assert decoded == urls


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])
def test_manifest_neutralises_cells_that_would_run_as_formulas(cell):
    out = io.StringIO(newline="")
    write_manifest([("ABC", "HTTPS://X/P/ABC", cell, "", 2)], out)
    row = list(csv.reader(io.StringIO(out.getvalue())))[1]
    assert row[2] == "'" + cell


def test_duplicate_or_unsafe_codes_are_refused(tmp_path):
    url = "HTTPS://PINS.EXAMPLE.ORG/P/ABC"
    for pins in ([("ABC", url), ("ABC", url)], [("../ABC", url)]):
        with pytest.raises(ValueError):
            write_bundle(pins, PrintMeta("b"), SheetLayout(), io.BytesIO())


def test_print_set_writes_sheets_manifest_and_a_bundle_holding_both(tmp_path, make_pins):
    pins = make_pins(5)
    info = write_print_set((pin for pin in pins), PrintMeta("b1"), SheetLayout(), tmp_path / "out")
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["bundle.zip", "manifest.csv", "sheets.pdf"]
    assert len(info.files) == 3 and info.count == 5
    with zipfile.ZipFile(tmp_path / "out" / "bundle.zip") as archive:
        assert archive.read("sheets.pdf") == (tmp_path / "out" / "sheets.pdf").read_bytes()
        assert archive.read("manifest.csv") == (tmp_path / "out" / "manifest.csv").read_bytes()
        assert len(archive.namelist()) == 2 + 2 * 5
