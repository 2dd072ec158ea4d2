"""The stand scanner in the browser: how fast the vendored polyfill decodes, how much /scan weighs.

    .venv/bin/python bench/scanner_decode.py [--runs 50]

Decoding: headless Chromium (Debian's; Linux Chromium has no native BarcodeDetector, so the
page uses the polyfill) loads the vendored barcode-detector + zxing-wasm from a local static
server on 127.0.0.1 and times ``detect()`` on one 640x480 camera frame holding one pin QR,
and on an empty frame (what the scanner sees most of the time). The first call, which fetches
and compiles the WebAssembly, is reported apart. Weight: every file a tablet loads for /scan
(page, scripts, styles, WebAssembly, service worker), raw and gzip-compressed.
"""

import argparse
import gzip
import io
import shutil
import statistics
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qr import codes  # noqa: E402
from qr.render import matrix  # noqa: E402

STATIC = ROOT / "backend" / "pages" / "static" / "scan"
WIDTH, HEIGHT = 640, 480
PAGE = """<!doctype html><meta charset="utf-8"><script src="/vendor/barcode-detector.js"></script>
<script>
async function frame(src) {
  const image = new Image(); image.src = src; await image.decode();
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext("2d"); context.drawImage(image, 0, 0);
  return context.getImageData(0, 0, image.width, image.height);
}
async function time(detector, data, runs) {
  const times = [];
  let found = null;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    found = await detector.detect(data);
    times.push(performance.now() - start);
  }
  return {times, texts: found.map((b) => b.rawValue)};
}
window.bench = async (runs) => {
  const api = window.BarcodeDetectionAPI;
  api.prepareZXingModule({overrides: {locateFile: (p, prefix) =>
    p.endsWith(".wasm") ? "/vendor/zxing_reader.wasm" : prefix + p}});
  const detector = new api.BarcodeDetector({formats: ["qr_code"]});
  const pin = await frame("/pin.png"), empty = await frame("/empty.png");
  const start = performance.now();
  const first = await detector.detect(pin);
  const firstMs = performance.now() - start;
  return {firstMs, firstTexts: first.map((b) => b.rawValue),
          pin: await time(detector, pin, runs), empty: await time(detector, empty, runs)};
};
</script>"""


def camera_frame(text: str | None) -> bytes:
    """A 640x480 greyscale PNG with a pin's QR about as large as a pin held at a tablet."""
    image = Image.new("L", (WIDTH, HEIGHT), 200)
    if text:
        symbol = matrix(text, "M")
        module = 6
        left, top = (WIDTH - symbol.size * module) // 2, (HEIGHT - symbol.size * module) // 2
        draw = ImageDraw.Draw(image)
        draw.rectangle(
            (
                left - 24,
                top - 24,
                left + symbol.size * module + 23,
                top + symbol.size * module + 23,
            ),
            fill=250,
        )
        for x, y, w, h in symbol.rects:
            x0, y0 = left + x * module, top + y * module
            draw.rectangle((x0, y0, x0 + w * module - 1, y0 + h * module - 1), fill=20)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def serve(files: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(SimpleHTTPRequestHandler):
        extensions_map = {".wasm": "application/wasm", ".js": "text/javascript"}

        def do_GET(self):
            if self.path in files:
                body = files[self.path]
                self.send_response(200)
                self.send_header(
                    "Content-Type", "text/html" if self.path.endswith("html") else "image/png"
                )
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                super().do_GET()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(STATIC)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def decode_speed(runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    url = codes.pin_url("https://pins.example.org", codes.add_check("A70TW7VS"))
    server = serve(
        {
            "/bench.html": PAGE.encode(),
            "/pin.png": camera_frame(url),
            "/empty.png": camera_frame(None),
        }
    )
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/bench.html")
            result = page.evaluate("(runs) => window.bench(runs)", runs)
            result["browser"] = browser.version
            browser.close()
    finally:
        server.shutdown()
    assert result["firstTexts"] == [url] and result["pin"]["texts"] == [url], result
    assert result["empty"]["texts"] == []
    return result


def page_weight() -> list[tuple[str, int, int]]:
    """(path, bytes, gzip bytes) of /scan and everything it loads, from the app itself."""
    from backend import create_app
    from backend.pages.scanner import ASSETS

    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "PUBLIC_BASE_URL": "http://127.0.0.1",
        }
    )
    client = app.test_client()
    paths = ["/scan", "/scan/sw.js", *(f"/scan/static/{name}" for name in ASSETS)]
    rows = []
    for path in paths:
        body = client.get(path).data
        rows.append((path, len(body), len(gzip.compress(body, 6))))
    return rows


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, min {ordered[0]:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    result = decode_speed(args.runs)
    print(f"Chromium {result['browser']}, {args.runs} runs per frame, 640x480")
    print(f"first detect (fetch + compile WebAssembly + decode): {result['firstMs']:.0f} ms")
    print(f"frame with one pin QR: {summary(result['pin']['times'])}")
    print(f"empty frame:           {summary(result['empty']['times'])}")
    print("\npage weight")
    rows = page_weight()
    for path, raw, packed in rows:
        print(f"  {path:45} {raw:>9,} B  gzip {packed:>9,} B")
    print(f"  {'total':45} {sum(r[1] for r in rows):>9,} B  gzip {sum(r[2] for r in rows):>9,} B")


if __name__ == "__main__":
    main()
