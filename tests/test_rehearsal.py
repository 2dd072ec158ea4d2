"""Rehearsal: the day before the fair, tablets and posters work and say "test, not counted".

One rule for both doors (``stamps.during_the_fair``): a stand visit outside the fair's days,
in the event's time zone, is accepted as a rehearsal, kept apart like staff tests and
reported by the funnel as its own excluded kind. Every moment here is explicit.
"""

import re
from datetime import datetime, timedelta
from html import unescape
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from backend.errors import PinVoid
from backend.models import StandVisit
from backend.services import pins, stamps
from tests.conftest import client_as
from tests.test_dashboard import page, row
from tests.test_dashboard import sign_in as dashboard_sign_in
from tests.test_funnel import read_funnel
from tests.test_scanner import scan, send, sign_in

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# The factories' edition is 18-19 February 2026: the evening before, when tablets are set up.
DAY_BEFORE = datetime(2026, 2, 17, 16, 30, tzinfo=AMSTERDAM)
FAIR_DAY = datetime(2026, 2, 18, 11, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def fair(make):
    event, (stand,) = make.plaza(stands=1)
    return event, stand, make.pin_codes(event, size=3)


def test_a_tablet_scan_and_a_poster_stamp_the_day_before_are_a_rehearsal(make, db, fair):
    event, stand, (tablet_pin, poster_pin, void_pin) = fair
    pins.void_pin(void_pin, "lost", DAY_BEFORE)
    item = {"pin": tablet_pin, "scanned_at": DAY_BEFORE, "nonce": "n1"}
    replay = stamps.staff_stamp_batch(stand.id, [item], DAY_BEFORE)
    poster = stamps.self_stamp(stand.code, poster_pin, False, DAY_BEFORE)

    # Both doors accept, and say it was a rehearsal.
    assert [(r["status"], r["rehearsal"]) for r in replay.results] == [("created", True)]
    assert (poster.created, poster.rehearsal) == (True, True)
    visits = db.session.scalars(select(StandVisit).order_by(StandVisit.id)).all()
    assert [(v.method, v.is_test, v.is_rehearsal) for v in visits] == [
        ("staff", True, True),
        ("self", True, True),
    ]
    # A void pin is refused as void, as on the fair's days: a rehearsal rehearses refusals too.
    with pytest.raises(PinVoid):
        stamps.staff_stamp(stand.id, void_pin, DAY_BEFORE, scanned_at=DAY_BEFORE)
    db.session.rollback()

    figures = read_funnel(event)
    assert dict((s["stage"], s["pins"]) for s in figures["stages"])["visited_stand"] == 0
    assert figures["excluded"]["rehearsal_visits"] == 2
    assert figures["excluded"]["test_scans"] == 0
    [stand_row] = [s for s in figures["breakdowns"]["stands"] if s["label"] == stand.label]
    assert (stand_row["pins"], stand_row["registrations"]) == (0, 0)
    assert figures["breakdowns"]["daily"] == []

    # On the fair's day the same pins count, once each; the rehearsal stays beside them.
    again = stamps.staff_stamp_batch(
        stand.id, [{**item, "nonce": "n2", "scanned_at": FAIR_DAY}], FAIR_DAY
    )
    assert [(r["status"], r["rehearsal"]) for r in again.results] == [("created", False)]
    fair_poster = stamps.self_stamp(stand.code, poster_pin, False, FAIR_DAY)
    assert (fair_poster.created, fair_poster.rehearsal) == (True, False)
    figures = read_funnel(event)
    assert dict((s["stage"], s["pins"]) for s in figures["stages"])["visited_stand"] == 2
    assert figures["excluded"]["rehearsal_visits"] == 2


def test_a_scan_made_on_the_fair_day_and_sent_the_day_after_counts(make, db, fair):
    """The moment is when the tablet scanned, not when its queue reached the server."""
    event, stand, (code, *_) = fair
    item = {"pin": code, "scanned_at": FAIR_DAY, "nonce": "late"}
    replay = stamps.staff_stamp_batch(stand.id, [item], FAIR_DAY + timedelta(days=2))
    assert [(r["status"], r["rehearsal"]) for r in replay.results] == [("created", False)]
    assert dict((s["stage"], s["pins"]) for s in read_funnel(event)["stages"])["visited_stand"] == 1


@given(minutes=st.integers(-36 * 60, 84 * 60))
def test_the_fair_days_end_at_local_midnight(minutes):
    """Either side of the local midnights that bound 18-19 February, whatever the offset."""
    event = SimpleNamespace(
        timezone="Europe/Amsterdam",
        starts_on=FAIR_DAY.date(),
        ends_on=FAIR_DAY.date() + timedelta(days=1),
    )
    first = datetime(2026, 2, 18, tzinfo=AMSTERDAM)
    moment = first + timedelta(minutes=minutes)
    inside = 0 <= minutes < 48 * 60
    assert stamps.during_the_fair(event, moment) is inside
    assert stamps.during_the_fair(event, moment.astimezone(ZoneInfo("UTC"))) is inside


def test_the_poster_page_says_test_not_counted_in_both_languages(app, make, db, fair, clock):
    event, stand, codes = fair
    clock(DAY_BEFORE)
    for code, lang, words in zip(
        codes[:2], ("nl", "en"), ("Test, telt niet mee", "Test, not counted"), strict=True
    ):
        phone = client_as(app)
        phone.get(f"/p/{code}")
        response = phone.get(f"/s/{stand.code}?lang={lang}")
        assert response.status_code == 200
        assert words in response.get_data(as_text=True)
    clock(FAIR_DAY)
    counted = phone.get(f"/s/{stand.code}?lang=en").get_data(as_text=True)
    assert "Stamped!" in counted and "not counted" not in counted
    visits = db.session.scalars(select(StandVisit).order_by(StandVisit.id)).all()
    assert [(v.is_test, v.is_rehearsal) for v in visits] == [(True, True)] * 2 + [(False, False)]


def test_the_scanner_and_the_api_answer_rehearsal(client, make, auth, db, fair, clock):
    event, stand, (first, second, _) = fair
    clock(DAY_BEFORE)
    sign_in(client, make.token("stand", stand))
    page = unescape(client.get("/scan?lang=en").get_data(as_text=True))
    assert "Rehearsal: today is not one of the fair's days" in page
    body = send(client, stand.id, [scan(first, "t1", DAY_BEFORE)]).get_json()
    assert [(r["status"], r["rehearsal"]) for r in body["results"]] == [("created", True)]
    assert body["today"] == 0  # a rehearsal is not one of today's visits
    single = client.post(
        f"/api/v1/stands/{stand.id}/visits",
        json={"pin": second, "scanned_at": DAY_BEFORE.isoformat()},
        headers=auth("stand", stand),
    )
    assert single.status_code == 201
    assert single.json["rehearsal"] is True


def test_the_dashboard_shows_rehearsals_as_their_own_excluded_kind(client, make, db, fair):
    event, stand, (code, *_) = fair
    assert dashboard_sign_in(client, make.token("organiser")).status_code == 303
    stamps.self_stamp(stand.code, code, False, DAY_BEFORE)
    for lang, name in (("nl", "Oefening"), ("en", "Rehearsal")):
        html = page(client, f"/dashboard/{event.slug}?lang={lang}")
        assert row(html, "figure", "rehearsal_visits") == ["1"]
        explained = re.search(r'data-explains="rehearsal_visits">([^<]+)<', html)
        assert explained and len(explained[1]) > 20
        assert name in html
