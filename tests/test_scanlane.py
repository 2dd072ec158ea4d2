"""The scan's one door: every pin-URL request is recorded by the lane, once; Flask only renders."""

import gc
import random
import threading
from contextlib import ExitStack, contextmanager
from datetime import timedelta

import pytest
from flask import request_started
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from backend import create_app
from backend.models import OrphanScan, Pin, Scan, UnknownCodeLookup
from backend.services import pins, scans
from tests.conftest import client_as
from tests.test_journey_pages import csrf_from


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


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_scan_of_an_active_pin_is_answered_before_flask(app, pin, db):
    with flask_requests(app) as seen:
        response = client_as(app).get(f"/p/{pin}")
    assert seen == []
    assert response.status_code == 302 and response.headers["Location"] == f"/l/{pin}"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Set-Cookie"].startswith(f"speld_pin={pin}; Max-Age=")
    assert db.session.scalar(select(Scan.kind)) == "human"


def test_a_signed_in_organisers_scan_is_recorded_as_a_test_by_the_lane(app, make, pin, db):
    browser = client_as(app)
    form = browser.get("/staff")
    token = make.token("organiser")
    signed_in = browser.post("/staff", data={"token": token, "csrf_token": csrf_from(form)})
    assert signed_in.status_code == 303
    with flask_requests(app) as seen:
        response = browser.get(f"/p/{pin}")
    assert (response.status_code, seen) == (302, [])
    assert db.session.scalar(select(Scan.kind)) == "test"


def test_head_through_the_lane_has_no_body_and_is_a_bot(phone, pin, db):
    response = phone.head(f"/P/{pin.lower()}")
    assert response.status_code == 302 and response.data == b""
    assert int(response.headers["Content-Length"]) > 0  # what a GET would carry
    assert db.session.scalar(select(Scan.kind)) == "bot"


def test_void_and_unknown_pins_are_recorded_once_and_shown_by_flask(app, phone, pin, db):
    pins.void_pin(pin, "lost")
    with flask_requests(app) as seen:
        assert phone.get(f"/p/{pin}").status_code == 410
        assert phone.get("/p/ZZZZZZZZZ").status_code == 404
        assert phone.get("/p/some/thing/else").status_code == 404
    assert seen == [1, 1, 1]
    assert count(db, Scan) == 1
    assert db.session.scalars(select(OrphanScan.path).order_by(OrphanScan.id)).all() == [
        "/p/ZZZZZZZZZ",
        "/p/some/thing/else",
    ]


def test_an_address_over_the_guessing_limit_still_gets_its_valid_pins(app, phone, pin, db):
    for i in range(30):
        assert phone.get(f"/p/ZZZZZZZ{i:02d}").status_code == 404
    refused = phone.get("/p/ZZZZZZZ99")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "Even rustig aan" in refused.get_data(as_text=True)
    # A student behind the same address is never refused, and is recorded.
    assert phone.get(f"/p/{pin}").status_code == 302
    assert count(db, Scan) == 1
    assert count(db, OrphanScan) == 31  # the refused guess is recorded too
    assert count(db, UnknownCodeLookup, UnknownCodeLookup.refused) == 1
    # Another address is not slowed by this one's guesses.
    assert client_as(app, ip="198.51.100.9").get("/p/ZZZZZZZ98").status_code == 404


def test_the_brake_counts_across_apps_sharing_a_database(app, pin, db):
    """Two apps on one database stand for two workers or two hosts: one count."""
    other = create_app(dict(app.config))
    first, second = client_as(app), client_as(other)
    for i in range(15):
        assert first.get(f"/p/ZZZZZZZ{i:02d}").status_code == 404
        assert second.get(f"/p/YYYYYYY{i:02d}").status_code == 404
    assert first.get("/p/ZZZZZZZ99").status_code == 429
    assert second.get("/p/YYYYYYY99").status_code == 429
    assert second.get(f"/p/{pin}").status_code == 302


def test_no_student_is_refused_while_a_guesser_at_the_venue_address_guesses(app, make, db, clock):
    """300 students scan their own pins from the venue's one address while somebody there
    sends 10 unknown codes a second for two minutes (the clock is played, not waited for,
    and it crosses midnight UTC: the guesser gets no fresh allowance there)."""
    event, _ = make.plaza(stands=1)
    codes = make.pin_codes(event, size=300)
    rng = random.Random(7)
    user_agents = [
        f"Mozilla/5.0 (iPhone; CPU iPhone OS 17_{n} like Mac OS X) Safari" for n in range(4)
    ]
    start = clock.now
    assert (start + timedelta(minutes=2)).date() != start.date()
    timeline = [(timedelta(seconds=n / 10), "guess", f"/p/{n:05d}ZZZZ") for n in range(1200)]
    timeline += [(timedelta(seconds=rng.uniform(0, 120)), "student", f"/p/{c}") for c in codes]
    timeline.sort(key=lambda item: item[0])

    venue = client_as(app, ip="192.0.2.44")
    answers = {"guess": [], "student": []}
    for offset, who, path in timeline:
        clock.now = start + offset
        agent = user_agents[0] if who == "guess" else rng.choice(user_agents)
        answers[who].append(venue.get(path, headers={"User-Agent": agent}).status_code)

    assert answers["student"] == [302] * 300
    assert count(db, Scan, Scan.is_repeat.is_(False)) == 300
    # What the guesser was told: "no such pin" for the first 30 (the per-minute limit);
    # every later guess was refused, because refused guesses keep the count up.
    assert answers["guess"].count(404) == 30
    assert answers["guess"].count(429) == 1170
    assert count(db, OrphanScan) == 1200
    assert count(db, UnknownCodeLookup, UnknownCodeLookup.refused) == 1170


def test_behind_a_trusted_proxy_the_lane_sees_the_forwarded_address(app, pin, db):
    proxied = create_app({**app.config, "TRUSTED_PROXIES": 1})
    client = client_as(proxied, ip="127.0.0.1")
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.2"):
        response = client.get(
            f"/p/{pin}", headers={"X-Forwarded-For": address, "X-Forwarded-Proto": "https"}
        )
        assert response.status_code == 302
        assert "; Secure" in response.headers["Set-Cookie"]
    scans_written = db.session.scalars(select(Scan).order_by(Scan.id)).all()
    assert [s.is_repeat for s in scans_written] == [False, False, True]
    assert len({s.visitor_hash for s in scans_written}) == 2


def test_an_error_while_recording_is_answered_by_flask_and_not_tried_twice(
    app, phone, pin, db, monkeypatch
):
    recorder = app.extensions[scans.EXTENSION]
    calls = []

    def fails(*args, **kwargs):
        calls.append(1)
        raise OperationalError("INSERT …", {}, Exception("database is locked"))

    monkeypatch.setattr(recorder, "record", fails)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # answer as in production
    with flask_requests(app) as seen:
        response = phone.get(f"/p/{pin}")
    assert (seen, len(calls)) == ([1], 1)
    # The database said no: the student is told to scan again in a moment.
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert response.mimetype == "text/html"
    assert count(db, Scan) == 0
    monkeypatch.undo()
    assert phone.get(f"/p/{pin}").status_code == 302  # the next scan works again


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
    assert count(db, Scan) == 6
