"""Load test of the scan hot path: the real app vs a bare redirect, under the same gunicorn.

Seeds 10,000 pins, drives GET /p/<code> over random codes with wrk at 64 and
256 connections, then checks that every 302 left exactly one Scan row.
SQLite in a temporary folder by default; PostgreSQL when DATABASE_URL is set
(a database whose name contains "bench" or "test": it is emptied).
Traffic goes to 127.0.0.1 only, and every run stops by itself.

    .venv/bin/python bench/scan_load.py [--duration 10] [--workers 4] [--rounds 3]
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LUA = r"""
local codes = {}
for line in io.lines("%(codes)s") do codes[#codes + 1] = line end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function request()
  return wrk.format("GET", "/p/" .. codes[math.random(#codes)], {["User-Agent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"})
end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do merged[tostring(status)] = (merged[tostring(status)] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(merged) do parts[#parts + 1] = string.format('"%%s": %%d', status, n) end
  io.write(string.format('RESULT {"requests": %%d, "seconds": %%f, "p50_ms": %%f, "p99_ms": %%f, "socket_errors": %%d, "statuses": {%%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ", ")))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not start")


def gunicorn(app_spec: str, port: int, workers: int, env: dict) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
        app_spec,
    ]
    process = subprocess.Popen(command, env=env, start_new_session=True)
    wait_for(port)
    return process


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def wrk(port: int, connections: int, duration: int, script: Path) -> dict:
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    ).stdout
    result = json.loads(re.search(r"^RESULT (.*)$", output, re.M)[1])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def seed(env: dict, count: int, codes_file: Path) -> None:
    """Build the schema and mint the pins through the real use case."""
    os.environ.update(env)
    from backend import create_app
    from backend.extensions import db
    from backend.services import demo, pins
    from bench.common import fresh_demo_database

    app = create_app()
    with app.app_context():
        fresh_demo_database()
        batch = pins.mint_batch(demo.DEMO_SLUG, "Load test", "ut-desk", count)
        codes_file.write_text("\n".join(pins.iter_pin_codes(batch.id)) + "\n")
        db.engine.dispose()


def count_scans(env: dict) -> int:
    from sqlalchemy import func, select

    from backend import create_app
    from backend.extensions import db
    from backend.models import Scan

    with create_app().app_context():
        return db.session.scalar(select(func.count()).select_from(Scan))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--pins", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--connections", default="64,256")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per app and level")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="speld-bench-"))
    env = {**os.environ, "SPELD_ENV": "development", "PUBLIC_BASE_URL": "http://127.0.0.1"}
    database = os.environ.get("DATABASE_URL")
    if database and not re.search(r"bench|test", database.rsplit("/", 1)[-1]):
        sys.exit("DATABASE_URL must name a database containing 'bench' or 'test': it is emptied")
    env["DATABASE_URL"] = database or f"sqlite:///{work / 'bench.sqlite'}"
    env["UNKNOWN_CODE_LIMIT"] = "1000000/minute"
    codes_file, script = work / "codes.txt", work / "scan.lua"
    seed(env, args.pins, codes_file)
    script.write_text(LUA % {"codes": codes_file})

    apps = {"bare redirect": "bench.bare_app:app", "real scan": "wsgi:app"}
    levels = [int(c) for c in args.connections.split(",")]
    servers, runs, warmups = {}, [], []
    try:
        for name, spec in apps.items():
            port = free_port()
            servers[name] = (gunicorn(spec, port, args.workers, env), port)
            # Warm up: each worker parses its first user agents and opens its connections.
            warmups.append((name, wrk(port, 16, 2, script)))
        # Both servers stay up; runs alternate between them, so a slow spell of the
        # machine lands on both apps rather than on one.
        for _ in range(args.rounds):
            for connections in levels:
                for name, (_, port) in servers.items():
                    runs.append((name, connections, wrk(port, connections, args.duration, script)))
    finally:
        for process, _ in servers.values():
            stop(process)

    measured = [r for name, _, r in runs if name == "real scan"]
    measured += [r for name, r in warmups if name == "real scan"]
    redirects = sum(r["statuses"].get("302", 0) for r in measured)
    scans = count_scans(env)
    engine = "PostgreSQL" if database else "SQLite"
    print(
        f"\n### Scan load, {engine}, {args.pins} pins, {args.workers} gunicorn workers, "
        f"{args.rounds} alternating runs of {args.duration} s each\n"
    )
    print(
        "| app | connections | req/s (median) | each run | p50 ms | p99 ms | non-302 | socket errors |"
    )
    print("|---|---|---|---|---|---|---|---|")
    medians = {}
    for connections in levels:
        for name in apps:
            mine = [r for n, c, r in runs if n == name and c == connections]
            middle = sorted(mine, key=lambda r: r["rps"])[len(mine) // 2]
            medians[name, connections] = middle["rps"]
            other = sum(r["requests"] - r["statuses"].get("302", 0) for r in mine)
            each = " / ".join(f"{r['rps']:.0f}" for r in mine)
            print(
                f"| {name} | {connections} | {middle['rps']:.0f} "
                f"| {each} "
                f"| {statistics.median(r['p50_ms'] for r in mine):.1f} "
                f"| {statistics.median(r['p99_ms'] for r in mine):.1f} "
                f"| {other} | {sum(r['socket_errors'] for r in mine)} |"
            )
    for connections in levels:
        ratio = medians["real scan", connections] / medians["bare redirect", connections]
        print(
            f"\nAt {connections} connections the real scan runs at {100 * ratio:.0f}% "
            "of the bare redirect's throughput (medians)."
        )
    # wrk stops with requests in flight: the server may write those rows after wrk
    # stopped counting, so rows may exceed 302s by up to the connection count.
    print(f"\n302 responses (warm-up included): {redirects}; Scan rows: {scans}")
    print(
        f"302s without a row: {max(0, redirects - scans)}; rows for requests wrk stopped "
        f"waiting for: {max(0, scans - redirects)}"
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
