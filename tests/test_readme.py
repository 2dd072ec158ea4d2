"""The README's commands run as written on a fresh clone after `make run`.

The test makes what a clone holds (the tree without what `.gitignore` leaves out, the
virtualenv lent by a link), starts `make run` in it on a free port as the README says, and
then runs every line of the README's shell blocks in order, as a new user would type them,
with an environment that sets none of Speld's variables. Nothing is skipped silently: the
lines that cannot run as typed are in ``HANDLED``, the only edits in ``EDITS``, and the test
fails when either no longer matches the README.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import need

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

# Lines that cannot run as typed, and what the test does with each instead.
HANDLED = {
    "make run": "run first, in the background, on a free port with DEMO_STUDENTS=20; "
    "it serves until the test ends",
    "make test": "not run here: it is this very suite",
}
# The only edits to the README's lines: the server's port, the token `make run` printed,
# and sizes shrunk so the suite stays quick (the same code path, fewer rows).
EDITS = {
    "127.0.0.1:8000": "127.0.0.1:{port}",
    "<token>": "{token}",
    "--size 2000": "--size 24",
    "--students 3000": "--students 30",
}
# What the README says the commands write.
WRITTEN = [
    "print/day-1/sheets.pdf",
    "print/day-1/manifest.csv",
    "print/day-1/bundle.zip",
    "print/posters.pdf",
    "funnel.xlsx",
    "stand-1-card.pdf",
    "gemeente-card.pdf",
]


# What a line must say besides succeeding, where the README names what it acts on.
SAYS = {
    "speld token revoke --id 4": "TP-07 tablet",
    "speld token card --stand 1": "sign-in card in stand-1-card.pdf",
    "speld token card --role viewer": "sign-in card in gemeente-card.pdf",
}
# A fence opens a line, after any indent (a block inside a numbered list is indented).
FENCE = re.compile(r"^([ \t]*)```(\S*)[ \t]*\n(.*?)^\1```[ \t]*$", flags=re.M | re.S)


def fences(text: str) -> list[tuple[str, str]]:
    """Each fenced block as (language, body), in order, indented or not."""
    return [(language, body) for _, language, body in FENCE.findall(text)]


def shell_lines(text: str) -> list[list[str]]:
    """The command lines of each ```sh block, in order (blank and comment-only lines dropped)."""
    return [
        [line.strip() for line in body.splitlines() if line.strip() and line.strip()[0] != "#"]
        for language, body in fences(text)
        if language == "sh"
    ]


def command(line: str) -> str:
    """The line without its trailing shell comment."""
    return re.split(r"\s+#", line, maxsplit=1)[0].strip()


def _copy_of_a_clone(target: Path) -> Path:
    ignored = [".git"]
    for pattern in (ROOT / ".gitignore").read_text().splitlines():
        if pattern.strip() and not pattern.startswith("#"):
            ignored.append(pattern.strip().strip("/"))
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(*ignored), symlinks=True)
    assert not (target / ".env").exists() and not (target / "instance").exists()
    (target / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    return target


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _user_environment() -> dict:
    # A new user's shell: none of Speld's variables (nor a CI's DATABASE_URL) are set.
    keep = ("PATH", "HOME", "LANG", "TMPDIR")
    return {name: os.environ[name] for name in keep if name in os.environ}


class Server:
    """`make run` in the background; its output is collected while it serves."""

    def __init__(self, clone: Path, port: int, env: dict):
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            ["make", "run", f"PORT={port}", "DEMO_STUDENTS=20"],
            cwd=clone,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, so stop() ends gunicorn too
        )
        threading.Thread(target=self._collect, daemon=True).start()
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def _collect(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_until_serving(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"make run ended early:\n{self.output()}"
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/openapi.json", timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        pytest.fail(f"make run did not serve within {seconds} s:\n{self.output()}")

    def printed(self, pattern: str, within: float = 0) -> str:
        """What ``pattern``'s group matched in the output, waiting up to ``within`` seconds."""
        deadline = time.monotonic() + within
        while not (found := re.search(pattern, self.output(), flags=re.M)):
            if time.monotonic() >= deadline:
                break
            time.sleep(0.2)
        assert found, f"make run did not print {pattern!r}:\n{self.output()}"
        return found[1]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _workers_in(clone: Path) -> list[int]:
    """The task queue's workers (``flask speld worker``) running in ``clone``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            here = (proc / "cwd").resolve() == clone.resolve()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if here and b"speld" in argv and b"worker" in argv:
            found.append(int(proc.name))
    return found


def _run(line: str, clone: Path, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run(
        ["bash", "-c", line], cwd=clone, env=env, capture_output=True, text=True, timeout=600
    )
    said = f"$ {line}\n{done.stdout}{done.stderr}"
    assert done.returncode == 0, said
    assert "Traceback" not in done.stdout + done.stderr, said
    if command(line).startswith("curl "):
        body = json.loads(done.stdout)
        assert "error" not in body, said
    return done


def test_the_readme_opens_with_make_run_and_make_test():
    first = shell_lines(README.read_text())[0]
    assert [command(line) for line in first] == ["make run", "make test"]


def test_every_fence_is_read_indented_or_not_and_holds_shell():
    sample = (
        "1. Print it:\n\n   ```sh\n   speld token card --out a.pdf\n   ```\n```sh\nmake run\n```\n"
    )
    assert shell_lines(sample) == [["speld token card --out a.pdf"], ["make run"]]
    text = README.read_text()
    opened = re.findall(r"^[ \t]*```", text, flags=re.M)
    assert len(opened) == 2 * len(fences(text)), "a fence the test does not read"
    # A block in another language would be skipped: every block of the README is run.
    assert {language for language, _ in fences(text)} == {"sh"}
    commands = [line for block in shell_lines(text) for line in block]
    assert any("speld token card" in line for line in commands)  # the indented one


def test_the_readme_names_only_files_a_clone_has():
    text = README.read_text()
    assert "../" not in text
    for path in set(re.findall(r"`((?:docs|backend|exports|qr|bench|tests)/[\w./-]+)`", text)):
        assert (ROOT / path).exists(), path


def test_every_readme_command_runs_as_written_after_make_run(tmp_path):
    for tool in ("make", "curl", "bash"):
        need(shutil.which(tool) is not None, f"{tool} is not installed")
    text = README.read_text()
    for typed in [*HANDLED, *EDITS, *SAYS]:
        assert typed in text, f"{typed!r} is no longer in the README: update this test"
    clone = _copy_of_a_clone(tmp_path / "speld")
    env = _user_environment()
    server = Server(clone, _free_port(), env)
    try:
        server.wait_until_serving(seconds=300)
        token = server.printed(r"^Organiser token: (\S+)$")
        # Next to the server, the worker that prepares large batches' print files.
        assert len(_workers_in(clone)) == 1, server.output()
        # It may still be loading the app while gunicorn already serves.
        server.printed(r"(Huey consumer started with 1 thread)", within=30)
        edits = {typed: made.format(port=server.port, token=token) for typed, made in EDITS.items()}
        ran = []
        for line in [line for block in shell_lines(text) for line in block]:
            if command(line) in HANDLED:
                ran.append(f"{command(line)}: {HANDLED[command(line)]}")
                continue
            for typed, made in edits.items():
                line = line.replace(typed, made)
            done = _run(line, clone, env)
            for typed, words in SAYS.items():
                if typed in line:
                    assert words in done.stdout, f"$ {line}\n{done.stdout}{done.stderr}"
            ran.append(line)
        # The line `make run` prints to try works too.
        _run(server.printed(r"^Try: (curl .+)$"), clone, env)
    finally:
        server.stop()
    deadline = time.monotonic() + 10
    while _workers_in(clone) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _workers_in(clone) == []  # stopping the server stopped its worker
    print("\n".join(ran))  # shown with -s or on failure: what ran, and how each line was handled
    assert len(ran) >= 10
    for path in WRITTEN:
        assert (clone / path).stat().st_size > 0, path
    manifest = (clone / "print/day-1/manifest.csv").read_text().splitlines()
    assert len(manifest) == 1 + 24
    assert manifest[1].split(",")[1].startswith(f"{server.url.upper()}/P/")
