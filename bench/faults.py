"""Faults under scan load: kill -9 a worker, restart gunicorn, restart PostgreSQL immediately.

Threads scan random pins of a seeded batch on a real gunicorn (127.0.0.1) while
the faults are injected one after another. Afterwards every acknowledged scan
(a 302) must have its row: per pin, rows >= 302s. A row without a 302 is fine
(the answer was lost with its worker). Reports the answers that were not a 302
by kind, and per fault the seconds until the last failed request.

SQLite in a temporary folder by default. With DATABASE_URL (a database whose
name contains "bench" or "test": it is emptied) also pass --pgdata, the data
folder of that cluster, which is restarted with ``pg_ctl restart -m immediate``
as user postgres: use a throwaway cluster, never a shared one.

    .venv/bin/python bench/faults.py [--seconds 30] [--threads 16] [--workers 2]
"""

import argparse
import collections
import http.client
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scan_load import free_port, gunicorn, seed, stop  # noqa: E402

AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile"


class Load:
    """Threads that scan until told to stop, keeping (time, code, status, kind) per request.

    ``waits`` holds how long each request took, in the same order as ``events``.
    """

    def __init__(self, port: int, codes: list[str], threads: int, timeout: float = 10):
        self.port, self.codes, self.timeout = port, codes, timeout
        self.events: list[tuple[float, str, int, str]] = []
        self.waits: list[float] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def start(self) -> None:
        self.started = time.monotonic()
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _run(self) -> None:
        rng, connection = random.Random(), None
        while not self.stopping.is_set():
            code = rng.choice(self.codes)
            sent = time.monotonic()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(
                        "127.0.0.1", self.port, timeout=self.timeout
                    )
                connection.request("GET", f"/p/{code}", headers={"User-Agent": AGENT})
                response = connection.getresponse()
                body = response.read()
                status, kind = response.status, _kind(response.status, body)
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as error:
                status, kind = 0, f"socket error ({type(error).__name__})"
                if connection is not None:
                    connection.close()
                connection = None
                time.sleep(0.02)  # a refused connection comes back at once: do not spin
            with self.lock:
                self.events.append((time.monotonic() - self.started, code, status, kind))
                self.waits.append(time.monotonic() - sent)


def _kind(status: int, body: bytes) -> str:
    if status == 302:
        return "302"
    title = re.search(rb"<title>(.*?)</title>", body, re.S)
    text = (
        title[1].decode(errors="replace").strip() if title else body[:60].decode(errors="replace")
    )
    return f"{status} {text}"


def _answering(port: int, seconds: float = 120) -> None:
    """Wait until gunicorn's workers answer (an open port only means the master is up)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/")
            if connection.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
    raise RuntimeError("gunicorn's workers did not answer")


def _workers(master: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in found.split()]


def _pg_ctl(pgdata: str, *args: str) -> None:
    pg_ctl = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
    log = str(Path(pgdata) / "faults-bench.log")  # the restarted server must not hold our pipes
    command = ["runuser", "-u", "postgres", "--", str(pg_ctl), "-D", pgdata, "-l", log, *args]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=120)


def _rows_per_pin(env: dict) -> collections.Counter:
    from sqlalchemy import func, select

    from backend import create_app
    from backend.extensions import db
    from backend.models import Pin, Scan

    with create_app().app_context():
        rows = db.session.execute(
            select(Pin.code, func.count(Scan.id))
            .join(Scan, Scan.pin_id == Pin.id)
            .group_by(Pin.code)
        ).all()
        db.engine.dispose()
    return collections.Counter(dict(rows))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--pins", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=8, help="load between faults")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pgdata", help="data folder of DATABASE_URL's (throwaway) cluster")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="speld-faults-"))
    env = {**os.environ, "SPELD_ENV": "development", "PUBLIC_BASE_URL": "http://127.0.0.1"}
    database = os.environ.get("DATABASE_URL")
    if database and not re.search(r"bench|test", database.rsplit("/", 1)[-1]):
        sys.exit("DATABASE_URL must name a database containing 'bench' or 'test': it is emptied")
    if database and not args.pgdata:
        sys.exit("With DATABASE_URL, pass --pgdata: the cluster this bench may restart")
    env["DATABASE_URL"] = database or f"sqlite:///{work / 'faults.sqlite'}"
    env["UNKNOWN_CODE_LIMIT"] = "1000000/minute"
    codes_file = work / "codes.txt"
    seed(env, args.pins, codes_file)
    codes = codes_file.read_text().split()

    port = free_port()
    server = gunicorn("wsgi:app", port, args.workers, env)
    _answering(port)
    load = Load(port, codes, args.threads)
    faults = []  # [name, second injected, second the part was back (None: nothing to wait for)]
    clock = lambda: time.monotonic() - load.started  # noqa: E731
    load.start()
    try:
        time.sleep(args.seconds)
        faults.append(["kill -9 one worker", clock(), None])
        os.kill(_workers(server.pid)[0], signal.SIGKILL)
        time.sleep(args.seconds)
        faults.append(["restart gunicorn (master stopped, started again)", clock(), None])
        stop(server)
        server = gunicorn("wsgi:app", port, args.workers, env)
        _answering(port)
        faults[-1][2] = clock()
        time.sleep(args.seconds)
        if args.pgdata:
            faults.append(["pg_ctl restart -m immediate", clock(), None])
            _pg_ctl(args.pgdata, "restart", "-m", "immediate", "-w")
            faults[-1][2] = clock()
            time.sleep(args.seconds)
        faults.append(["end", clock(), None])
    finally:
        load.stop()
        stop(server)

    acked = collections.Counter(code for _, code, status, _ in load.events if status == 302)
    rows = _rows_per_pin(env)
    lost = sum(max(0, n - rows[code]) for code, n in acked.items())
    engine = "PostgreSQL" if database else "SQLite"
    print(
        f"\n### Faults under scan load, {engine}, {args.workers} workers, {args.threads} threads\n"
    )
    print("| at (s) | fault | requests | not 302 | back after (s) | last failure after (s) |")
    print("|---:|---|---:|---:|---:|---:|")
    windows = [["(before the first fault)", 0.0, None], *faults]
    for (name, at, back), (_, end, _) in zip(windows, windows[1:], strict=False):
        mine = [e for e in load.events if at <= e[0] < end]
        failed = [e[0] for e in mine if e[2] != 302]
        recover = f"{max(failed) - at:.2f}" if failed else "–"
        shown = f"{back - at:.2f}" if back is not None else "–"
        print(f"| {at:.1f} | {name} | {len(mine)} | {len(failed)} | {shown} | {recover} |")
    kinds = collections.Counter(kind for _, _, status, kind in load.events if status != 302)
    print("\nAnswers other than 302, by kind:")
    for kind, n in kinds.most_common():
        print(f"- {n} × {kind}")
    fivexx = sum(n for kind, n in kinds.items() if kind[:1] == "5")
    print(
        f"\nRequests: {len(load.events)}; 302s: {sum(acked.values())}; rows: {sum(rows.values())}; "
        f"5xx: {fivexx}; **acknowledged scans without a row: {lost}**"
    )
    shutil.rmtree(work, ignore_errors=True)
    if lost:
        sys.exit(1)


if __name__ == "__main__":
    main()
