"""Print sets for a batch: sheets PDF, CSV manifest, and a ZIP with an SVG and PNG per pin.

Everything is made in ONE pass over the pins, each URL encoded once: the PDF and manifest are
written to files while the per-pin SVG/PNG go straight into the ZIP, and the two files are
then copied into the ZIP. So `pins` may be any iterable (a database cursor, a generator) and
is consumed exactly once; no factory is needed. Memory holds one sheet page and the ZIP's
central directory (about 0.3 KB per entry, which the format needs at the very end).
"""

import csv
import io
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO

from qr.branding import Branding
from qr.layout import SheetLayout
from qr.options import RenderOptions
from qr.render import matrix, render_matrix
from qr.sheets import QR_SHARE, SheetInfo, SheetWriter, Slug

MANIFEST_FIELDS = ("code", "url", "batch", "channel", "qr_version")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # spreadsheets run these as formulas
_SAFE_CODE = re.compile(r"[0-9A-Z]{1,32}")  # codes become file names inside the ZIP


@dataclass(frozen=True)
class PrintMeta:
    """Who the print run is for (manifest, slug line), its look, and the per-pin image dpi.

    total is the number of pins, when known in advance, so sheets can say "page 3 / 34".
    """

    batch: str
    channel: str = ""
    dpi: int = 600
    date: str = ""
    total: int | None = None
    branding: Branding | None = None
    edition: str = ""

    def image(self, fmt: str, layout: SheetLayout) -> RenderOptions:
        """A per-pin PNG or SVG the size the QR has on the pin, at dpi (recorded in the file)."""
        side_mm = QR_SHARE * layout.diameter_mm
        return RenderOptions(format=fmt, size_px=round(side_mm / 25.4 * self.dpi), dpi=self.dpi)

    @property
    def slug(self) -> Slug:
        return Slug(self.batch, self.channel, self.total, self.date, self.edition)


@dataclass(frozen=True)
class PrintInfo:
    """What a print run wrote; sheets describes the PDF."""

    count: int
    sheets: SheetInfo
    files: tuple[str, ...] = ()


def neutralise(cell: object) -> str:
    """A CSV cell that a spreadsheet shows as text rather than running as a formula."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(_FORMULA_START) else text


def manifest_writer(out_text: TextIO) -> Any:
    """A CSV writer with the manifest header written; out_text should have newline=''."""
    writer = csv.writer(out_text)
    writer.writerow(MANIFEST_FIELDS)
    return writer


def write_manifest(rows: Iterable[Sequence[object]], out_text: TextIO) -> int:
    """Rows of (code, url, batch, channel, qr_version) as CSV; returns the row count."""
    writer, count = manifest_writer(out_text), 0
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        count += 1
    return count


def _entry(name: str, stamp: tuple[int, ...], compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)  # one shared tuple for every entry
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    return info


def _has_entry(archive: zipfile.ZipFile, name: str) -> bool:
    try:
        archive.getinfo(name)
    except KeyError:
        return False
    return True


def _one_pass(
    pins: Iterable[tuple[str, str]],
    meta: PrintMeta,
    layout: SheetLayout,
    archive: zipfile.ZipFile,
    pdf_out: BinaryIO,
    manifest_out: TextIO,
    stamp: tuple[int, ...],
) -> PrintInfo:
    sheets = SheetWriter(layout, pdf_out, meta.branding, meta.slug)
    manifest = manifest_writer(manifest_out)
    png, svg = meta.image("png", layout), meta.image("svg", layout)
    batch, channel = neutralise(meta.batch), neutralise(meta.channel)
    count = 0
    for code, url in pins:
        if not _SAFE_CODE.fullmatch(code):
            raise ValueError(f"not a canonical code: {code!r}")
        name = f"png/{code}.png"
        if _has_entry(archive, name):  # the ZIP's own index; saves keeping a set of codes
            raise ValueError(f"duplicate code in print run: {code}")
        m = matrix(url, layout.ecc)
        sheets.add(code, m)
        manifest.writerow([code, neutralise(url), batch, channel, m.version])
        # PNG is compressed already; deflating it again only costs time.
        archive.writestr(_entry(name, stamp, zipfile.ZIP_STORED), render_matrix(m, png)[0])
        svg_bytes = render_matrix(m, svg)[0]
        archive.writestr(_entry(f"svg/{code}.svg", stamp, zipfile.ZIP_DEFLATED), svg_bytes)
        count += 1
    return PrintInfo(count=count, sheets=sheets.close())


def _copy_in(
    archive: zipfile.ZipFile, name: str, source: IO[bytes], stamp: tuple[int, ...], compress: int
) -> None:
    source.seek(0)
    with archive.open(_entry(name, stamp, compress), "w") as target:
        shutil.copyfileobj(source, target, 1 << 16)


def write_bundle(
    pins: Iterable[tuple[str, str]], meta: PrintMeta, layout: SheetLayout, out: BinaryIO
) -> PrintInfo:
    """A ZIP of sheets.pdf, manifest.csv, svg/<CODE>.svg and png/<CODE>.png, streamed to out."""
    stamp = time.localtime()[:6]
    with (
        tempfile.TemporaryFile() as pdf,
        tempfile.TemporaryFile() as raw_manifest,
        zipfile.ZipFile(out, "w", compresslevel=6) as archive,
    ):
        manifest = io.TextIOWrapper(raw_manifest, encoding="utf-8", newline="")
        info = _one_pass(pins, meta, layout, archive, pdf, manifest, stamp)
        manifest.flush()
        _copy_in(archive, "sheets.pdf", pdf, stamp, zipfile.ZIP_STORED)
        _copy_in(archive, "manifest.csv", raw_manifest, stamp, zipfile.ZIP_DEFLATED)
        manifest.detach()  # the temporary file closes itself
    return info


def write_print_set(
    pins: Iterable[tuple[str, str]], meta: PrintMeta, layout: SheetLayout, out_dir: str | Path
) -> PrintInfo:
    """sheets.pdf, manifest.csv and bundle.zip (holding both) in out_dir, one pass over pins."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.localtime()[:6]
    paths = [folder / "sheets.pdf", folder / "manifest.csv", folder / "bundle.zip"]
    with (
        paths[0].open("w+b") as pdf,
        paths[1].open("w+", encoding="utf-8", newline="") as manifest,
        zipfile.ZipFile(paths[2], "w", compresslevel=6) as archive,
    ):
        info = _one_pass(pins, meta, layout, archive, pdf, manifest, stamp)
        manifest.flush()
        _copy_in(archive, "sheets.pdf", pdf, stamp, zipfile.ZIP_STORED)
        _copy_in(archive, "manifest.csv", manifest.buffer, stamp, zipfile.ZIP_DEFLATED)
    return PrintInfo(count=info.count, sheets=info.sheets, files=tuple(map(str, paths)))
