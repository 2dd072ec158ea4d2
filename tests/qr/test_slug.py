"""The slug line under every sheet: whole whenever it fits, shortened only when it cannot.

Its size is chosen so the line is exactly as wide as the room it has; measured again, the
width could come out 6e-14 pt too wide, and the line lost its date ("… | 2026-12-…").
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from preflight import have_poppler, poppler

from qr import SheetLayout, Slug, render_sheets
from qr.codes import display, mint_code, pin_url
from qr.fonts import MONO_BOLD, SubsetFont
from qr.sheets import SLUG_PT, fit_slug
from tests.conftest import need

FONT = SubsetFont(MONO_BOLD)
# Letters, digits, the slug's punctuation, accents, and characters the font lacks (drawn "?").
TEXT = st.text(
    st.sampled_from("Speld|Day1ut-desk pagecutontour–0123456789 mm: ./ÆøéŁ東京ʻ"),
    min_size=1,
    max_size=220,
)


def _check(text: str, room: float) -> None:
    kept, pt = fit_slug(text, FONT, room)
    assert SLUG_PT[1] <= pt <= SLUG_PT[0]
    smallest = FONT.width(text, SLUG_PT[1])
    if smallest <= room * (1 + 1e-12):  # fits at the smallest size, within a float's rounding
        assert kept == text
        # As large as fits, up to the largest size.
        assert pt == pytest.approx(min(SLUG_PT[0], SLUG_PT[0] * room / FONT.width(text, 6)))
    elif smallest > room + 0.01:  # truly too long
        assert pt == SLUG_PT[1] and kept.endswith("…") and text.startswith(kept[:-1])
        assert FONT.width(kept, pt) <= room + 1e-6 or len(kept) <= 2
        # Shortened no more than it must: one more character would not fit.
        if len(kept) > 2:
            longer = text[: len(kept)] + "…"
            assert FONT.width(longer, pt) > room


@given(TEXT, st.floats(20, 700))
def test_slug_is_kept_whole_when_it_fits_and_cut_only_when_it_does_not(text, room):
    _check(text, room)


@given(TEXT, st.floats(SLUG_PT[1], SLUG_PT[0]), st.sampled_from([1.0, 1 - 1e-15, 1 + 1e-15]))
def test_a_slug_exactly_as_wide_as_its_room_is_kept_whole(text, pt, nudge):
    # The room the line takes at some size between the smallest and largest, give or take
    # the last bit of a float: the case that lost its date.
    room = FONT.width(text, pt) * nudge
    kept, size = fit_slug(text, FONT, room)
    assert kept == text
    _check(text, room)


@pytest.mark.parametrize("columns", [None, 3])
def test_pdftotext_reads_the_whole_slug_line_of_a_real_sheet(tmp_path, columns, base_url):
    need(have_poppler(), "poppler-utils (pdftotext) reads the sheet")
    layout = SheetLayout(columns=columns)
    codes = sorted({mint_code() for _ in range(2)})
    pins = [(code, pin_url(base_url, code)) for code in codes]
    for length in range(1, 41):  # batch labels that make the line shrink between 6 and 4 pt
        batch = ("Day 1 " + "x" * length)[:length]
        path = tmp_path / f"sheet-{length}.pdf"
        with path.open("wb") as out:
            render_sheets(pins, layout, out, slug=Slug(batch, "ut-desk", 2, "2026-12-01"))
        line = (
            f"Speld | {batch.strip()} | ut-desk | page 1 / 1 | "
            f"{display(codes[0])} – {display(codes[-1])} | "
            f"25 mm machine: face 25 mm, paper 33.3 mm | cut: contour | 2026-12-01"
        )
        text = " ".join(poppler("pdftotext", str(path), "-").split())
        if FONT.width(line, SLUG_PT[1]) <= _room(layout):
            assert " ".join(line.split()) in text, length
        else:
            assert "…" in text and "2026-12-01" not in text


def _room(layout: SheetLayout) -> float:
    from qr.sheets import MARK_OFFSET_MM, MM

    left, _, right, _ = layout.box()
    return right - left - 2 * (MARK_OFFSET_MM + 1) * MM
