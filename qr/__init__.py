"""Speld's pure layer: mint and check codes, render QR symbols, print sheets and posters."""

from qr.branding import Branding, Logo, load_logo
from qr.bundle import PrintInfo, PrintMeta, write_bundle, write_manifest, write_print_set
from qr.codes import (
    display,
    is_valid,
    is_valid_stand,
    mint_code,
    mint_stand_code,
    normalize,
    pin_url,
    stand_url,
)
from qr.errors import RenderOptionError
from qr.layout import PRESETS, SheetLayout
from qr.options import RenderOptions
from qr.posters import Poster, render_posters
from qr.render import QrMatrix, matrix, qr_version, render, render_matrix
from qr.sheets import SheetInfo, Slug, module_mm, render_sheets

__all__ = [
    "PRESETS",
    "Branding",
    "Logo",
    "Slug",
    "load_logo",
    "Poster",
    "PrintInfo",
    "PrintMeta",
    "QrMatrix",
    "RenderOptionError",
    "RenderOptions",
    "SheetInfo",
    "SheetLayout",
    "display",
    "is_valid",
    "is_valid_stand",
    "matrix",
    "mint_code",
    "mint_stand_code",
    "module_mm",
    "normalize",
    "pin_url",
    "qr_version",
    "render",
    "render_matrix",
    "render_posters",
    "render_sheets",
    "stand_url",
    "write_bundle",
    "write_manifest",
    "write_print_set",
]
