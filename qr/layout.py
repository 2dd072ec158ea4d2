"""Where pins go on an A4 sheet: badge-machine presets, custom sizes within bounds, the grid.

A badge machine presses a paper circle larger than the pin's face: the rim (the "wrap")
folds round the edge of the shell. Each machine size has its own paper-cut diameter; a
circle cut to the face size cannot be pressed at all. The figures are the makers' published
templates (sources in docs/printing.md); the face keeps the QR with its quiet zone and the
code, the wrap carries only background (and the edition's logo, if any).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from qr.errors import RenderOptionError
from qr.options import parse_choice, parse_ecc, parse_float, parse_int, reject_unknown

MM = 72 / 25.4  # points per millimetre
PAGE_MM = (210.0, 297.0)
A4 = (PAGE_MM[0] * MM, PAGE_MM[1] * MM)


@dataclass(frozen=True)
class Preset:
    """One badge-machine size: the pin's face and the paper circle its die takes."""

    face_mm: float
    cut_mm: float
    source: str

    @property
    def bleed_mm(self) -> float:
        return round((self.cut_mm - self.face_mm) / 2, 3)


# Inch machines are sold in Europe under their metric names (1" = 25 mm, 2-1/4" = 56/58 mm).
_MACHINE_2_25 = Preset(57.0, 66.7, "King Badge button layout: 2-1/4 in., die cut 2-5/8 in.")
PRESETS: dict[str, Preset] = {
    "25": Preset(25.0, 33.3, "American Button Machines 1 in.: graphic cut 1.313 in."),
    "32": Preset(32.0, 41.3, "1-1/4 in. machines: image cut 1-5/8 in."),
    "38": Preset(38.0, 44.5, "King Badge button layout: 1-1/2 in., die cut 1-3/4 in."),
    "44": Preset(44.0, 52.4, "King Badge button layout: 1-3/4 in., die cut 2-1/16 in."),
    "56": _MACHINE_2_25,
    "58": _MACHINE_2_25,
}
DEFAULT = PRESETS["25"]
CUT_KINDS = ("contour", "hairline")
_RANGES = {
    "diameter_mm": (15.0, 80.0),
    "bleed_mm": (1.5, 10.0),  # below 1.5 mm no machine can fold the paper round the shell
    "margin_mm": (8.0, 40.0),  # room for crop marks and the slug line
    "gap_mm": (2.0, 20.0),  # cut paths closer than this tear into each other
}


def _fit(space: float, cell: float, gap: float) -> int:
    return max(0, math.floor((space + gap) / (cell + gap) + 1e-9))


@dataclass(frozen=True)
class SheetLayout:
    """Pin size and grid on A4; columns and rows default to as many as fit.

    The default is the 25 mm machine. `cut` is how the paper circle is marked: "contour"
    (a CutContour spot-colour stroke for contour cutters, overprinting) or "hairline" (a thin
    printed line for shops that cut by hand or with a punch).
    """

    diameter_mm: float = DEFAULT.face_mm
    bleed_mm: float = DEFAULT.bleed_mm  # paper beyond the face that wraps round the edge
    columns: int | None = None
    rows: int | None = None
    margin_mm: float = 10.0
    gap_mm: float = 3.0
    ecc: str = "M"
    cut: str = "contour"
    # The machine asked for: "58" stays "58" although it is the 56 mm machine's size. Left
    # out, a size that is exactly one machine's takes its name; "56" and "58" share one.
    preset: str | None = None

    def __post_init__(self) -> None:
        for name, (low, high) in _RANGES.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise RenderOptionError(name, "must be a number")
            if not low <= value <= high:
                raise RenderOptionError(name, f"must be {low:g}..{high:g}")
        parse_ecc(self.ecc)
        if self.cut not in CUT_KINDS:
            raise RenderOptionError("cut", f"must be one of {', '.join(CUT_KINDS)}")
        for name, fit in (("columns", self.fit[0]), ("rows", self.fit[1])):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise RenderOptionError(name, "must be a whole number from 1")
            if value > fit:
                raise RenderOptionError(name, f"at most {fit} fit on A4 with this layout")
        matching = [
            name
            for name, preset in PRESETS.items()
            if (preset.face_mm, preset.bleed_mm) == (self.diameter_mm, self.bleed_mm)
        ]
        if self.preset is None:
            if len(matching) == 1:
                object.__setattr__(self, "preset", matching[0])
        elif self.preset not in matching:
            raise RenderOptionError("preset", "does not match the face and bleed given")

    @classmethod
    def for_preset(cls, name: str, **values: Any) -> "SheetLayout":
        """The layout of a badge-machine size ("25", "32", "38", "44", "56", "58")."""
        name = parse_choice(name, "preset", list(PRESETS))
        preset = PRESETS[name]
        return cls(diameter_mm=preset.face_mm, bleed_mm=preset.bleed_mm, preset=name, **values)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "SheetLayout":
        """A layout from untrusted input; unknown keys and values out of range raise.

        Either a preset, or a custom diameter_mm with its bleed_mm (4 mm if not given).
        """
        reject_unknown(params, {f.name for f in fields(cls)})
        values: dict[str, Any] = {}
        for name in _RANGES:
            if params.get(name) not in (None, ""):
                values[name] = parse_float(params[name], name)
        for name in ("columns", "rows"):
            if params.get(name) not in (None, ""):
                values[name] = parse_int(params[name], name)
        if "ecc" in params:
            values["ecc"] = parse_ecc(params["ecc"])
        if "cut" in params:
            values["cut"] = parse_choice(params["cut"], "cut", CUT_KINDS)
        if params.get("preset") not in (None, ""):
            for name in ("diameter_mm", "bleed_mm"):
                if name in values:
                    raise RenderOptionError(name, "give a preset or a custom size, not both")
            return cls.for_preset(params["preset"], **values)
        if "diameter_mm" in values:
            values.setdefault("bleed_mm", 4.0)
        return cls(**values)

    @property
    def cut_mm(self) -> float:
        """Diameter of the paper circle: face plus wrap."""
        return self.diameter_mm + 2 * self.bleed_mm

    @property
    def machine(self) -> str:
        """The pin and paper in words, as the slug line and the CLI say them."""
        sizes = f"face {self.diameter_mm:g} mm, paper {self.cut_mm:g} mm"
        return f"{self.preset} mm machine: {sizes}" if self.preset else f"custom pin: {sizes}"

    @property
    def fit(self) -> tuple[int, int]:
        """How many columns and rows fit inside the margins."""
        width, height = (side - 2 * self.margin_mm for side in PAGE_MM)
        return _fit(width, self.cut_mm, self.gap_mm), _fit(height, self.cut_mm, self.gap_mm)

    @property
    def grid(self) -> tuple[int, int]:
        return self.columns or self.fit[0], self.rows or self.fit[1]

    @property
    def per_page(self) -> int:
        return self.grid[0] * self.grid[1]

    def box(self) -> tuple[float, float, float, float]:
        """The grid's outer edges in points (left, bottom, right, top): cut area ends here."""
        columns, rows = self.grid
        pitch, gap = (self.cut_mm + self.gap_mm) * MM, self.gap_mm * MM
        width, height = columns * pitch - gap, rows * pitch - gap
        left, bottom = (A4[0] - width) / 2, (A4[1] - height) / 2
        return left, bottom, left + width, bottom + height

    def centres(self) -> list[tuple[float, float]]:
        """Centre of each label on a page in points from the bottom left, row by row."""
        columns, rows = self.grid
        pitch, cut = (self.cut_mm + self.gap_mm) * MM, self.cut_mm * MM
        left, _, _, top = self.box()
        return [
            (left + cut / 2 + c * pitch, top - cut / 2 - r * pitch)
            for r in range(rows)
            for c in range(columns)
        ]
