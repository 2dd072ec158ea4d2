"""docs/deploy.md, followed: its blocks marked ``<!-- rehearsed -->`` run in order in one shell.

A fresh "host" in a temporary folder: the checkout copied to its /opt/speld, its
/etc/speld beside it, a throwaway PostgreSQL from Debian on loopback
(``bench/stack.py``). Only the substitutions below are made to the doc's
commands, and each must still find its text, so the doc cannot drift from
what is rehearsed. Steps that need root on a real host (packages, users,
systemd, certificates) are not rehearsed; their files are checked elsewhere.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.stack import Stack, free_port, missing_parts
from tests.conftest import need

ROOT = Path(__file__).resolve().parent.parent
MARK = "<!-- rehearsed -->"


def rehearsed_blocks(markdown: str) -> list[str]:
    """The shell blocks that follow the rehearsal mark, in order."""
    return re.findall(re.escape(MARK) + r"\n```sh\n(.*?)```", markdown, flags=re.DOTALL)


def _copy_checkout(target: Path) -> None:
    # What a clone holds: no virtualenv, instance folder, caches or test output.
    skip = shutil.ignore_patterns(
        ".git", ".venv", "instance", "test-output", "__pycache__", ".*_cache", ".hypothesis"
    )
    shutil.copytree(ROOT, target, ignore=skip)


def test_deploy_doc_rehearsed_on_a_fresh_folder(tmp_path):
    if os.environ.get("DATABASE_URL"):
        pytest.skip("runs once, in the SQLite pass: it starts its own PostgreSQL")
    missing = missing_parts() + [p for p in ("curl", "pg_dump", "psql") if not shutil.which(p)]
    need(not missing, f"the rehearsal needs Debian's {', '.join(missing)}")
    blocks = rehearsed_blocks((ROOT / "docs" / "deploy.md").read_text())
    assert len(blocks) == 7
    stack = Stack(create_database=False)
    try:
        stack._postgres()
        host = tmp_path / "host"
        opt, etc = host / "opt" / "speld", host / "etc" / "speld"
        _copy_checkout(opt)
        port = free_port()
        substitutions = {
            "/opt/speld": str(opt),
            "/etc/speld": str(etc),
            "/tmp/speld-backups": str(host / "backups"),
            "/tmp/speld-rehearsal.pid": str(host / "gunicorn.pid"),
            "sudo -u postgres ": "",  # psql and createdb reach the cluster via PGHOST/PGPORT
            "sudo -u speld --preserve-env ": "",
            "127.0.0.1:5432": f"127.0.0.1:{stack.ports['postgres']}",
            "127.0.0.1:8000": f"127.0.0.1:{port}",
        }
        script = "\n".join(blocks)
        for old, new in substitutions.items():
            assert old in script, f"docs/deploy.md no longer says {old!r}"
            script = script.replace(old, new)
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(host),
            "PGHOST": "127.0.0.1",
            "PGPORT": str(stack.ports["postgres"]),
            "PGUSER": "postgres",
            "SPELD_BIND": f"127.0.0.1:{port}",
        }
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=host,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        stack.stop()
    out = done.stdout
    assert "shown once, keep it safe" in out  # the organiser token
    assert '"migrations":"ok"' in out and '"database":"ok"' in out  # readyz
    assert "Would change (dry run" in out  # retention
    (dump,) = (host / "backups").glob("speld-*.dump")
    assert dump.stat().st_size > 0
    assert (etc / "speld.env").stat().st_mode & 0o777 == 0o640
