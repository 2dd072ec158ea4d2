"""Speld as it runs for real, on loopback: nginx (TLS) → N gunicorn instances → PostgreSQL.

With ``print_worker``, also the task queue's worker (``flask speld worker``) as if on a host
of its own: its own working folder and HOSTNAME, the same database, and the print folder the
instances serve from (``PRINT_DIR``, shared storage on real hosts).

Everything comes from Debian (nginx, PostgreSQL, openssl) and
Speld's own shipped files: ``deploy/gunicorn.conf.py`` and ``deploy/nginx/``,
changed only on their lines marked ``# site:`` (ports, certificate, upstreams).
Started and stopped by the caller (the scale-out test, ``bench/scale_out.py``);
nothing listens beyond 127.0.0.1 and every process ends with ``stop()``.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
HOSTNAME = "pins.example.test"


def missing_parts() -> list[str]:
    """The Debian programs the stack needs that this machine lacks."""
    wanted = ["nginx", "openssl"]
    missing = [
        name for name in wanted if not shutil.which(name, path=os.environ["PATH"] + ":/usr/sbin")
    ]
    if not _pg_bin():
        missing.append("postgresql")
    return missing


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


def wait_ready(port: int, seconds: float = 60) -> None:
    """Wait until an instance answers ``/readyz`` with 200: its workers are up, not just its port."""
    wait_for(port, seconds)
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=10) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"127.0.0.1:{port} is not ready after {seconds} s")
        time.sleep(0.1)


def site_config(
    upstreams: list[int],
    http: int,
    https: int,
    cert: Path,
    key: Path,
    log: Path,
    errors: Path | None = None,
) -> str:
    """The shipped nginx site with only its ``# site:`` lines set for this host.

    The error log keeps the shipped level; only its file moves (``errors``, by default
    ``nginx-speld-error.log`` beside the access log ``log``).
    """
    errors = errors or log.with_name("nginx-speld-error.log")
    values = {
        "http": f"listen 127.0.0.1:{http};",
        "http6": "",
        "https": f"listen 127.0.0.1:{https} ssl http2;",
        "https6": "",
        "name": f"server_name {HOSTNAME};",
        "cert": f"ssl_certificate {cert};",
        "key": f"ssl_certificate_key {key};",
        "log": f"access_log {log} speld_no_address;",
        "errors": None,  # the shipped line, its file moved (below)
        "static": f"root {DEPLOY / 'static'};",
        "one line per Speld instance": " ".join(f"server 127.0.0.1:{p};" for p in upstreams),
    }
    seen = set()
    lines = []
    for line in (DEPLOY / "nginx" / "speld.conf").read_text().splitlines():
        if "# site: " in line:
            mark = line.split("# site: ", 1)[1].strip()
            indent = line[: len(line) - len(line.lstrip())]
            if mark == "errors":
                line = re.sub(r"error_log \S+", f"error_log {errors}", line.split("# site:")[0])
                line = line.rstrip()
            else:
                line = indent + values[mark]
            seen.add(mark)
        lines.append(line)
    if seen != set(values):
        raise ValueError(f"deploy/nginx/speld.conf lost its site lines: {set(values) - seen}")
    return "\n".join(lines) + "\n"


@dataclass
class Stack:
    """Start with ``start()``, always ``stop()``; ``url`` is nginx's HTTPS address."""

    instances: int = 2
    workers: int = 2
    unknown_code_limit: str = "30/minute;300/hour"
    create_database: bool = True  # False: leave it to the caller (the docs rehearsal)
    print_worker: bool = False  # also run the task queue's worker, "on another host"
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="speld-stack-")))
    processes: dict = field(default_factory=dict)
    ports: dict = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.ports['postgres']}/speld"

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.ports['https']}"

    @property
    def cert(self) -> Path:
        return self.folder / "tls.crt"

    def env(self) -> dict:
        """The environment every Speld process of this host gets (docs/deploy.md, step 4)."""
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": "scale-out-test-secret-key-0123456789abcdef",
            "PUBLIC_BASE_URL": f"https://{HOSTNAME}",
            "TRUSTED_PROXIES": "1",
            "UNKNOWN_CODE_LIMIT": self.unknown_code_limit,
            "FLASK_APP": "wsgi",
            "PRINT_DIR": str(self.folder / "print"),
        }

    def instance_log(self, n: int) -> Path:
        return self.folder / f"speld-{n}.log"

    def start(self) -> "Stack":
        self._postgres()
        self._certificate()
        self.flask("db", "upgrade")
        for n in range(self.instances):
            self._speld(n)
        if self.print_worker:
            self._worker()
        for n in range(self.instances):  # booted side by side, then waited for
            wait_ready(self.ports[f"speld-{n}"])
        self._nginx()
        return self

    def flask(self, *args: str) -> str:
        """Run ``flask …`` as an operator would on this host; returns its output."""
        done = subprocess.run(
            [str(ROOT / ".venv/bin/flask"), *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def _as_postgres(self, *command) -> list:
        # initdb refuses to run as root; CI runs as root, as .ci/run does for its cluster.
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)

    def _postgres(self) -> None:
        pg = _pg_bin()
        self.folder.chmod(0o755)  # the postgres user works in a folder inside it
        data = self.folder / "pg"
        data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(data, "postgres")
        port = self.ports["postgres"] = free_port()
        run = lambda *c: subprocess.run(self._as_postgres(*c), check=True, capture_output=True)  # noqa: E731
        run(
            str(pg / "initdb"),
            "-D",
            str(data / "data"),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off"
        run(
            str(pg / "pg_ctl"),
            "-D",
            str(data / "data"),
            "-l",
            str(data / "log"),
            "-w",
            "-o",
            options,
            "start",
        )
        self.processes["postgres"] = data
        if self.create_database:
            run(str(pg / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "speld")

    def _certificate(self) -> None:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-keyout", str(self.folder / "tls.key"), "-out", str(self.cert),
             "-subj", f"/CN={HOSTNAME}", "-addext", f"subjectAltName=DNS:{HOSTNAME},IP:127.0.0.1"],
            check=True, capture_output=True,
        )  # fmt: skip

    def _speld(self, n: int) -> None:
        port = self.ports[f"speld-{n}"] = free_port()
        command = [
            str(ROOT / ".venv/bin/gunicorn"), "--config", str(DEPLOY / "gunicorn.conf.py"),
            "--bind", f"127.0.0.1:{port}", "--workers", str(self.workers), "wsgi:app",
        ]  # fmt: skip
        log = self.instance_log(n).open("w")
        self.processes[f"speld-{n}"] = subprocess.Popen(
            command, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT
        )

    @property
    def worker_log(self) -> Path:
        return self.folder / "worker.log"

    def _worker(self) -> None:
        home = self.folder / "worker-host"
        home.mkdir()
        env = {**self.env(), "HOSTNAME": "worker-host", "PYTHONPATH": str(ROOT)}
        self.processes["worker"] = subprocess.Popen(
            [str(ROOT / ".venv/bin/flask"), "speld", "worker"],
            cwd=home,
            env=env,
            stdout=self.worker_log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def _nginx(self) -> None:
        http, https = self.ports["http"], self.ports["https"] = free_port(), free_port()
        upstreams = [self.ports[f"speld-{n}"] for n in range(self.instances)]
        site = site_config(
            upstreams,
            http,
            https,
            self.cert,
            self.folder / "tls.key",
            self.folder / "nginx-access.log",
        )
        (self.folder / "site.conf").write_text(site)
        shutil.copy(DEPLOY / "nginx" / "speld-log.conf", self.folder / "speld-log.conf")
        user = "user root;\n" if os.geteuid() == 0 else ""
        (self.folder / "nginx.conf").write_text(
            f"{user}worker_processes 1;\ndaemon off;\npid {self.folder}/nginx.pid;\n"
            f"error_log {self.folder}/nginx-error.log warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n  include /etc/nginx/mime.types;\n"
            # The host's own default, as Debian's nginx.conf has it: a server of the site
            # without its own access_log would log here, with the client's address.
            f"  access_log {self.folder}/nginx-host-access.log combined;\n"
            f"  client_body_temp_path {self.folder}/body; proxy_temp_path {self.folder}/proxy;\n"
            f"  fastcgi_temp_path {self.folder}/fcgi; uwsgi_temp_path {self.folder}/uwsgi;\n"
            f"  scgi_temp_path {self.folder}/scgi;\n"
            "  include speld-log.conf;\n  include site.conf;\n}\n"
        )
        nginx = shutil.which("nginx", path=os.environ["PATH"] + ":/usr/sbin")
        self.processes["nginx"] = subprocess.Popen(
            [nginx, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"), "-e", "stderr"],
            stderr=(self.folder / "nginx-stderr.log").open("w"),
        )
        wait_for(https)
        wait_for(http)

    def stop_instance(self, name: str) -> None:
        """Stop one process (``speld-0``, ``nginx``) as systemd would: SIGTERM."""
        self._stop([self.processes.pop(name)])

    @staticmethod
    def _stop(processes) -> None:
        for process in processes:
            process.send_signal(signal.SIGTERM)  # gunicorn and nginx: finish what is in hand
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop(self) -> None:
        """Stop every process this stack started and remove its folder."""
        self._stop([self.processes.pop(n) for n in list(self.processes) if n != "postgres"])
        data = self.processes.pop("postgres", None)
        if data is not None:
            subprocess.run(
                self._as_postgres(
                    str(_pg_bin() / "pg_ctl"), "-D", str(data / "data"), "-m", "fast", "stop"
                ),
                capture_output=True,
            )
        shutil.rmtree(self.folder, ignore_errors=True)
