"""The unprimed survey on a phone in headless Chromium, in Dutch and in English.

A first landing asks Q1 before any company name; that answer is stored
unexposed. A second student visits a stand first: their answer is stored
exposed. After a Twente Plaza stamp and the configured time the follow-up
question appears on the landing page, once; the organiser's funnel counts
the unexposed and exposed answers apart and the pin that answered both as a pair.
"""

import json
import urllib.request

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from backend.models import FollowUpResponse, Pin, SurveyResponse
from tests.test_journey_browser import IPHONE

TEXT = {
    "nl": {
        "locale": "nl-NL",
        "q1": "Hoeveel Twentse bedrijven kon je noemen vóór Business Days?",
        "q2": "Welke van deze Twente Plaza-bedrijven kende je al?",
        "none": "Geen",
        "send": "Versturen",
        "thanks": "Bedankt! Je antwoord is opgeslagen.",
        "stamped": "Gestempeld!",
        "now": "Hoeveel Twentse bedrijven kun je nu noemen?",
        "follow_up_thanks": "Bedankt voor je antwoord!",
    },
    "en": {
        "locale": "en-GB",
        "q1": "How many Twente companies could you name before Business Days?",
        "q2": "Which of these Twente Plaza companies did you know before?",
        "none": "None",
        "send": "Send",
        "thanks": "Thank you! Your answer is saved.",
        "stamped": "Stamped!",
        "now": "How many Twente companies could you name now?",
        "follow_up_thanks": "Thank you for your answer!",
    },
}


def answer_of(db, code) -> SurveyResponse:
    db.session.expire_all()
    return db.session.scalar(
        select(SurveyResponse).join(Pin, Pin.id == SurveyResponse.pin_id).where(Pin.code == code)
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_survey_is_unprimed_and_follows_up_once(
    app, browser, live_server, make, db, screenshots, monkeypatch, lang
):
    text = TEXT[lang]
    event, plaza = make.plaza(stands=16)
    first, second = make.pin_codes(event, size=2)
    names = [stand.company.name for stand in plaza]
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        user_agent=IPHONE,
        locale=text["locale"],
    )
    page = context.new_page()

    # 1. A first landing: Q1 alone, no company name anywhere on the page.
    page.goto(f"{live_server}/P/{first}")
    expect(page.locator("h1")).to_have_text(text["q1"])
    assert page.get_attribute("html", "lang") == lang
    shown = page.content()
    assert not [name for name in names if name in shown]
    page.screenshot(path=screenshots / f"1-q1-{lang}.png", full_page=True)
    page.get_by_role("button", name=text["none"], exact=True).click()
    expect(page.locator("h1")).to_have_text(text["q2"])
    assert all(name in page.inner_text("body") for name in names)
    page.screenshot(path=screenshots / f"2-q2-{lang}.png", full_page=True)
    page.check(f"input[name=known_before][value='{plaza[4].company_id}']")
    page.get_by_role("button", name=text["send"]).click()
    expect(page.locator("#survey")).to_contain_text(text["thanks"])
    page.screenshot(path=screenshots / f"3-landing-{lang}.png", full_page=True)
    answer = answer_of(db, first)
    assert (answer.named_before, answer.exposed) == ("0", False)
    assert [c.id for c in answer.known_before] == [plaza[4].company_id]

    # 2. Another student's pin visits a Plaza stand before answering: stored exposed.
    page.goto(f"{live_server}/P/{second}")
    expect(page.locator("h1")).to_have_text(text["q1"])
    page.goto(f"{live_server}/S/{plaza[0].code}")
    expect(page.locator("[data-testid=stamp-result]")).to_contain_text(text["stamped"])
    page.screenshot(path=screenshots / f"4-stamped-{lang}.png", full_page=True)
    page.goto(f"{live_server}/l/{second}")
    expect(page.locator("h1")).to_have_text(text["q1"])  # not answered, not skipped: asked
    page.get_by_role("button", name="1–2").click()
    expect(page.locator("h1")).to_have_text(text["q2"])
    page.get_by_role("button", name=text["send"]).click()
    expect(page.locator("#survey")).to_contain_text(text["thanks"])
    answer = answer_of(db, second)
    assert (answer.named_before, answer.after_stand_visit, answer.exposed) == ("1-2", True, True)
    # The follow-up waits for the configured time after the Plaza stamp (120 minutes).
    assert text["now"] not in page.inner_text("body")

    # 3. The configured time set small, as if it had passed: the follow-up appears, once.
    monkeypatch.setitem(app.config, "FOLLOW_UP_AFTER_MINUTES", 0)
    page.goto(f"{live_server}/l/{second}")
    expect(page.locator("#follow-up")).to_contain_text(text["now"])
    page.screenshot(path=screenshots / f"5-follow-up-{lang}.png", full_page=True)
    page.locator("#follow-up").get_by_role("button", name="3–5").click()
    expect(page.locator("[role=status]").first).to_contain_text(text["follow_up_thanks"])
    assert text["now"] not in page.inner_text("body")
    page.screenshot(path=screenshots / f"6-follow-up-answered-{lang}.png", full_page=True)
    page.goto(f"{live_server}/l/{second}")
    expect(page.locator("#survey")).to_be_visible()
    assert page.locator("#follow-up").count() == 0
    # The first pin has not visited the Plaza yet: no follow-up for it.
    page.goto(f"{live_server}/l/{first}")
    expect(page.locator("#survey")).to_be_visible()
    assert page.locator("#follow-up").count() == 0

    # 4. The first pin (unexposed "none") visits a Plaza stand: asked "now", once; a pair.
    page.goto(f"{live_server}/P/{first}")  # the stand stamps the pin this browser last scanned
    page.goto(f"{live_server}/S/{plaza[1].code}")
    expect(page.locator("[data-testid=stamp-result]")).to_contain_text(text["stamped"])
    page.goto(f"{live_server}/l/{first}")
    page.locator("#follow-up").get_by_role("button", name="3–5").click()
    expect(page.locator("[role=status]").first).to_contain_text(text["follow_up_thanks"])
    context.close()

    db.session.expire_all()
    follow_ups = db.session.execute(
        select(Pin.code, FollowUpResponse.named_now)
        .join(Pin, Pin.id == FollowUpResponse.pin_id)
        .order_by(Pin.code)
    ).all()
    assert follow_ups == sorted([(second, "3-5"), (first, "3-5")])

    # 5. The organiser's funnel, over HTTP: unexposed and exposed apart, the pair counted.
    request = urllib.request.Request(
        f"{live_server}/api/v1/events/{event.slug}/funnel",
        headers={"Authorization": f"Bearer {make.token('organiser')}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        awareness = json.load(response)["awareness"]
    assert awareness["respondents"] == 1  # the first pin's unexposed "none"
    assert awareness["named_none_share"] == 1.0
    assert awareness["exposed"]["respondents"] == 1  # the second pin's "1-2" after a stand
    assert awareness["exposed"]["named_none_share"] == 0.0
    follow_up = awareness["follow_up"]
    # Only the first pin pairs: the second pin's Q1 was exposed, so it is no "before".
    assert (follow_up["pairs"], follow_up["none_before_only"]) == (1, 1)
    assert (follow_up["named_none_before"], follow_up["named_none_now"]) == (1.0, 0.0)
