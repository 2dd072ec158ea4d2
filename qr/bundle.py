"""Print sets for a batch: sheets PDF, CSV manifest, and a ZIP with an SVG and PNG per pin.

Everything is made in ONE pass over the pins, each URL encoded once: the PDF and manifest are
written to files while the per-pin SVG/PNG go straight into the ZIP, and the two files are
then copied into the ZIP. So `pins` may be any iterable (a database cursor, a generator) and
is consumed exactly once; no factory is needed. Memory holds one sheet page and the ZIP's
central directory (about 0.3 KB per entry, which the format needs at the very end).

A large run draws its symbols on every core: worker processes encode and draw chunks of pins
(nine tenths of the work), and this process writes them in the pins' order. The files are the
same bytes as one process writes (tests/qr/test_parallel.py); a few chunks in flight bound
the memory.
"""

import csv
import io
import multiprocessing
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO

from qr.branding import Branding
from qr.layout import SheetLayout
from qr.options import RenderOptions
from qr.render import QrMatrix, matrix, render_matrix
from qr.sheets import QR_SHARE, SheetInfo, SheetWriter, Slug

MANIFEST_FIELDS = ("code", "url", "batch", "channel", "qr_version")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # spreadsheets run these as formulas
_SAFE_CODE = re.compile(r"[0-9A-Z]{1,32}")  # codes become file names inside the ZIP
PARALLEL_FROM = 1000  # pins: a smaller run is done before worker processes have started
_CHUNK = 200  # pins per task for a worker process


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
    created: float | None = None  # the run's moment, in every file it writes (None: now)

    def image(self, fmt: str, layout: SheetLayout) -> RenderOptions:
        """A per-pin PNG or SVG the size the QR has on the pin, at dpi (recorded in the file)."""
        side_mm = QR_SHARE * layout.diameter_mm
        return RenderOptions(format=fmt, size_px=round(side_mm / 25.4 * self.dpi), dpi=self.dpi)

    @property
    def slug(self) -> Slug:
        return Slug(self.batch, self.channel, self.total, self.date, self.edition, self.created)

    def processes(self) -> int:
        """How many worker processes draw this run: every core for a large one, else none."""
        if not self.total or self.total < PARALLEL_FROM:
            return 1
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


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


Drawn = tuple[str, str, QrMatrix, bytes, bytes]  # code, url, symbol, PNG, SVG


def _draw(
    pins: list[tuple[str, str]], ecc: str, png: RenderOptions, svg: RenderOptions
) -> list[Drawn]:
    """Encode and draw pins: the work a worker process does for a chunk."""
    drawn = []
    for code, url in pins:
        m = matrix(url, ecc)
        m.rects  # noqa: B018 (worked out here, on a worker's core; the sheet only formats them)
        drawn.append((code, url, m, render_matrix(m, png)[0], render_matrix(m, svg)[0]))
    return drawn


def _drawn(
    pins: Iterable[tuple[str, str]], meta: PrintMeta, layout: SheetLayout, processes: int
) -> Iterator[Drawn]:
    """The pins drawn, in their order: here, or chunk by chunk in worker processes."""
    task = (layout.ecc, meta.image("png", layout), meta.image("svg", layout))
    if processes <= 1:
        for pin in pins:
            yield from _draw([pin], *task)
        return
    source = iter(pins)
    chunks = iter(lambda: list(islice(source, _CHUNK)), [])
    # forkserver: a print may run in a thread of a busy process, which fork must not copy.
    with multiprocessing.get_context("forkserver").Pool(processes) as pool:
        waiting: deque = deque()
        for chunk in chunks:
            waiting.append(pool.apply_async(_draw, (chunk, *task)))
            if len(waiting) > 2 * processes:  # enough to keep every core busy
                yield from waiting.popleft().get()
        while waiting:
            yield from waiting.popleft().get()


def _one_pass(
    pins: Iterable[tuple[str, str]],
    meta: PrintMeta,
    layout: SheetLayout,
    archive: zipfile.ZipFile,
    pdf_out: BinaryIO,
    manifest_out: TextIO,
    stamp: tuple[int, ...],
    processes: int | None = None,
    tick: Callable[[int], None] | None = None,
) -> PrintInfo:
    sheets = SheetWriter(layout, pdf_out, meta.branding, meta.slug)
    manifest = manifest_writer(manifest_out)
    batch, channel = neutralise(meta.batch), neutralise(meta.channel)
    count = 0
    for code, url, m, png, svg in _drawn(pins, meta, layout, processes or meta.processes()):
        if not _SAFE_CODE.fullmatch(code):
            raise ValueError(f"not a canonical code: {code!r}")
        name = f"png/{code}.png"
        if _has_entry(archive, name):  # the ZIP's own index; saves keeping a set of codes
            raise ValueError(f"duplicate code in print run: {code}")
        sheets.add(code, m)
        manifest.writerow([code, neutralise(url), batch, channel, m.version])
        # PNG is compressed already; deflating it again only costs time.
        archive.writestr(_entry(name, stamp, zipfile.ZIP_STORED), png)
        archive.writestr(_entry(f"svg/{code}.svg", stamp, zipfile.ZIP_DEFLATED), svg)
        count += 1
        if tick is not None:
            tick(1)
    return PrintInfo(count=count, sheets=sheets.close())


def _copy_in(
    archive: zipfile.ZipFile, name: str, source: IO[bytes], stamp: tuple[int, ...], compress: int
) -> None:
    source.seek(0)
    with archive.open(_entry(name, stamp, compress), "w") as target:
        shutil.copyfileobj(source, target, 1 << 16)


def _stamped(meta: PrintMeta) -> tuple[PrintMeta, tuple[int, ...]]:
    """The run with its moment fixed, and that moment as a ZIP entry's date."""
    meta = replace(meta, created=time.time() if meta.created is None else meta.created)
    return meta, time.localtime(meta.created)[:6]


def write_bundle(
    pins: Iterable[tuple[str, str]], meta: PrintMeta, layout: SheetLayout, out: BinaryIO
) -> PrintInfo:
    """A ZIP of sheets.pdf, manifest.csv, svg/<CODE>.svg and png/<CODE>.png, streamed to out."""
    meta, stamp = _stamped(meta)
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
    pins: Iterable[tuple[str, str]],
    meta: PrintMeta,
    layout: SheetLayout,
    out_dir: str | Path,
    processes: int | None = None,
    tick: Callable[[int], None] | None = None,
) -> PrintInfo:
    """sheets.pdf, manifest.csv and bundle.zip (holding both) in out_dir, one pass over pins.

    processes: how many worker processes draw the symbols (None: ``PrintMeta.processes``).
    ``tick(1)`` is called after each pin is written (not drawn: workers draw ahead).
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    meta, stamp = _stamped(meta)
    paths = [folder / "sheets.pdf", folder / "manifest.csv", folder / "bundle.zip"]
    with (
        paths[0].open("w+b") as pdf,
        paths[1].open("w+", encoding="utf-8", newline="") as manifest,
        zipfile.ZipFile(paths[2], "w", compresslevel=6) as archive,
    ):
        info = _one_pass(pins, meta, layout, archive, pdf, manifest, stamp, processes, tick)
        manifest.flush()
        _copy_in(archive, "sheets.pdf", pdf, stamp, zipfile.ZIP_STORED)
        _copy_in(archive, "manifest.csv", manifest.buffer, stamp, zipfile.ZIP_DEFLATED)
    return PrintInfo(count=info.count, sheets=info.sheets, files=tuple(map(str, paths)))
