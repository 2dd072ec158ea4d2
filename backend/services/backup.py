"""Backups of a SQLite database while the app keeps writing (PostgreSQL: pg_dump, docs/deploy.md)."""

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    scans: int


def sqlite_backup(database: str, out: Path) -> BackupInfo:
    """Copy the SQLite file ``database`` to ``out`` with SQLite's online backup API.

    The copy is made in one step inside one read transaction, so it is the
    database as it was at one moment: every write committed before the backup
    began is in it, none is half in it. In WAL mode writers go on meanwhile.
    Written beside ``out`` and renamed, so ``out`` is never a partial file.
    """
    partial = out.with_name(out.name + ".partial")
    source = sqlite3.connect(database, timeout=30)
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target)  # pages=-1: everything in one step, one snapshot
            (check,) = target.execute("PRAGMA quick_check").fetchone()
            (scans,) = target.execute("SELECT count(*) FROM scans").fetchone()
        finally:
            target.close()
    finally:
        source.close()
    if check != "ok":
        partial.unlink()
        raise RuntimeError(f"the copy failed SQLite's check: {check}")
    os.replace(partial, out)
    return BackupInfo(out, out.stat().st_size, scans)
