"""What every PDF says about itself, and font subsets that never collide when files merge.

A print shop's preflight lists the fonts (pdffonts) and the document information: each
subset's tag must be its own (reportlab tagged the first subset of every font AAAAAA+, so a
poster's three fonts shared one tag), and Producer, Creator, Title and Subject must name
Speld with its version, the edition and the batch.
"""

import hashlib
import io
import re
import tomllib
from pathlib import Path

import pikepdf
import pytest
from preflight import fonts, have_poppler

from qr import Poster, SheetLayout, Slug, render_posters, render_sheets
from qr.cards import SignInCard, render_card
from qr.codes import mint_stand_code, stand_url
from qr.docinfo import VERSION
from tests.conftest import need

ROOT = Path(__file__).resolve().parents[2]
SPELD = f"Speld {VERSION}"
TAG = re.compile(r"[A-Z]{6}\+")


def _sheet(pins, tmp_path, name="sheets.pdf", **slug) -> Path:
    path = tmp_path / name
    with path.open("wb") as out:
        render_sheets(pins, SheetLayout.for_preset("38"), out, slug=Slug(**slug))
    return path


def _posters(tmp_path, companies, base_url, name="posters.pdf") -> Path:
    path = tmp_path / name
    items = [
        Poster(c, f"B{i}", stand_url(base_url, mint_stand_code())) for i, c in enumerate(companies)
    ]
    with path.open("wb") as out:
        render_posters(items, out, edition="Business Days Twente 2027")
    return path


def _card(tmp_path, base_url, name="card.pdf") -> Path:
    path = tmp_path / name
    card = SignInCard("Café Ørsted", "B12", "Business Days Twente 2027", f"{base_url}/scan#token=x")
    with path.open("wb") as out:
        render_card(card, out)
    return path


def test_the_version_named_is_the_project_s():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == VERSION


def test_each_poster_font_subset_has_its_own_tag(tmp_path, base_url):
    need(have_poppler(), "poppler-utils (pdffonts) reads the fonts")
    found = fonts(str(_posters(tmp_path, ["Café Ørsted & Müller"], base_url)))
    names = [f["name"] for f in found]
    assert len(names) == 3 and all(TAG.match(name) for name in names)
    assert len({name[:6] for name in names}) == 3
    assert {name[7:] for name in names} == {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono-Bold"}
    # Deterministic: the same posters give the same tags; other text, other subsets.
    again = fonts(str(_posters(tmp_path, ["Café Ørsted & Müller"], base_url, "again.pdf")))
    assert [f["name"] for f in again] == names
    other = fonts(str(_posters(tmp_path, ["Xylofoon Quiz BV"], base_url, "other.pdf")))
    bold = [f["name"] for f in other if f["name"].endswith("+DejaVuSans-Bold")]
    assert bold and bold[0] not in names


def _font_programs(pdf: pikepdf.Pdf) -> dict[str, set[str]]:
    """BaseFont name -> digests of the font programs that carry it."""
    programs: dict[str, set[str]] = {}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
            data = obj.FontDescriptor.FontFile2.read_bytes()
            programs.setdefault(str(obj.BaseFont), set()).add(hashlib.sha256(data).hexdigest())
    return programs


def test_merged_sheets_posters_and_cards_never_share_a_name_between_two_subsets(
    tmp_path, base_url, make_pins
):
    files = [
        _sheet(make_pins(3), tmp_path, batch="Day 1"),
        _sheet(make_pins(3), tmp_path, "other.pdf", batch="Day 2"),
        _posters(tmp_path, ["Café Ørsted & Müller", "Łukasiewicz"], base_url),
        _posters(tmp_path, ["Xylofoon Quiz BV"], base_url, "more.pdf"),
        _card(tmp_path, base_url),
    ]
    merged = pikepdf.new()
    for path in files:
        merged.pages.extend(pikepdf.open(path).pages)
    out = io.BytesIO()
    merged.save(out)
    programs = _font_programs(pikepdf.open(io.BytesIO(out.getvalue())))
    assert len(programs) >= 8
    assert all(TAG.match(name[1:]) for name in programs)
    # One name, one font program: a RIP that caches fonts by name draws each text right.
    assert all(len(digests) == 1 for digests in programs.values()), programs


def _info(path: Path) -> dict[str, str]:
    with pikepdf.open(path) as pdf:
        return {str(k)[1:]: str(v) for k, v in pdf.docinfo.items()}


def test_sheets_name_speld_the_edition_and_the_batch(tmp_path, make_pins):
    info = _info(
        _sheet(
            make_pins(2),
            tmp_path,
            batch="Dag 1 — ochtend",
            channel="ut-desk",
            edition="Business Days Twente 2027",
        )
    )
    assert (info["Producer"], info["Creator"]) == (SPELD, SPELD)
    for key in ("Title", "Subject"):
        assert "Business Days Twente 2027" in info[key] and "Dag 1 — ochtend" in info[key]
    assert "ut-desk" in info["Subject"] and "38 mm machine" in info["Subject"]


def test_posters_and_cards_name_speld_and_the_edition(tmp_path, base_url):
    for path in (_posters(tmp_path, ["Café Ørsted"], base_url), _card(tmp_path, base_url)):
        info = _info(path)
        assert (info["Producer"], info["Creator"]) == (SPELD, SPELD)
        assert "Business Days Twente 2027" in info["Title"]
        assert "ReportLab" not in " ".join(info.values())
        assert "anonymous" not in " ".join(info.values())
    assert "Café Ørsted" in _info(_card(tmp_path, base_url, "again.pdf"))["Subject"]


@pytest.mark.parametrize("edition", ["", "BDT (2027) \\ test"])
def test_document_information_survives_any_edition_name(tmp_path, make_pins, edition):
    info = _info(_sheet(make_pins(1), tmp_path, batch="Day 1", edition=edition))
    assert info["Title"] == " · ".join(p for p in ("Speld pins", edition, "Day 1") if p)
