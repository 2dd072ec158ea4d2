"""Throughput of two Speld instances behind nginx against one, on one PostgreSQL.

Starts the loopback stack of ``tests/test_scale_out.py`` (``bench/stack.py``: nginx
with the shipped site and a self-signed certificate, gunicorn with the shipped
config, PostgreSQL from Debian), mints pins, and drives HTTPS scans
of random pins through nginx with wrk. Rounds alternate between nginx sending
to both instances and to the first only (the site's upstream rewritten and
nginx reloaded), so a slow spell of the machine lands on both. Checks that
every 302 left its row. Traffic goes to 127.0.0.1 only and every run stops by itself.

    .venv/bin/python bench/scale_out.py [--duration 10] [--workers 2] [--rounds 3]
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stack import HOSTNAME, Stack, site_config  # noqa: E402

LUA = r"""
local codes = {}
for line in io.lines("%(codes)s") do codes[#codes + 1] = line end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function request()
  return wrk.format("GET", "/p/" .. codes[math.random(#codes)], {["Host"] = "%(host)s", ["User-Agent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"})
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


def wrk(url: str, connections: int, duration: int, script: Path) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "-s", str(script), url],
        capture_output=True, text=True, timeout=duration + 60, check=True,
    ).stdout  # fmt: skip
    result = json.loads(re.search(r"^RESULT (.*)$", output, re.M)[1])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def point_nginx_at(stack: Stack, instances: int) -> None:
    """Rewrite the site's upstream to the first ``instances`` instances and reload nginx."""
    ports = [stack.ports[f"speld-{n}"] for n in range(instances)]
    site = site_config(ports, stack.ports["http"], stack.ports["https"], stack.cert,
                       stack.folder / "tls.key", stack.folder / "nginx-access.log")  # fmt: skip
    (stack.folder / "site.conf").write_text(site)
    stack.processes["nginx"].send_signal(signal.SIGHUP)
    subprocess.run(["sleep", "1"], check=True)  # old nginx workers finish, new ones take over


def seed(stack: Stack, count: int, codes_file: Path) -> None:
    from datetime import date

    from backend import create_app
    from backend.config import database_url
    from backend.extensions import db
    from backend.services import events, pins

    app = create_app({"SECRET_KEY": "bench", "PUBLIC_BASE_URL": f"https://{HOSTNAME}",
                      "SQLALCHEMY_DATABASE_URI": database_url(stack.database_url, "")})  # fmt: skip
    with app.app_context():
        events.create_event(slug="bench", name="Bench", starts_on=date(2026, 2, 18),
                            ends_on=date(2026, 2, 19), timezone="Europe/Amsterdam",
                            portal_url="https://www.twente.com")  # fmt: skip
        batch = pins.mint_batch("bench", "Load", "ut-desk", count)
        codes_file.write_text("\n".join(pins.iter_pin_codes(batch.id)) + "\n")
        db.engine.dispose()


def count_scans(stack: Stack) -> int:
    import psycopg

    with psycopg.connect(stack.database_url) as connection:
        return connection.execute("SELECT count(*) FROM scans").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--pins", type=int, default=5000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    stack = Stack(instances=2, workers=args.workers, unknown_code_limit="1000000/minute")
    runs = {1: [], 2: []}
    try:
        stack.start()
        codes, script = stack.folder / "codes.txt", stack.folder / "scan.lua"
        seed(stack, args.pins, codes)
        script.write_text(LUA % {"codes": codes, "host": HOSTNAME})
        warmup = wrk(stack.url, 8, 2, script)  # workers open connections, parse first agents
        for _ in range(args.rounds):
            for instances in (2, 1):
                point_nginx_at(stack, instances)
                runs[instances].append(wrk(stack.url, args.connections, args.duration, script))
        every = [warmup, *runs[1], *runs[2]]
        redirects = sum(r["statuses"].get("302", 0) for r in every)
        scans = count_scans(stack)
    finally:
        stack.stop()
    cores = len(os.sched_getaffinity(0))
    print(f"\n### Scale-out, {args.workers} workers per instance, {args.connections} connections, "
          f"HTTPS through nginx, {cores} cores, {args.rounds} rounds of {args.duration} s\n")  # fmt: skip
    print("| nginx upstream | scans/s (median) | each round | p50 ms | p99 ms | non-302 |")
    print("|---|---:|---|---:|---:|---:|")
    for instances in (1, 2):
        rs = runs[instances]
        other = sum(n for r in rs for s, n in r["statuses"].items() if s != "302")
        each = ", ".join(f"{r['rps']:,.0f}" for r in rs)
        print(f"| {instances} instance{'s' if instances > 1 else ''} | "
              f"{statistics.median(r['rps'] for r in rs):,.0f} | "
              f"{each} | "
              f"{statistics.median(r['p50_ms'] for r in rs):.1f} | "
              f"{statistics.median(r['p99_ms'] for r in rs):.1f} | {other} |")  # fmt: skip
    print(f"\n302s: {redirects:,}; scan rows: {scans:,} (rows beyond the 302s: requests in flight "
          "when wrk stopped)")  # fmt: skip


if __name__ == "__main__":
    main()
