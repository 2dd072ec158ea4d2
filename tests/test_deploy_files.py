"""The files in deploy/ checked as far as this machine allows (no container engine, no systemd).

The compose file is validated by Debian's docker-compose (1.29, Python), whose
``config`` command loads, validates against its Compose schema and resolves a
file without a container engine. Units are checked by ``systemd-analyze verify``.
nginx and gunicorn run for real in ``test_scale_out.py``.
"""

import contextlib
import functools
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml
from gunicorn.config import Config
from hypothesis import given
from hypothesis import strategies as st

from backend.services.retention import LOG_DAYS
from bench.kill_master import ACTIVATE, group, stop_group
from bench.stack import free_port, wait_for
from tests.conftest import need

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
PINNED = re.compile(r"^[\w./-]+:\d+\.\d+[\w.-]*$")  # a release (16.6, 1.26.2), not a moving tag
SECRETS = re.compile(r"SECRET_KEY|PASSWORD(?!_FILE)|TOKEN", re.IGNORECASE)


def test_compose_file_is_valid_pins_its_images_and_holds_no_secret(tmp_path):
    need(shutil.which("docker-compose") is not None, "docker-compose (Debian) is missing")
    env_file = tmp_path / "speld.env"
    env_file.write_text("SECRET_KEY=from-the-host\n")
    done = subprocess.run(
        ["docker-compose", "-f", str(DEPLOY / "compose.yaml"), "config"],
        env={"PATH": "/usr/bin:/bin", "SPELD_ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    resolved = yaml.safe_load(done.stdout)
    services = resolved["services"]
    assert set(services) == {"postgres", "migrate", "speld", "worker", "nginx"}
    for name, service in services.items():
        assert PINNED.match(service["image"]) or service["image"] == "speld:local", name
    assert services["speld"]["user"] == "speld"
    assert services["speld"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["migrate"]["command"] == ["flask", "db", "upgrade"]
    # The worker prepares print files where speld serves them from: one volume for both.
    worker = services["worker"]
    assert worker["command"] == ["flask", "speld", "worker"] and worker["user"] == "speld"
    assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    shared = "print-files:/opt/speld/instance/print"
    assert [v for v in services["speld"]["volumes"] if v.startswith(shared)] == [f"{shared}:rw"]
    assert f"{shared}:rw" in worker["volumes"]
    # Secrets come from files on the host, never from the compose file itself.
    raw = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    for name, service in raw["services"].items():
        for key in service.get("environment", {}):
            assert not SECRETS.search(key), (name, key)


def test_containerfile_pins_its_base_runs_as_speld_and_takes_no_secret():
    lines = [line.strip() for line in (DEPLOY / "Containerfile").read_text().splitlines()]
    (base,) = [line.split()[1] for line in lines if line.startswith("FROM ")]
    assert PINNED.match(base), base
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users == ["speld"]
    assert lines.index("USER speld") < max(
        i for i, line in enumerate(lines) if line.startswith("CMD")
    )
    assert not any(SECRETS.search(line) for line in lines if line.startswith(("ENV", "ARG")))
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {"instance", "*.env", ".venv"} <= set(ignored)


def _verify(unit: Path, tmp_path: Path) -> str:
    # systemd checks that ExecStart exists: point /opt/speld at this checkout. Every unit is
    # copied beside it, for a unit that needs another (speld.service and speld.socket).
    for each in DEPLOY.glob("speld*.[st]*"):
        (tmp_path / each.name).write_text(each.read_text().replace("/opt/speld", str(ROOT)))
    done = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / unit.name)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    return done.stdout + done.stderr


def _unit(name: str) -> dict[str, list[str]]:
    """A unit file's settings: each key with its values in order (a key may repeat)."""
    settings: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    return settings


def test_systemd_units_verify_and_stop_the_whole_process_group(tmp_path):
    need(shutil.which("systemd-analyze") is not None, "systemd-analyze is missing (systemd)")
    for name in (
        "speld.service",
        "speld.socket",
        "speld-retention.service",
        "speld-worker.service",
    ):
        assert _verify(DEPLOY / name, tmp_path) == "", name
    unit = (DEPLOY / "speld.service").read_text()
    assert "\nKillMode=control-group\n" in unit
    assert "--config deploy/gunicorn.conf.py" in unit


def test_the_service_listens_on_its_socket_unit_and_restarts_within_a_second():
    service, sock = _unit("speld.service"), _unit("speld.socket")
    assert service["Requires"] == ["speld.socket"]
    assert "speld.socket" in service["After"][0].split()
    assert service["Restart"] == ["always"] and service["RestartSec"] == ["1"]
    # Where nginx's upstream and the doc's checks look, as gunicorn's own default.
    assert sock["ListenStream"] == ["127.0.0.1:8000"]
    assert "127.0.0.1:8000" in (DEPLOY / "nginx" / "speld.conf").read_text()
    assert int(sock["Backlog"][0]) >= 1024
    assert sock["FreeBind"] == ["yes"]


def test_the_worker_unit_runs_the_cli_s_worker_as_speld_and_comes_back():
    worker, web = _unit("speld-worker.service"), _unit("speld.service")
    assert worker["ExecStart"] == ["/opt/speld/.venv/bin/flask speld worker"]
    for key in ("User", "Group", "WorkingDirectory", "EnvironmentFile", "ReadWritePaths"):
        assert worker[key] == web[key], key
    assert worker["Environment"] == ["FLASK_APP=wsgi"]
    assert worker["Restart"] == ["always"] and worker["KillMode"] == ["control-group"]


def test_make_run_starts_the_worker_next_to_gunicorn_and_stops_it_with_it():
    """The recipe as make would run it (``make -n``); tests/test_readme.py runs it for real."""
    need(shutil.which("make") is not None, "make is missing")
    done = subprocess.run(
        ["make", "-n", "-W", "requirements.txt", "run", "VENV=/venv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    recipe = done.stdout.replace("\\\n", " ")
    (serve,) = [line for line in recipe.splitlines() if "gunicorn" in line]
    worker = "/venv/bin/flask speld worker & worker=$!;"
    trap = "trap 'kill $worker 2>/dev/null; wait $worker' EXIT INT TERM;"
    gunicorn = "/venv/bin/gunicorn --config deploy/gunicorn.conf.py"
    assert serve.index(worker) < serve.index(trap) < serve.index(gunicorn), serve
    assert "exec " not in serve  # the shell stays, to stop the worker when gunicorn ends


def test_gunicorn_config_logs_no_client_address_and_make_run_uses_it():
    config = Config()
    settings = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), settings)
    for key in ("workers", "timeout", "graceful_timeout", "access_log_format", "accesslog"):
        config.set(key, settings[key])
    log_format = config.access_log_format
    for atom in ("%(h)s", "%(a)s", "%(u)s", "%(f)s", "{x-forwarded-for}i", "{user-agent}i"):
        assert atom not in log_format
    assert config.graceful_timeout < 30  # the unit's TimeoutStopSec
    assert "--config deploy/gunicorn.conf.py" in (ROOT / "Makefile").read_text()


@functools.cache
def _gunicorn_settings(reading: int = 0) -> dict:
    """The names deploy/gunicorn.conf.py defines; a new ``reading`` reads it again (a reload)."""
    settings = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), settings)
    return settings


addresses = st.one_of(
    st.ip_addresses(v=4).filter(lambda a: not a.is_unspecified),
    st.ip_addresses(v=6).filter(lambda a: not a.is_unspecified),
)
WORDS = st.text(st.characters(codec="ascii", categories=["L", "N", "Zs"]), max_size=20)


@given(address=addresses, before=WORDS, after=WORDS)
def test_gunicorn_masks_every_client_address_in_its_lines(address, before, after):
    config = Config()
    config.set("logger_class", _gunicorn_settings()["logger_class"])
    config.set("bind", ["127.0.0.1:8000"])
    config.set("errorlog", os.devnull)
    logger = config.logger_class(config)
    written = []
    capture = logging.Handler()
    capture.emit = lambda record: written.append(capture.format(record))
    logger.error_log.addHandler(capture)
    try:
        # A reload (SIGHUP) reads the file again and sets the logger up again: one filter.
        config.set("logger_class", _gunicorn_settings(reading=1)["logger_class"])
        config.logger_class(config).setup(config)
        logger.error_log.addHandler(capture)
        for text in (str(address), f"[{address}]:443", f"{address.exploded}"):
            # gunicorn's own words, and an exception's: "…ip=<address>: <error>"
            logger.warning(f"Invalid request from ip={text}: {before} 12:04:59 {after}")
            logger.info("%s listening at http://127.0.0.1:8000 %s", before, after)
        try:
            raise ValueError(f"peer {address} reset")
        except ValueError:
            logger.exception("Error handling request %s", after)
    finally:
        logger.error_log.removeHandler(capture)
    assert sum(type(f).__name__ == "NoClientAddresses" for f in logger.error_log.filters) == 1
    log = "\n".join(written)
    for form in {str(address), address.exploded}:
        assert form not in log.replace("127.0.0.1:8000", "")
    assert len(re.findall(r"from ip=\[?\[address\]\]?(?::443)?: ", log)) == 3
    assert log.count(f"12:04:59 {after}") == 3  # the rest of the line as it was
    assert log.count(f"{before} listening at http://127.0.0.1:8000 {after}") == 3
    assert "peer [address] reset" in log


def test_the_logs_are_kept_as_long_as_the_privacy_page_says():
    journal = (DEPLOY / "journald-speld.conf").read_text()
    assert re.search(rf"^MaxRetentionSec={LOG_DAYS}day$", journal, re.M)
    assert (
        "journald-speld.conf /etc/systemd/journald.conf.d/"
        in (ROOT / "docs" / "deploy.md").read_text()
    )
    # nginx's files: Debian's package rotates them (the host the deploy guide starts from).
    rotate = Path("/etc/logrotate.d/nginx")
    need(rotate.exists(), "Debian's nginx package (its /etc/logrotate.d/nginx) is not installed")
    rules = rotate.read_text()
    assert "/var/log/nginx/*.log" in rules and re.search(r"^\s*daily$", rules, re.M)
    assert re.search(rf"^\s*rotate {LOG_DAYS}$", rules, re.M)
    site = (DEPLOY / "nginx" / "speld.conf").read_text()
    logs = re.findall(r"^\s*(?:access|error)_log (?!off;)(\S+)", site, re.M)
    assert logs and all(re.fullmatch(r"/var/log/nginx/[^/]+\.log", log) for log in logs), logs


def _answers(port: int, timeout: float = 5) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as answer:
            return answer.status == 200
    except OSError:
        return False


def _wait_until_it_answers(port: int) -> None:
    wait_for(port)
    deadline = time.monotonic() + 60  # the port opens before the workers have booted
    while not _answers(port) and time.monotonic() < deadline:
        time.sleep(0.1)


def _gunicorn(port: int, tmp_path: Path, listener: socket.socket | None = None):
    """gunicorn with the deploy config; with ``listener``, on that socket as systemd hands it."""
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "process-group-test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'speld.sqlite'}",
        "PUBLIC_BASE_URL": "https://pins.example.org",
    }
    command = [str(ROOT / ".venv/bin/gunicorn"), "--config", str(DEPLOY / "gunicorn.conf.py")]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "2", "wsgi:app"]
    keep = ()
    if listener is not None:
        keep = (listener.fileno(),)
        command = [sys.executable, "-c", ACTIVATE, str(listener.fileno()), *command]
    # A session of its own, as systemd gives a unit a control group of its own.
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, pass_fds=keep,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def test_a_killed_master_leaves_workers_that_only_stopping_the_whole_group_ends(tmp_path):
    port = free_port()
    master = _gunicorn(port, tmp_path)
    try:
        _wait_until_it_answers(port)
        os.kill(master.pid, signal.SIGKILL)
        master.wait()
        # The workers still hold the port and answer; they look for their master only when
        # no connection is waiting, so under steady load they go on and on (measured by
        # bench/kill_master.py): why the unit stops the whole group.
        assert _answers(port)
        # What KillMode=control-group does on stop or before a restart: SIGTERM to all left.
        os.killpg(master.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30  # the unit's TimeoutStopSec
        while _port_taken(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _port_taken(port)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(master.pid, signal.SIGKILL)
    restarted = _gunicorn(port, tmp_path)  # the restarted master can bind its port
    try:
        _wait_until_it_answers(port)
        assert _answers(port)
        assert restarted.poll() is None
    finally:
        os.killpg(restarted.pid, signal.SIGTERM)
        restarted.wait(timeout=30)


def _port_taken(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_under_the_socket_unit_no_connection_is_refused_while_gunicorn_restarts(tmp_path):
    """What deploy/speld.socket is for: with no gunicorn running, a scan waits, then is answered."""
    port = free_port()
    listener = socket.create_server(("127.0.0.1", port), backlog=64)  # what systemd holds
    with listener:
        master = _gunicorn(port, tmp_path, listener)
        try:
            _wait_until_it_answers(port)
            os.kill(master.pid, signal.SIGKILL)
            master.wait()
            stop_group(master.pid)  # KillMode=control-group, as after any crash
            assert group(master.pid) == []
            # No gunicorn runs: the connection is accepted by the socket and waits in its queue.
            with ThreadPoolExecutor(1) as pool:
                waiting = pool.submit(_answers, port, 120)
                time.sleep(0.5)
                assert not waiting.done()
                restarted = _gunicorn(port, tmp_path, listener)  # systemd's restart
                try:
                    assert waiting.result(timeout=150) is True
                finally:
                    os.killpg(restarted.pid, signal.SIGTERM)
                    restarted.wait(timeout=30)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(master.pid, signal.SIGKILL)
