"""The live view during a simulated fair day, in headless Chromium, in Dutch and English.

The simulation plays the students' day; two stand tablets run the real scanner. Tablet A
scans two pins and is then closed: twenty minutes later the live view flags it as silent.
Tablet B is on a network that lets its small heartbeat through but not its batch: its three
scans wait, and the live view shows them waiting. The organiser reads the page on a phone
(390 px, no sideways scrolling) and a laptop (1366 px); its figures equal counts taken
straight from the tables. The pages' clock is set (``clock``); the tablets' clocks too.
"""

import json
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import false, func, select

from backend.models import (
    Batch,
    LandingVisit,
    Pin,
    PortalClick,
    Scan,
    ScanPathError,
    Stand,
    StandVisit,
    SurveyResponse,
    TabletState,
)
from backend.models.scan_errors import SCAN_PATH_DOORS
from backend.pages import scanner
from backend.services.simulation import simulate
from qr import codes
from tests.test_scanner_browser import WAIT_MS, open_scanner

ZONE = ZoneInfo("Europe/Amsterdam")
# The factories' fair is 18-19 February 2026. Tablet A is last heard at 11:50; the organiser
# looks at 12:10, past noon of the first day, when a batch without a scan is flagged too.
HEARD = datetime(2026, 2, 18, 11, 50, tzinfo=ZONE)
LOOK = HEARD + timedelta(minutes=20)
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

SAID = {
    "nl": {
        "title": "Live: ",
        "silent": "Meer dan 15 minuten stil",
        "no_scan": "Geen scan voor twaalf uur op de eerste dag",
        "open": "De beurs is nu open.",
    },
    "en": {
        "title": "Live: ",
        "silent": "Silent for more than 15 minutes",
        "no_scan": "No scan by noon of the first day",
        "open": "The fair is open now.",
    },
}


def _state(db, tablet_stand_id: int) -> TabletState | None:
    db.session.rollback()  # see what the server committed since
    db.session.expire_all()
    return db.session.scalar(select(TabletState).where(TabletState.stand_id == tablet_stand_id))


def _wait_for(page, what, timeout: float = WAIT_MS / 1000):
    """Until ``what()`` holds; the page's events (its route's handler) are served meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        page.wait_for_timeout(200)  # not time.sleep: Playwright answers routes only while called
    raise AssertionError("waited in vain")


def type_code(page, code: str, state: str) -> None:
    page.fill("#code", codes.display(code))
    page.click("#typed button")
    expect(page.locator("#result")).to_have_attribute("data-state", state, timeout=WAIT_MS)


def _counts(db, event, plaza_a) -> dict:
    """The figures straight from the tables, with SQL written here rather than the read model's.

    So far is up to the moment the organiser looks: the simulation has played both days.
    """
    local = LOOK.astimezone(UTC)
    epoch = int(local.timestamp())
    start = datetime.fromtimestamp(epoch - epoch % 300 - 23 * 300, UTC)
    end = start + timedelta(hours=2)
    pins = select(Pin.id).join(Batch).where(Batch.event_id == event.id)

    def n(model, column, *where):
        return db.session.scalar(
            select(func.count())
            .select_from(model)
            .where(model.pin_id.in_(pins), column >= start, column < end, *where)
        )

    plaza = db.session.scalars(
        select(Stand).where(Stand.event_id == event.id, Stand.zone == "twente-plaza")
    ).all()
    visits = {
        s.label: (
            db.session.scalar(
                select(func.count()).where(
                    StandVisit.stand_id == s.id,
                    StandVisit.is_test == false(),
                    StandVisit.visited_at <= local,
                )
            ),
            db.session.scalar(
                select(func.count()).where(
                    StandVisit.stand_id == s.id,
                    StandVisit.is_test == false(),
                    StandVisit.visited_at > local - timedelta(hours=1),
                    StandVisit.visited_at <= local,
                )
            ),
        )
        for s in plaza
    }
    per_batch = {
        b.label: db.session.scalar(
            select(func.count())
            .select_from(Scan)
            .join(Pin, Pin.id == Scan.pin_id)
            .where(
                Pin.batch_id == b.id,
                Scan.kind == "human",
                Scan.pin_void == false(),
                Scan.scanned_at <= local,
            )
        )
        for b in db.session.scalars(select(Batch).where(Batch.event_id == event.id))
    }
    day_start = datetime(2026, 2, 18, tzinfo=ZONE)
    today = db.session.scalar(
        select(func.count()).where(
            StandVisit.stand_id == plaza_a.id,
            StandVisit.is_test == false(),
            StandVisit.visited_at >= day_start,
            StandVisit.visited_at < day_start + timedelta(days=1),
        )
    )
    return {
        "today": today,
        "totals": {
            "scans": n(Scan, Scan.scanned_at, Scan.kind == "human", Scan.pin_void == false()),
            "landings": n(LandingVisit, LandingVisit.visited_at, LandingVisit.kind == "human"),
            "clicks": n(PortalClick, PortalClick.clicked_at, PortalClick.kind == "human"),
            "visits": n(StandVisit, StandVisit.visited_at, StandVisit.is_test == false()),
            "answers": n(
                SurveyResponse, SurveyResponse.answered_at, SurveyResponse.is_test == false()
            ),
        },
        "plaza": visits,
        "batches": per_batch,
    }


def number(text: str) -> int:
    return int(text.strip().replace(".", "").replace(",", ""))


@pytest.fixture
def fast_heartbeat(monkeypatch):
    monkeypatch.setattr(scanner, "HEARTBEAT_SECONDS", 1)


def test_the_live_view_flags_the_silent_tablet_shows_the_waiting_scans_and_counts_right(
    browser, live_server, make, db, clock, screenshots, fast_heartbeat
):
    event, plaza = make.plaza(stands=3)
    simulate(event.slug, students=120, seed=7)
    pins = make.pin_codes(event, size=5, channel="stand-test")
    tablet_a, tablet_b = plaza[0], plaza[1]

    # Tablet A, 11:50: two scans, then the tablet is closed.
    clock(HEARD.astimezone(UTC))
    context_a, page_a = open_scanner(browser, live_server, make.token("stand", tablet_a), "nl-NL")
    context_a.clock.set_system_time(HEARD)
    type_code(page_a, pins[0], "ok")
    type_code(page_a, pins[1], "ok")
    heard_a = _wait_for(page_a, lambda: _state(db, tablet_a.id))
    assert heard_a.queued == 0 and len(heard_a.version) == 16
    context_a.close()
    time.sleep(1)  # a heartbeat already on its way is answered before the clock moves on
    assert _state(db, tablet_a.id).last_heard_at == HEARD

    # Tablet B, 12:10: its batches do not get through, its heartbeat does.
    clock(LOOK.astimezone(UTC))
    # No service worker: one that controls the page sends its requests past the route.
    context_b, page_b = open_scanner(
        browser, live_server, make.token("stand", tablet_b), "en-GB", service_workers="block"
    )
    # Its own clock runs free: Playwright's set clock holds the page's timers, and with them
    # the heartbeat; nothing of B's reaches the visits, so its scan times do not matter.

    def flaky(route):
        if json.loads(route.request.post_data or "{}").get("visits"):
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page_b.route("**/visits", flaky)

    for count, code in enumerate(pins[2:5], start=1):
        type_code(page_b, code, "queued")
        # Each scan is in the list before the next is typed (the box alone may still show
        # the one before).
        expect(page_b.locator("#recent li[data-status=queued]")).to_have_count(count)
    _wait_for(page_b, lambda: (s := _state(db, tablet_b.id)) is not None and s.queued == 3)
    expect(page_b.get_by_test_id("waiting")).to_have_text("3")
    context_b.close()

    # The database was away for a moment at 12:02: the scan path's doors answered 503s.
    outage = LOOK.astimezone(UTC).replace(minute=2, second=0, microsecond=0)
    for door in SCAN_PATH_DOORS:
        db.session.add(ScanPathError(minute=outage, door=door, status=503, count=1234))
    db.session.commit()

    counts = _counts(db, event, tablet_a)
    secret = make.token("organiser")
    for lang in ("nl", "en"):
        said = SAID[lang]
        for name, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
            context = browser.new_context(
                viewport=viewport, is_mobile=name == "phone", locale=f"{lang}-NL"
            )
            page = context.new_page()
            page.goto(f"{live_server}/dashboard/sign-in")
            page.fill("#token", secret)
            page.click("button[type=submit]")
            page.goto(f"{live_server}/console/{event.slug}?lang={lang}")
            page.get_by_test_id("live-link").click()
            expect(page.locator("h1")).to_contain_text(said["title"] + event.name)
            expect(page.get_by_test_id("open")).to_have_text(said["open"])

            silent = page.locator(f"[data-testid=tablet][data-stand='{tablet_a.label}']")
            expect(silent).to_have_attribute("data-silent", "yes")
            expect(silent).to_contain_text(said["silent"])
            expect(silent.get_by_test_id("queued")).to_have_text("0")
            assert number(silent.get_by_test_id("scans-today").inner_text()) == counts["today"]
            waiting = page.locator(f"[data-testid=tablet][data-stand='{tablet_b.label}']")
            expect(waiting).to_have_attribute("data-silent", "no")
            expect(waiting.get_by_test_id("queued")).to_have_text("3")
            expect(waiting).not_to_contain_text(said["silent"])

            for series, total in counts["totals"].items():
                assert number(page.get_by_test_id(f"total-{series}").inner_text()) == total
                cells = page.locator(f"[data-testid=bucket] td[data-series={series}]")
                assert sum(number(c) for c in cells.all_inner_texts()) == total
            assert counts["totals"]["scans"] > 0 and counts["totals"]["visits"] >= 2
            for label, (so_far, hour) in counts["plaza"].items():
                row = page.locator(f"[data-testid=plaza-stand][data-stand='{label}']")
                assert number(row.get_by_test_id("visits").inner_text()) == so_far
                assert number(row.get_by_test_id("last-hour").inner_text()) == hour
            for label, scans in counts["batches"].items():
                row = page.locator(f"[data-testid=batch][data-batch='{label}']")
                assert number(row.get_by_test_id("scans").inner_text()) == scans
                expect(row).to_have_attribute("data-flagged", "yes" if scans == 0 else "no")
            expect(page.locator("[data-testid=batch][data-flagged=yes]").first).to_contain_text(
                said["no_scan"]
            )

            errors = page.locator("[data-testid=server-error][data-status='503']")
            expect(errors).to_have_count(len(SCAN_PATH_DOORS))
            assert [number(n) for n in errors.get_by_test_id("count").all_inner_texts()] == [
                1234
            ] * len(SCAN_PATH_DOORS)

            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                f"{lang} at {viewport['width']} px scrolls sideways"
            )
            page.screenshot(path=screenshots / f"live-{name}-{lang}.png", full_page=True)
            context.close()
