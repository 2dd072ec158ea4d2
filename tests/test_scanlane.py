"""The scan lane answers active pins before Flask, and exactly as the Flask route would."""

import gc
import threading
from contextlib import ExitStack, contextmanager

import pytest
from flask import request_started
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from backend import create_app
from backend.models import OrphanScan, Pin, Scan
from backend.services import pins, scans
from tests.conftest import client_as


@pytest.fixture
def pin(make):
    event, _ = make.plaza(stands=1)
    return make.pin_codes(event, size=2)[0]


@contextmanager
def flask_requests(app):
    """Count the requests that reached Flask's request cycle."""
    seen = []

    def started(sender, **_):
        seen.append(1)

    request_started.connect(started, app)
    try:
        yield seen
    finally:
        request_started.disconnect(started, app)


def comparable(response) -> tuple:
    # Flask adds "Vary: Cookie" when it read the session; the answer is no-store anyway.
    headers = {k: v for k, v in response.headers.items() if k not in ("Set-Cookie", "Vary")}
    return response.status_code, headers, response.headers.getlist("Set-Cookie"), response.data


def test_a_scan_of_an_active_pin_never_enters_flask_and_answers_as_the_route_does(app, pin, db):
    lane = client_as(app)
    with flask_requests(app) as seen:
        by_lane = lane.get(f"/p/{pin}")
    assert seen == []

    # A browser with a session cookie (here: from the survey form's CSRF token) goes
    # through the Flask route: it might be staff, whose scans are tests.
    route = client_as(app, ip="198.51.100.20")
    route.get(f"/l/{pin}")
    assert route.get_cookie(app.config["SESSION_COOKIE_NAME"]) is not None
    with flask_requests(app) as seen:
        by_route = route.get(f"/p/{pin}")
    assert seen == [1]

    assert comparable(by_lane) == comparable(by_route)
    assert by_lane.status_code == 302 and by_lane.headers["Location"] == f"/l/{pin}"
    kinds = [(s.kind, s.is_repeat) for s in db.session.scalars(select(Scan).order_by(Scan.id))]
    assert kinds == [("human", False), ("human", False)]


def test_head_through_the_lane_has_no_body_and_is_a_bot(phone, pin, db):
    response = phone.head(f"/P/{pin.lower()}")
    assert response.status_code == 302 and response.data == b""
    assert int(response.headers["Content-Length"]) > 0  # what a GET would carry
    assert db.session.scalar(select(Scan.kind)) == "bot"


def test_void_and_unknown_pins_are_recorded_once_and_shown_by_flask(phone, pin, db):
    pins.void_pin(pin, "lost")
    assert phone.get(f"/p/{pin}").status_code == 410
    assert phone.get("/p/ZZZZZZZZZ").status_code == 404
    assert db.session.query(Scan).count() == 1
    assert db.session.query(OrphanScan).count() == 1


def test_an_address_over_the_guessing_limit_is_refused_valid_codes_too(phone, pin, db):
    for i in range(30):
        assert phone.get(f"/p/ZZZZZZZ{i:02d}").status_code == 404
    assert phone.get(f"/p/{pin}").status_code == 429
    assert db.session.query(Scan).count() == 0


def test_behind_a_trusted_proxy_the_lane_sees_the_forwarded_address(app, pin, db):
    proxied = create_app({**app.config, "TRUSTED_PROXIES": 1})
    client = client_as(proxied, ip="127.0.0.1")
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.2"):
        response = client.get(
            f"/p/{pin}", headers={"X-Forwarded-For": address, "X-Forwarded-Proto": "https"}
        )
        assert response.status_code == 302
        assert "; Secure" in response.headers["Set-Cookie"]
    scans = db.session.scalars(select(Scan).order_by(Scan.id)).all()
    assert [s.is_repeat for s in scans] == [False, False, True]
    assert len({s.visitor_hash for s in scans}) == 2


def test_when_the_lane_fails_flask_answers_the_request(app, phone, pin, db, monkeypatch):
    real_record_scan = scans.record_scan
    calls = []

    def fails_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT …", {}, Exception("database is locked"))
        return real_record_scan(*args, **kwargs)

    monkeypatch.setattr(scans, "record_scan", fails_once)
    with flask_requests(app) as seen:
        response = phone.get(f"/p/{pin}")
    assert (response.status_code, seen, len(calls)) == (302, [1], 2)
    assert db.session.query(Scan).count() == 1


def test_scans_from_threads_that_ended_leave_every_pooled_connection_usable(app, pin, db):
    """The threaded dev server runs each request on its own thread. A scan keeps a
    connection per thread (in autocommit on PostgreSQL); when the thread ends, that
    connection must not come back to the pool, where streaming a batch's codes (a
    server-side cursor) would fail on it."""

    statuses = []  # an assert inside a thread would not fail the test

    def scan(n):
        statuses.append(client_as(app, ip=f"198.51.100.{n}").get(f"/p/{pin}").status_code)

    threads = [threading.Thread(target=scan, args=(n,)) for n in range(1, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    gc.collect()
    assert statuses == [302] * 6

    engine = db.engine
    with ExitStack() as held:
        # Hold each pooled connection after use, so the next connect() gets the next one.
        for _ in range(engine.pool.checkedin() + 1):
            connection = held.enter_context(engine.connect())
            streamed = connection.execution_options(stream_results=True, yield_per=2)
            assert pin in streamed.scalars(select(Pin.code)).all()
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 6
