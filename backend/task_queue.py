"""The task queue: heavy work runs in a worker process, not in a web worker (Huey).

One Huey per app, built from the app's config on first use. On PostgreSQL its tables sit in
the app's own database (prefix ``speld_queue``), so every host that reaches the database
reaches the queue. On SQLite it is a file of its own next to the database
(``<stem>-queue.sqlite``): a worker polling the queue never takes the write lock that the
scan path needs. No Redis, nothing else to run.

Use cases name their tasks with ``@task(name)`` and their periodic tasks with
``@periodic(name)``; every task runs in an app context of the worker's app, with plain
arguments only (ids, strings, dicts), never pickled objects of the app.
"""

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey
from huey.consumer import Consumer
from huey.storage import PostgresStorage, SqliteStorage
from psycopg import errors
from sqlalchemy.engine import make_url

from backend.extensions import db

EXTENSION = "speld_queue"
TABLE_PREFIX = "speld_queue"  # PostgreSQL: speld_queue_task, _schedule, _kv, _counter
_TASKS: dict[str, Callable[..., Any]] = {}
_PERIODIC: dict[str, Callable[[], Any]] = {}
_BUILDING = threading.Lock()


def task(name: str):
    """Make ``fn`` a queue task called ``name``; it runs in the worker, in an app context."""

    def register(fn):
        _TASKS[name] = fn
        return fn

    return register


def periodic(name: str):
    """Make ``fn`` run in the worker every QUEUE_SWEEP_SECONDS, in an app context."""

    def register(fn):
        _PERIODIC[name] = fn
        return fn

    return register


def include_migration_name(name: str | None, type_: str, parent_names) -> bool:
    """Alembic's filter: the queue's own tables on PostgreSQL are not the models', leave them be."""
    return not (type_ == "table" and bool(name) and name.startswith(f"{TABLE_PREFIX}_"))


def storage(database_uri: str) -> dict:
    """Huey's storage for the app's database: its tables there, or a SQLite file beside it."""
    url = make_url(database_uri)
    if url.get_backend_name() == "postgresql":
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return {"storage_class": PostgresStorage, "dsn": dsn, "table_prefix": TABLE_PREFIX}
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        return {
            "storage_class": SqliteStorage,
            "filename": str(path.with_name(f"{path.stem}-queue.sqlite")),
        }
    raise ValueError(f"no task queue for the database {url.render_as_string()}")


class Queue:
    """An app's Huey and its tasks, by name."""

    def __init__(self, app: Flask) -> None:
        self.huey = _huey(storage(app.config["SQLALCHEMY_DATABASE_URI"]))
        self.tasks = {
            name: self.huey.task(name=name)(_in_app(app, fn)) for name, fn in _TASKS.items()
        }
        for name, fn in _PERIODIC.items():
            self.huey.periodic_task(_every_sweep, name=name)(_in_app(app, fn))

    def enqueue(self, name: str, **kwargs) -> None:
        """Put one call of the task ``name`` on the queue."""
        self.tasks[name](**kwargs)

    def waiting(self, name: str) -> list[dict]:
        """The arguments of the calls of ``name`` still in the queue (taken ones are not)."""
        kind = self.tasks[name].task_class
        return [t.kwargs for t in self.huey.pending() if isinstance(t, kind)]

    def put(self, key: str, value) -> None:
        """Keep a small value by key in the queue's storage (what a task needs to run again)."""
        self.huey.put(key, value)

    def get(self, key: str):
        """The value kept under ``key``, or None."""
        return self.huey.get(key, peek=True)

    def forget(self, key: str) -> None:
        """Drop the value kept under ``key``."""
        self.huey.delete(key)


def _huey(settings: dict) -> Huey:
    """Huey on its storage, whose tables it creates if they are missing."""
    try:
        return Huey("speld", results=False, utc=True, **settings)
    except (errors.UniqueViolation, errors.DuplicateTable, errors.DuplicateObject):
        # Two processes created the tables at the same moment (PostgreSQL's CREATE TABLE
        # IF NOT EXISTS is not safe against that): the other one's are there now.
        time.sleep(0.1)
        return Huey("speld", results=False, utc=True, **settings)


def queue(app: Flask | None = None) -> Queue:
    """The app's queue, built on first use (no connection is made while the app is built)."""
    app = app or current_app._get_current_object()
    with _BUILDING:
        if EXTENSION not in app.extensions:
            app.extensions[EXTENSION] = Queue(app)
    return app.extensions[EXTENSION]


class _Consumer(Consumer):
    """Huey's consumer, its periodic tasks every ``sweep_seconds`` rather than each minute."""

    def __init__(self, huey: Huey, sweep_seconds: int, **options) -> None:
        self.sweep_seconds = max(1, sweep_seconds)
        super().__init__(huey, **options)

    def _create_scheduler(self):
        scheduler = super()._create_scheduler()
        scheduler.periodic_task_seconds = self.sweep_seconds
        return scheduler


def consumer(app: Flask, periodic: bool = True) -> Consumer:
    """The worker for the app's queue: QUEUE_WORKERS threads, and the sweeps.

    Threads, not Huey's processes: a print draws on every core with worker processes of its
    own (``qr/bundle.py``), which Huey's daemonic worker processes may not start.
    """
    return _Consumer(
        queue(app).huey,
        app.config["QUEUE_SWEEP_SECONDS"],
        workers=app.config["QUEUE_WORKERS"],
        worker_type="thread",
        periodic=periodic,
        initial_delay=0.1,
        max_delay=1.0,  # an idle worker looks at the queue at least once a second
    )


def _every_sweep(timestamp) -> bool:
    return True  # the consumer's scheduler sets the pace (QUEUE_SWEEP_SECONDS)


def _in_app(app: Flask, fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(**kwargs):
        with app.app_context():
            try:
                return fn(**kwargs)
            finally:
                db.session.remove()

    run.__name__ = fn.__name__
    return run
