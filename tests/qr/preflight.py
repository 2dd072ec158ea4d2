"""A print shop's preflight, read from the file: pikepdf parses, poppler reports.

Nothing here knows how qr/ lays a sheet out: it follows the content streams operator by
operator (colour, transformation matrix, overprint, optional-content layer) and reports
what each painting operation would put on which plate.
"""

import math
import shutil
import subprocess
from dataclasses import dataclass, field

import pikepdf

K = ("DeviceCMYK", (0.0, 0.0, 0.0, 1.0))


@dataclass
class Paint:
    """One painting operation: a filled or stroked path, a text show, or an image."""

    kind: str  # fill, stroke, text, image
    colour: tuple  # (colour space, tint values); for a separation the space is its name
    overprint: bool
    layer: str | None  # name of the optional-content group it sits in, if any
    points: list[tuple[float, float]] = field(default_factory=list)  # in page space
    curved: bool = False
    graphics_state: dict = field(default_factory=dict)  # the ExtGState set last: OP, op, OPM

    @property
    def box(self) -> tuple[float, float, float, float]:
        xs, ys = [p[0] for p in self.points], [p[1] for p in self.points]
        return min(xs), min(ys), max(xs), max(ys)

    @property
    def diameter_mm(self) -> float:
        left, bottom, right, top = self.box
        return (right - left) * 25.4 / 72


def _multiply(a, b):
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


def _apply(m, x, y):
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _space(resources, name) -> str:
    """A colour space resource as a name: DeviceCMYK, or the separation's colorant name."""
    if name in ("/DeviceCMYK", "/DeviceRGB", "/DeviceGray"):
        return str(name)[1:]
    value = resources.ColorSpace[name]
    if isinstance(value, pikepdf.Array) and value[0] == "/Separation":
        return f"Separation:{str(value[1])[1:]}"
    return str(value)


def paints(pdf: pikepdf.Pdf, page_number: int = 0) -> list[Paint]:
    """Every painting operation on a page, with the state it was painted in."""
    page = pdf.pages[page_number]
    resources = page.Resources
    state = {
        "ctm": (1, 0, 0, 1, 0, 0),
        "fill": ("DeviceGray", (0.0,)),
        "stroke": ("DeviceGray", (0.0,)),
        "op": False,
        "gs": {},
        "fs": "DeviceGray",
        "ss": "DeviceGray",
    }
    stack, layers, path, out = [], [], [], []
    curved = False
    text_origin = (0.0, 0.0)
    for operands, op in pikepdf.parse_content_stream(page):
        op = str(op)
        nums = [float(v) for v in operands if _is_number(v)]
        if op == "q":
            stack.append(dict(state))
        elif op == "Q":
            state = stack.pop()
        elif op == "cm":
            state["ctm"] = _multiply(tuple(nums), state["ctm"])
        elif op == "k":
            state["fill"] = ("DeviceCMYK", tuple(nums))
        elif op == "K":
            state["stroke"] = ("DeviceCMYK", tuple(nums))
        elif op in ("rg", "g"):
            state["fill"] = ("DeviceRGB" if op == "rg" else "DeviceGray", tuple(nums))
        elif op in ("RG", "G"):
            state["stroke"] = ("DeviceRGB" if op == "RG" else "DeviceGray", tuple(nums))
        elif op == "cs":
            state["fs"] = _space(resources, operands[0])
        elif op == "CS":
            state["ss"] = _space(resources, operands[0])
        elif op in ("sc", "scn"):
            state["fill"] = (state["fs"], tuple(nums))
        elif op in ("SC", "SCN"):
            state["stroke"] = (state["ss"], tuple(nums))
        elif op == "gs":
            gs = resources.ExtGState[operands[0]]
            state["op"] = bool(gs.get("/OP", False))
            state["gs"] = {str(k)[1:]: v for k, v in gs.items() if k in ("/OP", "/op", "/OPM")}
        elif op == "BDC" and operands[0] == "/OC":
            layers.append(str(resources.Properties[operands[1]].Name))
        elif op == "BDC" or op == "BMC":
            layers.append(None)
        elif op == "EMC":
            layers.pop()
        elif op in ("m", "l"):
            path.append(_apply(state["ctm"], *nums))
        elif op == "c":
            curved = True
            path += [_apply(state["ctm"], nums[i], nums[i + 1]) for i in (0, 2, 4)]
        elif op == "re":
            x, y, w, h = nums
            path += [_apply(state["ctm"], x, y), _apply(state["ctm"], x + w, y + h)]
        elif op in ("f", "f*", "S", "s", "B", "b", "n"):
            kind = {"S": "stroke", "s": "stroke", "n": None}.get(op, "fill")
            if kind:
                colour = state["stroke"] if kind == "stroke" else state["fill"]
                layer = next((name for name in reversed(layers) if name), None)
                out.append(Paint(kind, colour, state["op"], layer, path, curved, state["gs"]))
            path, curved = [], False
        elif op == "BT":
            text_origin = (0.0, 0.0)
        elif op in ("Td", "TD"):
            text_origin = (text_origin[0] + nums[0], text_origin[1] + nums[1])
        elif op == "Tm":
            text_origin = (nums[4], nums[5])
        elif op in ("Tj", "TJ", "'", '"'):
            layer = next((name for name in reversed(layers) if name), None)
            origin = _apply(state["ctm"], *text_origin)
            out.append(Paint("text", state["fill"], state["op"], layer, [origin]))
        elif op == "Do":
            layer = next((name for name in reversed(layers) if name), None)
            corners = [_apply(state["ctm"], x, y) for x in (0, 1) for y in (0, 1)]
            out.append(Paint("image", ("image", ()), state["op"], layer, corners))
    return out


def _is_number(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def split_circles(paint: Paint) -> list[Paint]:
    """A stroke of several circles (each m + 4 c) as one Paint per circle."""
    per = 1 + 4 * 3
    return [
        Paint(
            paint.kind,
            paint.colour,
            paint.overprint,
            paint.layer,
            paint.points[i : i + per],
            True,
            paint.graphics_state,
        )
        for i in range(0, len(paint.points), per)
    ]


def distance(a, b) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def poppler(tool: str, *args: str) -> str:
    """The output of a poppler utility (pdffonts, pdfinfo, pdftotext)."""
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout


def have_poppler() -> bool:
    return all(shutil.which(tool) for tool in ("pdffonts", "pdfinfo", "pdftotext"))


def fonts(path: str) -> list[dict[str, str]]:
    """pdffonts' table: one dict per font with name, type, emb, sub, uni."""
    lines = poppler("pdffonts", path).splitlines()[2:]
    rows = []
    for line in lines:
        cells = line.split()
        # name type [type...] encoding emb sub uni object gen: read from the right.
        rows.append({"name": cells[0], "emb": cells[-5], "sub": cells[-4], "uni": cells[-3]})
    return rows


def boxes(path: str, page: int = 1) -> dict[str, tuple[float, ...]]:
    """pdfinfo -box: MediaBox, TrimBox, BleedBox … of a page, in points."""
    out = poppler("pdfinfo", "-box", "-f", str(page), "-l", str(page), path)
    found = {}
    for line in out.splitlines():
        name, _, rest = line.partition(":")
        if name.strip().endswith("Box"):
            found[name.strip().split()[-1]] = tuple(float(v) for v in rest.split())
    return found
