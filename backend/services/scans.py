"""Recording scans of pin URLs: the hot path of the whole product.

Every request is written before it is answered (no buffering a crash could
lose). The work per request is one statement (an indexed lookup with the repeat
check in it, feeding an insert) and a commit, on the database driver's cursor.
"""

import os
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from backend.extensions import db, sqlite_write_turn
from backend.services.useragents import classify
from backend.services.visitors import visitor_hash
from qr import codes

ORPHAN_PATH_LENGTH = 120


@dataclass(frozen=True)
class Visitor:
    """Who sent a request, reduced to what SPEC's privacy rules allow to keep."""

    kind: str  # human, bot or test
    device_class: str
    os_family: str | None
    hash: str | None

    def columns(self) -> dict:
        return {
            "kind": self.kind,
            "device_class": self.device_class,
            "os_family": self.os_family,
            "visitor_hash": self.hash,
        }


def visitor_from(
    ip: str | None, user_agent: str | None, method: str, is_test: bool, now, engine=None
):
    """Classify a request: organisers' test traffic, bots, or a human on some device."""
    client = classify(user_agent, method)
    kind = "test" if is_test else ("bot" if client.is_bot else "human")
    hashed = visitor_hash(ip, user_agent, now, engine)
    return Visitor(kind, client.device_class, client.os_family, hashed)


@dataclass(frozen=True)
class ScanResult:
    status: str  # "active", "void" or "orphan"
    code: str | None = None
    is_repeat: bool = False


# The hot path in plain SQL on the driver's own cursor: one statement finds the pin,
# tells a repeat and writes the row, and says what it wrote (RETURNING; SQLite 3.35+).
# Measured on SQLite: 450-550 us per scan through SQLAlchemy (Core or ORM), about
# 200 us as a lookup and an insert this way; one statement is also one round trip
# less to PostgreSQL. Written for sqlite3's named style, turned into psycopg's there.
RECORD_SCAN = (
    "INSERT INTO scans (pin_id, scanned_at, is_repeat, pin_void,"
    " kind, device_class, os_family, visitor_hash)"
    " SELECT pins.id, :at,"
    " :kind = 'human' AND EXISTS (SELECT 1 FROM scans WHERE scans.pin_id = pins.id"
    " AND scans.visitor_hash = :visitor_hash AND scans.kind = 'human'"
    " AND scans.scanned_at >= :since),"
    " pins.status = 'void', :kind, :device_class, :os_family, :visitor_hash"
    " FROM pins WHERE pins.code = :code"
    " RETURNING pin_void, is_repeat"
)
INSERT_ORPHAN = (
    "INSERT INTO orphan_scans (scanned_at, path, kind, device_class, os_family, visitor_hash)"
    " VALUES (:at, :path, :kind, :device_class, :os_family, :visitor_hash)"
)


@cache
def _for_dialect(sql: str, dialect: str) -> str:
    return sql if dialect == "sqlite" else re.sub(r":(\w+)", r"%(\1)s", sql)


def _timestamp(value: datetime, dialect: str):
    # What UtcDateTime stores: on SQLite naive UTC text in SQLAlchemy's format
    # (always six digits of microseconds, so text order is time order).
    if dialect == "sqlite":
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    return value


_held = threading.local()


def _scan_connection(engine):
    """This thread's own connection for scans, kept checked out between them.

    A pool checkout and return cost about as much as the insert itself. On
    PostgreSQL the connection is in autocommit: each statement of a scan is a
    whole write, so it commits with the statement, one round trip instead of two.
    Held per thread and per process (a forked worker opens its own), and
    detached from the pool: it never goes back there, so no other user gets a
    connection left in autocommit (where a server-side cursor fails), and when
    its thread ends it is closed rather than returned.
    """
    held = getattr(_held, "connections", None)
    if held is None or _held.pid != os.getpid():
        held = _held.connections = {}
        _held.pid = os.getpid()
    if engine not in held:
        connection = engine.raw_connection()
        if engine.dialect.name == "postgresql":
            connection.driver_connection.autocommit = True
        connection.detach()
        held[engine] = connection
    return held[engine]


def _drop_scan_connection(engine) -> None:
    connection = getattr(_held, "connections", {}).pop(engine, None)
    if connection is not None:
        connection.close()  # detached: really closed


def record_scan(
    raw_code: str,
    path: str,
    visitor: Visitor,
    now: datetime,
    repeat_window: timedelta,
    engine=None,
):
    """Log one request to a pin URL and say what it was; commits before returning.

    A repeat is the same visitor scanning the same pin (as a human) within the
    window before now; it is kept but not counted. ``engine`` for callers outside
    an app context (the scan lane); else the app's.
    """
    engine = engine or db.engine
    dialect = engine.dialect.name
    code = codes.normalize(raw_code) if codes.is_valid(raw_code) else None
    at, since = _timestamp(now, dialect), _timestamp(now - repeat_window, dialect)
    connection = _scan_connection(engine)
    try:
        cursor = connection.cursor()
        with sqlite_write_turn(engine):
            written = None
            if code is not None:
                params = {"code": code, "at": at, "since": since, **visitor.columns()}
                cursor.execute(_for_dialect(RECORD_SCAN, dialect), params)
                written = cursor.fetchone()
            if written is None:
                # PostgreSQL text cannot hold NUL; a path is kept only to diagnose misprints.
                clean_path = path.replace("\x00", "\ufffd")[:ORPHAN_PATH_LENGTH]
                params = {"at": at, "path": clean_path, **visitor.columns()}
                cursor.execute(_for_dialect(INSERT_ORPHAN, dialect), params)
            if dialect != "postgresql":
                connection.commit()
    except Exception:
        _drop_scan_connection(engine)  # the next scan starts on a fresh one
        raise
    if written is None:
        return ScanResult("orphan")
    pin_void, is_repeat = written
    return ScanResult("void" if pin_void else "active", code, bool(is_repeat))
