"""The dashboard in headless Chromium: sign in, read the figures on a laptop and a phone, print A4."""

from datetime import datetime

import pypdfium2
import pytest
from playwright.sync_api import expect

from backend.models.types import utcnow
from backend.pages.charts import percent
from backend.services import scans
from backend.services.scans import Visitor
from backend.services.simulation import simulate
from exports.scope import Filters
from exports.suppression import SUPPRESS_BELOW
from tests.test_charts import full_day
from tests.test_funnel import read_funnel

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
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
        row.get_attribute("data-stage"): int(row.locator("td").first.inner_text().replace(".", ""))
        for row in page.locator("[data-testid=stages] tr[data-stage]").all()
    }
    assert table == expected
    chart = page.locator("[data-testid=funnel-chart] svg.wide")
    assert chart.get_attribute("role") == "img"
    bars = {
        g.get_attribute("data-key"): (
            g.locator("text[data-value]").get_attribute("data-value"),
            g.locator("text[data-value]").text_content().replace(".", ""),
            g.locator("text[data-figure=aside]").text_content(),
        )
        for g in chart.locator("g[data-key]").all()
    }
    assert bars == {
        s["stage"]: (str(s["pins"]), str(s["pins"]), percent(s["from_issued"], "nl"))
        for s in figures["stages"]
    }
    excluded = page.locator("[data-testid=excluded] tr[data-figure=bot_scans] td").inner_text()
    assert int(excluded.replace(".", "")) == figures["excluded"]["bot_scans"]
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


# Every text of every chart the reader can see, where Chromium drew it, relative to its SVG.
CHART_TEXTS = """() => [...document.querySelectorAll('svg.chart')]
  .filter(svg => svg.getBoundingClientRect().width > 0)
  .map(svg => {
    const box = svg.getBoundingClientRect();
    return {
      chart: svg.closest('figure').dataset.testid, width: box.width, height: box.height,
      scale: box.width / svg.viewBox.baseVal.width,
      texts: [...svg.querySelectorAll('text')].map(t => {
        const r = t.getBoundingClientRect();
        return {
          text: t.textContent, label: t.dataset.label || null, day: t.dataset.day || null,
          lines: [...t.querySelectorAll('tspan')].map(s => s.textContent),
          left: r.left - box.left, right: r.right - box.left,
          top: r.top - box.top, bottom: r.bottom - box.top,
          size: parseFloat(getComputedStyle(t).fontSize),
        };
      }),
    };
  })"""
ZONES = {
    "nl": {
        "twente-plaza": "Twente Plaza",
        "main-hall": "Grote zaal",
        "career-lounge": "Carrièrelounge",
    },
    "en": {
        "twente-plaza": "Twente Plaza",
        "main-hall": "Main hall",
        "career-lounge": "Career lounge",
    },
}
EXPLAINED = {
    "nl": ("boven 100% komen", "binnen 30 minuten opnieuw", "Geen mens", "code die niet bestaat"),
    "en": ("exceed 100%", "within 30 minutes", "Not a person", "code that does not exist"),
}


def check_charts(page, lang: str, smallest_font: float) -> set[str]:
    """Every chart label whole and inside its SVG, at a readable size; returns the charts seen."""
    seen = set()
    for chart in page.evaluate(CHART_TEXTS):
        seen.add(chart["chart"])
        for t in chart["texts"]:
            where = (chart["chart"], t["text"])
            assert t["left"] >= -1 and t["right"] <= chart["width"] + 1, where
            assert t["top"] >= -1 and t["bottom"] <= chart["height"] + 1, where
            assert "\u2026" not in t["text"], where
            if t["label"]:  # a wrapped label: its lines are the whole label
                assert " ".join(t["lines"]) == t["label"], where
            if t["day"]:  # a day's name: whole words of its full name, never a cut word
                whole = full_day(datetime.fromisoformat(t["day"]), lang).split()
                words = t["text"].split()
                assert any(whole[n : n + len(words)] == words for n in range(len(whole))), where
            if t["size"] >= 14:
                assert t["size"] * chart["scale"] >= smallest_font, where
    return seen


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_dashboard_reads_alone_on_a_phone_a_laptop_and_a4(
    browser, live_server, make, db, screenshots, lang
):
    event, _ = make.plaza(stands=8)
    make.stand(
        event=event,
        zone="career-lounge",
        company=make.company(name="Twentse Hoogwaardige Kunststofverwerking en Precisiemechanica"),
    )
    simulate(event.slug, students=120, seed=7)
    # A lone hour of scans on a day after the fair: its name once ran off the chart ("di 1 d").
    late = make.pin_codes(event, size=1, channel="ut-desk")[0]
    moment = datetime.fromisoformat("2026-02-20T10:30:00+01:00")
    scans.recorder().record(late, f"/p/{late}", Visitor("human", "mobile", "iOS", "late"), moment)
    token = make.token("organiser")
    figures = read_funnel(event, Filters())
    assert any(s["from_previous"] and s["from_previous"] > 1 for s in figures["stages"])

    for name, viewport, smallest_font in (("phone", PHONE, 11), ("laptop", LAPTOP, 13)):
        context = browser.new_context(viewport=viewport, locale="nl-NL")
        page = context.new_page()
        page.goto(f"{live_server}/dashboard/sign-in")
        page.fill("#token", token)
        page.click("button[type=submit]")
        page.goto(f"{live_server}/dashboard/{event.slug}?lang={lang}")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
        seen = check_charts(page, lang, smallest_font)
        assert seen == {"funnel-chart", "stands-chart", "timeline-chart", None}, seen
        days = page.locator("[data-testid=timeline-chart] svg:visible text[data-day]")
        assert "2026-02-20" in [d.get_attribute("data-day") for d in days.all()], name
        variant = "narrow" if name == "phone" else "wide"
        assert page.locator(f"[data-testid=funnel-chart] svg.{variant}").is_visible()
        # Explanations in place, zones by name, no slug, no column equal to another.
        text = page.locator("main").inner_text()
        for sentence in EXPLAINED[lang]:
            assert sentence in text, (name, sentence)
        assert page.locator("[data-testid=stages-note]").is_visible()
        zones = {
            cell.get_attribute("data-zone"): cell.inner_text()
            for cell in page.locator("[data-testid=stands] td[data-zone]").all()
        }
        assert zones == ZONES[lang]
        assert not any(slug in text for slug in ZONES[lang]), name
        assert page.locator("[data-testid=stands] th").count() == 6
        assert (
            page.locator("[data-testid=filters-applied]")
            .inner_text()
            .startswith("Geen filter" if lang == "nl" else "No filter")
        )
        page.screenshot(path=screenshots / f"{name}-{lang}.png", full_page=True)

        if name == "phone":  # a date filter, once set, says so and offers to clear it
            page.fill("input[name=since]", "2026-02-19")
            page.click("form.filters button[type=submit]")
            chip = page.locator("[data-testid=filters-applied] [data-filter=since]")
            expect(chip).to_contain_text("2026-02-19")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            page.screenshot(path=screenshots / f"{name}-{lang}-date-filter.png")
            chip.locator("a").click()
            expect(chip).to_have_count(0)
            assert page.input_value("input[name=since]") == ""

        if name == "laptop":
            page.emulate_media(media="print")
            assert not page.locator("form.filters").is_visible()
            check_charts(page, lang, 0)
            pdf_path = screenshots / f"a4-{lang}.pdf"
            page.pdf(path=pdf_path, format="A4", print_background=True)
            pdf = pypdfium2.PdfDocument(pdf_path)
            sizes = [pdf[n].get_size() for n in range(len(pdf))]
            for n in range(len(pdf)):
                pdf[n].render(scale=1.5).to_pil().save(screenshots / f"a4-{lang}-page{n + 1}.png")
            pdf.close()
            assert 1 <= len(sizes) <= 8
            for size in sizes:
                assert all(abs(side - a4) < 2 for side, a4 in zip(size, A4_POINTS, strict=True))
        context.close()
