"""The live view of a running fair: its figures equal plain counts of the tables, its flags, its doors.

The read model (``services/live.py``) is held against counts taken here in Python from
every row, at moments Hypothesis draws across the fair's days; the scanner's state
through its endpoint; the page over HTTP for who may read it and what it says.
"""

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from backend.models import (
    Batch,
    LandingVisit,
    OrphanScan,
    Pin,
    PortalClick,
    Scan,
    Stand,
    StandVisit,
    SurveyResponse,
    TabletState,
    UnknownCodeLookup,
)
from backend.models.types import TWENTE_PLAZA
from backend.services import live, pins
from backend.services.simulation import simulate
from backend.services.stand_scanner import TabletReport, record_state
from tests.test_dashboard import sign_in as dashboard_sign_in
from tests.test_scanner import sign_in as scanner_sign_in

ZONE = ZoneInfo("Europe/Amsterdam")
# The factories' fair: 18 and 19 February 2026, in Enschede.
FIRST_DAY = datetime(2026, 2, 18, tzinfo=ZONE)


@pytest.fixture
def fair_day(make, db):
    """A simulated fair (both days), tablets heard at chosen moments, unknown codes, an idle batch."""
    event, plaza = make.plaza(stands=4)
    make.batch(event, size=2, channel="roc", label="ROC never scanned")
    simulate(event.slug, students=60, seed=11)
    heard = FIRST_DAY.replace(hour=11).astimezone(UTC)
    record_state(plaza[0], TabletReport("tablet-aaaa-0001", 0, "v1"), heard)
    record_state(plaza[1], TabletReport("tablet-bbbb-0002", 7, "v1"), heard + timedelta(minutes=30))
    record_state(plaza[1], TabletReport("tablet-cccc-0003", 2, "v2"), heard - timedelta(hours=3))
    for minutes, refused in ((-50, False), (-20, True), (-5, True), (70, False)):
        db.session.add(
            UnknownCodeLookup(looked_up_at=heard + timedelta(minutes=minutes), refused=refused)
        )
    db.session.commit()
    return event


def _rows(db, event):
    """Every row that might count, as plain tuples: the test's own reading of the tables."""
    batch_of = {
        p.id: b for p, b in db.session.query(Pin, Batch).join(Batch, Batch.id == Pin.batch_id)
    }
    mine = {pin for pin, b in batch_of.items() if b.event_id == event.id}
    return {
        "scans": [s for s in db.session.query(Scan).all() if s.pin_id in mine],
        "landings": [r for r in db.session.query(LandingVisit).all() if r.pin_id in mine],
        "clicks": [r for r in db.session.query(PortalClick).all() if r.pin_id in mine],
        "visits": [r for r in db.session.query(StandVisit).all() if r.pin_id in mine],
        "answers": [r for r in db.session.query(SurveyResponse).all() if r.pin_id in mine],
        "batch_of": batch_of,
    }


def _counted(rows) -> dict[str, list[datetime]]:
    return {
        "scans": [s.scanned_at for s in rows["scans"] if s.kind == "human" and not s.pin_void],
        "landings": [r.visited_at for r in rows["landings"] if r.kind == "human"],
        "clicks": [r.clicked_at for r in rows["clicks"] if r.kind == "human"],
        "visits": [r.visited_at for r in rows["visits"] if not r.is_test],
        "answers": [r.answered_at for r in rows["answers"] if not r.is_test],
    }


MOMENTS = st.integers(min_value=0, max_value=2 * 24 * 60 - 1).map(
    lambda minutes: (FIRST_DAY + timedelta(minutes=minutes, seconds=17)).astimezone(UTC)
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(now=MOMENTS)
def test_the_figures_equal_plain_counts_of_the_tables(fair_day, db, now):
    event = fair_day
    view = live.live_view(event, now)
    rows = _rows(db, event)
    counted = _counted(rows)

    # Two hours of five minutes, the last one holding now; each bucket counted by hand.
    assert len(view.buckets) == 24
    assert view.buckets[-1].start <= now < view.buckets[-1].start + timedelta(minutes=5)
    assert all(b.start.minute % 5 == 0 and b.start.second == 0 for b in view.buckets)
    for bucket in view.buckets:
        end = bucket.start + timedelta(minutes=5)
        for series, moments in counted.items():
            assert bucket.of(series) == sum(bucket.start <= m < end for m in moments), series

    local = now.astimezone(ZONE)
    is_open = local.date() in (date(2026, 2, 18), date(2026, 2, 19)) and 10 <= local.hour < 17
    assert view.open == is_open

    # Tablets: as last heard; silent after 15 minutes, only while the fair is open.
    states = db.session.query(TabletState).all()
    assert {(t.tablet, t.queued, t.version) for t in view.tablets} == {
        (s.tablet, s.queued, s.version) for s in states
    }
    for tablet in view.tablets:
        state = next(s for s in states if s.tablet == tablet.tablet)
        assert tablet.silent == (is_open and now - state.last_heard_at > timedelta(minutes=15))
        day = lambda m: m.astimezone(ZONE).date()  # noqa: E731
        assert tablet.scans_today == sum(
            1
            for v in rows["visits"]
            if v.stand_id == state.stand_id and not v.is_test and day(v.visited_at) == local.date()
        )

    # The Plaza: visits so far and in the last hour; quiet without one in the hour.
    plaza = db.session.query(Stand).filter_by(event_id=event.id, zone=TWENTE_PLAZA).all()
    assert [s.label for s in view.plaza] == sorted(s.label for s in plaza)
    for line in view.plaza:
        stand = next(s for s in plaza if s.label == line.label)
        here = [v.visited_at for v in rows["visits"] if v.stand_id == stand.id and not v.is_test]
        assert line.visits == sum(m <= now for m in here)
        assert line.last_hour == sum(now - timedelta(hours=1) < m <= now for m in here)
        assert line.quiet == (is_open and line.last_hour == 0)

    # Batches and channels: counted scans so far; none by noon of the first day is flagged.
    due = now >= FIRST_DAY.replace(hour=12)
    per_batch: dict[int, int] = {}
    for s in rows["scans"]:
        if s.kind == "human" and not s.pin_void and s.scanned_at <= now:
            batch = rows["batch_of"][s.pin_id].id
            per_batch[batch] = per_batch.get(batch, 0) + 1
    batches = db.session.query(Batch).filter_by(event_id=event.id).all()
    assert {(b.label, b.scans, b.flagged) for b in view.batches} == {
        (b.label, per_batch.get(b.id, 0), due and not per_batch.get(b.id, 0)) for b in batches
    }
    for channel in view.channels:
        mine = [b for b in batches if b.channel == channel.channel]
        assert channel.scans == sum(per_batch.get(b.id, 0) for b in mine)
        assert channel.flagged == (due and channel.scans == 0)

    # Problems of the last hour: counts only.
    hour = lambda m: now - timedelta(hours=1) < m <= now  # noqa: E731
    lookups = [u for u in db.session.query(UnknownCodeLookup).all() if hour(u.looked_up_at)]
    assert view.problems.unknown_codes == len(lookups)
    assert view.problems.refused == sum(u.refused for u in lookups)
    assert view.problems.orphan_scans == sum(
        1 for o in db.session.query(OrphanScan).all() if o.kind == "human" and hour(o.scanned_at)
    )
    assert view.problems.void_scans == sum(
        1 for s in rows["scans"] if s.pin_void and s.kind == "human" and hour(s.scanned_at)
    )
    assert view.problems.ready and view.problems.database_ms is not None


def test_a_tablet_is_silent_after_fifteen_minutes_only_while_the_fair_is_open(make, db):
    event, plaza = make.plaza(stands=1)
    heard = FIRST_DAY.replace(hour=10)
    record_state(plaza[0], TabletReport("tablet-silent-01", 3, "v1"), heard)
    at = lambda minutes: live.tablets(event, heard + timedelta(minutes=minutes), True)  # noqa: E731
    assert [t.silent for t in at(15)] == [False]
    assert [t.silent for t in at(16)] == [True]
    evening = FIRST_DAY.replace(hour=20)
    assert live.fair_open(event, evening) is False
    assert [t.silent for t in live.live_view(event, evening).tablets] == [False]
    assert [t.queued for t in at(16)] == [3]


def test_a_batch_without_scans_is_flagged_from_noon_of_the_first_day(make, db):
    event = make.event()
    make.batch(event, size=2, channel="roc", label="ROC")
    before, noon = FIRST_DAY.replace(hour=11, minute=59), FIRST_DAY.replace(hour=12)
    assert [(b.label, b.flagged) for b in live.batches(event, before)[0]] == [("ROC", False)]
    lines, channels = live.batches(event, noon)
    assert [(b.label, b.flagged) for b in lines] == [("ROC", True)]
    assert [(c.channel, c.scans, c.flagged) for c in channels] == [("roc", 0, True)]


# The scanner's endpoint: the state beside the visits, a heartbeat with none.


@pytest.fixture
def tablet(client, make):
    """A stand tablet signed in on /scan for an edition running today; its CSRF header."""
    event = make.event(
        starts_on=date.today() - timedelta(days=1), ends_on=date.today() + timedelta(days=1)
    )
    stand = make.stand(event=event)
    scanner_sign_in(client, make.token("stand", stand))
    csrf = re.search(r'"csrf": "([^"]+)"', client.get("/scan").get_data(as_text=True))[1]
    return stand, {"X-CSRFToken": csrf}, make.pin_codes(event, size=2)


def test_a_heartbeat_and_a_sync_keep_one_row_per_tablet(client, db, tablet):
    stand, headers, codes = tablet
    url = f"/scan/stands/{stand.id}/visits"
    state = {"tablet": "f00dfeedcafe0001", "queued": 4, "version": "abc123"}
    beat = client.post(url, json={"visits": [], "state": state}, headers=headers)
    assert beat.status_code == 200
    assert beat.get_json() == {"results": [], "today": 0}
    assert db.session.query(StandVisit).count() == 0
    visit = {"pin": codes[0], "nonce": "n-1", "scanned_at": datetime.now(UTC).isoformat()}
    synced = client.post(
        url, json={"visits": [visit], "state": {**state, "queued": 0}}, headers=headers
    )
    assert synced.status_code == 200
    assert [r["status"] for r in synced.get_json()["results"]] == ["created"]
    rows = db.session.query(TabletState).all()
    assert [(r.stand_id, r.tablet, r.queued, r.version) for r in rows] == [
        (stand.id, "f00dfeedcafe0001", 0, "abc123")
    ]
    # The visits alone, as the API's batch, still work and leave the state as it was.
    alone = client.post(url, json={"visits": [{**visit, "nonce": "n-2"}]}, headers=headers)
    assert alone.status_code == 200
    assert db.session.query(TabletState).count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"visits": []},
        {"visits": [], "state": None},
        {"visits": [], "state": "x"},
        {"visits": [], "state": {"tablet": "short", "queued": 0}},
        {"visits": [], "state": {"tablet": "f00dfeedcafe0001", "queued": -1}},
        {"visits": [], "state": {"tablet": "f00dfeedcafe0001", "queued": True}},
        {"visits": [], "state": {"tablet": "f00dfeedcafe0001", "queued": 0, "version": "a b"}},
        {"visits": [], "state": {"tablet": "f00dfeedcafe0001", "queued": 0, "ip": "1.2.3.4"}},
    ],
)
def test_a_bad_state_is_a_422_in_the_envelope_and_stores_nothing(client, db, tablet, body):
    stand, headers, codes = tablet
    response = client.post(f"/scan/stands/{stand.id}/visits", json=body, headers=headers)
    assert response.status_code == 422
    assert set(response.get_json()["error"]) == {"code", "message", "fields"}
    assert db.session.query(TabletState).count() == 0


def test_a_stand_with_only_a_tablet_s_state_can_still_be_removed(make, db):
    from backend.services import stands

    stand = make.stand()
    record_state(stand, TabletReport("tablet-trying-01", 0, ""), FIRST_DAY)
    stands.delete_stand(stand.id)
    assert db.session.query(TabletState).count() == 0


# The page: organisers only, in their language, in the edition's zone.


def test_the_page_is_for_organisers_and_says_its_figures(client, make, db, clock):
    event, plaza = make.plaza(stands=2)
    batch = make.batch(event, size=3, channel="roc", label="ROC dag 1")
    code = next(iter(pins.iter_pin_codes(batch.id)))
    clock(FIRST_DAY.replace(hour=13, minute=2).astimezone(UTC))
    record_state(
        plaza[0], TabletReport("tablet-page-0001", 5, "v9"), clock() - timedelta(minutes=40)
    )
    url = f"/console/{event.slug}/live"
    assert client.get(url).status_code == 302  # signed out: to the sign-in
    dashboard_sign_in(client, make.token("viewer"))
    assert client.get(url).status_code == 403
    dashboard_sign_in(client, make.token("organiser"))
    dutch = client.get(url + "?lang=nl").get_data(as_text=True)
    english = client.get(url + "?lang=en").get_data(as_text=True)
    missing = client.get("/console/no-such-edition/live")
    assert missing.status_code == 404
    # It reloads itself every 30 seconds once asked to, and stops when asked (WCAG 2.2.1).
    assert 'http-equiv="refresh"' not in english
    auto = client.get(url + "?lang=en&auto=1").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="30">' in auto
    assert re.search(
        r'href="[^"]*/live\?lang=en" data-testid="refresh-toggle">Stop refreshing<', auto
    )
    # The edition's wall clock (12:02 UTC), in each language's format.
    assert "13:02:00" in dutch and "1:02:00\u202fPM" in english and "Europe/Amsterdam" in english
    assert 'data-silent="yes"' in english and "Silent for more than 15 minutes" in english
    assert "Meer dan 15 minuten stil" in dutch and "Wacht op netwerk" in dutch
    assert re.search(r'data-testid="queued">5<', english)
    assert "No scan by noon of the first day" in english  # ROC dag 1 has none
    assert code not in english  # a pin's code is nobody's business here
    assert 'data-testid="live-link"' in client.get(f"/console/{event.slug}").get_data(as_text=True)


def _scan(db, pin, at):
    db.session.add(Scan(pin_id=pin.id, scanned_at=at, kind="human", device_class="mobile"))
    db.session.commit()


def _recounted(kept: live.KeptViews, event_id: int) -> None:
    """Wait for the edition's recount; a quick one has left ``recounting`` already."""
    thread = kept.recounting.get(event_id)
    if thread is not None:
        thread.join(timeout=30)
    assert event_id not in kept.recounting


def test_a_kept_view_is_served_while_young_recounted_beside_when_old_counted_when_stale(
    app, make, db, monkeypatch
):
    monkeypatch.setitem(app.config, "LIVE_RECOUNT_SECONDS", 30)
    kept = live.KeptViews(app)  # this test's own: the app's outlives the test
    event = make.event()
    batch = make.batch(event, size=1, label="Desk")
    pin = db.session.scalar(select(Pin).where(Pin.batch_id == batch.id))
    t0 = FIRST_DAY.replace(hour=11).astimezone(UTC)
    scans = lambda view: [b.scans for b in view.batches]  # noqa: E731

    first = kept.view(event, t0)
    assert scans(first) == [0] and first.now == t0
    _scan(db, pin, t0 - timedelta(minutes=1))
    assert kept.view(event, t0 + timedelta(seconds=29)) is first  # young: as it was

    # Old: the kept view is served, and a thread counts it anew as of this request.
    asked = t0 + timedelta(seconds=30)
    assert kept.view(event, asked) is first
    _recounted(kept, event.id)
    recounted = kept.view(event, asked + timedelta(seconds=1))
    assert (scans(recounted), recounted.now) == ([1], asked)
    at_once = live.live_view(event, asked)  # the same figures as counting at once
    assert replace(at_once, problems=None) == replace(recounted, problems=None)

    # Stale (over four times as old), or a clock set back: counted in the request.
    _scan(db, pin, t0)
    late = asked + timedelta(seconds=4 * 30)
    assert (scans(kept.view(event, late)), kept.view(event, late).now) == ([2], late)
    earlier = t0 - timedelta(hours=1)
    assert scans(kept.view(event, earlier)) == [0]


def test_a_recount_that_fails_keeps_the_view_it_had(app, make, db, monkeypatch):
    monkeypatch.setitem(app.config, "LIVE_RECOUNT_SECONDS", 30)
    kept = live.KeptViews(app)
    event = make.event()
    t0 = FIRST_DAY.replace(hour=11).astimezone(UTC)
    first = kept.view(event, t0)

    def database_away(*args):
        raise ConnectionError("the database is away")

    monkeypatch.setattr(live, "live_view", database_away)
    assert kept.view(event, t0 + timedelta(seconds=60)) is first
    _recounted(kept, event.id)
    assert event.id not in kept.recounting and kept.views[event.id] is first


def test_the_page_serves_its_kept_view_and_recounts_it_beside(
    app, client, make, db, clock, monkeypatch
):
    monkeypatch.setitem(app.config, "LIVE_RECOUNT_SECONDS", 30)
    monkeypatch.delitem(app.extensions, "speld.live_views", raising=False)
    event = make.event()
    batch = make.batch(event, size=1, channel="roc", label="ROC")
    pin = db.session.scalar(select(Pin).where(Pin.batch_id == batch.id))
    clock(FIRST_DAY.replace(hour=11).astimezone(UTC))
    dashboard_sign_in(client, make.token("organiser"))
    url = f"/console/{event.slug}/live?lang=en"

    def shown() -> tuple[str, str]:
        page = client.get(url).get_data(as_text=True)
        scans = re.search(r'data-batch="ROC".*?data-testid="scans">(\d+)<', page, re.S)[1]
        return scans, re.search(r'data-testid="as-of">As of ([^,]+),', page)[1]

    try:
        assert shown() == ("0", "11:00:00\u202fAM")
        _scan(db, pin, clock() - timedelta(minutes=1))
        clock.now += timedelta(seconds=45)
        assert shown() == ("0", "11:00:00\u202fAM")  # the kept view, and its time
        _recounted(live.kept_views_of(app), event.id)
        assert shown() == ("1", "11:00:45\u202fAM")  # counted beside, as of the request
    finally:
        app.extensions.pop("speld.live_views", None)
