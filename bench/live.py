"""The live page on the one-million-scan database, and the scan path beside ten organisers.

    .venv/bin/python bench/live.py [--scale 1.0] [--duration 10] [--rounds 3] [--workers 2]

Seeds ``bench/funnel.py``'s fair (1,000,000 scans, 300,000 landings, 100,000 stand visits at
scale 1.0), its two days moved so that the second one ends now: the live view's last two
hours hold a full share of the traffic (about 140,000 scans), as at the end of a fair day.
Two tablets per Twente Plaza stand have reported. Then, against one real gunicorn on
127.0.0.1 (``wsgi:app``):

1. the page alone: one organiser loads ``/console/<slug>/live`` ``--loads`` times in a row;
   its answer time's p50, p95 and worst;
2. the scan path (wrk on ``GET /p/<code>`` over the pins, as ``bench/scan_load.py``) alone,
   and with ten organisers who each reload the page every ``--every`` seconds (the page's own
   auto-refresh is 30 s: 5 s is six times that), alternating, ``--rounds`` times; scans per
   second side by side, and the page's answer times under that load.

SQLite in a temporary folder, or the PostgreSQL of DATABASE_URL (a database whose name holds
"bench" or "test": it is emptied). Traffic goes to 127.0.0.1 only; every run stops by itself.
"""

import argparse
import http.client
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scan_load import LUA, free_port, gunicorn, stop, wrk  # noqa: E402

SLUG = "bdt-2026"


def prepare(env: dict, scale: float, codes_file: Path) -> tuple[str, float]:
    """Seed the fair around now; an organiser's token, and one count of the view in ms."""
    os.environ.update(env)
    from sqlalchemy import select

    from backend import create_app
    from backend.extensions import db
    from backend.models import Event, Pin, Stand, TabletState
    from backend.services import live, tokens
    from bench.funnel import seed

    app = create_app()
    with app.app_context():
        now = datetime.now(UTC)
        zone = ZoneInfo("Europe/Amsterdam")
        second = (now - timedelta(hours=7)).astimezone(zone)  # its seven hours end now
        counts = seed(scale, days=[second - timedelta(days=1), second])
        event = db.session.scalar(select(Event).where(Event.slug == SLUG))
        event.starts_on, event.ends_on = (second - timedelta(days=1)).date(), now.date()
        stands = db.session.scalars(
            select(Stand).where(Stand.event_id == event.id, Stand.zone == "twente-plaza")
        ).all()
        for stand in stands:
            for n in (1, 2):
                db.session.add(
                    TabletState(
                        stand_id=stand.id,
                        tablet=f"bench-{stand.id}-{n}",
                        last_heard_at=now - timedelta(minutes=n * 7),
                        queued=n - 1,
                        version="bench",
                    )
                )
        db.session.commit()
        codes = db.session.scalars(select(Pin.code)).all()
        codes_file.write_text("\n".join(codes) + "\n")
        _, token = tokens.create_token("organiser", "bench organiser")
        print("seeded: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()), flush=True)
        counted = []
        for _ in range(3):
            started = time.perf_counter()
            live.live_view(event, datetime.now(UTC))
            counted.append((time.perf_counter() - started) * 1000)
        db.engine.dispose()
    return token, min(counted)


class Organiser:
    """A browser signed in to the console: one keep-alive connection and its session cookie."""

    def __init__(self, port: int, token: str):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""
        page = self.request("GET", "/dashboard/sign-in")
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
        body = f"token={token}&csrf_token={csrf}"
        self.request("POST", "/dashboard/sign-in", body, expect=303)

    def request(self, method: str, path: str, body: str | None = None, expect: int = 200) -> str:
        headers = {"Cookie": self.cookie, "Accept-Language": "nl"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body, headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                self.cookie = value.split(";", 1)[0]
        if response.status != expect:
            raise RuntimeError(f"{method} {path}: {response.status}, wanted {expect}")
        return text

    def load_live(self) -> float:
        """One load of the live page; its answer time in milliseconds."""
        started = time.perf_counter()
        page = self.request("GET", f"/console/{SLUG}/live")
        elapsed = (time.perf_counter() - started) * 1000
        if "<svg" not in page:
            raise RuntimeError("the live page came without its charts")
        return elapsed


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def organisers_beside(port: int, token: str, count: int, every: float, seconds: float):
    """``count`` organisers reloading the page every ``every`` s for ``seconds``; their times."""
    times: list[float] = []
    errors: list[str] = []
    stop_at = time.monotonic() + seconds

    def keep_open(offset: float) -> None:
        try:
            organiser = Organiser(port, token)
            time.sleep(offset)
            while time.monotonic() < stop_at:
                times.append(organiser.load_live())
                time.sleep(every)
        except Exception as error:  # a refused or broken page is a result, reported below
            errors.append(repr(error))

    threads = [
        threading.Thread(target=keep_open, args=(every * i / count,), daemon=True)
        for i in range(count)
    ]
    for thread in threads:
        thread.start()
    return threads, times, errors


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = a million scans")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--loads", type=int, default=200, help="page loads in a row, alone")
    parser.add_argument("--organisers", type=int, default=10)
    parser.add_argument("--every", type=float, default=5.0, help="seconds between reloads")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="speld-live-"))
    database = os.environ.get("DATABASE_URL")
    if database and not re.search(r"bench|test", database.rsplit("/", 1)[-1]):
        sys.exit("DATABASE_URL must name a database containing 'bench' or 'test': it is emptied")
    env = {
        **os.environ,
        "SPELD_ENV": "development",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "DATABASE_URL": database or f"sqlite:///{work / 'live.sqlite'}",
        "UNKNOWN_CODE_LIMIT": "1000000/minute",
    }
    codes_file, script = work / "codes.txt", work / "scan.lua"
    started = time.perf_counter()
    token, count_ms = prepare(env, args.scale, codes_file)
    print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
    script.write_text(LUA % {"codes": codes_file})

    port = free_port()
    server = gunicorn("wsgi:app", port, args.workers, env)
    try:
        wrk(port, 16, 2, script)  # warm up: the workers' connections and first user agents
        organiser = Organiser(port, token)
        for _ in range(5):
            organiser.load_live()
        alone = [organiser.load_live() for _ in range(args.loads)]
        runs = []
        for _ in range(args.rounds):
            runs.append(("scans alone", wrk(port, args.connections, args.duration, script), []))
            threads, times, errors = organisers_beside(
                port, token, args.organisers, args.every, args.duration
            )
            result = wrk(port, args.connections, args.duration, script)
            for thread in threads:
                thread.join(timeout=60)
            if errors:
                raise RuntimeError(f"an organiser's page failed: {errors[0]}")
            runs.append((f"scans + {args.organisers} organisers", result, times))
    finally:
        stop(server)

    engine = "PostgreSQL" if database else "SQLite"
    print(
        f"\n### Live page, {engine}, scale {args.scale}, {args.workers} gunicorn workers\n\n"
        f"The page alone, {args.loads} loads in a row: p50 {percentile(alone, 50):.0f} ms, "
        f"p95 {percentile(alone, 95):.0f} ms, worst {max(alone):.0f} ms (target: p95 < 100 ms). "
        f"One count of the view (what a worker does at most every LIVE_RECOUNT_SECONDS, and "
        f"in the request when it has none): {count_ms:.0f} ms, best of 3."
        f"\n\nThe scan path ({args.connections} connections, {args.duration} s runs, "
        f"alternating), alone and with {args.organisers} organisers reloading the page every "
        f"{args.every:g} s:\n"
    )
    print("| run | scans/s, each run | median | non-302 | page loads | page p50 ms | p95 ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    medians = {}
    for name in dict.fromkeys(name for name, _, _ in runs):
        mine = [(r, t) for n, r, t in runs if n == name]
        rates = [r["rps"] for r, _ in mine]
        bad = sum(n for r, _ in mine for s, n in r["statuses"].items() if s != "302")
        loads = [t for _, times in mine for t in times]
        medians[name] = statistics.median(rates)
        shown = (
            (f"{percentile(loads, 50):.0f}", f"{percentile(loads, 95):.0f}") if loads else ("", "")
        )
        print(
            f"| {name} | {', '.join(f'{r:.0f}' for r in rates)} | {medians[name]:.0f} | {bad} "
            f"| {len(loads)} | {shown[0]} | {shown[1]} |"
        )
    alone_rate, beside = list(medians.values())
    print(f"\nscan throughput beside the organisers: {beside / alone_rate:.0%} of alone")
    return 0 if percentile(alone, 95) < 100 else 1


if __name__ == "__main__":
    sys.exit(main())
