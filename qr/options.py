"""Render options checked and clamped in one place, so rendering is a pure function of them."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from qr.errors import RenderOptionError

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
ECC_LEVELS = ("L", "M", "Q", "H")
SIZE_PX = (64, 4096)
QUIET_ZONE = (4, 16)  # the QR standard asks for 4 modules; more only costs space
DPI = (72, 2400)
MIN_CONTRAST = 3.0  # WCAG contrast ratio between dark and light; below it scanners struggle
_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_DECIMAL = re.compile(r"[+-]?\d{1,4}(\.\d{1,4})?")


def reject_unknown(params: Mapping[str, Any], allowed: set[str]) -> None:
    """Refuse keys we do not know: a typo must not silently fall back to a default."""
    for key in params:
        if key not in allowed:
            raise RenderOptionError(str(key), "unknown parameter")


def parse_int(value: Any, field: str) -> int:
    """An int from an int or a decimal string (query strings arrive as text)."""
    if isinstance(value, bool):
        raise RenderOptionError(field, "must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,6}", value.strip()):
        return int(value)
    raise RenderOptionError(field, "must be a whole number")


def parse_float(value: Any, field: str) -> float:
    """A finite float from a number or a short decimal string."""
    if isinstance(value, bool):
        raise RenderOptionError(field, "must be a number")
    text = value.strip() if isinstance(value, str) else None
    if not (isinstance(value, int | float) or text and _DECIMAL.fullmatch(text)):
        raise RenderOptionError(field, "must be a number")
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise RenderOptionError(field, "must be a finite number")
    return number


def parse_choice(value: Any, field: str, choices: tuple[str, ...] | list[str]) -> str:
    """One of a few names, case-insensitively, returned as spelled in choices."""
    if isinstance(value, str):
        for choice in choices:
            if value.strip().lower() == choice.lower():
                return choice
    raise RenderOptionError(field, f"must be one of {', '.join(choices)}")


def parse_ecc(value: Any, field: str = "ecc") -> str:
    """An error correction level L, M, Q or H."""
    return parse_choice(value, field, ECC_LEVELS)


def parse_colour(value: Any, field: str) -> str:
    """A '#rrggbb' colour, lower case."""
    if not isinstance(value, str) or not _HEX.fullmatch(value.strip()):
        raise RenderOptionError(field, "must be a colour like #1a2b3c")
    return value.strip().lower()


def rgb(colour: str) -> tuple[int, int, int]:
    """The 0-255 channels of a '#rrggbb' colour."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _luminance(colour: str) -> float:
    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(dark: str, light: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    lighter, darker = sorted((_luminance(dark), _luminance(light)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def clamp(value: int, bounds: tuple[int, int]) -> int:
    return max(bounds[0], min(bounds[1], value))


@dataclass(frozen=True)
class RenderOptions:
    """How one QR is drawn; construct with from_params() from untrusted input."""

    format: str = "png"
    size_px: int = 512  # side of the PNG in pixels, of the SVG in px, of the PDF page in points
    ecc: str = "M"
    quiet_zone: int = 4  # light modules around the symbol, each side
    dark: str = "#000000"
    light: str = "#ffffff"
    dpi: int | None = None  # printed resolution: recorded in the PNG, sets the SVG's size in mm

    def __post_init__(self) -> None:
        # Direct construction is for trusted code: validate strictly, clamp nothing.
        if self.format not in FORMATS:
            raise RenderOptionError("format", f"must be one of {', '.join(FORMATS)}")
        if not (isinstance(self.size_px, int) and SIZE_PX[0] <= self.size_px <= SIZE_PX[1]):
            raise RenderOptionError("size_px", f"must be {SIZE_PX[0]}..{SIZE_PX[1]}")
        if self.ecc not in ECC_LEVELS:
            raise RenderOptionError("ecc", f"must be one of {', '.join(ECC_LEVELS)}")
        if not (
            isinstance(self.quiet_zone, int) and QUIET_ZONE[0] <= self.quiet_zone <= QUIET_ZONE[1]
        ):
            raise RenderOptionError("quiet_zone", f"must be {QUIET_ZONE[0]}..{QUIET_ZONE[1]}")
        for name in ("dark", "light"):
            if parse_colour(getattr(self, name), name) != getattr(self, name):
                raise RenderOptionError(name, "must be a lower-case colour like #1a2b3c")
        if _luminance(self.light) <= _luminance(self.dark) or (
            contrast(self.dark, self.light) < MIN_CONTRAST
        ):
            raise RenderOptionError("dark", "must be clearly darker than light")

        if self.dpi is not None and not (
            isinstance(self.dpi, int) and DPI[0] <= self.dpi <= DPI[1]
        ):
            raise RenderOptionError("dpi", f"must be {DPI[0]}..{DPI[1]}")

    @property
    def size_mm(self) -> float | None:
        """The printed side in millimetres, when a resolution is given."""
        return self.size_px / self.dpi * 25.4 if self.dpi else None

    @property
    def mimetype(self) -> str:
        return FORMATS[self.format]

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "RenderOptions":
        """Options from untrusted input: unknown keys and bad values raise, sizes are clamped."""
        reject_unknown(params, {f.name for f in fields(cls)})
        values: dict[str, Any] = {}
        if "format" in params:
            values["format"] = parse_choice(params["format"], "format", list(FORMATS))
        if "size_px" in params:
            values["size_px"] = clamp(parse_int(params["size_px"], "size_px"), SIZE_PX)
        if "ecc" in params:
            values["ecc"] = parse_ecc(params["ecc"])
        if "quiet_zone" in params:
            values["quiet_zone"] = clamp(parse_int(params["quiet_zone"], "quiet_zone"), QUIET_ZONE)
        for name in ("dark", "light"):
            if name in params:
                values[name] = parse_colour(params[name], name)
        if params.get("dpi") not in (None, ""):
            values["dpi"] = clamp(parse_int(params["dpi"], "dpi"), DPI)
        return cls(**values)
