"""Backups taken while students scan: restored, they hold every scan acknowledged before.

SQLite through ``flask speld backup``; PostgreSQL through the pg_dump and
pg_restore commands docs/deploy.md gives, on the suite's database.
"""

import http.client
import shutil
import sqlite3
import subprocess
import threading
import time
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.conftest import need

SCANNERS = 4


def _only_on(app, database: str) -> None:
    # CI runs the suite once per database; the other pass has this test.
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith(database):
        pytest.skip(f"runs in the {database} pass of the suite")


def _scan_until(stop, base, codes, acknowledged, problems):
    # Each thread reports to the test thread: a scan counts as acknowledged only with its 302.
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    for code in codes:
        if stop.is_set():
            break
        connection.request("GET", f"/p/{code}", headers={"User-Agent": "Mozilla/5.0 (iPhone)"})
        response = connection.getresponse()
        response.read()
        if response.status == 302:
            acknowledged.append((code, time.monotonic()))
        else:
            problems.append((code, response.status))
    connection.close()


def _under_load(live_server, codes, take_backup):
    """Scan ``codes`` from several threads; take the backup once 40 scans are in."""
    stop, acknowledged, problems = threading.Event(), [], []
    parts = [codes[n::SCANNERS] for n in range(SCANNERS)]
    threads = [
        threading.Thread(target=_scan_until, args=(stop, live_server, p, acknowledged, problems))
        for p in parts
    ]
    for thread in threads:
        thread.start()
    while len(acknowledged) < 40 and any(t.is_alive() for t in threads):
        time.sleep(0.01)
    began = time.monotonic()
    take_backup()
    ended = time.monotonic()
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert problems == []
    before = {code for code, at in acknowledged if at < began}
    during = [code for code, at in acknowledged if began <= at < ended]
    return before, during


def test_sqlite_backup_under_scan_load_has_every_acknowledged_scan(
    app, make, runner, live_server, tmp_path
):
    _only_on(app, "sqlite")
    codes = make.pin_codes(size=600)
    out = tmp_path / "speld-backup.sqlite"
    result = {}

    def take_backup():
        result["cli"] = runner.invoke(args=["speld", "backup", "--out", str(out)])

    before, during = _under_load(live_server, codes, take_backup)
    assert result["cli"].exit_code == 0, result["cli"].output
    assert "Backed up" in result["cli"].output
    restored = sqlite3.connect(out)
    scanned = {
        code
        for (code,) in restored.execute(
            "SELECT pins.code FROM scans JOIN pins ON pins.id = scans.pin_id"
        )
    }
    assert len(before) >= 40
    assert before <= scanned
    assert restored.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not out.with_name(out.name + ".partial").exists()


def test_backup_on_postgresql_points_to_pg_dump(app, runner, tmp_path):
    _only_on(app, "postgresql")
    result = runner.invoke(args=["speld", "backup", "--out", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "pg_dump" in result.output
    assert not (tmp_path / "x").exists()


def _libpq_url(app, database=None) -> str:
    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://", "postgresql://")
    if database:
        url = url.rsplit("/", 1)[0] + "/" + database
    return url


def test_pg_dump_under_scan_load_restores_every_acknowledged_scan(app, make, live_server, tmp_path):
    _only_on(app, "postgresql")
    need(shutil.which("pg_dump") is not None, "pg_dump is missing (apt-get install postgresql)")
    codes = make.pin_codes(size=600)
    dump = tmp_path / "speld.dump"
    url = _libpq_url(app)

    def take_backup():  # the command docs/deploy.md gives
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", url], check=True)

    before, _ = _under_load(live_server, codes, take_backup)
    restore_name = urlsplit(url).path.lstrip("/") + "_restore"
    with psycopg.connect(_libpq_url(app, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{restore_name}"')
        admin.execute(f'CREATE DATABASE "{restore_name}"')
    try:
        restore_url = _libpq_url(app, restore_name)
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={restore_url}", str(dump)], check=True
        )
        with psycopg.connect(restore_url) as restored:
            rows = restored.execute(
                "SELECT pins.code FROM scans JOIN pins ON pins.id = scans.pin_id"
            ).fetchall()
    finally:
        with psycopg.connect(_libpq_url(app, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restore_name}"')
    assert len(before) >= 40
    assert before <= {code for (code,) in rows}
