"""Mint and print a batch through the real use cases, against a bare qrcode loop.

    .venv/bin/python bench/batch.py [--size 10000]

In one run: (a) the bare loop renders the batch's URLs with qrcode.make(url).save(PNG) on one
core; (b) mint_batch writes the pins to a database (SQLite in a temporary folder, or the
PostgreSQL of DATABASE_URL, whose name must contain "bench" or "test": it is emptied);
(c) print_set streams them from the database into sheets.pdf, manifest.csv and bundle.zip on
every core, as the CLI and the queue's worker run it; (d) the same with one process.
Targets: (c) within half of (a); peak RSS under 300 MB, this process and each worker.
"""

import argparse
import filecmp
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.qr_render import bare, peak_rss_mb


class WorkerPeak(threading.Thread):
    """The largest peak RSS (VmHWM) among this process's descendants, read from /proc while
    they run: the print's workers are the forkserver's children, which getrusage misses."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.stop = threading.Event()

    @staticmethod
    def _status(pid: str) -> dict[str, str]:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        return dict(line.split(":\t", 1) for line in lines if ":\t" in line)

    def run(self) -> None:
        me = str(os.getpid())
        while not self.stop.wait(0.2):
            parents, peaks = {}, {}
            for entry in Path("/proc").glob("[0-9]*"):
                try:
                    status = self._status(entry.name)
                except (OSError, ValueError):
                    continue
                parents[entry.name] = status.get("PPid", "").strip()
                peaks[entry.name] = int(status.get("VmHWM", "0 kB").split()[0])
            for pid, peak in peaks.items():
                ancestor = parents.get(pid)
                while ancestor and ancestor not in (me, "0", "1"):
                    ancestor = parents.get(ancestor)
                if ancestor == me and pid != me:
                    self.peak_kb = max(self.peak_kb, peak)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="speld-batch-"))
    database = os.environ.get("DATABASE_URL")
    if database and not re.search(r"bench|test", database.rsplit("/", 1)[-1]):
        sys.exit("DATABASE_URL must name a database containing 'bench' or 'test': it is emptied")
    os.environ.update(
        SPELD_ENV="development",
        DATABASE_URL=database or f"sqlite:///{work / 'batch.sqlite'}",
        PUBLIC_BASE_URL="https://pins.example.org",
    )
    from backend import create_app
    from backend.services import demo, pins, printing
    from bench.common import fresh_demo_database
    from qr import SheetLayout

    app = create_app()
    with app.app_context():
        fresh_demo_database()
        base = app.config["PUBLIC_BASE_URL"]

        start = time.perf_counter()
        batch = pins.mint_batch(demo.DEMO_SLUG, "Bench", "ut-desk", args.size)
        mint_s = time.perf_counter() - start
        workers = WorkerPeak()
        workers.start()
        start = time.perf_counter()
        info = printing.print_set(batch.id, base, SheetLayout(), work / "cores")
        print_s = time.perf_counter() - start
        workers.stop.set()
        start = time.perf_counter()
        printing.print_set(batch.id, base, SheetLayout(), work / "one", processes=1)
        one_s = time.perf_counter() - start
        urls = [url for _, url in printing.pin_items(batch.id, base)]
    rss_batch = peak_rss_mb()
    rss_workers = workers.peak_kb / 1024
    bare_s = bare(urls)
    sizes = {Path(f).name: Path(f).stat().st_size / 2**20 for f in info.files}
    # The two runs differ only in their moment (PDF CreationDate, ZIP dates) when a second
    # passed between them; tests/qr/test_parallel.py holds the bytes equal at one moment.
    same = filecmp.cmp(work / "cores" / "manifest.csv", work / "one" / "manifest.csv", False)

    engine = "PostgreSQL" if database else "SQLite"
    ratio = print_s / bare_s
    print(f"## Batch of {args.size} pins, minted and printed ({engine}, {os.cpu_count()} cores)\n")
    print("| step | seconds |\n|---|---:|")
    print(f"| mint_batch (codes, uniqueness check, insert, commit) | {mint_s:.1f} |")
    print(f"| print_set on every core (sheets.pdf, manifest.csv, bundle.zip) | {print_s:.1f} |")
    print(f"| print_set in one process | {one_s:.1f} |")
    print(f"| bare loop: qrcode.make(url).save(PNG) for the same URLs, one core | {bare_s:.1f} |")
    print("\n| figure | value | target |\n|---|---:|---|")
    print(f"| print / bare | {ratio:.2f} | <= 0.50 |")
    print(f"| (mint + print) / bare | {(mint_s + print_s) / bare_s:.2f} | |")
    print(f"| one process / bare | {one_s / bare_s:.2f} | |")
    print(f"| peak RSS, this process | {rss_batch:.0f} MB | < 300 MB |")
    print(f"| peak RSS, largest worker process | {rss_workers:.0f} MB | < 300 MB |")
    print(f"| manifests of both runs identical | {same} | True |")
    print(
        f"| sheets | {info.sheets.pages} pages, version {info.sheets.max_version}, "
        f"modules {info.sheets.module_mm:.3f} mm | |"
    )
    for name, size in sizes.items():
        print(f"| {name} | {size:.1f} MB | |")
    ok = ratio <= 0.5 and max(rss_batch, rss_workers) < 300 and same
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
