"""Time Speld's whole print pipeline against a bare qrcode PNG loop for the same URLs.

    .venv/bin/python bench/qr_render.py --count 10000 [--verify]

(a) bare: qrcode.make(url).save(buf, "PNG") for each URL;
(b) full: qr.bundle.write_print_set on every core: sheets.pdf + manifest.csv + bundle.zip
    (which holds the PDF, the manifest and an SVG and PNG per pin), in a temporary folder.
Target: (b) <= 2 x (a), and peak RSS < 300 MB for 10,000 pins. --verify then rasterises every
sheet page and decodes it with zxing-cpp (test dependencies), outside the timings.
"""

import argparse
import io
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import qrcode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qr import PrintMeta, SheetLayout, codes, write_print_set


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def bare(urls: list[str]) -> float:
    start = time.perf_counter()
    for url in urls:
        buffer = io.BytesIO()
        qrcode.make(url).save(buffer, "PNG")
    return time.perf_counter() - start


def full(pins: list[tuple[str, str]], folder: Path):
    start = time.perf_counter()
    info = write_print_set(
        iter(pins), PrintMeta("bench", "print", total=len(pins)), SheetLayout(), folder
    )
    return time.perf_counter() - start, info


def verify(sheets: Path, urls: list[str]) -> str:
    """Decode every QR label by label, rendered as printed; the answer must be the URLs."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c
    import zxingcpp

    layout, scale = SheetLayout(), 4
    half = layout.cut_mm / 25.4 * 72 / 2 * scale
    decoded: Counter[str] = Counter()
    formats = zxingcpp.BarcodeFormat.QRCode
    for page in pypdfium2.PdfDocument(sheets):
        image = page.render(scale=scale, grayscale=True, extra_flags=pdfium_c.FPDF_PRINTING)
        image = image.to_pil()
        for x, y in layout.centres():
            left, top = x * scale - half, image.height - y * scale - half
            label = image.crop((left, top, left + 2 * half, top + 2 * half))
            decoded.update(b.text for b in zxingcpp.read_barcodes(label, formats=formats))
    ok = decoded == Counter(urls)
    return f"{sum(decoded.values())} of {len(urls)} decoded, {'all' if ok else 'NOT all'} match"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="pins to render")
    parser.add_argument("--base-url", default="https://pins.example.org")
    parser.add_argument("--verify", action="store_true", help="decode every sheet afterwards")
    args = parser.parse_args()

    pins = [
        (code, codes.pin_url(args.base_url, code))
        for code in {codes.mint_code() for _ in range(args.count)}
    ]
    urls = [url for _, url in pins]
    bare_s = bare(urls)
    rss_bare = peak_rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        full_s, info = full(pins, Path(tmp))
        rss_full = peak_rss_mb()
        sizes = {Path(f).name: Path(f).stat().st_size / 2**20 for f in info.files}
        checked = verify(Path(tmp) / "sheets.pdf", urls) if args.verify else "not run"

    ratio = full_s / bare_s
    n = len(pins)
    print(f"## QR rendering, {n} pins (Python {sys.version.split()[0]})\n")
    print("| step | seconds | ms per pin |")
    print("|---|---:|---:|")
    print(f"| bare `qrcode.make(url).save(PNG)` | {bare_s:.1f} | {bare_s / n * 1000:.2f} |")
    print(
        f"| full print set (sheets, manifest, ZIP with SVG+PNG) | {full_s:.1f} | "
        f"{full_s / n * 1000:.2f} |"
    )
    print("\n| figure | value | target |\n|---|---:|---|")
    print(f"| full / bare | {ratio:.2f} | <= 2.00 |")
    print(f"| peak RSS after bare loop | {rss_bare:.0f} MB | |")
    print(f"| peak RSS, whole run | {rss_full:.0f} MB | < 300 MB |")
    print(
        f"| sheets | {info.sheets.pages} pages, module {info.sheets.module_mm:.3f} mm, "
        f"version {info.sheets.max_version} | module >= 0.5 mm |"
    )
    for name, size in sizes.items():
        print(f"| {name} | {size:.1f} MB | |")
    print(f"| decode check | {checked} | all match |")
    return 0 if ratio <= 2 and rss_full < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
