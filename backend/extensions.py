"""Flask extensions, created unbound; ``create_app`` binds them."""

import fcntl
import os
import sqlite3
from contextlib import contextmanager

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so migrations can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()


def _sqlite_pragmas(dbapi_connection, _record):
    # WAL lets readers run beside the one writer; the busy timeout makes a
    # second writer wait instead of failing; SQLite leaves foreign keys off by default.
    # A 32 MB page cache (the default is 2 MB) keeps a fair's indexes out of read()
    # calls: each scan touches a few pages of three B-trees (docs/benchmarks.md).
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA cache_size=-32000")
        cursor.close()


_turn_files: dict[tuple[int, str], int] = {}


@contextmanager
def sqlite_write_turn(engine):
    """Wait for this SQLite file's write turn on a file lock, for a short write.

    SQLite lets one writer in at a time; a second one is put to sleep by the busy
    handler for 1 ms, then 2, 5, 10... even when the first is done after 0.2 ms.
    Under a burst of scans from several workers those sleeps, not the writes,
    set the pace. ``flock`` wakes the next writer the moment the lock is free.
    Does nothing on other databases or in memory. One descriptor per process:
    flock locks belong to the open file, which a fork would share.
    """
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    key = (os.getpid(), path)
    if key not in _turn_files:
        _turn_files[key] = os.open(f"{path}-writeturn", os.O_RDWR | os.O_CREAT, 0o600)
    descriptor = _turn_files[key]
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)


def register_sqlite_pragmas(engine):
    """Apply the SQLite pragmas to every new connection of ``engine``."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)


def render_migration_item(type_, obj, autogen_context):
    """Write our UTC timestamp type into migrations as a plain ``sa.DateTime(timezone=True)``."""
    from backend.models.types import UtcDateTime

    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False
