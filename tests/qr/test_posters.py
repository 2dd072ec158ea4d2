"""Stand posters: one page per stand, any company name, a QR that decodes to the stand URL."""

import io

import pypdfium2 as pdfium
import pytest
from decode import IMAGE_OBJECT, pdf_object_types, pdf_pages, pdf_text, texts

from qr import Poster, render_posters
from qr.codes import mint_stand_code, stand_url
from qr.posters import INSTRUCTION_EN, INSTRUCTION_NL

NAMES = [
    "Café Ørsted & Müller",
    "Koninklijke Nederlandse Maatschappij voor Zeer Lange Bedrijfsnamen en Dochterondernemingen"
    " Internationaal B.V.",
    "X" * 400,
    "Łukasiewicz Śląsk \u6771\u4eac",
]


@pytest.fixture(scope="module")
def posters(base_url):
    return [
        Poster(name, f"Stand {i + 1}", stand_url(base_url, mint_stand_code()))
        for i, name in enumerate(NAMES)
    ]


@pytest.fixture(scope="module")
def pdf(posters):
    out = io.BytesIO()
    assert render_posters(posters, out) == len(posters)
    return out.getvalue()


def test_each_poster_page_decodes_to_its_stand_url(posters, pdf):
    assert [texts(page) for page in pdf_pages(pdf, 1.5)] == [[p.url] for p in posters]


def test_posters_are_vector(pdf):
    assert IMAGE_OBJECT not in pdf_object_types(pdf)


def test_latin_names_and_both_instructions_are_printed(posters, pdf):
    pages = pdf_text(pdf)
    assert len(pages) == len(posters)
    assert "Café Ørsted & Müller" in pages[0]
    assert "Lukasiewicz" in pages[3]  # no glyph for Ł in the standard fonts: its base letter
    for page, poster in zip(pages, posters, strict=True):
        assert INSTRUCTION_NL in page and INSTRUCTION_EN in page
        assert poster.label in page


def test_long_names_are_shrunk_or_cut_to_stay_on_the_page(pdf):
    document = pdfium.PdfDocument(pdf)
    for page in document:
        width = page.get_width()
        textpage = page.get_textpage()
        for i in range(textpage.count_chars()):
            left, _, right, _ = textpage.get_charbox(i)
            assert left >= 0 and right <= width
