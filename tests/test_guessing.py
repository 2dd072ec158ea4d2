"""The guessing brake: a guesser's cost stays the guesser's, and a valid pin is never refused.

Every test plays time from the ``clock`` fixture (a minute before midnight UTC),
never the wall clock, and runs on SQLite and on PostgreSQL (``DATABASE_URL``).
"""

import time
from contextlib import contextmanager
from datetime import timedelta
from ipaddress import IPv4Address, IPv6Address

import pytest
from flask import g
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, insert, select

from backend.models import GuessCount, OrphanScan, PortalClick, Scan, Stand, StandVisit
from backend.models import UnknownCodeLookup as Lookup
from backend.services import scans
from backend.services.guessing import network
from backend.services.retention import GUESS_COUNT_DAYS, apply_retention
from backend.services.validation import parse_id
from tests.conftest import client_as
from tests.test_journey_pages import csrf_from
from tests.test_scanner import send, sign_in

LIMIT = 30  # the default UNKNOWN_CODE_LIMIT allows 30 unknown codes a minute


def guess(client, n: int) -> int:
    return client.get(f"/p/ZZZZ{n:05d}").status_code


def brake(app, ip: str):
    """A client at ``ip`` that has used up its unknown codes: its next one is refused."""
    guesser = client_as(app, ip=ip)
    assert [guess(guesser, n) for n in range(LIMIT)] == [404] * LIMIT
    assert guess(guesser, LIMIT) == 429
    return guesser


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def world(make):
    event, stands = make.plaza(stands=2)
    return {"event": event, "stand": stands[0], "codes": make.pin_codes(event, size=40)}


# -- the key: the network, not the day ----------------------------------------------


@given(st.ip_addresses(v=6), st.ip_addresses(v=6))
def test_ipv6_addresses_share_a_count_exactly_when_they_share_their_64(a, b):
    if a.ipv4_mapped or b.ipv4_mapped:
        return  # IPv4 written as IPv6: the next test
    assert (network(str(a)) == network(str(b))) == (int(a) >> 64 == int(b) >> 64)


@given(st.ip_addresses(v=4), st.ip_addresses(v=4))
def test_ipv4_addresses_are_counted_one_by_one_however_they_are_written(a: IPv4Address, b):
    assert network(str(a)) == network(f"::ffff:{a}") == str(a)
    assert (network(str(a)) == network(str(b))) == (a == b)


def test_a_households_64_is_braked_as_one_and_the_next_64_is_not(app, db, clock):
    brake(app, "2001:db8:5:6::1")
    # The same phone with a new privacy address, or another device at home: one count.
    assert guess(client_as(app, ip="2001:db8:5:6:a1b2:c3d4:e5f6:1"), 99) == 429
    assert guess(client_as(app, ip=str(IPv6Address("2001:db8:5:7::1"))), 98) == 404


def test_the_allowance_does_not_start_again_at_midnight_utc(app, db, clock):
    """One unknown code a second from 23:59:30 to 00:00:29: 30 answered, then refused."""
    clock.now = clock.now.replace(second=30)
    guesser = client_as(app, ip="198.51.100.20")
    statuses = []
    for n in range(2 * LIMIT):
        statuses.append(guess(guesser, n))
        clock.now += timedelta(seconds=1)
    assert clock.now.date() != (clock.now - timedelta(minutes=1)).date()
    assert statuses == [404] * LIMIT + [429] * LIMIT
    # The brake lets go once the address has been quiet for its windows.
    clock.now += timedelta(hours=2)
    assert guess(guesser, 999) == 404


# -- a valid pin is never refused ------------------------------------------------------

NO_SURROGATES = st.characters(blacklist_categories=("Cs",))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(company=st.one_of(st.text(NO_SURROGATES, max_size=24), st.integers().map(str)))
def test_a_valid_pins_pages_are_never_refused_whatever_the_address_did(
    app, db, world, clock, company
):
    guesser = client_as(app, ip="192.0.2.44")
    if guess(guesser, 0) != 429:  # the first example brakes the address; it stays braked
        for n in range(LIMIT):
            guess(guesser, n)
    assert guess(guesser, 1) == 429
    pin = world["codes"][0]
    assert guesser.get(f"/p/{pin}").status_code == 302
    assert guesser.get(f"/l/{pin}").status_code == 200
    answer = guesser.get(f"/go/{pin}", query_string={"company": company})
    # A company with a stand at this event sends the student to it; any other is a 404.
    at_the_fair = set(
        db.session.scalars(select(Stand.company_id).where(Stand.event_id == world["event"].id))
    )
    assert answer.status_code == (302 if parse_id(company) in at_the_fair else 404), company
    assert guess(guesser, 1) == 429  # and the address is still braked for unknown codes


# -- every door that answers "is this a pin" is braked alike ---------------------------


def _p(ctx, code):
    return {302: "ok", 404: "unknown", 429: "refused"}[ctx["client"].get(f"/p/{code}").status_code]


def _landing(ctx, code):
    return {200: "ok", 404: "unknown", 429: "refused"}[ctx["client"].get(f"/l/{code}").status_code]


def _click(ctx, code):
    return {302: "ok", 404: "unknown", 429: "refused"}[ctx["client"].get(f"/go/{code}").status_code]


def _poster_typed(ctx, code):
    client, stand = ctx["client"], ctx["world"]["stand"]
    form = client.get(f"/s/{stand.code}")
    done = client.post(f"/s/{stand.code}", data={"pin": code, "csrf_token": csrf_from(form)})
    return {200: "ok", 404: "unknown", 429: "refused"}[done.status_code]


def _api_pin(ctx, code):
    answer = ctx["client"].get(f"/api/v1/pins/{code}")
    return {200: "ok", 404: "unknown", 429: "refused"}[answer.status_code]


def _api_visit(ctx, code):
    stand = ctx["world"]["stand"]
    answer = ctx["client"].post(
        f"/api/v1/stands/{stand.id}/visits", json={"pin": code}, headers=ctx["auth"]
    )
    return {200: "ok", 201: "ok", 404: "unknown", 429: "refused"}[answer.status_code]


BATCH_OUTCOMES = {None: "ok", "pin_not_found": "unknown", "too_many_requests": "refused"}


def _api_batch(ctx, code):
    stand = ctx["world"]["stand"]
    answer = ctx["client"].post(
        f"/api/v1/stands/{stand.id}/visits/batch",
        json={"visits": [{"pin": code}]},
        headers=ctx["auth"],
    )
    assert answer.status_code == 200
    return BATCH_OUTCOMES[(answer.json["results"][0].get("error") or {}).get("code")]


def _scanner(ctx, code):
    answer = send(ctx["client"], ctx["world"]["stand"].id, [{"pin": code}])
    assert answer.status_code == 200
    return BATCH_OUTCOMES[(answer.json["results"][0].get("error") or {}).get("code")]


def _stand_code(ctx, code):
    # A poster's code is the key here: an unknown one counts as an unknown pin does.
    stand = ctx["world"]["stand"]
    poster = stand.code if code in ctx["world"]["codes"] else code
    return {200: "ok", 404: "unknown", 429: "refused"}[
        ctx["client"].get(f"/s/{poster}").status_code
    ]


DOORS = [
    _p,
    _landing,
    _click,
    _poster_typed,
    _stand_code,
    _api_pin,
    _api_visit,
    _api_batch,
    _scanner,
]


@pytest.mark.parametrize("door", DOORS, ids=lambda door: door.__name__.strip("_"))
def test_every_door_that_answers_is_this_a_pin_counts_and_refuses_alike(
    app, db, make, world, clock, door
):
    def at(ip):
        # The test's app context outlives requests, and Flask-WTF keeps a session's CSRF
        # token in its ``g``: a second browser must not be handed the first one's.
        g.pop("csrf_token", None)
        ctx = {"client": client_as(app, ip=ip), "world": world}
        ctx["auth"] = {"Authorization": f"Bearer {make.token('stand', world['stand'])}"}
        if door is _scanner:
            assert sign_in(ctx["client"], make.token("stand", world["stand"])).status_code == 303
        return ctx

    # Braked by the scan lane: this door refuses the address's next unknown code too...
    ctx = at("198.51.100.31")
    brake(app, "198.51.100.31")
    assert door(ctx, "ZZZZ77777") == "refused"
    # ...and never its valid pins.
    assert door(ctx, world["codes"][1]) == "ok"
    # The door counts on its own: its unknown codes use up the same allowance.
    ctx = at("198.51.100.32")
    assert [door(ctx, f"YYYY{n:05d}") for n in range(LIMIT)] == ["unknown"] * LIMIT
    assert _p(ctx, "ZZZZ88888") == "refused"
    assert door(ctx, world["codes"][2]) == "ok"


def test_a_stand_token_tests_no_more_codes_a_request_than_as_many_requests_would(
    app, db, make, world, clock
):
    client = client_as(app, ip="198.51.100.40")
    stand = world["stand"]
    visits = [{"pin": f"ZZZZ{n:05d}"} for n in range(LIMIT + 10)]
    visits.insert(17, {"pin": world["codes"][5]})
    answer = client.post(
        f"/api/v1/stands/{stand.id}/visits/batch",
        json={"visits": visits},
        headers={"Authorization": f"Bearer {make.token('stand', stand)}"},
    )
    assert answer.status_code == 200
    results = answer.json["results"]
    assert results[17]["status"] == "created"  # the student's pin, among the guesses
    codes = [r["error"]["code"] for r in results if r["status"] == "refused"]
    assert codes == ["pin_not_found"] * LIMIT + ["too_many_requests"] * 10
    assert results[-1]["error"]["message"].startswith("Too many unknown codes")
    assert count(db, StandVisit) == 1
    assert count(db, Lookup, Lookup.refused) == 10


# -- the guesser's history costs the guesser, not the students -------------------------


def an_hours_history(db, app, address: str, now, per_second: int = 166):
    """What an hour of a fast guesser leaves: the funnel's rows and the brake's counts.

    Written in bulk (600,000 requests would take this test an hour); the rows are the
    ones the brake and the lane write for each guess.
    """
    brake_ = app.extensions[scans.EXTENSION].brake
    key = brake_.key(address)
    start = int(now.timestamp()) // 60 * 60 - 3600
    counts = [
        {
            "source_hash": key,
            "window_seconds": 60,
            "window_start": start + 60 * m,
            "lookups": 60 * per_second,
        }
        for m in range(61)
    ]
    counts += [
        {
            "source_hash": key,
            "window_seconds": 3600,
            "window_start": s,
            "lookups": 3600 * per_second,
        }
        for s in {start // 3600 * 3600, (start + 3600) // 3600 * 3600}
    ]
    db.session.execute(insert(GuessCount), counts)
    rows = 60_000  # a tenth of an hour at 166 a second: enough to make a COUNT(*) crawl
    when = [now - timedelta(seconds=3600 * n / rows) for n in range(rows)]
    db.session.execute(insert(Lookup), [{"looked_up_at": t, "refused": True} for t in when])
    db.session.execute(
        insert(OrphanScan),
        [
            {"scanned_at": t, "path": "/p/ZZZZZZZZ", "kind": "human", "device_class": "mobile"}
            for t in when
        ],
    )
    db.session.commit()


@contextmanager
def statements(engine):
    """The SQL the engine runs inside the block, with whether the write turn was held."""
    seen = []

    def before(conn, cursor, sql, params, context, executemany):
        seen.append(" ".join(sql.split()))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def test_the_brakes_check_reads_the_same_few_rows_after_an_hour_of_guessing(app, db, clock):
    guesser, fresh = "192.0.2.50", "192.0.2.51"
    an_hours_history(db, app, guesser, clock.now)
    recorder = app.extensions[scans.EXTENSION]
    with statements(db.engine) as with_history:
        assert recorder.brake.refuses(guesser, clock.now)
    with statements(db.engine) as without:
        assert not recorder.brake.refuses(fresh, clock.now)
    # The same statements, none of them over the log of lookups or the orphan scans.
    assert with_history == without
    reads = [sql for sql in with_history if sql.startswith("SELECT")]
    assert len(reads) == 1 and "guess_counts" in reads[0]
    assert "unknown_code_lookups" not in reads[0] and "orphan_scans" not in reads[0]

    # And as fast: a refused guess after an hour of guessing costs what a fresh
    # address's first guess costs. Side by side, and the quickest of each: the machine's
    # other work only ever adds time, so the minimum is what the check itself costs.
    def seconds(address, n):
        began = time.perf_counter()
        recorder.brake.refuses(address, clock.now)
        return time.perf_counter() - began

    pairs = [(seconds(guesser, n), seconds(f"192.0.2.{60 + n}", n)) for n in range(45)][5:]
    braked, first = (min(side) for side in zip(*pairs, strict=True))
    assert braked < 2 * first + 0.001, (braked, first)


def test_the_check_runs_before_the_write_turn_and_a_guess_writes_in_one_short_turn(
    app, db, clock, monkeypatch
):
    recorder = app.extensions[scans.EXTENSION]
    held = []
    turn = recorder.brake.write_turn

    @contextmanager
    def watched():
        with turn():
            held.append(True)
            try:
                yield
            finally:
                held.pop()

    monkeypatch.setattr(recorder.brake, "write_turn", watched)
    log = []

    def before(conn, cursor, sql, params, context, executemany):
        log.append((sql.split()[0], "guess_counts" in sql, bool(held)))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        recorder.brake.refuses("192.0.2.70", clock.now)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    brake_sql = [(verb, held_) for verb, counts, held_ in log if counts]
    assert ("SELECT", False) in brake_sql  # the count: read with no turn held
    assert [held_ for verb, held_ in brake_sql if verb == "INSERT"] == [True]  # one upsert


def test_a_valid_scan_from_a_guessers_address_never_touches_the_brake(app, db, world, clock):
    guesser = "192.0.2.80"
    an_hours_history(db, app, guesser, clock.now)
    pin = world["codes"][3]
    with statements(db.engine) as seen:
        assert client_as(app, ip=guesser).get(f"/p/{pin}").status_code == 302
    assert seen and not [sql for sql in seen if "guess_counts" in sql or "lookups" in sql]
    assert count(db, Scan) == 1


# -- retention ------------------------------------------------------------------------


def test_retention_deletes_the_brakes_counts_once_no_window_can_read_them(app, db, clock):
    recorder = app.extensions[scans.EXTENSION]
    now = clock.now
    recorder.brake.refuses("192.0.2.90", now - timedelta(days=GUESS_COUNT_DAYS, minutes=1))
    recorder.brake.refuses("192.0.2.90", now - timedelta(days=1))
    recorder.brake.refuses("192.0.2.91", now - timedelta(minutes=5))
    assert count(db, GuessCount) == 6  # a minute's and an hour's count per lookup

    dry = apply_retention(now, 7, apply=False)
    assert dry.guess_counts == 2 and count(db, GuessCount) == 6
    done = apply_retention(now, 7, apply=True)
    assert done.guess_counts == 2
    db.session.expire_all()
    cut = int((now - timedelta(days=GUESS_COUNT_DAYS)).timestamp())
    starts = db.session.scalars(select(GuessCount.window_start)).all()
    assert len(starts) == 4 and min(starts) >= cut
    assert apply_retention(now, 7, apply=True).guess_counts == 0
    # The funnel's lookups (when, and whether refused: no address) all stay.
    assert count(db, Lookup) == 3
    # The recent count still brakes as before.
    assert not recorder.brake.refuses("192.0.2.91", now)


def test_a_click_is_recorded_for_a_valid_pin_from_a_braked_address(app, db, world, clock):
    guesser = brake(app, "192.0.2.99")
    own = world["stand"].company_id
    assert guesser.get(f"/go/{world['codes'][4]}?company={own}").status_code == 302
    assert count(db, PortalClick) == 1
