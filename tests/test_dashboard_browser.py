"""The dashboard in a laptop's headless Chromium: sign in, read the figures, print it on A4."""

import pypdfium2
from playwright.sync_api import expect

from backend.models.types import utcnow
from backend.pages.charts import percent
from backend.services import scans
from backend.services.scans import Visitor
from backend.services.simulation import simulate
from exports.scope import Filters
from exports.suppression import SUPPRESS_BELOW
from tests.test_funnel import read_funnel

LAPTOP = {"width": 1366, "height": 900}
A4_POINTS = (595.3, 841.9)


def test_dashboard_on_a_laptop_shows_the_funnels_figures_and_prints(
    browser, live_server, make, db, screenshots
):
    event, _ = make.plaza(stands=8)
    simulate(event.slug, students=120, seed=7)
    token = make.token("viewer")
    context = browser.new_context(viewport=LAPTOP, locale="nl-NL")
    page = context.new_page()

    page.goto(f"{live_server}/dashboard/{event.slug}")
    assert "/dashboard/sign-in" in page.url
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/dashboard/{event.slug}")
    assert token not in page.url and token not in page.content()
    assert page.get_attribute("html", "lang") == "nl"

    figures = read_funnel(event, Filters(), suppress_below=SUPPRESS_BELOW)
    expected = {s["stage"]: s["pins"] for s in figures["stages"]}
    assert expected["scanned"] > 0 and expected["visited_stand"] > 0
    table = {
        row.get_attribute("data-stage"): int(
            row.locator("td").first.inner_text().replace("\u00a0", "")
        )
        for row in page.locator("[data-testid=stages] tr[data-stage]").all()
    }
    assert table == expected
    chart = page.locator("[data-testid=funnel-chart] svg")
    assert chart.get_attribute("role") == "img"
    bars = {
        g.get_attribute("data-key"): (
            g.locator("text[data-value]").get_attribute("data-value"),
            g.locator("text[data-value]").text_content().replace("\u00a0", ""),
            g.locator("text[data-figure=aside]").text_content(),
        )
        for g in chart.locator("g[data-key]").all()
    }
    assert bars == {
        s["stage"]: (str(s["pins"]), str(s["pins"]), percent(s["from_issued"], "nl"))
        for s in figures["stages"]
    }
    excluded = page.locator("[data-testid=excluded] tr[data-figure=bot_scans] td").inner_text()
    assert int(excluded.replace("\u00a0", "")) == figures["excluded"]["bot_scans"]
    named_none = page.locator("[data-testid=named-none]").inner_text()
    assert named_none == percent(figures["awareness"]["named_none_share"], "nl")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screenshots / "1-dashboard-screen-nl.png", full_page=True)

    page.emulate_media(media="print")
    assert not page.locator("form.filters").is_visible()
    assert not page.locator("#downloads").is_visible()
    assert not page.locator(".topbar").is_visible()
    assert chart.is_visible()
    page.screenshot(path=screenshots / "2-dashboard-print-nl.png", full_page=True)
    pdf_path = screenshots / "3-dashboard-a4.pdf"
    page.pdf(path=pdf_path, format="A4", print_background=True)
    pdf = pypdfium2.PdfDocument(pdf_path)
    pages, size = len(pdf), pdf[0].get_size()
    pdf[0].render(scale=1.5).to_pil().save(screenshots / "4-dashboard-a4-page1.png")
    pdf.close()
    assert 1 <= pages <= 6
    assert all(abs(side - a4) < 2 for side, a4 in zip(size, A4_POINTS, strict=True))

    page.emulate_media(media="screen")
    page.click("text=English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#funnel h2")).to_contain_text("Funnel")
    page.wait_for_load_state("load")
    page.screenshot(path=screenshots / "5-dashboard-screen-en.png", full_page=True)
    context.close()


def test_a_selection_too_small_to_show_says_so_in_dutch_and_english(
    browser, live_server, make, screenshots
):
    event, _ = make.plaza(stands=2)
    make.pin_codes(event, size=12, channel="ut-desk")
    for n, code in enumerate(make.pin_codes(event, size=3, channel="roc")):
        student = Visitor("human", "mobile", "iOS", f"visitor-{n}")
        scans.recorder().record(code, f"/p/{code}", student, utcnow())
    context = browser.new_context(viewport=LAPTOP, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{live_server}/dashboard/sign-in")
    page.fill("#token", make.token("viewer"))
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/dashboard/")

    page.goto(f"{live_server}/dashboard/{event.slug}?channel=roc")
    notice = page.locator("[data-testid=too-small]")
    expect(notice).to_contain_text("Te weinig studenten in deze selectie")
    assert page.locator("[data-testid=stages]").count() == 0
    assert page.locator("form.filters").is_visible(), "the reader can widen the selection"
    page.screenshot(path=screenshots / "1-too-small-nl.png", full_page=True)
    page.click("text=English")
    expect(notice).to_contain_text("Too few students in this selection")
    assert page.locator("svg").count() == 0 and page.locator("td.num").count() == 0
    page.screenshot(path=screenshots / "2-too-small-en.png", full_page=True)

    page.goto(f"{live_server}/dashboard/{event.slug}?channel=ut-desk&lang=nl")
    # ut-desk's 12 pins against roc's 3: its row would give roc's issued away (15 - 12).
    expect(notice).to_be_visible()
    page.goto(f"{live_server}/dashboard/{event.slug}")
    expect(page.locator("[data-testid=stages] tr[data-stage=issued] td").first).to_have_text("15")
    context.close()
