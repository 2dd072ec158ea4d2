"""The stand scanner in headless Chromium: a fake camera, the Wi-Fi gone, a revoked card.

Chromium's fake camera plays a Y4M video that the test writes from rendered QR codes, so the
page's real decoder (the vendored ZXing WebAssembly: Chromium on Linux has no native
BarcodeDetector) reads real symbols. What the page shows and what the database holds are
asserted for each scan.
"""

import json
import shutil
import threading
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.exceptions import ServiceUnavailable

from backend.models import ApiToken, StandVisit
from backend.models.types import utcnow
from backend.pages import scanner
from backend.services import tokens
from backend.services.pins import void_pin as make_void
from qr import codes
from qr.render import matrix
from tests.conftest import CHROMIUM_ARGS, need, wifi

BASE = "https://pins.example.org"  # the test app's PUBLIC_BASE_URL, which pins encode
WIDTH, HEIGHT, FPS = 640, 480, 5
WAIT_MS = 30_000
# The evening before the factories' edition (18-19 February 2026), when tablets are set up.
DAY_BEFORE = datetime(
    2026, 2, 17, 16, 30, tzinfo=ZoneInfo("Europe/Amsterdam")
)  # the fake camera loops every 21 s: each expected sight comes within one loop


@contextmanager
def chromium(*args: str):
    """Headless Chromium from Debian with extra command-line flags (e.g. a fake camera)."""
    executable = shutil.which("chromium")
    need(executable is not None, "Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "playwright is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=[*CHROMIUM_ARGS, *args]
        )
        try:
            yield browser
        finally:
            browser.close()


def frame_with_qr(text: str | None) -> Image.Image:
    """A 640x480 camera frame: white, with the QR code of ``text`` in the middle."""
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    if text is not None:
        symbol = matrix(text, "M")
        module = 300 // (symbol.size + 8)
        left = (WIDTH - symbol.size * module) // 2
        top = (HEIGHT - symbol.size * module) // 2
        draw = ImageDraw.Draw(image)
        for x, y, w, h in symbol.rects:
            box = (left + x * module, top + y * module)
            draw.rectangle((*box, box[0] + w * module - 1, box[1] + h * module - 1), fill=0)
    return image


def write_y4m(path, scenes: list[tuple[str | None, float]]) -> None:
    """A Y4M video (4:2:0) of ``(QR text or None, seconds)`` scenes, as Chromium's fake camera reads."""
    chroma = bytes([128]) * (WIDTH * HEIGHT // 2)  # U and V planes: grey
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for text, seconds in scenes:
            frame = b"FRAME\n" + frame_with_qr(text).tobytes() + chroma
            for _ in range(round(seconds * FPS)):
                out.write(frame)


@pytest.fixture
def fair(make):
    """An edition running now (outside its days scans are rehearsals) with a stand and pins."""
    event = make.event(
        starts_on=date.today() - timedelta(days=1), ends_on=date.today() + timedelta(days=1)
    )
    stand = make.stand(event=event, label="TP-07")
    return event, stand, make.pin_codes(event, size=3)


def open_scanner(
    browser, live_server, token: str, locale: str, urls=None, init_script=None, **options
):
    """A tablet that opened the sign-in card's URL; it is signed in when this returns.

    ``urls`` collects every URL the page requests; ``init_script`` runs before the page's own.
    """
    context = browser.new_context(viewport={"width": 800, "height": 1100}, locale=locale, **options)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    urls = [] if urls is None else urls
    page.on("request", lambda request: urls.append(request.url))
    page.csp_violations = []  # the page needs nothing its policy refuses
    page.on(
        "console",
        lambda m: (
            page.csp_violations.append(m.text) if "Content Security Policy" in m.text else None
        ),
    )
    page.goto(f"{live_server}/scan#token={token}")
    expect(page.get_by_test_id("stand")).to_be_visible()
    # The token was posted once; it never appeared in a URL a server or proxy could log.
    assert not [url for url in urls if token in url]
    assert token not in page.url
    return context, page


def expect_result(page, state: str, title: str, code: str = "") -> None:
    result = page.locator("#result")
    expect(result).to_have_attribute("data-state", state, timeout=WAIT_MS)
    expect(page.locator("#result-title")).to_have_text(title, timeout=WAIT_MS)
    expect(page.locator("#result-code")).to_have_text(codes.display(code) if code else "")


def test_a_fake_camera_scans_a_pin_a_repeat_another_editions_pin_and_a_poster(
    live_server, make, db, fair, tmp_path, screenshots
):
    event, stand, (pin, *_) = fair
    other = make.pin_codes(make.event(), size=1)[0]
    video = tmp_path / "camera.y4m"
    write_y4m(
        video,
        [
            (None, 1),
            (codes.pin_url(BASE, pin), 2),
            (None, 3),
            (codes.pin_url(BASE, pin), 2),
            (None, 3),
            (codes.pin_url(BASE, other), 2),
            (None, 3),
            (codes.stand_url(BASE, stand.code), 2),
            (None, 3),
        ],
    )
    camera = (
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    )
    with chromium(*camera) as browser:
        urls = []
        context, page = open_scanner(
            browser, live_server, make.token("stand", stand), "nl-NL", urls, permissions=["camera"]
        )
        expect(page.locator("#camera")).to_be_visible()
        expect_result(page, "ok", "Geregistreerd", pin)
        page.screenshot(path=screenshots / "1-registered-nl.png")
        expect_result(page, "repeat", "Al geregistreerd", pin)
        page.screenshot(path=screenshots / "2-already-registered-nl.png")
        expect_result(page, "bad", "Geen pin van deze editie", other)
        page.screenshot(path=screenshots / "3-other-edition-nl.png")
        expect_result(page, "bad", "Dit is een standposter, geen pin")
        page.screenshot(path=screenshots / "4-poster-nl.png", full_page=True)
        rows = page.locator("#recent li")
        assert [
            (rows.nth(i).get_attribute("data-status"), rows.nth(i).get_attribute("data-pin"))
            for i in range(3)
        ] == [("refused", other), ("exists", pin), ("created", pin)]
        expect(rows.nth(0)).to_contain_text("Geen pin van deze editie")
        expect(page.get_by_test_id("today")).to_have_text("1")
        expect(page.locator("#banner")).to_be_hidden()
        assert page.csp_violations == []
        assert all(url.startswith(live_server) for url in urls)  # nothing leaves Speld
        context.close()
    [visit] = db.session.scalars(select(StandVisit)).all()
    assert (visit.stand_id, visit.method, visit.is_test) == (stand.id, "staff", False)
    assert visit.pin_id == db.session.scalar(select(StandVisit.pin_id))
    assert visit.nonce and len(visit.nonce) == 32
    assert visit.visited_at <= visit.recorded_at < utcnow()


def visits_by_pin(db) -> dict:
    db.session.expire_all()
    return {v.pin_id: v for v in db.session.scalars(select(StandVisit))}


def test_offline_scans_wait_survive_a_reload_and_sync_once_with_their_scan_times(
    browser, live_server, make, db, fair, screenshots
):
    event, stand, pins = fair
    context, page = open_scanner(browser, live_server, make.token("stand", stand), "en-GB")
    # The service worker has cached the page and its files and controls the page.
    page.evaluate(
        """async () => {
            await navigator.serviceWorker.ready;
            while (!navigator.serviceWorker.controller) await new Promise((r) => setTimeout(r, 50));
        }"""
    )
    sent = []
    page.on(
        "requestfinished",
        lambda r: sent.append(json.loads(r.post_data)) if r.url.endswith("/visits") else None,
    )

    wifi(context, on=False)
    typed_between = []
    for count, code in enumerate(pins, start=1):
        before = utcnow()
        page.fill("#code", codes.display(code).lower())
        page.click("#typed button")
        expect(page.get_by_test_id("waiting")).to_have_text(str(count))
        typed_between.append((before, utcnow()))
        time.sleep(0.3)  # scan times a moment apart, as at a stand
    expect_result(page, "queued", "Saved; sent when the network is back", pins[-1])
    expect(page.locator("#banner")).to_have_text("Offline: scans are kept on this tablet.")
    page.screenshot(path=screenshots / "1-offline-three-waiting-en.png", full_page=True)
    assert db.session.query(StandVisit).count() == 0

    reloaded = page.reload()  # still offline: the service worker serves the page and files
    assert reloaded.from_service_worker
    expect(page.get_by_test_id("stand")).to_be_visible()
    expect(page.get_by_test_id("waiting")).to_have_text("3")
    expect(page.locator("#recent li[data-status=queued]")).to_have_count(3)
    page.screenshot(path=screenshots / "2-offline-after-reload-en.png", full_page=True)
    assert db.session.query(StandVisit).count() == 0

    online_at = utcnow()
    wifi(context, on=True)
    expect(page.get_by_test_id("waiting")).to_have_text("0", timeout=WAIT_MS)
    expect(page.locator("#recent li[data-status=created]")).to_have_count(3)
    expect(page.get_by_test_id("today")).to_have_text("3")
    page.screenshot(path=screenshots / "3-synced-en.png", full_page=True)
    # Synced once: one batch with the three scans, their nonces and scan times. The other
    # requests are heartbeats: no scans, only the tablet's state (docs/scanner.md).
    heartbeats = [body for body in sent if not body["visits"]]
    sent = [body for body in sent if body["visits"]]
    assert len(sent) == 1 and len(sent[0]["visits"]) == 3
    assert sent[0]["state"]["queued"] == 0  # none left waiting once the batch is answered
    assert heartbeats and {body["state"]["tablet"] for body in heartbeats} == {
        sent[0]["state"]["tablet"]
    }
    visits = visits_by_pin(db)
    assert len(visits) == 3
    for (before, after), item in zip(typed_between, sent[0]["visits"], strict=True):
        visit = next(v for v in visits.values() if v.nonce == item["nonce"])
        # The scan time is when it was typed, not when it reached the server.
        assert before - timedelta(seconds=1) <= visit.visited_at <= after
        assert visit.visited_at < online_at <= visit.recorded_at

    # Replaying the very batch (an answer lost on the way back) changes nothing.
    replay = page.evaluate(
        """async (body) => {
            const config = JSON.parse(document.getElementById("speld-config").textContent);
            const response = await fetch(config.visitsUrl, {method: "POST", body,
                headers: {"Content-Type": "application/json", "X-CSRFToken": config.csrf}});
            return response.json();
        }""",
        json.dumps(sent[0]),
    )
    assert [r["status"] for r in replay["results"]] == ["exists"] * 3
    again = visits_by_pin(db)
    assert {k: (v.id, v.visited_at, v.recorded_at) for k, v in again.items()} == {
        k: (v.id, v.visited_at, v.recorded_at) for k, v in visits.items()
    }
    context.close()


# The banner of scans kept on a signed-out tablet: the script picks the singular for exactly 1
# and the plural for every other count (0 hides the banner), in the page's language.
UNSENT = {
    ("nl-NL", 1): "1 scan op deze tablet is nog niet verstuurd. Die blijft bewaard",
    ("nl-NL", 2): "2 scans op deze tablet zijn nog niet verstuurd. Ze blijven bewaard",
    ("en-GB", 1): "1 scan on this tablet has not been sent. It is kept",
    ("en-GB", 2): "2 scans on this tablet have not been sent. They are kept",
}


@pytest.mark.parametrize(("locale", "kept"), list(UNSENT))
def test_the_kept_scans_are_counted_in_the_tablet_s_language(
    browser, live_server, make, db, fair, locale, kept
):
    event, stand, pins = fair
    token = make.token("stand", stand)
    context, page = open_scanner(browser, live_server, token, locale)
    expect(page.locator("#unsent")).to_be_hidden()
    wifi(context, on=False)
    for count, code in enumerate(pins[:kept], start=1):
        page.fill("#code", code)
        page.click("#typed button")
        expect(page.get_by_test_id("waiting")).to_have_text(str(count))
    db.session.get(ApiToken, tokens.authenticate(token).id).revoked_at = utcnow()
    db.session.commit()
    wifi(context, on=True)
    expect(page.locator("#unsent")).to_contain_text(UNSENT[locale, kept], timeout=WAIT_MS)
    context.close()


def test_a_revoked_card_stops_registering_and_keeps_the_waiting_scans(
    browser, live_server, make, db, fair, screenshots
):
    event, stand, pins = fair
    token = make.token("stand", stand)
    context, page = open_scanner(browser, live_server, token, "en-GB")
    wifi(context, on=False)
    for count, code in enumerate(pins[:2], start=1):
        page.fill("#code", code)
        page.click("#typed button")
        expect(page.get_by_test_id("waiting")).to_have_text(str(count))
    db.session.get(ApiToken, tokens.authenticate(token).id).revoked_at = utcnow()
    db.session.commit()

    wifi(context, on=True)
    expect(page.locator("#banner")).to_contain_text("its sign-in card was revoked", timeout=WAIT_MS)
    expect(page.locator("#unsent")).to_have_text(
        "2 scans on this tablet have not been sent. They are kept and sent once you sign in "
        "again for this stand."
    )
    expect(page.get_by_test_id("waiting")).to_have_text("2")
    expect(page.locator("#code")).to_be_disabled()
    page.screenshot(path=screenshots / "1-revoked-en.png", full_page=True)
    assert db.session.query(StandVisit).count() == 0

    page.reload()  # the session is over: the sign-in page, which still reports the scans
    expect(page.locator("h1")).to_have_text("Sign this tablet in")
    expect(page.locator("#unsent")).to_contain_text("2 scans on this tablet have not been sent")
    page.screenshot(path=screenshots / "2-signed-out-en.png", full_page=True)

    # A new card for the same stand: the kept scans are sent, with their own scan times.
    page.goto(f"{live_server}/scan#token={make.token('stand', stand)}")
    expect(page.locator("#recent li[data-status=created]")).to_have_count(2, timeout=WAIT_MS)
    expect(page.get_by_test_id("waiting")).to_have_text("0")
    assert len(visits_by_pin(db)) == 2
    context.close()


def test_a_send_that_is_never_answered_does_not_hold_up_the_scans(
    browser, live_server, make, db, fair, monkeypatch
):
    """Wi-Fi that drops mid-request can leave it open for ever: the tablet gives it up."""
    monkeypatch.setattr(scanner, "SEND_TIMEOUT_SECONDS", 2)
    monkeypatch.setattr(scanner, "HEARTBEAT_SECONDS", 1)  # the timer: a retry every second
    event, stand, pins = fair
    context, page = open_scanner(browser, live_server, make.token("stand", stand), "en-GB")
    answered, held, released = scanner.sync_request, [], threading.Event()

    def no_answer_the_first_time(visits, state):
        if visits and not held:
            held.append(len(visits))
            released.wait(WAIT_MS / 1000 + 30)  # longer than the test waits
            raise ServiceUnavailable()  # too late: the tablet is gone; nothing is stored
        return answered(visits, state)

    monkeypatch.setattr(scanner, "sync_request", no_answer_the_first_time)
    try:
        page.fill("#code", pins[0])
        page.click("#typed button")
        expect(page.locator("#recent li[data-status=created]")).to_have_count(1, timeout=WAIT_MS)
        expect(page.get_by_test_id("waiting")).to_have_text("0")
        assert held == [1] and len(visits_by_pin(db)) == 1
    finally:
        released.set()
    context.close()


def test_the_sign_in_page_in_dutch_and_english(browser, live_server, db, screenshots):
    for locale, title in (("nl-NL", "Tablet aanmelden"), ("en-GB", "Sign this tablet in")):
        context = browser.new_context(viewport={"width": 800, "height": 900}, locale=locale)
        page = context.new_page()
        page.goto(f"{live_server}/scan")
        expect(page.locator("h1")).to_have_text(title)
        page.screenshot(path=screenshots / f"sign-in-{locale[:2]}.png")
        page.goto(f"{live_server}/scan#token=spd_not-a-real-token")
        expect(page.get_by_test_id("sign-in-problem")).to_be_visible()
        context.close()


FAKE_CAMERA = ("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream")
# A browser without BarcodeDetector and without WebAssembly, as old ones are.
OLD_BROWSER = "delete window.BarcodeDetector; delete window.WebAssembly;"


@pytest.mark.parametrize(
    ("flags", "permissions", "init_script", "message"),
    [
        (FAKE_CAMERA[:1], [], None, "The camera may not be used."),
        ((), ["camera"], None, "No camera found."),
        (FAKE_CAMERA, ["camera"], OLD_BROWSER, "This browser cannot use the camera"),
    ],
    ids=["permission-denied", "no-camera", "old-browser"],
)
def test_without_a_camera_the_page_says_so_and_typed_codes_still_work(
    live_server, make, db, fair, screenshots, flags, permissions, init_script, message
):
    event, stand, pins = fair
    with chromium(*flags) as browser:
        context, page = open_scanner(
            browser,
            live_server,
            make.token("stand", stand),
            "en-GB",
            init_script=init_script,
            permissions=permissions,
        )
        expect(page.locator("#banner")).to_contain_text(message, timeout=WAIT_MS)
        expect(page.locator("#camera")).to_be_hidden()
        page.fill("#code", codes.display(pins[0]).replace("0", "O"))
        page.click("#typed button")
        expect_result(page, "ok", "Registered", pins[0])
        posts = []
        page.on("request", lambda r: posts.append(r) if r.method == "POST" else None)
        page.fill("#code", pins[1][:-1] + ("0" if pins[1][-1] != "0" else "1"))
        page.click("#typed button")
        expect_result(page, "bad", "That code is wrong: check the characters")
        assert posts == []  # the check character caught the typo: nothing was sent
        page.screenshot(path=screenshots / "typed-code-only-en.png")
        context.close()
    assert db.session.query(StandVisit).count() == 1


def type_code(page, code: str) -> None:
    page.fill("#code", code)
    page.click("#typed button")


@pytest.mark.parametrize(
    ("locale", "texts"),
    [
        (
            "nl-NL",
            (
                "Test, telt niet mee",
                "Al geregistreerd (test, telt niet mee)",
                "Deze pin is ingetrokken",
            ),
        ),
        (
            "en-GB",
            (
                "Test, not counted",
                "Already registered (test, not counted)",
                "This pin was withdrawn",
            ),
        ),
    ],
)
def test_the_day_before_the_fair_the_tablet_rehearses(
    browser, live_server, make, db, clock, screenshots, locale, texts
):
    """Scans are accepted and said as "test, not counted"; a void pin is still refused as void."""
    created, again, withdrawn = texts
    event, (stand,) = make.plaza(stands=1)  # 18-19 February 2026
    pin, void_pin = make.pin_codes(event, size=2)
    make_void(void_pin, "lost", DAY_BEFORE)
    clock(DAY_BEFORE)
    context, page = open_scanner(browser, live_server, make.token("stand", stand), locale)
    context.clock.set_system_time(DAY_BEFORE)  # the tablet's clock, which goes on: scanned_at
    page.set_viewport_size({"width": 390, "height": 844})
    # Said before the first scan, so nobody takes a rehearsal for the real thing.
    expect(page.get_by_test_id("rehearsal")).to_contain_text(
        "geen dag van de beurs" if locale == "nl-NL" else "not one of the fair's days"
    )

    type_code(page, pin)
    expect_result(page, "test", created, pin)
    page.screenshot(path=screenshots / f"1-rehearsal-{locale[:2]}.png")
    type_code(page, pin)
    expect_result(page, "test", again, pin)
    type_code(page, void_pin)
    expect_result(page, "bad", withdrawn, void_pin)
    rows = page.locator("#recent li")
    expect(rows.nth(2)).to_contain_text(created)
    expect(rows.nth(0)).to_contain_text(withdrawn)
    expect(page.get_by_test_id("today")).to_have_text("0")
    page.screenshot(path=screenshots / f"2-rehearsal-list-{locale[:2]}.png", full_page=True)
    context.close()
    [visit] = db.session.scalars(select(StandVisit)).all()
    assert (visit.is_test, visit.is_rehearsal) == (True, True)
    assert DAY_BEFORE <= visit.visited_at < DAY_BEFORE + timedelta(minutes=5)


@pytest.mark.parametrize("locale", ["nl-NL", "en-GB"])
def test_a_tablet_stays_signed_in_after_the_browser_restarts(
    browser, live_server, make, db, fair, screenshots, locale
):
    """Closed with two scans waiting, reopened: still signed in, and the scans are sent."""
    event, stand, pins = fair
    context, page = open_scanner(browser, live_server, make.token("stand", stand), locale)
    wifi(context, on=False)
    for count, code in enumerate(pins[:2], start=1):
        type_code(page, code)
        expect(page.get_by_test_id("waiting")).to_have_text(str(count))
    state = context.storage_state(indexed_db=True)
    context.close()
    assert db.session.query(StandVisit).count() == 0

    # A browser that restarts keeps only the cookies that have an expiry.
    kept = {**state, "cookies": [c for c in state["cookies"] if c["expires"] > 0]}
    assert [c["name"] for c in kept["cookies"]] == ["speld_session"]
    restarted = browser.new_context(
        storage_state=kept, locale=locale, viewport={"width": 390, "height": 844}
    )
    page = restarted.new_page()
    page.goto(f"{live_server}/scan")
    expect(page.get_by_test_id("stand")).to_be_visible()
    expect(page.locator("#recent li[data-status=created]")).to_have_count(2, timeout=WAIT_MS)
    expect(page.get_by_test_id("waiting")).to_have_text("0")
    expect(page.locator("#unsent")).to_be_hidden()
    page.screenshot(path=screenshots / f"restarted-{locale[:2]}.png", full_page=True)
    restarted.close()
    assert len(visits_by_pin(db)) == 2


def test_at_arms_length_on_a_phone_codes_stay_whole_refusals_are_red_and_the_camera_in_view(
    live_server, make, db, fair, screenshots
):
    event, stand, pins = fair
    other = make.pin_codes(make.event(), size=1)[0]
    with chromium(*FAKE_CAMERA) as browser:
        for locale in ("nl-NL", "en-GB"):
            context, page = open_scanner(
                browser, live_server, make.token("stand", stand), locale, permissions=["camera"]
            )
            page.set_viewport_size({"width": 390, "height": 844})
            answered = []
            page.on("response", lambda r, seen=answered: seen.append((r.url, r.status)))
            page.reload()
            expect(page.locator("#camera")).to_be_visible(timeout=WAIT_MS)
            icon = "fetch(document.querySelector('link[rel=icon]').href).then((r) => r.status)"
            assert page.evaluate(icon) == 200  # no more 404 for the favicon on every load
            type_code(page, pins[0])
            expect(page.locator("#result")).not_to_have_attribute("data-state", "idle")
            type_code(page, other)
            expect(page.locator("#result")).to_have_attribute("data-state", "bad")
            wifi(context, on=False)
            type_code(page, pins[1])
            expect(page.locator("#result")).to_have_attribute("data-state", "queued")
            expect(page.locator("#banner")).to_be_visible()
            page.screenshot(path=screenshots / f"1-offline-box-{locale[:2]}.png")
            # The camera's preview starts in the first screen, below the answer, not under it.
            camera = page.locator("#camera").bounding_box()
            assert camera["y"] < 844 / 2, camera
            page.locator("#recent").scroll_into_view_if_needed()
            page.screenshot(path=screenshots / f"2-last-ten-{locale[:2]}.png", full_page=True)
            rows = page.locator("#recent li")
            expect(rows).to_have_count(3)
            for i in range(3):
                code = rows.nth(i).locator(".code")
                height = code.evaluate("e => e.getBoundingClientRect().height")
                line = code.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
                assert height < 1.5 * line, (i, height, line)  # one line: the code never wraps
            refused = page.locator("#recent li[data-status=refused] .status")
            assert refused.evaluate("e => getComputedStyle(e).color") == "rgb(164, 38, 44)"
            assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
            assert [url for url, status in answered if status >= 400] == []  # every file was there
            context.close()
