"""Print outputs for batches and stands: the database side of ``qr/``.

Pins are streamed from the database straight into the renderers, so memory
does not grow with the batch size. Large batches' sheets and bundle are
prepared in the background instead (``backend/services/print_jobs.py``).
"""

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from backend.errors import PinVoid
from backend.models import Batch, Event, Stand
from backend.models.types import utcnow
from backend.services.pins import batch_counts, find_pin, get_batch, iter_pin_codes
from qr import (
    Branding,
    Poster,
    PrintInfo,
    PrintMeta,
    RenderOptions,
    SheetInfo,
    SheetLayout,
    codes,
    load_logo,
    module_mm,
    qr_version,
    render,
    render_posters,
    render_sheets,
    write_bundle,
    write_manifest,
    write_print_set,
)

# Every pin code has the same length and alphabet, so one stands for all.
_SAMPLE_CODE = "0" * codes.PIN_LENGTH


@dataclass(frozen=True)
class Look:
    """The edition's branding, and a fingerprint of it for telling prepared files apart."""

    branding: Branding
    fingerprint: str


@lru_cache(maxsize=4)
def _look(background: str | None, logo_path: str | None, logo_mtime: float) -> Look:
    logo, digest = None, hashlib.sha256((background or "").encode())
    if logo_path:
        data = Path(logo_path).read_bytes()
        logo = load_logo(data, logo_path)
        digest.update(data)
    return Look(Branding(background=background, logo=logo), digest.hexdigest()[:16])


def edition_look(settings: Mapping[str, Any]) -> Look:
    """Branding from the settings PRINT_BACKGROUND and PRINT_LOGO (read again if the file changes)."""
    logo = settings.get("PRINT_LOGO")
    mtime = Path(logo).stat().st_mtime if logo else 0.0
    return _look(settings.get("PRINT_BACKGROUND"), logo, mtime)


def pin_qr_version(base_url: str, ecc: str = "M") -> int:
    """The QR version of every pin URL under ``base_url``."""
    return qr_version(codes.pin_url(base_url, _SAMPLE_CODE), ecc)


@dataclass(frozen=True)
class BatchSummary:
    batch: Batch
    issued: int
    void: int
    qr_version: int
    module_mm: float
    layout: SheetLayout

    @property
    def id(self) -> int:
        return self.batch.id


def summarize(
    batches: list[Batch], base_url: str, layout: SheetLayout | None = None
) -> list[BatchSummary]:
    """Counts, and the QR as the sheets of ``layout`` print it (the 25 mm machine by default),
    for batches (one counting query for all of them)."""
    layout = layout or SheetLayout()
    counts = batch_counts([b.id for b in batches])
    version = pin_qr_version(base_url)
    size = round(module_mm(layout, version), 3)
    return [
        BatchSummary(b, **counts[b.id], qr_version=version, module_mm=size, layout=layout)
        for b in batches
    ]


def pin_items(batch_id: int, base_url: str) -> Iterator[tuple[str, str]]:
    """(code, url) for every pin of a batch, in print order, streamed."""
    for code in iter_pin_codes(batch_id):
        yield code, codes.pin_url(base_url, code)


def _meta(batch: Batch, branding: Branding | None) -> PrintMeta:
    """What the slug line and manifest say about a batch, printed today."""
    return PrintMeta(
        batch=batch.label,
        channel=batch.channel,
        date=utcnow().date().isoformat(),
        total=batch.size,
        branding=branding,
        edition=batch.event.name,
    )


def print_sheets(
    batch_id: int,
    base_url: str,
    layout: SheetLayout,
    out: BinaryIO,
    branding: Branding | None = None,
) -> SheetInfo:
    """Label sheets of a batch, written to out page by page."""
    meta = _meta(get_batch(batch_id), branding)
    return render_sheets(pin_items(batch_id, base_url), layout, out, branding, meta.slug)


def print_manifest(batch_id: int, base_url: str, out: TextIO) -> int:
    batch = get_batch(batch_id)
    version = pin_qr_version(base_url)
    rows = (
        (code, url, batch.label, batch.channel, version)
        for code, url in pin_items(batch_id, base_url)
    )
    return write_manifest(rows, out)


def print_bundle(
    batch_id: int,
    base_url: str,
    layout: SheetLayout,
    out: BinaryIO,
    branding: Branding | None = None,
) -> PrintInfo:
    batch = get_batch(batch_id)
    return write_bundle(pin_items(batch_id, base_url), _meta(batch, branding), layout, out)


def print_set(
    batch_id: int,
    base_url: str,
    layout: SheetLayout,
    out_dir: Path,
    tick=None,
    branding: Branding | None = None,
    processes: int | None = None,
) -> PrintInfo:
    """sheets.pdf, manifest.csv and bundle.zip written into a folder (CLI and background jobs).

    ``tick(1)`` is called after each pin is written, for a progress bar. A large batch is
    drawn on every core (``qr.bundle``); ``processes`` says how many instead.
    """
    batch = get_batch(batch_id)
    items = pin_items(batch_id, base_url)
    return write_print_set(items, _meta(batch, branding), layout, out_dir, processes, tick)


def pin_qr(raw_code: str, base_url: str, options: RenderOptions) -> tuple[bytes, str]:
    """One pin's QR as PNG, SVG or PDF bytes; a void pin is not printed again."""
    pin = find_pin(raw_code)
    if pin.status == "void":
        raise PinVoid(reason="reprint")
    return render(codes.pin_url(base_url, pin.code), options)


def print_posters(
    stands: list[Stand], base_url: str, out: BinaryIO, branding: Branding | None = None
) -> int:
    """A4 posters (with bleed), one per stand: company, label and the QR to stamp a visit."""
    posters = (
        Poster(company=s.company.name, label=s.label, url=codes.stand_url(base_url, s.code))
        for s in stands
    )
    edition = stands[0].event.name if stands else ""
    return render_posters(posters, out, branding=branding, edition=edition)


def event_stands(event: Event, retired: bool = True) -> list[Stand]:
    """An edition's stands by label; ``retired=False`` leaves out those that left the fair."""
    chosen = event.stands if retired else [s for s in event.stands if not s.is_retired]
    return sorted(chosen, key=lambda stand: stand.label)
