"""The scan's one home: from what a request says to a committed row.

``ScanRecorder`` is built once per app (``install``) and kept in
``app.extensions``. It owns everything a scan touches: the engine, each thread's
own connection, the SQLite write turn, the statement compiled for the database
in use, today's visitor salt and the guessing brake. Every request to a pin URL
is written before it is answered (no buffering a crash could lose): one
statement (an indexed lookup with the repeat check in it, feeding an insert)
and a commit, on the database driver's cursor.
"""

import fcntl
import os
import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, insert, select, text
from sqlalchemy.exc import IntegrityError

from backend.extensions import server_hung_up
from backend.models import VisitorSalt
from backend.models.types import UtcDateTime
from backend.services.guessing import GuessingBrake
from backend.services.keys import VISITOR_HASH, derived_key, keyed_hash
from backend.services.useragents import classify
from qr import codes

ORPHAN_PATH_LENGTH = 120
EXTENSION = "speld_scans"


@dataclass(frozen=True)
class ClientFacts:
    """What a request says about its sender, before any of it is reduced or hashed."""

    address: str | None
    user_agent: str | None
    method: str = "GET"
    is_test: bool = False  # a browser signed in by an organiser or stand staff


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


@dataclass(frozen=True)
class ScanResult:
    # "active", "void", "orphan" (unknown or malformed code) or "refused" (an orphan
    # from an address the guessing brake has stopped: answered 429, still recorded).
    status: str
    code: str | None = None
    is_repeat: bool = False


# The hot path in plain SQL on the driver's own cursor: one statement finds the pin,
# tells a repeat and writes the row, and says what it wrote (RETURNING; SQLite 3.35+).
# Measured on SQLite: 450-550 us per scan through SQLAlchemy (Core or ORM), about
# 200 us as a lookup and an insert this way; one statement is also one round trip
# less to PostgreSQL. Compiled once per database by SQLAlchemy into the driver's style.
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


class _Statement:
    """A SQL text compiled for one dialect, with its parameters in the driver's order."""

    def __init__(self, sql: str, dialect):
        compiled = text(sql).compile(dialect=dialect)
        self.sql = str(compiled)
        self.order = compiled.positiontup  # None for named parameter styles

    def params(self, values: dict):
        return [values[name] for name in self.order] if self.order else values


class ScanRecorder:
    """Records scans and answers what they were; one per app, shared by every thread."""

    def __init__(self, engine, repeat_window: timedelta, guess_limits: str, secret_key: str):
        self.engine = engine
        self.repeat_window = repeat_window
        dialect = engine.dialect
        self.autocommit = dialect.name == "postgresql"
        self._record = _Statement(RECORD_SCAN, dialect)
        self._orphan = _Statement(INSERT_ORPHAN, dialect)
        self._timestamp = UtcDateTime().dialect_impl(dialect).bind_processor(dialect) or (
            lambda value: value
        )
        self._turn_path = _sqlite_file(engine)
        self._turn_descriptor: tuple[int, int] | None = None  # (pid, fd)
        self._local = threading.local()
        self._salt: tuple[str, str] | None = None  # (day, salt)
        self._visitor_key = derived_key(secret_key, VISITOR_HASH)
        self.brake = GuessingBrake(engine, guess_limits, self.write_turn, secret_key)

    # -- who sent it --------------------------------------------------------------

    def visitor(self, client: ClientFacts, now: datetime) -> Visitor:
        """Classify a request: organisers' test traffic, bots, or a human on some device."""
        kind_of_client = classify(client.user_agent, client.method)
        kind = "test" if client.is_test else ("bot" if kind_of_client.is_bot else "human")
        material = f"{client.address or ''}\x00{(client.user_agent or '')[:512]}"
        return Visitor(
            kind, kind_of_client.device_class, kind_of_client.os_family, self.hash(material, now)
        )

    def hash(self, material: str, now: datetime) -> str:
        """``material`` keyed with a key from SECRET_KEY and today's salt: one UTC day only.

        The key is in no database, so a dump or backup, which holds today's salt, cannot
        be searched for an address by hashing every IPv4 address with it (a plain SHA-256
        with the salt could: about 85 core-minutes). The salt is the day's, deleted when
        the day is over, so once it is gone not even the key links a hash to an address
        or to the same visitor on another day. The day is UTC's: the hash is made before
        the pin (and its edition's zone) is known, and a request to an unknown code has
        none. A repeat scan across midnight UTC (01:00 or 02:00 in the Netherlands) is a
        new visitor (``docs/metrics.md``).
        """
        salt = self._salt_for(now.date().isoformat())  # now is UTC, as every time here
        return keyed_hash(self._visitor_key, salt, material)

    def _salt_for(self, day: str) -> str:
        # One row read per process per day, not per request. A new day's salt deletes
        # the older ones, so yesterday's hashes can no longer be linked to anything; the
        # daily retention run deletes them too when no scan comes (after the fair).
        if self._salt and self._salt[0] == day:
            return self._salt[1]
        table = VisitorSalt.__table__
        with self.engine.begin() as connection:
            salt = connection.scalar(select(table.c.salt).where(table.c.day == day))
        if salt is None:
            try:
                with self.engine.begin() as connection:
                    # Older days only: a request stamped just before midnight, served
                    # after, must not delete the new day's salt that others already use.
                    connection.execute(delete(table).where(table.c.day < day))
                    connection.execute(insert(table).values(day=day, salt=secrets.token_hex(32)))
            except IntegrityError:
                pass  # another worker made today's salt first; read theirs below
            with self.engine.begin() as connection:
                salt = connection.scalar(select(table.c.salt).where(table.c.day == day))
        self._salt = (day, salt)
        return salt

    def forget_salt(self) -> None:
        """Drop the cached salt, for when its row was deleted behind the recorder's back."""
        self._salt = None

    # -- the scan -----------------------------------------------------------------

    def scan(self, raw_code: str, path: str, client: ClientFacts, now: datetime) -> ScanResult:
        """Log one request to a pin URL and say what it was; commits before returning.

        A valid pin is never refused. An unknown or malformed code is recorded as an
        orphan and counted against the sender's address by the guessing brake.
        """
        result = self.record(raw_code, path, self.visitor(client, now), now)
        if result.status != "orphan":
            return result
        # After the orphan's own commit, outside its write turn: see services/guessing.py.
        refused = self.brake.refuses(client.address, now)
        return ScanResult("refused") if refused else result

    def record(self, raw_code: str, path: str, visitor: Visitor, now: datetime) -> ScanResult:
        """Write the scan (or orphan scan) row for an already classified visitor.

        A repeat is the same visitor scanning the same pin (as a human) within the
        window before now; it is kept but not counted.
        """
        code = codes.normalize(raw_code) if codes.is_valid(raw_code) else None
        connection = self._connection()
        try:
            cursor = connection.cursor()
            with self.write_turn():
                written = None
                if code is not None:
                    values = {
                        "code": code,
                        "at": self._timestamp(now),
                        "since": self._timestamp(now - self.repeat_window),
                        **visitor.columns(),
                    }
                    cursor.execute(self._record.sql, self._record.params(values))
                    written = cursor.fetchone()
                if written is None:
                    # PostgreSQL text cannot hold NUL; a path is kept only to diagnose misprints.
                    clean_path = path.replace("\x00", "\ufffd")[:ORPHAN_PATH_LENGTH]
                    values = {"at": self._timestamp(now), "path": clean_path, **visitor.columns()}
                    cursor.execute(self._orphan.sql, self._orphan.params(values))
                if not self.autocommit:
                    connection.commit()
        except BaseException:
            self._drop_connection()  # the next scan starts on a fresh one
            raise
        if written is None:
            return ScanResult("orphan")
        pin_void, is_repeat = written
        return ScanResult("void" if pin_void else "active", code, bool(is_repeat))

    # -- what it holds --------------------------------------------------------------

    def _connection(self):
        """This thread's own connection for scans, kept checked out between them.

        A pool checkout and return cost about as much as the insert itself. On
        PostgreSQL the connection is in autocommit: each scan is one statement, so it
        commits with it, one round trip instead of two. Held per thread and per
        process (a forked worker opens its own), and detached from the pool: it never
        goes back there, so no other user gets a connection left in autocommit (where
        a server-side cursor fails), and when its thread ends it is closed.
        """
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.pid, local.connection = os.getpid(), None
        if local.connection is not None and server_hung_up(local.connection.dbapi_connection):
            # The server ended it while it was idle (a restart): found before this scan is
            # sent, so a fresh connection records it in this request and nothing can be
            # written twice. Once a statement has gone out, a failure is not retried: in
            # autocommit it may have committed before the connection broke, and a second
            # row would count the scan twice; that scan is a 503 and the student scans again.
            self._drop_connection()
        if local.connection is None:
            connection = self.engine.raw_connection()
            if self.autocommit:
                connection.driver_connection.autocommit = True
            connection.detach()
            local.connection = connection
        return local.connection

    def _drop_connection(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            # Closed at the driver, without the pool's rollback first: closing ends any
            # transaction, and on a broken connection that rollback failed and logged a
            # traceback for every scan of an outage.
            connection.dbapi_connection.close()

    @contextmanager
    def write_turn(self):
        """Wait for this SQLite file's write turn on a file lock, for a short write.

        SQLite lets one writer in at a time; a second one is put to sleep by the busy
        handler for 1 ms, then 2, 5, 10... even when the first is done after 0.2 ms.
        Under a burst of scans from several workers those sleeps, not the writes, set
        the pace. ``flock`` wakes the next writer the moment the lock is free. Nothing
        to wait for on PostgreSQL or in memory. One descriptor per process: flock
        locks belong to the open file, which a fork would share.
        """
        if self._turn_path is None:
            yield
            return
        if self._turn_descriptor is None or self._turn_descriptor[0] != os.getpid():
            fd = os.open(f"{self._turn_path}-writeturn", os.O_RDWR | os.O_CREAT, 0o600)
            self._turn_descriptor = (os.getpid(), fd)
        descriptor = self._turn_descriptor[1]
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)


def _sqlite_file(engine) -> str | None:
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    return None if not path or path == ":memory:" else path


def install(app, engine) -> None:
    """Build the app's recorder from its settings (``create_app`` calls this)."""
    app.extensions[EXTENSION] = ScanRecorder(
        engine,
        timedelta(minutes=app.config["REPEAT_WINDOW_MINUTES"]),
        app.config["UNKNOWN_CODE_LIMIT"],
        app.config["SECRET_KEY"],
    )


def recorder() -> ScanRecorder:
    """The current app's recorder, for use cases and routes inside an app context."""
    return current_app.extensions[EXTENSION]
