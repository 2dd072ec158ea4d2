"""The scan path's server errors: counted in each process, written once the database answers, shown live.

An outage here is the database refusing the one use case a door calls (as
``tests/test_scanlane.py`` makes the pin's): the door answers 503 while the rest of
the app, and so the write of the counts, still reaches the database. What the
counting adds up to is held against a plain Counter of random errors (Hypothesis).
"""

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, delete, select
from sqlalchemy.exc import OperationalError

from backend.extensions import db as _db
from backend.models import ScanPathError
from backend.models.scan_errors import SCAN_PATH_DOORS
from backend.services import journey, scan_errors, stamps
from backend.services.retention import SCAN_ERROR_DAYS, apply_retention
from backend.services.scans import EXTENSION as SCANS
from tests.conftest import client_as
from tests.test_dashboard import sign_in as dashboard_sign_in
from tests.test_scanner import sign_in as scanner_sign_in

ZONE = ZoneInfo("Europe/Amsterdam")
# 13:02 on the fair's first day in Enschede: 12:02 UTC.
FAIR_MOMENT = datetime(2026, 2, 18, 13, 2, 30, tzinfo=ZONE).astimezone(UTC)
PHONE_ADDRESS = "203.0.113.7"


def _down(*args, **kwargs):
    raise OperationalError("INSERT …", {}, Exception("database is locked"))


def _broken(*args, **kwargs):
    raise RuntimeError("a bug nobody foresaw")


@pytest.fixture
def counts(app, db, monkeypatch):
    """This app's counts, written at every chance (no wait between writes); forgotten after."""
    monkeypatch.setattr(scan_errors, "FLUSH_SECONDS", 0)
    return app.extensions[scan_errors.EXTENSION]


@pytest.fixture
def fair(make, clock):
    """An edition, a pin of it, a stand, and the clock at 13:02 on its first day."""
    event = make.event()
    clock(FAIR_MOMENT)
    return event, make.pin_codes(event, size=1)[0], make.stand(event=event)


def _table(db) -> list[tuple]:
    db.session.rollback()  # read what others committed since
    rows = db.session.execute(
        select(ScanPathError.minute, ScanPathError.door, ScanPathError.status, ScanPathError.count)
    ).all()
    return sorted(tuple(row) for row in rows)


def test_a_pin_scan_while_the_database_is_down_is_counted_written_later_and_shown_live(
    app, client, db, make, counts, fair, monkeypatch
):
    event, code, _ = fair
    dashboard_sign_in(client, make.token("organiser"))
    phone = client_as(app)
    recorder = app.extensions[SCANS]
    with monkeypatch.context() as outage:
        outage.setattr(recorder, "record", _down)
        for _ in range(3):
            assert phone.get(f"/p/{code}").status_code == 503
        assert phone.get(f"/P/{code}").status_code == 503
    # Nothing could be written while it was down; the counts wait in the process.
    assert _table(db) == []
    minute = FAIR_MOMENT.replace(second=0)
    assert counts.waiting() == {(minute, "pin", 503): 4}
    # Back: the next answer writes them.
    assert phone.get(f"/p/{code}").status_code == 302  # the lane's own answer: no Flask
    assert phone.get(f"/l/{code}").status_code == 200
    assert _table(db) == [(minute, "pin", 503, 4)]
    assert counts.waiting() == {}
    # The organisers see it, flagged, at the edition's wall clock.
    url = f"/console/{event.slug}/live"
    english = client.get(url + "?lang=en").get_data(as_text=True)
    dutch = client.get(url + "?lang=nl").get_data(as_text=True)
    line = re.search(
        r'<tr data-testid="server-error" data-door="pin" data-status="503">.*?</tr>', english
    )
    assert line is not None
    assert "Server errors: pin URL, 503" in line[0]
    assert '<span data-testid="count">4</span> (last at 1:02\u202fPM)' in line[0]
    assert "Serverfouten: pin-URL, 503" in dutch and "laatst om 13:02" in dutch
    assert 'data-testid="all-well"' not in english
    assert code not in english


def test_with_no_errors_the_page_says_none_and_all_is_well(client, db, make, counts, fair):
    event, _, _ = fair
    dashboard_sign_in(client, make.token("organiser"))
    english = client.get(f"/console/{event.slug}/live?lang=en").get_data(as_text=True)
    assert re.search(r'data-testid="server-errors">none<', english)
    assert 'data-testid="server-error"' not in english
    dutch = client.get(f"/console/{event.slug}/live?lang=nl").get_data(as_text=True)
    assert re.search(r'data-testid="server-errors">geen<', dutch)


def test_a_500_from_an_unexpected_error_is_counted(app, db, counts, fair, monkeypatch):
    _, code, _ = fair
    phone = client_as(app)
    with monkeypatch.context() as bug:
        bug.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # answer as in production
        bug.setattr(app.extensions[SCANS], "record", _broken)
        bug.setattr(journey, "visit_landing", _broken)
        assert phone.get(f"/p/{code}").status_code == 500
        assert phone.get(f"/l/{code}").status_code == 500
    assert phone.get("/privacy").status_code == 200  # any answer writes them
    minute = FAIR_MOMENT.replace(second=0)
    assert _table(db) == [(minute, "landing", 500, 1), (minute, "pin", 500, 1)]


def test_refusals_and_errors_off_the_scan_path_are_not_counted(
    app, client, db, counts, fair, auth, monkeypatch
):
    _, code, stand = fair
    phone = client_as(app)
    assert phone.get("/p/ABCDEFGHJK").status_code == 404  # an unknown pin
    assert phone.get("/l/ABCDEFGHJK").status_code == 404
    assert phone.get("/s/NOSUCHSTAND").status_code == 404
    assert phone.get(f"/go/{code}?company=x").status_code == 404
    headers = auth("stand", stand)
    refused = client.post(f"/api/v1/stands/{stand.id}/visits", json={}, headers=headers)
    assert refused.status_code == 422
    # A 503 elsewhere (the console's API) is not the scan path's.
    organiser = auth("organiser")
    with monkeypatch.context() as outage:
        outage.setattr(_db.session, "execute", _down)
        assert client.get("/api/v1/events", headers=organiser).status_code == 503
    assert counts.waiting() == {}
    assert phone.get(f"/l/{code}").status_code == 200
    assert _table(db) == []


def _tablet(client, make, stand):
    scanner_sign_in(client, make.token("stand", stand))
    csrf = re.search(r'"csrf": "([^"]+)"', client.get("/scan").get_data(as_text=True))[1]
    return {"X-CSRFToken": csrf}


# Each door, the use case it calls (made to find the database down) and a request to it.
DOORS = {
    "landing": (journey, "visit_landing", lambda c, code, stand, h: c.get(f"/l/{code}")),
    "click": (journey, "click_through", lambda c, code, stand, h: c.get(f"/go/{code}")),
    "survey": (journey, "pin_state", lambda c, code, stand, h: c.get(f"/l/{code}/survey")),
    "stand": (stamps, "poster_stand", lambda c, code, stand, h: c.get(f"/s/{stand.code}")),
    "api": (
        stamps,
        "staff_stamp",
        lambda c, code, stand, h: c.post(
            f"/api/v1/stands/{stand.id}/visits", json={"pin": code}, headers=h
        ),
    ),
    "tablet": (
        stamps,
        "staff_stamp_batch",
        lambda c, code, stand, h: c.post(
            f"/scan/stands/{stand.id}/visits",
            json={"visits": [{"pin": code, "nonce": "n-1", "scanned_at": FAIR_MOMENT.isoformat()}]},
            headers=h,
        ),
    ),
}


@pytest.mark.parametrize("door", sorted(DOORS))
def test_every_door_of_the_scan_path_counts_its_own(
    app, client, db, make, auth, counts, fair, monkeypatch, door
):
    _, code, stand = fair
    module, use_case, ask = DOORS[door]
    headers = _tablet(client, make, stand) if door == "tablet" else auth("stand", stand)
    with monkeypatch.context() as outage:
        outage.setattr(module, use_case, _down)
        assert ask(client, code, stand, headers).status_code == 503
    assert client.get("/privacy").status_code == 200
    assert _table(db) == [(FAIR_MOMENT.replace(second=0), door, 503, 1)]


def test_every_door_is_a_route_and_every_named_door_has_one(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(scan_errors.DOORS) <= endpoints
    assert set(scan_errors.DOORS.values()) == set(SCAN_PATH_DOORS)


def test_while_the_write_fails_the_counts_wait_and_the_answer_is_unspoiled(
    app, db, counts, fair, monkeypatch, tmp_path, caplog
):
    _, code, _ = fair
    phone = client_as(app)
    with monkeypatch.context() as outage:
        outage.setattr(app.extensions[SCANS], "record", _down)
        assert phone.get(f"/p/{code}").status_code == 503
        # Still down for the counts' own connection: a file in a folder that is not there.
        nowhere = create_engine(f"sqlite:///{tmp_path}/gone/speld.sqlite")
        outage.setattr(counts, "engine", nowhere)
        assert phone.get("/privacy").status_code == 200
        assert phone.get(f"/p/{code}").status_code == 503
        assert "Scan path errors not written yet" in caplog.text
        assert sum(counts.waiting().values()) == 2
        nowhere.dispose()
    assert phone.get("/privacy").status_code == 200
    assert _table(db) == [(FAIR_MOMENT.replace(second=0), "pin", 503, 2)]


def test_writes_wait_a_few_seconds_between_them(app, db, fair):
    """At most one write per FLUSH_SECONDS per process: a long outage is not a write per answer."""
    ticks = [100.0]
    counts = scan_errors.ErrorCounts(_db.engine, app.extensions[SCANS].write_turn, lambda: ticks[0])
    counts.count("journey.scan", 503, FAIR_MOMENT)
    assert counts.due
    assert counts.flush() == 1
    counts.count("journey.scan", 503, FAIR_MOMENT)
    assert not counts.due
    ticks[0] += scan_errors.FLUSH_SECONDS
    assert counts.due and counts.flush() == 1
    assert _table(db) == [(FAIR_MOMENT.replace(second=0), "pin", 503, 2)]


# A random sequence of errors over a few minutes, at the doors' endpoints (and some that are
# no door), with any status: written by two workers in random batches.
errors = st.lists(
    st.tuples(
        st.sampled_from([*scan_errors.DOORS, "console.live_page", None]),
        st.sampled_from([400, 404, 429, 500, 502, 503, 504, 599]),
        st.integers(min_value=0, max_value=5 * 60 - 1),  # seconds after the first minute
        st.integers(min_value=0, max_value=1),  # which worker
        st.booleans(),  # whether that worker writes after this one
    ),
    max_size=40,
)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(errors=errors)
def test_the_table_holds_exactly_the_errors_counted_by_every_worker(app, db, errors):
    db.session.execute(delete(ScanPathError))
    db.session.commit()
    turn = app.extensions[SCANS].write_turn
    workers = [scan_errors.ErrorCounts(_db.engine, turn, lambda: 0.0) for _ in range(2)]
    expected = Counter()
    start = FAIR_MOMENT.replace(second=0)
    for endpoint, status, seconds, worker, write in errors:
        when = start + timedelta(seconds=seconds)
        workers[worker].count(endpoint, status, when)
        if endpoint in scan_errors.DOORS and status >= 500:
            expected[
                (start + timedelta(minutes=seconds // 60), scan_errors.DOORS[endpoint], status)
            ] += 1
        if write:
            workers[worker].flush()
    for worker in workers:
        worker.flush()
    assert {(m, d, s): n for m, d, s, n in _table(db)} == dict(expected)
    # The live view's hour adds the minutes up per door and status.
    since = start + timedelta(minutes=5) - timedelta(hours=1)
    lines = scan_errors.recent(since, start + timedelta(minutes=5))
    per_door = Counter()
    for (_, door, status), n in expected.items():
        per_door[(door, status)] += n
    assert {(line.door, line.status): line.count for line in lines} == dict(per_door)


def test_a_row_holds_a_minute_a_door_a_status_and_a_count_nothing_else(
    app, db, counts, fair, monkeypatch
):
    _, code, _ = fair
    phone = client_as(app, ip=PHONE_ADDRESS)
    with monkeypatch.context() as outage:
        outage.setattr(app.extensions[SCANS], "record", _down)
        assert phone.get(f"/p/{code}?from=poster").status_code == 503
    assert phone.get("/privacy").status_code == 200
    assert set(ScanPathError.__table__.columns.keys()) == {"minute", "door", "status", "count"}
    (row,) = _table(db)
    said = repr(row)
    assert code not in said and PHONE_ADDRESS not in said and "iPhone" not in said
    assert row[0].second == 0 and row[0].microsecond == 0


def test_retention_deletes_counts_older_than_a_month(db):
    now = FAIR_MOMENT
    for days in (SCAN_ERROR_DAYS + 1, SCAN_ERROR_DAYS - 1):
        db.session.add(
            ScanPathError(
                minute=now.replace(second=0) - timedelta(days=days), door="pin", status=503, count=3
            )
        )
    db.session.commit()
    assert apply_retention(now, 7, apply=False).scan_errors == 1
    assert apply_retention(now, 7, apply=True).scan_errors == 1
    assert len(_table(db)) == 1
    assert apply_retention(now, 7, apply=True).scan_errors == 0


def test_the_retention_command_says_what_it_deletes(db, runner):
    old = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(days=SCAN_ERROR_DAYS + 1)
    db.session.add(ScanPathError(minute=old, door="tablet", status=500, count=1))
    db.session.commit()
    said = f"scan path error counts older than {SCAN_ERROR_DAYS} days deleted"
    dry = runner.invoke(args=["speld", "retention", "--dry-run"])
    assert dry.exit_code == 0 and f"{said}: 1" in dry.output
    assert len(_table(db)) == 1
    applied = runner.invoke(args=["speld", "retention", "--apply"])
    assert applied.exit_code == 0 and f"{said}: 1" in applied.output
    assert _table(db) == []
