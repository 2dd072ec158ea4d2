"""Faults under scan load: kill -9 a worker, restart gunicorn, restart PostgreSQL immediately.
With ``--guesser``: a guesser at the students' address instead, with and without its history.

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

The guesser (``--guesser``, no fault injected, no --pgdata needed): an hour's worth of
guessing history (``--history`` lookups and orphan scans, 600,000 as in issue "Never a
500, round two", and the brake's counts they leave) is written for 127.0.0.1, none for
127.0.0.2. Valid scans come from both addresses at the same moments; in alternate rounds
each address also sends unknown codes at ``--guess-rate`` a second, with the shipped
UNKNOWN_CODE_LIMIT (so nearly all of them are refused, 429). Reports a valid scan's p50
and p99 per case.

    .venv/bin/python bench/faults.py --guesser [--seconds 10] [--rounds 6] [--threads 4]
"""

import argparse
import collections
import http.client
import multiprocessing
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

    ``waits`` holds how long each request took, in the same order as ``events``;
    ``latencies`` how long each 302 took.
    """

    def __init__(
        self,
        port: int,
        codes: list[str],
        threads: int,
        timeout: float = 10,
        source: str = "127.0.0.1",
    ):
        self.port, self.codes, self.timeout, self.source = port, codes, timeout, source
        self.events: list[tuple[float, str, int, str]] = []
        self.waits: list[float] = []
        self.latencies: list[float] = []  # seconds, of each 302
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
                        "127.0.0.1",
                        self.port,
                        timeout=self.timeout,
                        source_address=(self.source, 0),
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
                if status == 302:
                    self.latencies.append(time.monotonic() - sent)


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


class Guesser:
    """A process of its own sending unknown codes from one address at a steady pace.

    Not a thread: beside the scanning threads it would hold their GIL, and what it
    adds to a valid scan's measured time would be the bench's, not the server's.
    """

    def __init__(self, port: int, rate: float, source: str):
        self.port, self.rate, self.source = port, rate, source
        context = multiprocessing.get_context("fork")
        self.stopping = context.Event()
        self.results = context.Queue()
        self.process = context.Process(target=self._run, daemon=True)
        self.statuses: collections.Counter = collections.Counter()

    def start(self) -> None:
        self.process.start()

    def stop(self) -> None:
        self.stopping.set()
        self.statuses = self.results.get(timeout=60)
        self.process.join(timeout=30)

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=10, source_address=(self.source, 0)
        )

    def _run(self) -> None:
        statuses = collections.Counter()
        connection = self._connect()
        n, began = 0, time.monotonic()
        while not self.stopping.is_set():
            try:
                connection.request("GET", f"/p/GUESS{n:06d}", headers={"User-Agent": AGENT})
                response = connection.getresponse()
                response.read()
                statuses[response.status] += 1
            except (OSError, http.client.HTTPException):
                statuses[0] += 1
                connection.close()
                connection = self._connect()
            n += 1
            self.stopping.wait(max(0.0, began + n / self.rate - time.monotonic()))
        connection.close()
        self.results.put(statuses)


def _write_history(address: str, rows: int) -> None:
    """What an hour of guessing leaves for ``address``, written in bulk.

    ``rows`` lookups (all but the first few refused) and as many orphan scans spread
    over the hour before now, and the brake's counts those lookups leave per window.
    """
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert
    from sqlalchemy.dialects import postgresql, sqlite

    from backend import create_app
    from backend.extensions import db
    from backend.models import GuessCount, OrphanScan, UnknownCodeLookup
    from backend.services import scans

    app = create_app()
    with app.app_context():
        key = app.extensions[scans.EXTENSION].brake.key(address)
        now = datetime.now(UTC)
        when = [now - timedelta(seconds=3600 * (n + 1) / rows) for n in range(rows)]
        counts = collections.Counter()
        for at in when:
            epoch = int(at.timestamp())
            counts[60, epoch // 60 * 60] += 1
            counts[3600, epoch // 3600 * 3600] += 1
        dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
        table = GuessCount.__table__
        upsert = dialect.insert(table)
        upsert = upsert.on_conflict_do_update(
            index_elements=[table.c.source_hash, table.c.window_seconds, table.c.window_start],
            set_={"lookups": table.c.lookups + upsert.excluded.lookups},
        )
        db.session.execute(
            upsert,
            [
                {"source_hash": key, "window_seconds": w, "window_start": s, "lookups": n}
                for (w, s), n in counts.items()
            ],
        )
        for chunk in range(0, rows, 20_000):
            part = when[chunk : chunk + 20_000]
            db.session.execute(
                insert(UnknownCodeLookup),
                [{"looked_up_at": at, "refused": True} for at in part],
            )
            db.session.execute(
                insert(OrphanScan),
                [
                    {"scanned_at": at, "path": "/p/GUESS", "kind": "human",
                     "device_class": "mobile", "os_family": "iOS"}
                    for at in part
                ],
            )  # fmt: skip
            db.session.commit()
        db.engine.dispose()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def guesser_bench(args, env: dict, codes: list[str], engine: str) -> None:
    """A valid scan's p50 and p99 at a guesser's address, with and without an hour of its
    history: both addresses scan at the same moments (so a slow spell of the machine falls
    on both), in rounds that alternate between the guessers off and on."""
    addresses = {True: "127.0.0.1", False: "127.0.0.2"}  # history: yes / no (both loopback)
    began = time.monotonic()
    _write_history(addresses[True], args.history)
    print(f"history written in {time.monotonic() - began:.0f} s", file=sys.stderr)
    port = free_port()
    server = gunicorn("wsgi:app", port, args.workers, env)
    _answering(port)
    runs = collections.defaultdict(list)  # (guessing, history) -> [(Load, Guesser | None)]
    try:
        for _ in range(args.rounds):
            for guessing in (False, True):
                pairs = {}
                for history, address in addresses.items():
                    load = Load(port, codes, max(1, args.threads // 2), address)
                    guesser = Guesser(port, args.guess_rate, address) if guessing else None
                    pairs[history] = (load, guesser)
                for load, guesser in pairs.values():
                    if guesser:
                        guesser.start()
                    load.start()
                time.sleep(args.seconds)
                for history, (load, guesser) in pairs.items():
                    load.stop()
                    if guesser:
                        guesser.stop()
                    runs[guessing, history].append((load, guesser))
    finally:
        stop(server)

    print(
        f"\n### A guesser at the students' address, {engine}, {args.workers} workers, "
        f"{args.threads} scanning threads (half at each address), each guesser at "
        f"{args.guess_rate:g}/s, {args.rounds} rounds of {args.seconds:g} s per case\n"
    )
    print(
        "| guessers | the scanning address's history | p50 ms | p99 ms | p99 each round "
        "| 302s | not 302 | guesses |"
    )
    print("|---|---|---:|---:|---|---:|---:|---|")
    p99 = {}
    for guessing in (False, True):
        for history in (False, True):
            mine = runs[guessing, history]
            latencies = [s for load, _ in mine for s in load.latencies]
            p99[guessing, history] = 1000 * _percentile(latencies, 0.99)
            statuses = sum((g.statuses for _, g in mine if g), collections.Counter())
            guesses = ", ".join(f"{n} × {s}" for s, n in sorted(statuses.items())) or "–"
            each = " / ".join(f"{1000 * _percentile(load.latencies, 0.99):.0f}" for load, _ in mine)
            told = f"an hour ({args.history:,} lookups)" if history else "none"
            print(
                f"| {'on' if guessing else 'off'} | {told} "
                f"| {1000 * _percentile(latencies, 0.5):.1f} | {p99[guessing, history]:.1f} "
                f"| {each} | {len(latencies)} "
                f"| {sum(1 for load, _ in mine for e in load.events if e[2] != 302)} | {guesses} |"
            )
    change = lambda a, b: 100 * (p99[b] / p99[a] - 1)  # noqa: E731
    print(
        "\nAn hour's history against none, at the same moments: "
        f"{change((True, False), (True, True)):+.0f}% with the guessers on, "
        f"{change((False, False), (False, True)):+.0f}% with them off."
    )
    print(
        "Guessers on against off (alternating rounds): "
        f"{change((False, True), (True, True)):+.0f}% at the address with history, "
        f"{change((False, False), (True, False)):+.0f}% at the one without."
    )
    print(
        "p99 here is over every valid scan of the case (all rounds); "
        "each round's own p99 beside it."
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--pins", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=8, help="load between faults")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pgdata", help="data folder of DATABASE_URL's (throwaway) cluster")
    parser.add_argument("--guesser", action="store_true", help="the guesser instead of faults")
    parser.add_argument("--guess-rate", type=float, default=10, help="unknown codes a second")
    parser.add_argument("--history", type=int, default=600_000, help="an hour's lookups")
    parser.add_argument("--rounds", type=int, default=6, help="guesser rounds per case")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="speld-faults-"))
    env = {**os.environ, "SPELD_ENV": "development", "PUBLIC_BASE_URL": "http://127.0.0.1"}
    database = os.environ.get("DATABASE_URL")
    if database and not re.search(r"bench|test", database.rsplit("/", 1)[-1]):
        sys.exit("DATABASE_URL must name a database containing 'bench' or 'test': it is emptied")
    if database and not args.pgdata and not args.guesser:
        sys.exit("With DATABASE_URL, pass --pgdata: the cluster this bench may restart")
    env["DATABASE_URL"] = database or f"sqlite:///{work / 'faults.sqlite'}"
    env["UNKNOWN_CODE_LIMIT"] = "1000000/minute"
    if args.guesser:  # the shipped limit, and one brake key for the server and this script
        env["UNKNOWN_CODE_LIMIT"] = "30/minute;300/hour"
        env["SECRET_KEY"] = "faults-bench-secret-key"
    codes_file = work / "codes.txt"
    seed(env, args.pins, codes_file)
    codes = codes_file.read_text().split()
    if args.guesser:
        try:
            guesser_bench(args, env, codes, "PostgreSQL" if database else "SQLite")
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return

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
