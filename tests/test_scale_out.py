"""Two Speld instances behind the shipped nginx site, on one PostgreSQL (the guessing brake counts there too).

The stack (``bench/stack.py``) is started once for this module on loopback and
stopped at its end. Clients connect from different loopback addresses
(127.0.0.2, .3 …), so nginx sees different client addresses as at a fair.
"""

import csv
import gzip
import http.client
import io
import json
import os
import re
import ssl
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from backend import create_app
from backend.config import database_url
from backend.models import OrphanScan, Pin, Scan
from backend.services import events, pins, tokens
from bench.stack import HOSTNAME, Stack, missing_parts
from qr import SheetLayout
from tests.conftest import CHROMIUM_ARGS, PHONE, need
from tests.qr.decode import label_texts, pdf_pages

SCAN_STATIC = Path(__file__).resolve().parent.parent / "backend/pages/static/scan"
LIMIT = 10  # unknown codes per minute per address, for the brake test


@pytest.fixture(scope="module")
def stack():
    if os.environ.get("DATABASE_URL"):
        pytest.skip("runs once, in the SQLite pass: it starts its own PostgreSQL")
    missing = missing_parts()
    need(not missing, f"the scale-out stack needs Debian's {', '.join(missing)}")
    running = Stack(instances=2, workers=2, unknown_code_limit=f"{LIMIT}/minute", print_worker=True)
    try:
        yield running.start()
    finally:
        running.stop()


@pytest.fixture(scope="module")
def fair(stack):
    """An edition with 120 pins and a viewer token, in the stack's database."""
    app = create_app(
        {
            "SECRET_KEY": "seed",
            "SQLALCHEMY_DATABASE_URI": database_url(stack.database_url, ""),
            "PUBLIC_BASE_URL": f"https://{HOSTNAME}",
        }
    )
    with app.app_context():
        from datetime import date

        event = events.create_event(
            slug="bdt-2031",
            name="Business Days 2031",
            starts_on=date(2031, 2, 18),
            ends_on=date(2031, 2, 19),
            timezone="Europe/Amsterdam",
            portal_url="https://www.twente.com",
        )
        batch = pins.mint_batch(event.slug, "Day 1", "ut-desk", 120)
        codes = list(pins.iter_pin_codes(batch.id))
        _, viewer = tokens.create_token("viewer", "municipality")
        _, organiser = tokens.create_token("organiser", "desk")
        name = event.name
    return {"app": app, "codes": codes, "viewer": viewer, "organiser": organiser, "name": name}


def request(stack, path, source="127.0.0.2", method="GET", headers=None, body=None, port=None):
    """One request over its own TLS connection from ``source``: (status, headers, body)."""
    context = ssl.create_default_context(cafile=str(stack.cert))
    connection = http.client.HTTPSConnection(
        "127.0.0.1",
        port or stack.ports["https"],
        context=context,
        source_address=(source, 0),
        timeout=30,
    )
    try:
        sent = {"Host": HOSTNAME, "User-Agent": PHONE, **(headers or {})}
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def served(stack, pattern: str, total: int | None = None) -> list[int]:
    """How many access-log lines of each instance match ``pattern``.

    gunicorn writes a request's log line after the client has its answer: with ``total``,
    wait (up to 5 s) until that many lines are there.
    """
    deadline = time.monotonic() + 5
    while True:
        counts = [
            len(re.findall(pattern, stack.instance_log(n).read_text()))
            for n in range(stack.instances)
        ]
        if total is None or sum(counts) >= total or time.monotonic() > deadline:
            return counts
        time.sleep(0.05)


def test_scans_through_nginx_land_on_both_instances_and_every_302_has_its_row(stack, fair):
    codes = fair["codes"][:40]
    scan_lines = r'"GET /p/[0-9A-Z]+ HTTP/1.1" 302'
    before = served(stack, scan_lines)  # the module's other tests scan too, in any order
    statuses = [request(stack, f"/p/{code}")[0] for code in codes]
    assert statuses == [302] * 40
    after = served(stack, scan_lines, total=sum(before) + 40)
    per_instance = [now - then for now, then in zip(after, before, strict=True)]
    assert sum(per_instance) == 40
    assert min(per_instance) > 0, per_instance
    with fair["app"].app_context():
        from backend.extensions import db

        scanned = db.session.scalars(
            select(Pin.code).join(Scan, Scan.pin_id == Pin.id).where(Pin.code.in_(codes))
        ).all()
    assert sorted(scanned) == sorted(codes)
    # Neither nginx nor gunicorn logs a client address.
    logs = [stack.instance_log(n).read_text() for n in range(stack.instances)]
    logs.append((stack.folder / "nginx-access.log").read_text())
    assert not any("127.0.0.2" in log for log in logs)


def _visitor_rows(app, code):
    with app.app_context():
        from backend.extensions import db

        query = select(Scan.visitor_hash, Scan.is_repeat).join(Pin, Scan.pin_id == Pin.id)
        return db.session.execute(query.where(Pin.code == code).order_by(Scan.id)).all()


def test_the_forwarded_client_address_is_used_and_a_forged_one_is_not(stack, fair):
    code = fair["codes"][50]
    assert request(stack, f"/p/{code}", source="127.0.0.3")[0] == 302
    assert request(stack, f"/p/{code}", source="127.0.0.4")[0] == 302
    # The same phone at .3 claims to be .4: nginx replaces the header with the real address.
    forged = {"X-Forwarded-For": "127.0.0.4"}
    assert request(stack, f"/p/{code}", source="127.0.0.3", headers=forged)[0] == 302
    first, second, third = _visitor_rows(fair["app"], code)
    assert first.visitor_hash != second.visitor_hash  # two addresses, two visitors
    assert not first.is_repeat and not second.is_repeat
    assert third.visitor_hash == first.visitor_hash  # the forged address was not believed
    assert third.is_repeat


def test_the_guessing_brake_counts_across_both_instances(stack, fair):
    guesses = [request(stack, f"/p/NOPE{n}", source="127.0.0.5")[0] for n in range(LIMIT + 4)]
    # With a counter per process the four workers would allow 4 × LIMIT guesses.
    assert guesses == [404] * LIMIT + [429] * 4
    assert min(served(stack, r'"GET /p/NOPE\d+ HTTP/1.1" 404')) > 0
    # Once braked, this address's unknown codes are refused, never its valid pins; another
    # address is not slowed.
    assert request(stack, f"/p/{fair['codes'][60]}", source="127.0.0.5")[0] == 302
    assert request(stack, "/p/NOPE99", source="127.0.0.6")[0] == 404
    assert request(stack, f"/p/{fair['codes'][61]}", source="127.0.0.6")[0] == 302
    with fair["app"].app_context():
        from backend.extensions import db

        orphans = db.session.scalars(select(OrphanScan.path)).all()
    # Every guess is an orphan scan, the refused ones too: the brake answers, it never hides.
    assert sorted(orphans) == sorted([f"/p/NOPE{n}" for n in range(LIMIT + 4)] + ["/p/NOPE99"])


def test_a_dashboard_session_signed_in_through_one_instance_works_through_the_other(
    stack, fair, screenshots
):
    import shutil

    chromium = shutil.which("chromium")
    need(chromium is not None, "Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_context(ignore_https_errors=True, locale="en-GB").new_page()
        page.goto(f"{stack.url}/dashboard/sign-in")
        page.fill("#token", fair["viewer"])
        page.click("button[type=submit]")  # a real form post over HTTPS, CSRF checked
        page.wait_for_load_state()
        page.screenshot(path=screenshots / "signed-in-through-nginx.png")
        assert fair["name"] in page.content()
        for _ in range(5):
            page.reload()
            assert fair["name"] in page.content()
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        browser.close()
    assert min(served(stack, r'"GET /dashboard/ HTTP/1.1" 200')) > 0
    # The browser's session cookie, straight to each instance: both know it.
    for n in range(stack.instances):
        connection = http.client.HTTPConnection("127.0.0.1", stack.ports[f"speld-{n}"])
        connection.request(
            "GET", "/dashboard/", headers={"Cookie": f"speld_session={cookies['speld_session']}"}
        )
        response = connection.getresponse()
        assert response.status == 200
        assert fair["name"] in response.read().decode()


def test_nginx_redirects_http_compresses_pages_but_not_scans_and_limits_bodies(stack, fair):
    plain = http.client.HTTPConnection("127.0.0.1", stack.ports["http"])
    plain.request("GET", f"/p/{fair['codes'][70]}", headers={"Host": HOSTNAME})
    response = plain.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOSTNAME}/p/{fair['codes'][70]}"
    gzip = {"Accept-Encoding": "gzip"}
    status, headers, _ = request(stack, f"/p/{fair['codes'][71]}", headers=gzip)
    assert status == 302 and "content-encoding" not in headers
    status, headers, _ = request(stack, f"/l/{fair['codes'][71]}", headers=gzip)
    assert status == 200 and headers["content-encoding"] == "gzip"
    status, _, _ = request(stack, "/api/v1/events", method="POST", body=b"x" * (2 * 1024 * 1024))
    assert status == 413
    status, headers, body = request(stack, "/robots.txt")
    assert status == 200 and b"Disallow: /" in body
    status, _, body = request(stack, "/readyz")
    assert status == 200 and b'"migrations":"ok"' in body


@pytest.mark.parametrize(
    ("asset", "mimetype"),
    [
        ("vendor/zxing_reader.wasm", "application/wasm"),
        ("vendor/barcode-detector.js", "javascript"),
        ("scanner.js", "javascript"),
    ],
)
def test_nginx_compresses_the_scanner_s_scripts_and_webassembly(stack, asset, mimetype):
    original = (SCAN_STATIC / asset).read_bytes()
    path = f"/scan/static/{asset}"
    status, headers, body = request(stack, path, headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert mimetype in headers["content-type"] and "Accept-Encoding" in headers["vary"]
    assert gzip.decompress(body) == original
    assert len(body) < 0.5 * len(original)  # 1.09 MB of WebAssembly arrive as 0.47 MB
    # A client that does not ask gets the same bytes as they are.
    status, headers, body = request(stack, path)
    assert status == 200 and "content-encoding" not in headers and body == original


def test_a_large_batch_is_printed_by_the_worker_on_another_host_and_served_by_both(stack, fair):
    """Minted through nginx; the worker (its own folder and HOSTNAME) prints; both serve it."""
    size = 600  # above PRINT_SYNC_MAX_PINS (500): prepared by the worker
    auth = {"Authorization": f"Bearer {fair['organiser']}"}
    body = json.dumps({"label": "Day 2", "channel": "ut-desk", "size": size}).encode()
    status, _, answer = request(
        stack,
        "/api/v1/events/bdt-2031/batches",
        method="POST",
        headers={**auth, "Content-Type": "application/json"},
        body=body,
    )
    assert status == 201, answer
    batch_id = json.loads(answer)["id"]
    url = f"/api/v1/batches/{batch_id}/sheets.pdf"
    seen, deadline = [], time.monotonic() + 120
    while (answer := request(stack, url, headers=auth))[0] == 202:
        assert time.monotonic() < deadline, stack.worker_log.read_text()
        seen.append(json.loads(answer[2]))
        time.sleep(0.3)
    status, headers, sheets = answer
    assert status == 200 and headers["content-type"] == "application/pdf", sheets[:200]
    assert all(s["state"] == "preparing" and s["total"] == size for s in seen)
    lines = served(stack, rf'"GET /api/v1/batches/{batch_id}/sheets.pdf HTTP/1.1" 20[02]')
    assert min(lines) > 0, lines  # both instances answered, each from the shared folder
    status, _, manifest = request(stack, f"/api/v1/batches/{batch_id}/manifest.csv", headers=auth)
    urls = [row["url"] for row in csv.DictReader(io.StringIO(manifest.decode()))]
    assert status == 200 and len(urls) == size
    first = next(pdf_pages(sheets, 4, printing=True))
    decoded = label_texts(first, SheetLayout(), 4)
    assert decoded and set(decoded) <= set(urls)
    # The work was the worker's: it ran the task; the instances prepared nothing themselves.
    assert "print_files" in stack.worker_log.read_text()
    assert list((stack.folder / "worker-host").iterdir()) == []
    (folder,) = (stack.folder / "print").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == ["bundle.zip", "manifest.csv", "sheets.pdf"]
