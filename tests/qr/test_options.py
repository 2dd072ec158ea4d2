"""Render and layout parameters: unknown or bad values are refused with the field named."""

import pytest

from qr import RenderOptionError, RenderOptions, SheetLayout


def field_of(call, *args):
    with pytest.raises(RenderOptionError) as caught:
        call(*args)
    assert isinstance(caught.value, ValueError)
    return caught.value.field


def test_defaults_are_a_black_on_white_png_at_level_m():
    options = RenderOptions.from_params({})
    assert options == RenderOptions()
    assert (options.format, options.ecc, options.quiet_zone, options.mimetype) == (
        "png",
        "M",
        4,
        "image/png",
    )


def test_query_string_values_are_parsed_and_normalised():
    options = RenderOptions.from_params(
        {"format": "SVG", "size_px": "300", "ecc": "q", "dark": "#1A2B3C", "light": "#FFFFFF"}
    )
    assert options == RenderOptions("svg", 300, "Q", 4, "#1a2b3c", "#ffffff")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"colour": "#000000"}, "colour"),
        ({"dark": "black"}, "dark"),
        ({"light": "#fff"}, "light"),
        ({"dark": "#00000g"}, "dark"),
        ({"ecc": "X"}, "ecc"),
        ({"format": "gif"}, "format"),
        ({"size_px": "big"}, "size_px"),
        ({"size_px": True}, "size_px"),
        ({"size_px": 12.5}, "size_px"),
        ({"quiet_zone": "-"}, "quiet_zone"),
        ({"dark": "#777777", "light": "#888888"}, "dark"),
        ({"dark": "#ffffff", "light": "#000000"}, "dark"),
    ],
)
def test_bad_render_option_is_refused_with_its_field(params, field):
    assert field_of(RenderOptions.from_params, params) == field


def test_sizes_and_quiet_zone_are_clamped_not_refused():
    low = RenderOptions.from_params({"size_px": 1, "quiet_zone": 0})
    high = RenderOptions.from_params({"size_px": "99999", "quiet_zone": 100})
    assert (low.size_px, low.quiet_zone) == (64, 4)
    assert (high.size_px, high.quiet_zone) == (4096, 16)


def test_direct_construction_is_strict():
    assert field_of(RenderOptions, "png", 10) == "size_px"
    assert field_of(RenderOptions, "png", 512, "M", 2) == "quiet_zone"


def test_default_sheet_layout_is_the_25_mm_machine_with_its_paper_circle():
    layout = SheetLayout.from_params({})
    assert (layout.diameter_mm, layout.cut_mm, layout.preset) == (25.0, 33.3, "25")
    assert (layout.grid, layout.per_page) == ((5, 7), 35)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"diameter_mm": 500}, "diameter_mm"),
        ({"diameter_mm": "10"}, "diameter_mm"),
        ({"diameter_mm": "nan"}, "diameter_mm"),
        ({"columns": 50}, "columns"),
        ({"rows": 0}, "rows"),
        ({"margin_mm": -1}, "margin_mm"),
        ({"gap_mm": 100}, "gap_mm"),
        ({"ecc": "X"}, "ecc"),
        ({"paper": "letter"}, "paper"),
        ({"preset": "30"}, "preset"),
        ({"preset": "25", "diameter_mm": "25"}, "diameter_mm"),
        ({"bleed_mm": "0"}, "bleed_mm"),  # the old default: no machine can press it
        ({"cut": "laser"}, "cut"),
    ],
)
def test_bad_sheet_layout_is_refused_with_its_field(params, field):
    assert field_of(SheetLayout.from_params, params) == field


@pytest.mark.parametrize(
    ("preset", "face", "cut"),
    [
        ("25", 25, 33.3),
        ("32", 32, 41.3),
        ("38", 38, 44.5),
        ("44", 44, 52.4),
        ("56", 57, 66.7),
        ("58", 57, 66.7),
    ],
)
def test_presets_give_the_machine_face_and_paper_cut(preset, face, cut):
    layout = SheetLayout.from_params({"preset": preset, "cut": "HAIRLINE"})
    assert (layout.diameter_mm, layout.cut_mm, layout.cut) == (face, pytest.approx(cut), "hairline")
    assert layout.preset == preset and layout.per_page >= 8


def test_a_custom_size_gets_a_wrap_unless_one_is_given():
    assert SheetLayout.from_params({"diameter_mm": "30"}).cut_mm == 38
    custom = SheetLayout.from_params({"diameter_mm": "30", "bleed_mm": "5"})
    assert (custom.cut_mm, custom.preset) == (40, None)


def test_a_smaller_grid_can_be_asked_for():
    layout = SheetLayout.from_params({"diameter_mm": "38", "columns": "3", "rows": 4})
    assert layout.grid == (3, 4) and layout.per_page == 12


def test_a_resolution_sizes_the_images_physically():
    options = RenderOptions.from_params({"format": "svg", "size_px": "402", "dpi": "600"})
    assert options.dpi == 600 and options.size_mm == pytest.approx(17.018, abs=0.001)
    assert RenderOptions.from_params({"dpi": "99999"}).dpi == 2400  # clamped, like size_px
    assert field_of(RenderOptions.from_params, {"dpi": "high"}) == "dpi"
