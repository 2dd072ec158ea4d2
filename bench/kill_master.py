"""A gunicorn master killed with kill -9 under scan load: what happens, and what systemd makes of it.

gunicorn runs with the repo's ``deploy/gunicorn.conf.py`` on 127.0.0.1 while
threads scan random pins (as ``bench/faults.py``). Three episodes, one after another:

1. Nobody restarts it: do the workers go on serving, and when is the port refused?
   First, before the load starts, with one client asking every 20 ms and with nobody
   asking at all; then under the load.
2. The bench plays systemd with the unit as it was (``Restart=always``,
   ``KillMode=control-group``, ``RestartSec=2``, gunicorn binding its own port): when
   the master dies, SIGTERM to every process left in its group, wait until they are
   gone, wait ``RestartSec``, start gunicorn again.
3. The same with the unit as it is (``RestartSec=1``) and ``deploy/speld.socket``: the
   bench holds the listening socket, as systemd does for a socket unit, and hands it
   to each gunicorn (fd 3, ``LISTEN_FDS=1``, ``LISTEN_PID``), so a connection made
   while no gunicorn runs waits in the socket's queue instead of being refused.

systemd itself does not run here (it needs to be PID 1); the bench does what the unit
asks of it, in the same order. Every acknowledged scan (a 302) must have its row.

    .venv/bin/python bench/kill_master.py [--seconds 6] [--threads 8] [--workers 2]
"""

import argparse
import collections
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.faults import Load, _answering, _rows_per_pin  # noqa: E402
from bench.scan_load import free_port, seed  # noqa: E402

# Hands a socket to gunicorn the way systemd does: as fd 3, with LISTEN_FDS and LISTEN_PID.
ACTIVATE = (
    "import os, sys; fd = int(sys.argv[1]); os.dup2(fd, 3); os.close(fd);"
    " os.environ.update(LISTEN_FDS='1', LISTEN_PID=str(os.getpid()));"
    " os.execv(sys.argv[2], sys.argv[2:])"
)


def start(port: int, workers: int, env: dict, log, listener: socket.socket | None = None):
    """gunicorn with the deploy config, in a process group of its own (the unit's cgroup)."""
    command = [str(ROOT / ".venv/bin/gunicorn"), "--config", "deploy/gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "wsgi:app"]
    keep = ()
    if listener is not None:
        keep = (listener.fileno(),)
        command = [sys.executable, "-c", ACTIVATE, str(listener.fileno()), *command]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, pass_fds=keep,
                            stdout=log, stderr=subprocess.STDOUT)  # fmt: skip


def group(pgid: int) -> list[int]:
    """The live processes of a process group (a zombie has exited: it holds no socket)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def kill_master(server: subprocess.Popen) -> list[int]:
    """kill -9 the master; returns its workers, as they were."""
    workers = group(server.pid)
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    return [pid for pid in workers if pid != server.pid]


def stop_group(pgid: int) -> None:
    """What KillMode=control-group does once the main process has died: SIGTERM to the rest."""
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 30  # TimeoutStopSec, then SIGKILL
    while group(pgid) and time.monotonic() < deadline:
        time.sleep(0.01)
    for pid in group(pgid):
        os.kill(pid, signal.SIGKILL)


def light_traffic(server: subprocess.Popen, port: int) -> tuple[float, float]:
    """kill -9 the master while one client asks every 20 ms: (last answer, port refused) after."""
    killed = time.monotonic()
    kill_master(server)
    answered = killed
    while time.monotonic() < killed + 60:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            answered = time.monotonic()
        except ConnectionRefusedError:
            break
        except (OSError, http.client.HTTPException):
            pass  # reset by a worker on its way out
        time.sleep(0.02)
    refused = time.monotonic()
    stop_group(server.pid)
    return answered - killed, refused - killed


def no_traffic(server: subprocess.Popen) -> float:
    """kill -9 the master with nobody asking: seconds until its workers have exited."""
    killed = time.monotonic()
    workers = kill_master(server)
    while any(pid in group(server.pid) for pid in workers) and time.monotonic() < killed + 120:
        time.sleep(0.05)
    stop_group(server.pid)
    return time.monotonic() - killed


def _report(load: Load, episodes: list, lost: int, rows: int, acked: int) -> None:
    print(
        "| episode | requests | not 302 | workers gone after (s) | answering again after (s) "
        "| first failure after (s) | longest wait of a 302 (s) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for (name, at, gone, back), (_, end, *_) in zip(episodes, episodes[1:], strict=False):
        mine = [
            (event, wait)
            for event, wait in zip(load.events, load.waits, strict=True)
            if at <= event[0] < end
        ]
        failed = [event[0] - at for event, _ in mine if event[2] != 302]
        waited = max((wait for event, wait in mine if event[2] == 302), default=0)
        shown = [f"{value - at:.2f}" if value is not None else "–" for value in (gone, back)]
        first = f"{min(failed):.2f}" if failed else "–"
        print(
            f"| {name} | {len(mine)} | {len(failed)} | {' | '.join(shown)} | {first} "
            f"| {waited:.2f} |"
        )
    for (name, at, *_), (_, end, *_) in zip(episodes, episodes[1:], strict=False):
        kinds = collections.Counter(
            kind for t, _, status, kind in load.events if at <= t < end and status != 302
        )
        said = ", ".join(f"{n} × {kind}" for kind, n in kinds.most_common()) or "none"
        print(f"- {name}: answers other than 302: {said}")
    print(
        f"\nRequests: {len(load.events)}; 302s: {acked}; rows: {rows}; "
        f"**acknowledged scans without a row: {lost}**"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--pins", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=6, help="load before and after each")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--client-timeout", type=float, default=65, help="as nginx's proxy_read_timeout"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="speld-kill-master-"))
    env = {**os.environ, "SPELD_ENV": "development", "PUBLIC_BASE_URL": "http://127.0.0.1"}
    env["DATABASE_URL"] = f"sqlite:///{work / 'speld.sqlite'}"
    env["UNKNOWN_CODE_LIMIT"] = "1000000/minute"
    seed(env, args.pins, work / "codes.txt")
    codes = (work / "codes.txt").read_text().split()
    log = (work / "gunicorn.log").open("w")

    port = free_port()
    boot = time.monotonic()
    server = start(port, args.workers, env, log)
    _answering(port)
    booted = time.monotonic() - boot
    light = light_traffic(server, port)
    server = start(port, args.workers, env, log)
    _answering(port)
    idle = no_traffic(server)
    server = start(port, args.workers, env, log)
    _answering(port)
    load = Load(port, codes, args.threads, timeout=args.client_timeout)
    clock = lambda: time.monotonic() - load.started  # noqa: E731
    episodes = []  # [name, killed at, workers gone at, answering again at]
    listener = None
    load.start()
    try:
        time.sleep(args.seconds)
        # 1. Nobody restarts it: the workers are left alone (for a minute at most).
        killed = clock()
        workers = kill_master(server)
        while any(pid in group(server.pid) for pid in workers) and clock() < killed + 60:
            time.sleep(0.01)
        gone = None if group(server.pid) else clock()
        episodes.append(["nobody restarts it", killed, gone, None])
        stop_group(server.pid)
        time.sleep(args.seconds)
        episodes.append(["(started again by hand)", clock(), None, None])
        server = start(port, args.workers, env, log)
        _answering(port)
        time.sleep(args.seconds)
        # 2. The unit as it was: RestartSec=2, gunicorn binds its own port.
        killed = clock()
        kill_master(server)
        stop_group(server.pid)
        gone = clock()
        time.sleep(2)
        server = start(port, args.workers, env, log)
        _answering(port)
        episodes.append(["systemd, RestartSec=2, no socket unit", killed, gone, clock()])
        time.sleep(args.seconds)
        # 3. The unit as it is: RestartSec=1, the socket held by speld.socket.
        episodes.append(["(moved onto a held socket)", clock(), None, None])
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        listener = socket.create_server(("127.0.0.1", port), backlog=2048)
        server = start(port, args.workers, env, log, listener)
        _answering(port)
        time.sleep(args.seconds)
        killed = clock()
        kill_master(server)
        stop_group(server.pid)
        gone = clock()
        time.sleep(1)
        server = start(port, args.workers, env, log, listener)
        _answering(port)
        episodes.append(["systemd, RestartSec=1, speld.socket", killed, gone, clock()])
        time.sleep(args.seconds)
        episodes.append(["end", clock(), None, None])
    finally:
        load.stop()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        if listener is not None:
            listener.close()
        log.close()

    acked = collections.Counter(code for _, code, status, _ in load.events if status == 302)
    rows = _rows_per_pin(env)
    lost = sum(max(0, n - rows[code]) for code, n in acked.items())
    print(f"\n### kill -9 of the gunicorn master, {args.workers} workers, {args.threads} threads\n")
    print(f"gunicorn's first boot: {booted:.2f} s; load average {os.getloadavg()[0]:.1f}")
    print(
        f"One request at a time, no load: the last answer {light[0]:.2f} s after the kill, "
        f"the port refused after {light[1]:.2f} s"
    )
    print(f"No traffic at all: the workers exited {idle:.2f} s after the kill\n")
    _report(load, episodes, lost, sum(rows.values()), sum(acked.values()))
    shutil.rmtree(work, ignore_errors=True)
    if lost:
        sys.exit(1)


if __name__ == "__main__":
    main()
