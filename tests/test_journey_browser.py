"""A student's phone in headless Chromium, on slow venue Wi-Fi: scan, read, switch, answer, stamp."""

import time

from playwright.sync_api import expect
from sqlalchemy import select

from backend.models import LandingVisit, Scan, StandVisit, SurveyResponse

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
# Crowded venue Wi-Fi: 400 ms latency, 400 kbit/s each way (bytes per second for DevTools).
SLOW_WIFI = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}
LOAD_BUDGET_SECONDS = 2.5


def test_student_journey_on_a_phone_over_slow_wifi(browser, live_server, make, db, screenshots):
    event, stands = make.plaza(stands=16)
    code = make.pin_codes(event, size=1)[0]
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        user_agent=IPHONE,
        locale="nl-NL",
    )
    page = context.new_page()
    devtools = context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.send("Network.emulateNetworkConditions", SLOW_WIFI)

    started = time.monotonic()
    page.goto(f"{live_server}/P/{code}", wait_until="load")
    load_seconds = time.monotonic() - started
    print(f"\nslow Wi-Fi: pin URL to loaded landing page in {load_seconds:.2f} s")
    assert page.url.endswith(f"/l/{code}")
    assert load_seconds < LOAD_BUDGET_SECONDS
    assert page.get_attribute("html", "lang") == "nl"
    # A first landing asks Q1 first, on its own (tests/test_survey_browser.py for the details).
    expect(page.locator("h1")).to_contain_text("vóór Business Days")
    page.screenshot(path=screenshots / "1-landing-nl.png", full_page=True)

    devtools.send("Network.emulateNetworkConditions", {**SLOW_WIFI, "latency": 0})
    # Clicks start navigations that the throttled network delivers in pieces: `expect` waits
    # for the new page instead of reading a half-parsed one.
    page.click("text=English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("before Business Days")
    page.wait_for_load_state("load")
    page.screenshot(path=screenshots / "2-landing-en.png", full_page=True)

    page.click("button[name=named_before][value='1-2']")
    expect(page.locator("h1")).to_contain_text("Which of these Twente Plaza companies")
    page.check(f"input[name=known_before][value='{stands[3].company_id}']")
    page.click("button[type=submit]")
    expect(page.locator("#survey")).to_contain_text("Thank you!")
    page.wait_for_load_state("load")
    assert "0 of 16 Twente stands visited" in page.inner_text("[data-testid=stamp-progress]")
    page.screenshot(path=screenshots / "3-survey-answered.png", full_page=True)

    page.goto(f"{live_server}/S/{stands[3].code}")
    assert "Stamped!" in page.inner_text("[data-testid=stamp-result]")
    assert "1 of 16 Twente stands visited" in page.inner_text("[data-testid=stamp-progress]")
    page.screenshot(path=screenshots / "4-stamped.png", full_page=True)
    context.close()

    scan = db.session.scalar(select(Scan))
    assert (scan.kind, scan.device_class, scan.is_repeat) == ("human", "mobile", False)
    assert db.session.query(LandingVisit).count() >= 2
    answer = db.session.scalar(select(SurveyResponse))
    assert answer.named_before == "1-2"
    assert [c.id for c in answer.known_before] == [stands[3].company_id]
    visit = db.session.scalar(select(StandVisit))
    assert (visit.stand_id, visit.method) == (stands[3].id, "self")
