"""An organiser's second steps in headless Chromium: a stand moved, a stand retired, a form refused.

In Dutch and English, on a phone (390 px) and a laptop (1366 px): the organiser
types a label another stand holds and sees the form again with what they typed
and the reason beside the field, moves the stand to a free label in the main
hall, retires a stand that had visits, and reads a confirmation after each step.
"""

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from backend.models import Stand
from backend.models.types import utcnow
from backend.services import tokens
from backend.services.stamps import staff_stamp
from tests.test_accessibility import describe, serious

VIEWPORTS = {"390": {"width": 390, "height": 844}, "1366": {"width": 1366, "height": 900}}
SAID = {
    "nl": {
        "edit": "Wijzigen",
        "save": "Opslaan",
        "taken": "Deze editie heeft al een stand met dit label of voor dit bedrijf.",
        "label_taken": "Een andere stand in deze editie heeft dit label al.",
        "hall": "Grote zaal",
        "moved": "Stand GZ-01 van Alfa BV opgeslagen.",
        "retire": "Stand uit de beurs nemen",
        "retired": "Stand TP-02 van Beta BV doet niet meer mee; 1 bezoek blijft meetellen.",
    },
    "en": {
        "edit": "Edit",
        "save": "Save",
        "taken": "That edition already has a stand with this label or for this company.",
        "label_taken": "Another stand in this edition has this label.",
        "hall": "Main hall",
        "moved": "Stand GZ-01 of Alfa BV saved.",
        "retire": "Retire the stand",
        "retired": "Stand TP-02 of Beta BV is retired; its 1 visit stays in the figures.",
    },
}


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_organiser_moves_and_retires_stands_and_a_refused_form_keeps_the_typing(
    browser, live_server, make, db, screenshots, lang, size
):
    event = make.event(starts_on=date.today(), ends_on=date.today())
    alfa = make.stand(event=event, label="TP-01", company=make.company(name="Alfa BV"))
    beta = make.stand(event=event, label="TP-02", company=make.company(name="Beta BV"))
    staff_stamp(beta.id, make.pin_codes(event, size=1)[0], utcnow())
    _, secret = tokens.create_token("organiser", "Lead organiser")
    said = SAID[lang]
    context = browser.new_context(
        viewport=VIEWPORTS[size],
        is_mobile=size == "390",
        locale="nl-NL" if lang == "nl" else "en-GB",
    )
    page = context.new_page()
    page.goto(f"{live_server}/dashboard/sign-in")
    page.fill("#token", secret)
    page.click("main button[type=submit]")

    page.goto(f"{live_server}/console/{event.slug}/stands?lang={lang}")
    page.click(f"[aria-label='{said['edit']} TP-01']")
    expect(page.locator("#label")).to_have_value("TP-01")
    page.fill("#label", "TP-02")
    page.fill("#zone", said["hall"])
    page.click(f"main button:has-text('{said['save']}')")
    expect(page.locator("[data-testid=problem]")).to_contain_text(said["taken"])
    # The form again, as typed: nothing to type a second time.
    expect(page.locator("#label")).to_have_value("TP-02")
    expect(page.locator("#label-problem")).to_have_text(said["label_taken"])
    expect(page.locator("#label")).to_have_attribute("aria-describedby", "label-problem")
    expect(page.locator("#zone")).to_have_value(said["hall"])
    expect(page.locator("#company_id option:checked")).to_have_text("Alfa BV")
    page.screenshot(path=screenshots / f"01-refused-{lang}-{size}.png", full_page=True)
    assert not serious(page), describe(serious(page))
    assert _fits(page)

    page.fill("#label", "GZ-01")
    page.click(f"main button:has-text('{said['save']}')")
    expect(page.locator("[data-testid=notice]")).to_have_text(said["moved"])
    others = page.locator("[data-testid=stands-2]")
    expect(others.locator("tr", has_text="Alfa BV")).to_contain_text(said["hall"])
    page.screenshot(path=screenshots / f"02-moved-{lang}-{size}.png", full_page=True)
    assert _fits(page)

    page.click(f"[aria-label='{said['edit']} TP-02']")
    expect(page.locator("[data-testid=visits]")).to_have_text("1")
    page.click(f"main button:has-text('{said['retire']}')")
    expect(page.locator("[data-testid=notice]")).to_have_text(said["retired"])
    expect(page.locator("[data-testid=stands-retired]")).to_contain_text("Beta BV")
    expect(page.locator("[data-testid=stands-1]")).to_have_count(0)  # the Plaza has none left
    page.screenshot(path=screenshots / f"03-retired-{lang}-{size}.png", full_page=True)
    assert not serious(page), describe(serious(page))
    assert _fits(page)
    context.close()

    db.session.expire_all()
    moved, retired = db.session.get(Stand, alfa.id), db.session.get(Stand, beta.id)
    assert (moved.label, moved.zone, moved.retired_at) == ("GZ-01", "main-hall", None)
    assert retired.retired_at is not None and retired.label == "TP-02"
    assert db.session.scalar(select(Stand.code).where(Stand.id == alfa.id)) == alfa.code
