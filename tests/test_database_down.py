"""A database that is down is a 503 with Retry-After, and the app recovers by itself.

Real outages: a throwaway PostgreSQL cluster of this test's own, stopped with
``pg_ctl -m immediate`` and started again (never the suite's database), and on
SQLite a write lock held by another process past the busy timeout, or the folder
of its file gone (as when a disk is unmounted) with the pool's connections closed.
"""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import flask_migrate
import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from backend import create_app
from backend.extensions import db as _db
from backend.models import Company, LandingVisit, OrphanScan, PortalClick, Scan
from qr import codes
from tests.conftest import client_as, need
from tests.factories import Factory


def _pg_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return os.path.dirname(found[-1]) if found else None


class Cluster:
    """A PostgreSQL cluster in a temporary folder on 127.0.0.1, run as user postgres."""

    def __init__(self, pg_bin: str):
        self.bin = pg_bin
        self.dir = tempfile.mkdtemp(prefix="speld-pg-")
        shutil.chown(self.dir, "postgres")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/speld_test"
        self._run(
            "initdb", "-D", f"{self.dir}/data", "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "speld_test")

    def _run(self, tool: str, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", f"{self.bin}/{tool}", *args]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off"
        data, log = f"{self.dir}/data", f"{self.dir}/log"
        self._run("pg_ctl", "-D", data, "-l", log, "-w", "-o", options, "start")

    def stop(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-m", mode, "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # stopped already
            self.stop("fast")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster():
    pg_bin = _pg_bin()
    need(
        pg_bin is not None, "PostgreSQL's server binaries are missing (apt-get install postgresql)"
    )
    need(os.geteuid() == 0 and shutil.which("runuser"), "a throwaway cluster needs root (runuser)")
    made = Cluster(pg_bin)
    yield made
    made.remove()


def _seeded_app(url: str) -> Flask:
    """The app on its own database, with an event, a pin and an organiser token."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "PUBLIC_BASE_URL": "https://pins.example.org",
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
        make = Factory()
        app.config["TEST_PIN"] = make.pin_codes(size=1)[0]
        app.config["TEST_TOKEN"] = make.token("organiser")
        _db.session.remove()
    return app


@pytest.fixture
def pg_app(cluster):
    """The app on the throwaway cluster, with an event, a pin and an organiser token."""
    app = _seeded_app(cluster.url)
    yield app
    with app.app_context():
        _db.engine.dispose()


def _scan_rows(app) -> int:
    with app.app_context():
        try:
            return _db.session.scalar(select(func.count()).select_from(Scan))
        finally:
            _db.session.remove()


def test_postgresql_down_is_a_503_in_the_students_language_and_recovers(cluster, pg_app):
    code, token = pg_app.config["TEST_PIN"], pg_app.config["TEST_TOKEN"]
    phone = client_as(pg_app)
    api = {"Authorization": f"Bearer {token}"}
    # Warm: the lane's scan connection and the pool's connections are open when it goes down.
    assert phone.get(f"/p/{code}").status_code == 302
    assert pg_app.test_client().get("/api/v1/events", headers=api).status_code == 200
    assert _scan_rows(pg_app) == 1

    cluster.stop("immediate")
    for _ in range(2):  # the broken connections, then no connection at all
        page = phone.get(f"/p/{code}")
        assert page.status_code == 503
        assert page.headers["Retry-After"] == "2"
        assert page.mimetype == "text/html"
        assert "Scan je pin over een paar seconden gewoon opnieuw" in page.get_data(as_text=True)
    english = client_as(pg_app, HTTP_ACCEPT_LANGUAGE="en").get(f"/p/{code}")
    assert english.status_code == 503
    assert "Just scan your pin again in a few seconds" in english.get_data(as_text=True)
    for path in ("/api/v1/events", f"/api/v1/pins/{code}"):
        response = pg_app.test_client().get(path, headers=api)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "2"
        assert response.json["error"]["code"] == "database_unavailable"
    landing = phone.get(f"/l/{code}")
    assert landing.status_code == 503 and "Even geduld" in landing.get_data(as_text=True)

    cluster.start()
    # No restart of the app and no wait: the next requests find the database again.
    assert phone.get(f"/p/{code}").status_code == 302
    assert pg_app.test_client().get("/api/v1/events", headers=api).status_code == 200
    assert phone.get(f"/l/{code}").status_code == 200
    assert _scan_rows(pg_app) == 2


@pytest.fixture
def sqlite_only(app):
    with app.app_context():
        if _db.engine.dialect.name != "sqlite":
            pytest.skip("a SQLite write lock; PostgreSQL is tested with its own cluster above")
        return _db.engine.url.database


def test_sqlite_locked_past_the_busy_timeout_is_a_503_and_nothing_half_written(
    app, client, auth, db, sqlite_only
):
    headers = auth("organiser")
    # Another process (a backup, a console) holds the write lock longer than busy_timeout.
    locker = subprocess.Popen(
        [
            "python3",
            "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
            " c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(8)",
            sqlite_only,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert locker.stdout.readline().strip() == "locked"
        response = client.post("/api/v1/companies", json={"name": "Locked Out"}, headers=headers)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "2"
        assert response.json["error"]["code"] == "database_unavailable"
    finally:
        locker.kill()
        locker.wait()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0
    again = client.post("/api/v1/companies", json={"name": "Locked Out"}, headers=headers)
    assert again.status_code == 201


@pytest.fixture
def app_without_database(tmp_path):
    """The app on a SQLite file it cannot open: its folder does not exist."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/gone/speld.sqlite",
            "PUBLIC_BASE_URL": "https://pins.example.org",
        }
    )


def test_sqlite_file_that_cannot_be_opened_is_a_503(app_without_database):
    phone = client_as(app_without_database)
    page = phone.get("/p/ABCDEFGHJK")
    assert page.status_code == 503 and page.headers["Retry-After"] == "2"
    assert "Even geduld" in page.get_data(as_text=True)
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
    api = app_without_database.test_client().get(
        "/api/v1/events", headers={"Authorization": "Bearer spd_x"}
    )
    assert api.status_code == 503
    assert api.json["error"]["code"] == "database_unavailable"


def test_the_unavailable_page_on_a_phone_in_dutch_and_english(
    app_without_database, browser, screenshots
):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app_without_database, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for n, (locale, heading, advice) in enumerate(
            [
                ("nl-NL", "Even geduld", "Scan je pin over een paar seconden gewoon opnieuw"),
                ("en-GB", "One moment, please", "Just scan your pin again in a few seconds"),
            ]
        ):
            context = browser.new_context(
                viewport={"width": 390, "height": 844}, is_mobile=True, locale=locale
            )
            page = context.new_page()
            answer = page.goto(f"http://127.0.0.1:{server.server_port}/P/ABCDEFGHJK")
            assert answer.status == 503
            assert page.inner_text("h1") == heading
            assert advice in page.inner_text("main")
            page.screenshot(path=screenshots / f"{n + 1}-unavailable-{locale[:2]}.png")
            context.close()
    finally:
        server.shutdown()
        thread.join(timeout=10)


@dataclass
class Outage:
    """An app whose own database can be taken away and brought back."""

    app: Flask
    stop: Callable[[], None]
    start: Callable[[], None]


@pytest.fixture(params=["sqlite", "postgresql"])
def outage(request, tmp_path):
    if request.param.startswith("postgresql"):
        # "immediate" is a crash (the server just closes); "fast" an orderly stop, which
        # first tells each connection why.
        mode = "fast" if request.param.endswith("fast") else "immediate"
        cluster = request.getfixturevalue("cluster")
        app = _seeded_app(cluster.url)
        yield Outage(app, lambda: cluster.stop(mode), cluster.start)
    else:
        disk, unmounted = tmp_path / "disk", tmp_path / "unmounted"
        disk.mkdir()
        app = _seeded_app(f"sqlite:///{disk}/speld.sqlite")

        def stop():
            # The folder is gone, as if its disk were unmounted: no connection can open the
            # file. The pool's own are closed, for an open one would still reach it.
            disk.rename(unmounted)
            with app.app_context():
                _db.engine.dispose()

        yield Outage(app, stop, lambda: unmounted.rename(disk))
    with app.app_context():
        _db.engine.dispose()


def _warm(app) -> None:
    """A scan, a landing, a click and the API: the scan's kept connection and the pool's are open."""
    code, phone = app.config["TEST_PIN"], client_as(app)
    assert phone.get(f"/p/{code}").status_code == 302
    assert phone.get(f"/l/{code}").status_code == 200
    assert phone.get(f"/go/{code}").status_code == 302
    api = {"Authorization": f"Bearer {app.config['TEST_TOKEN']}"}
    assert app.test_client().get("/api/v1/events", headers=api).status_code == 200


# What a student or the app asks with a code the database would have to count.
UNKNOWN_CODE_REQUESTS = [
    ("GET", "/l/{}"),
    ("GET", "/go/{}"),
    ("GET", "/s/{}"),
    ("GET", "/l/{}/survey"),
    ("GET", "/api/v1/pins/{}"),
    ("POST", "/api/v1/pins/{}/survey/skip"),
]
# Malformed codes (refused by their check character, before any lookup) and well-formed
# codes no pin or stand has.
unknown_codes = st.one_of(
    st.text(alphabet=codes.ALPHABET + "abcxyz-_", min_size=1, max_size=20),
    st.text(alphabet=codes.ALPHABET, min_size=8, max_size=8).map(codes.add_check),
    st.text(alphabet=codes.ALPHABET, min_size=14, max_size=14).map(codes.add_check),
)


@pytest.fixture
def down(outage):
    _warm(outage.app)  # today's salt is known: what fails is the count, not the visitor
    outage.stop()
    return outage.app


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=unknown_codes)
def test_an_unknown_code_while_the_database_is_down_is_a_503_not_a_500(down, code):
    for method, path in UNKNOWN_CODE_REQUESTS:
        url = path.format(code)
        response = client_as(down).open(url, method=method)
        assert response.status_code == 503, url
        assert response.headers["Retry-After"] == "2"
        if url.startswith("/api/"):
            assert response.json["error"]["code"] == "database_unavailable"
        else:
            assert response.mimetype == "text/html"
            assert "Even geduld" in response.get_data(as_text=True)


def _rows(app) -> dict[str, int]:
    with app.app_context():
        try:
            return {
                model.__tablename__: _db.session.scalar(select(func.count()).select_from(model))
                for model in (Scan, OrphanScan, LandingVisit, PortalClick)
            }
        finally:
            _db.session.remove()


WORKERS = 3


@pytest.mark.parametrize("outage", ["sqlite", "postgresql", "postgresql-fast"], indirect=True)
def test_the_first_scans_after_the_database_is_back_are_recorded(outage):
    """Each thread's kept connection died with the restart; none of them may cost a scan."""
    app, code = outage.app, outage.app.config["TEST_PIN"]
    together = threading.Barrier(WORKERS)

    def scan_in_step():
        together.wait(timeout=30)  # one scan on each thread of the pool, at once
        return client_as(app).get(f"/p/{code}").status_code

    with ThreadPoolExecutor(WORKERS) as threads:
        assert list(threads.map(lambda _: scan_in_step(), range(WORKERS))) == [302] * WORKERS
        _warm(app)
        outage.stop()
        outage.start()  # back before anyone scanned: nothing tells the app it went away
        before = _rows(app)
        # Not a 503: each thread finds its connection dead before sending and opens another.
        assert list(threads.map(lambda _: scan_in_step(), range(WORKERS))) == [302] * WORKERS
    phone = client_as(app)
    assert phone.get(f"/l/{code}").status_code == 200
    assert phone.get(f"/go/{code}").status_code == 302
    assert phone.get("/p/XXXX").status_code == 404
    after = _rows(app)
    assert after == {
        "scans": before["scans"] + WORKERS,
        "orphan_scans": before["orphan_scans"] + 1,
        "landing_visits": before["landing_visits"] + 1,
        "portal_clicks": before["portal_clicks"] + 1,
    }


def _nowhere(dialect: str, tmp_path) -> str:
    """A database that cannot be reached: a file in a missing folder, a port nobody serves."""
    if dialect == "sqlite":
        return f"sqlite:///{tmp_path}/gone/speld.sqlite"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free once closed: nothing listens there
    return f"postgresql://postgres@127.0.0.1:{port}/speld_test"


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_an_outage_inside_any_error_handler_is_a_503_in_production(dialect, tmp_path):
    """Flask answers an error raised by an error handler with a 500; an outage stays a 503."""
    app = create_app(
        {
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": _nowhere(dialect, tmp_path),
            "PUBLIC_BASE_URL": "https://pins.example.org",
            "PROPAGATE_EXCEPTIONS": False,  # as in production: not TESTING, not debug
        }
    )

    def handler_that_reads(error):  # like a page that shows who is signed in
        with app.app_context():
            _db.session.scalar(select(func.count()).select_from(Company))

    app.register_error_handler(LookupError, handler_that_reads)
    app.add_url_rule("/api/v1/looked-up", "looked_up", lambda: {}["missing"])
    app.add_url_rule("/looked-up", "looked_up_page", lambda: {}["missing"])
    client = app.test_client()
    api = client.get("/api/v1/looked-up")
    assert api.status_code == 503 and api.headers["Retry-After"] == "2"
    assert api.json["error"]["code"] == "database_unavailable"
    page = client_as(app).get("/looked-up")
    assert page.status_code == 503 and "Even geduld" in page.get_data(as_text=True)
