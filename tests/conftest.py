"""Fixtures: one app per session on a real database, emptied after every test.

The database is a SQLite file in a temporary folder, or the PostgreSQL server
named by DATABASE_URL (CI sets one). The schema is built by the migrations.
"""

import os
import re
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import flask_migrate
import pytest
from hypothesis import settings
from sqlalchemy import select, text

from backend import create_app
from backend.config import database_url
from backend.extensions import db as _db
from backend.services.audit import SYSTEM, acting_as
from tests.factories import Factory

REQUIRE_ALL = os.environ.get("SPELD_REQUIRE_ALL") == "1"

# Hypothesis' 200 ms per example is a timing test in disguise: on a busy CI machine a
# correct example can take longer. Speed is measured in bench/, so no deadline here.
settings.register_profile("speld", deadline=None, print_blob=True)
settings.load_profile("speld")


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    """Hypothesis draws from the seed pytest-randomly prints, unless ``--hypothesis-seed`` is given.

    So ``--randomly-seed=N`` replays a run whole: the order of the tests and the examples
    Hypothesis tried (it keeps its own seed otherwise, which no header shows).
    Each example still starts from Hypothesis' own fixed ``random`` state.
    """
    seed = getattr(config.option, "randomly_seed", None)
    if isinstance(seed, int) and config.getoption("hypothesis_seed", None) is None:
        from hypothesis import core

        core.global_force_seed = seed


def need(available: bool, reason: str) -> None:
    """Skip a test whose real part is missing here; under SPELD_REQUIRE_ALL=1 fail instead."""
    if available:
        return
    if REQUIRE_ALL:
        pytest.fail(f"SPELD_REQUIRE_ALL=1 and a real part is missing: {reason}")
    pytest.skip(reason)


def _test_database_url(tmp_path_factory) -> str:
    raw = os.environ.get("DATABASE_URL")
    if not raw:
        return database_url(None, str(tmp_path_factory.mktemp("db")))
    name = urlsplit(raw).path.lstrip("/")
    if "test" not in name:
        # The suite empties every table: never let it near a real database.
        pytest.exit(f"DATABASE_URL names database {name!r}; tests only run on one named *test*")
    return database_url(raw, "")


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": _test_database_url(tmp_path_factory),
            "PUBLIC_BASE_URL": "https://pins.example.org",
            # Every load of the live page counts afresh: a test's clock stands still, and the
            # app outlives a test's rows. tests/test_live.py tries the kept views themselves.
            "LIVE_RECOUNT_SECONDS": 0,
        }
    )
    with app.app_context():
        _db.drop_all()
        with _db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        flask_migrate.upgrade()  # one chain: a fork of heads fails here
    return app


@pytest.fixture
def db(app):
    """The database inside an app context; every row is deleted afterwards."""
    with app.app_context():
        yield _db
        empty_database(app)


def empty_database(app) -> None:
    """Delete every row and forget what was cached about them; inside an app context.

    The ``db`` fixture calls this after each test; a test that plays many examples in
    one (a Hypothesis state machine) calls it before each example.
    """
    _db.session.rollback()
    _db.session.remove()
    with _db.engine.begin() as connection:
        for table in reversed(_db.metadata.sorted_tables):
            connection.execute(table.delete())
    app.extensions["speld_scans"].forget_salt()  # its row went with the tables
    app.extensions["speld_scan_errors"].forget()  # a test's errors are not the next one's
    acting_as(SYSTEM)  # a CLI test names its actor for the test thread


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def make(db):
    """Factories with sensible defaults: ``make.event()``, ``make.stand()`` ..."""
    return Factory()


@pytest.fixture
def auth(make):
    """``auth("organiser")`` -> headers with a fresh bearer token of that role."""

    def headers(role: str, stand=None) -> dict:
        return {"Authorization": f"Bearer {make.token(role, stand)}"}

    return headers


PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def client_as(app, user_agent=PHONE, ip="203.0.113.7", **environ):
    """A test client that sends this user agent from this address."""
    client = app.test_client()
    client.environ_base.update(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip, **environ)
    return client


@pytest.fixture
def phone(app, db):
    """A test client that looks like a student's phone on the venue Wi-Fi."""
    return client_as(app)


@pytest.fixture
def live_server(app, db):
    """The app served over real HTTP on 127.0.0.1, for a browser to talk to."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TABLET_SENDS = re.compile(r"/scan/stands/\d+/visits$")


def wifi(context, on: bool) -> None:
    """Turn a browser context's network on or off, as a tablet's Wi-Fi would.

    Playwright's offline emulation alone once let a reloaded scanner page's first send
    through to the server (CI, a busy machine): a page made while offline may start before
    the emulation reaches it. The tablet's sends are refused at the route as well.
    """
    context.set_offline(not on)
    if on:
        context.unroute(TABLET_SENDS)
    else:
        context.route(TABLET_SENDS, lambda route: route.abort("internetdisconnected"))


@pytest.fixture
def browser():
    """Headless Chromium from Debian, driven by Playwright (no browser download)."""
    chromium = shutil.which("chromium")
    need(chromium is not None, "Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "playwright is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshots(request):
    """A folder under test-output/ for this test's screenshots, emptied first, kept after the run.

    Emptied so that a page left from an earlier run (a fifth A4 page) is not read as this run's.
    """
    folder = Path(__file__).resolve().parent.parent / "test-output" / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


class PrintWorker:
    """The task queue's real worker for the test app, run in threads of this process.

    Real Huey consumer threads on the real queue storage (the SQLite file beside the
    database, or the tables in PostgreSQL), so a request returns while the job is still
    being prepared; a test's monkeypatches and gate reach the print because it runs here.
    """

    def __init__(self, app):
        from backend import task_queue

        self.app = app
        self.queue = task_queue.queue(app)
        # No sweep: a test that leaves a stale job shows who takes it over (the button).
        self.consumer = task_queue.consumer(app, periodic=False)

    def start(self) -> "PrintWorker":
        import signal

        kept = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        self.consumer.start()
        for signum, handler in kept.items():  # Ctrl-C stays pytest's
            signal.signal(signum, handler)
        return self

    def stop(self) -> None:
        self.consumer.stop(graceful=True)

    def wait(self, timeout: float = 60.0) -> None:
        """Until the queue is empty and no print job is still being prepared."""
        import time

        from backend.models import PrintJob

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with _db.engine.connect() as connection:
                preparing = connection.execute(
                    select(PrintJob.id).where(PrintJob.state == "preparing")
                ).first()
            if preparing is None and not len(self.queue.huey):
                return
            time.sleep(0.05)
        raise AssertionError(f"print jobs still being prepared after {timeout} s")


def empty_queue(app) -> None:
    """Drop what a test left in the task queue: tasks, kept work, schedule."""
    from backend import task_queue

    task_queue.queue(app).huey.flush()


@pytest.fixture
def print_worker(app, db):
    """The task queue's worker for the test app, started for this test and stopped after it."""
    empty_queue(app)
    worker = PrintWorker(app).start()
    yield worker
    worker.stop()
    empty_queue(app)


@pytest.fixture
def background(app, db, monkeypatch, tmp_path, print_worker):
    """Batches above 10 pins have their print files prepared in the background, in a temporary folder.

    Ask for it before ``gate``: fixtures end in reverse, so the gate opens before the worker
    stops (it finishes the job it holds).
    """
    monkeypatch.setitem(app.config, "PRINT_SYNC_MAX_PINS", 10)
    monkeypatch.setitem(app.config, "PRINT_DIR", str(tmp_path / "print"))
    yield tmp_path / "print"
    print_worker.wait()  # before the db fixture empties the tables


@pytest.fixture
def gate(monkeypatch):
    """Holds print preparation before its first pin until the test opens the gate."""
    from backend.services import printing

    opened = threading.Event()
    real = printing.pin_items

    def held(batch_id, base_url):
        assert opened.wait(30), "the test never opened the gate"
        yield from real(batch_id, base_url)

    monkeypatch.setattr(printing, "pin_items", held)
    yield opened
    opened.set()  # a test that failed before opening it must not leave the thread waiting


class Clock:
    """A clock a test sets and moves: what the doors read instead of the wall clock.

    ``clock()`` is the time, ``clock(moment)`` sets it; ``clock.now += timedelta(...)`` moves it.
    """

    def __init__(self, now):
        self.now = now

    def __call__(self, moment=None):
        if moment is not None:
            self.now = moment
        return self.now


# A minute before midnight UTC on the factories' fair (00:59 on 19 February in Enschede):
# a fair day, and the moment the guessing brake's count once started again, so a test that
# plays time plays it across that boundary.
CLOCK_START = datetime(2026, 2, 18, 23, 59, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """Every door that records scans, stamps, counts unknown codes or errors reads this clock.

    Stamps and scans outside the fair's days are rehearsals, so a test that means a fair-day
    visit says which day it is rather than reading the wall clock.
    """
    from backend import client, error_responses
    from backend.pages import console_live, journey, scanlane, scanner

    fixed = Clock(CLOCK_START)
    for module in (journey, scanner, scanlane, client, console_live, error_responses):
        monkeypatch.setattr(module, "utcnow", fixed)
    return fixed
