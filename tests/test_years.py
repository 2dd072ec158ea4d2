"""The years side by side: every edition beside the 2018 baseline, as each one's funnel says it."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from playwright.sync_api import expect

from backend.pages.charts import percent
from backend.services import journey, survey
from backend.services.events import RESERVED_SLUGS
from backend.services.simulation import simulate
from exports import stats
from exports.years import BASELINE_DEFINITIONS, YearPoint, change, change_verdict
from tests.test_dashboard import sign_in
from tests.test_funnel import at, student

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# Three editions, each with its own true share that could name no Twente company.
SHARES = {2025: 0.65, 2026: 0.35, 2027: 0.08}


def three_editions(make, students: int = 160):
    """Three simulated fairs a year apart, oldest first; returns their slugs."""
    slugs = []
    for year, share in SHARES.items():
        event = make.event(
            slug=f"bdt-{year}",
            name=f"Business Days Twente {year}",
            starts_on=date(year, 2, 18),
            ends_on=date(year, 2, 19),
        )
        make.plaza(event=event, stands=4)
        simulate(event.slug, students=students, seed=year, named_none=share)
        slugs.append(event.slug)
    return slugs


def funnel_of(client, headers, slug) -> dict:
    response = client.get(f"/api/v1/events/{slug}/funnel", headers=headers)
    assert response.status_code == 200
    return response.get_json()["awareness"]


def test_the_trend_points_are_the_editions_funnels(client, make, auth):
    slugs = three_editions(make)
    for role in ("organiser", "viewer"):
        trend_equals_funnels(client, auth(role), role, slugs)


def trend_equals_funnels(client, headers, role, slugs):
    response = client.get("/api/v1/years", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    baseline, *editions = body["points"]
    assert baseline["kind"] == "baseline" and baseline["year"] == 2018
    assert baseline["named_none_share"] == 0.35 and baseline["respondents"] == 450
    assert baseline["definitions_version"] == BASELINE_DEFINITIONS
    assert [p["event"] for p in editions] == slugs
    for point in editions:
        funnel = funnel_of(client, headers, point["event"])
        for key in (
            "respondents",
            "named_none_share",
            "named_none_interval",
            "verdict",
            "difference_from_baseline",
            "difference_interval",
        ):
            assert point[key] == funnel[key], (point["event"], key)
        assert point["definitions_version"] == body["definitions_version"]
    # Each change is the next edition's share minus this one's, from the funnels' counts.
    assert [(c["from"], c["to"]) for c in body["changes"]] == [(1, 2), (2, 3)]
    for step in body["changes"]:
        before, after = (
            funnel_of(client, headers, body["points"][i]["event"])
            for i in (step["from"], step["to"])
        )
        none = [
            next(r["respondents"] for r in f["named_before"] if r["answer"] == "0")
            for f in (after, before)
        ]
        assert step["same_definitions"] is True
        if None in none:  # a viewer's count the release hides: no change to show either
            assert step["difference"] is None and step["difference_interval"] is None
            assert step["verdict"] is None
            continue
        interval = stats.newcombe(none[0], after["respondents"], none[1], before["respondents"])
        assert step["difference"] == round(
            none[0] / after["respondents"] - none[1] / before["respondents"], 4
        )
        assert step["difference_interval"] == {
            "low": round(interval.low, 4),
            "high": round(interval.high, 4),
        }
        assert step["verdict"] == change_verdict(interval)
    # The simulated shares fall from 65% to 35% to 8%: the intervals must say so.
    if role == "organiser":
        assert [c["verdict"] for c in body["changes"]] == ["fewer_than_before"] * 2
    assert body["suppressed"]["threshold"] == (5 if role == "viewer" else None)


def test_a_viewer_sees_no_headline_the_funnel_hides(client, make, auth):
    """An edition with too few respondents: its point is hidden, its changes have no figure."""
    for year in (2024, 2025):
        event = make.event(
            slug=f"bdt-{year}", starts_on=date(year, 2, 16), ends_on=date(year, 2, 17)
        )
        make.plaza(event=event, stands=2)
        simulate(event.slug, students=60, seed=year)
    small = make.event(slug="bdt-2028")  # 18 and 19 February 2026
    for code in make.pin_codes(small, size=3):
        journey.visit_landing(code, student(code), at(18, 10))
        survey.answer_survey(code, "0", [], False, at(18, 10, 1))
    viewer = auth("viewer")
    body = client.get("/api/v1/years", headers=viewer).get_json()
    last = body["points"][-1]
    funnel = funnel_of(client, viewer, "bdt-2028")
    assert funnel["named_none_share"] is None and funnel["respondents"] is None
    assert last["hidden"] is True
    assert last["named_none_share"] is None and last["respondents"] is None
    assert body["changes"][-1]["difference"] is None and body["changes"][-1]["verdict"] is None
    exact = client.get("/api/v1/years", headers=auth("organiser")).get_json()
    assert exact["points"][-1]["hidden"] is False


def test_years_need_a_viewer_or_organiser(client, make, auth):
    empty = client.get("/api/v1/years", headers=auth("viewer")).get_json()
    assert [p["kind"] for p in empty["points"]] == ["baseline"] and empty["changes"] == []
    assert client.get("/api/v1/years").status_code == 401
    assert client.get("/api/v1/years", headers=auth("stand")).status_code == 403


def test_the_years_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "YearsOut" in str(paths["/api/v1/years"]["get"]["responses"]["200"])


POINT = st.builds(
    lambda n, k, version: (n, min(k, n), version),
    st.integers(0, 2000),
    st.integers(0, 2000),
    st.sampled_from(["2", "3"]),
)


@given(POINT, POINT)
def test_a_change_is_given_only_between_editions_of_one_definitions_version(first, second):
    def point(n, k, version):
        return YearPoint("edition", "x", "x", 2026, None, version, n, k, None, None, None)

    made = change([point(*first), point(*second)], 0, 1)
    if first[2] != second[2]:
        assert made.same_definitions is False and made.difference is None and made.verdict is None
    elif first[0] == 0 or second[0] == 0:
        assert made.difference is None
    else:
        low, high = made.difference_interval.low, made.difference_interval.high
        assert low - 1e-4 <= made.difference <= high + 1e-4
        assert made.verdict == change_verdict(
            stats.newcombe(second[1], second[0], first[1], first[0])
        )


def test_the_years_page_shows_each_point_as_the_api_does(client, make, auth):
    """Dutch by default, English on request; each row's share and interval as the JSON's."""
    three_editions(make, students=60)
    token = make.token("organiser")  # a viewer's hidden points: the test below
    sign_in(client, token)
    body = client.get("/api/v1/years", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert "De jaren naast elkaar" in client.get("/dashboard/years").get_data(as_text=True)
    for lang in ("nl", "en"):
        page = client.get(f"/dashboard/years?lang={lang}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        assert html.count('<svg class="chart') == 2  # a laptop's and a phone's
        for n, point in enumerate(body["points"]):
            row = html.split(f'<tr data-point="{n}"')[1].split("</tr>")[0]
            assert f">{percent(point['named_none_share'], lang)}<" in row
            low, high = (point["named_none_interval"][end] for end in ("low", "high"))
            assert (
                f"{percent(low, lang)} {'tot' if lang == 'nl' else 'to'} {percent(high, lang)}"
                in row
            )
        for step in body["changes"]:
            assert f'data-change="{step["from"]}-{step["to"]}"' in html
    assert client.get("/dashboard/").get_data(as_text=True).count("/dashboard/years") == 1


def test_the_years_page_asks_for_a_sign_in(client, db):
    response = client.get("/dashboard/years")
    assert response.status_code == 302 and "/dashboard/sign-in" in response.location


def test_the_years_page_in_a_browser_on_a_phone_and_a_laptop(
    browser, live_server, make, db, screenshots
):
    """Both languages at 390 and 1366 px: one chart shown, its points the table's, no sideways scroll."""
    three_editions(make, students=60)
    token = make.token("organiser")
    for lang, locale in (("nl", "nl-NL"), ("en", "en-GB")):
        context = browser.new_context(viewport=LAPTOP, locale=locale)
        page = context.new_page()
        page.goto(f"{live_server}/dashboard/sign-in")
        page.fill("#token", token)
        page.click("form:has(#token) button[type=submit]")
        page.goto(f"{live_server}/dashboard/years?lang={lang}")
        for size, viewport in (("1366", LAPTOP), ("390", PHONE)):
            page.set_viewport_size(viewport)
            chart = page.locator("[data-testid=trend-chart] svg.chart:visible")
            expect(chart).to_have_count(1)
            shown = chart.locator("circle[data-figure=value]")
            values = [float(shown.nth(i).get_attribute("data-value")) for i in range(shown.count())]
            rows = page.locator("[data-testid=years] tr[data-point] [data-figure=share]")
            assert [rows.nth(i).inner_text() for i in range(rows.count())] == [
                percent(v, lang) for v in values
            ]
            assert len(values) == 4
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            page.screenshot(path=screenshots / f"years-{lang}-{size}.png", full_page=True)
        context.close()


def test_every_page_of_the_dashboard_and_the_console_is_a_slug_no_edition_may_take(app):
    # An edition named "years" would be hidden behind the years page, and so on.
    pages = set()
    for rule in app.url_map.iter_rules():
        for prefix in ("/dashboard/", "/console/"):
            if rule.rule.startswith(prefix):
                first = rule.rule.removeprefix(prefix).split("/")[0]
                if first and "<" not in first:
                    pages.add(first)
    assert "years" in pages
    assert pages <= RESERVED_SLUGS
