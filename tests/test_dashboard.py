"""The municipality's dashboard over HTTP: sign-in, the figures it shows, and its error pages."""

import base64
import hashlib
import re
from datetime import datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from backend.models import ApiToken, Batch, Pin, Scan
from backend.models.types import utcnow
from backend.services import journey, scans, stamps, survey, tokens
from backend.services.pins import list_batches
from backend.services.scans import Visitor
from exports.scope import Filters
from exports.suppression import SUPPRESS_BELOW
from tests.test_funnel import read_funnel

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
WINDOW = timedelta(minutes=30)


def at(hour, day=18):
    return datetime(2026, 2, day, hour, tzinfo=AMSTERDAM)


@pytest.fixture
def fair(make, db):
    """Six students from the UT desk and two from a small ROC batch, on both days of the fair."""
    event, stands = make.plaza(stands=2)
    stands[1].company.name = '<b>"A&B"</b>'
    db.session.commit()
    main = make.pin_codes(event, size=6, channel="ut-desk")
    small = make.pin_codes(event, size=2, channel="roc")
    for n, code in enumerate(main + small):
        student = Visitor("human", "mobile", "iOS", f"visitor-{n}")
        scans.recorder().record(code, f"/p/{code}", student, at(10 + n % 4, 18 + n % 2))
        journey.visit_landing(code, student, at(10 + n % 4, 18 + n % 2) + WINDOW)
    bot = Visitor("bot", "bot", None, "preview")
    scans.recorder().record(main[0], f"/p/{main[0]}", bot, at(10))
    # Two answers on the first landing, before any stamp: unexposed, in the headline.
    survey.answer_survey(main[0], "0", [], False, at(12))
    survey.answer_survey(main[1], "1-2", [stands[0].company_id], False, at(12))
    for code in main[:4]:
        stamps.self_stamp(stands[0].code, code, False, at(13))
    return event


def csrf_from(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))[1]


def sign_in(client, token: str, next_path: str | None = None):
    form = client.get("/dashboard/sign-in")
    data = {"token": token, "csrf_token": csrf_from(form)}
    if next_path is not None:
        data["next"] = next_path
    return client.post("/dashboard/sign-in", data=data)


@pytest.fixture
def viewer(client, make):
    assert sign_in(client, make.token("viewer")).status_code == 303
    return client


@pytest.fixture
def organiser(client, make):
    assert sign_in(client, make.token("organiser")).status_code == 303
    return client


def row(html: str, attribute: str, value: str) -> list[str]:
    """The data cells of the table row marked ``data-<attribute>="<value>"``, as text."""
    found = re.search(rf'<tr data-{attribute}="{re.escape(value)}">(.*?)</tr>', html, re.S)
    assert found, f"no row data-{attribute}={value}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", found[1], re.S)
    return [unescape(re.sub(r"<[^>]+>", "", cell)).replace("\u00a0", "") for cell in cells]


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_viewer_token_signs_in_and_the_session_keeps_only_role_and_id(client, make):
    token = make.token("viewer")
    response = sign_in(client, token)
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/dashboard/"
    token_id = tokens.authenticate(token).id
    with client.session_transaction() as session:
        assert session["staff_role"] == "viewer" and session["staff_token_id"] == token_id
        assert token not in repr(dict(session))


def shown(count: int | None) -> str:
    """A count as the dashboard's table shows it: hidden ones as a cross."""
    return HIDDEN if count is None else str(count)


HIDDEN = "×"


def test_dashboard_shows_the_funnel_figures(viewer, fair):
    html = page(viewer, f"/dashboard/{fair.slug}")
    # As the viewer's JSON has them: 4 visited a stand and 2 answered, totals below 5 (hidden).
    figures = read_funnel(fair, Filters(), suppress_below=SUPPRESS_BELOW)
    for stage in figures["stages"]:
        assert row(html, "stage", stage["stage"])[0] == shown(stage["pins"])
    assert [s["pins"] for s in figures["stages"]][-2:] == [None, None]
    assert [s["pins"] for s in figures["stages"]][:3] == [8, 8, 8]
    assert row(html, "figure", "bot_scans") == [str(figures["excluded"]["bot_scans"])]
    assert '<svg class="chart wide" role="img"' in html and "&lt;b&gt;&#34;A&amp;B&#34;" in html
    assert '<b>"A&B"</b>' not in html
    for section in ("funnel", "awareness", "stands", "timeline", "channels", "devices"):
        assert f'<section id="{section}"' in html


@pytest.mark.parametrize(
    "next_path, expected",
    [
        ("/dashboard/bdt-1?channel=roc", "/dashboard/bdt-1?channel=roc"),
        ("/dashboard/", "/dashboard/"),
        ("https://evil.example/dashboard/", "/dashboard/"),
        ("//evil.example/dashboard/", "/dashboard/"),
        ("/dashboard/../staff", "/dashboard/"),
        ("/dashboard/%2e%2e/staff", "/dashboard/"),
        ("/dashboard/\\evil.example", "/dashboard/"),
        ("/dashboard/x\r\nSet-Cookie: a=b", "/dashboard/"),
        ("/staff", "/dashboard/"),
        ("", "/dashboard/"),
    ],
)
def test_sign_in_goes_on_only_to_a_dashboard_path(client, make, next_path, expected):
    response = sign_in(client, make.token("organiser"), next_path)
    assert response.status_code == 303
    target = urlsplit(response.headers["Location"])
    assert target.netloc in ("", "localhost")
    assert target.path + (f"?{target.query}" if target.query else "") == expected


@pytest.mark.parametrize("kind", ["stand", "wrong", "empty", "revoked", "huge"])
def test_stand_and_bad_tokens_get_401_and_the_form_again(client, make, db, kind):
    if kind == "stand":
        token = make.token("stand")
    elif kind == "revoked":
        token = make.token("viewer")
        db.session.get(ApiToken, tokens.authenticate(token).id).revoked_at = utcnow()
        db.session.commit()
    else:
        token = {"wrong": "spd_not-a-real-token", "empty": "", "huge": "x" * 5000}[kind]
    response = sign_in(client, token)
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert 'name="token"' in html and 'data-testid="sign-in-problem"' in html
    assert (token or "\0") not in html
    with client.session_transaction() as session:
        assert "staff_role" not in session


def test_sign_in_without_a_csrf_token_is_refused(client, make):
    response = client.post("/dashboard/sign-in", data={"token": make.token("viewer")})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path", ["/dashboard/", "/dashboard/{slug}", "/dashboard/{slug}?channel=roc"]
)
def test_without_a_session_the_dashboard_sends_you_to_sign_in(client, fair, path):
    path = path.format(slug=fair.slug)
    response = client.get(path)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/dashboard/sign-in"
    assert parse_qs(location.query)["next"] == [path]


def test_the_token_never_appears_in_a_page_a_url_or_a_cookie(client, make, fair):
    token = make.token("viewer")
    responses = [client.get(f"/dashboard/{fair.slug}"), client.get("/dashboard/sign-in")]
    responses.append(sign_in(client, "spd_" + token[4:-1]))  # almost right
    responses.append(sign_in(client, token, f"/dashboard/{fair.slug}"))
    for path in ("/dashboard/", f"/dashboard/{fair.slug}", f"/dashboard/{fair.slug}?since=x"):
        responses.append(client.get(path))
    for response in responses:
        assert token not in response.get_data(as_text=True)
        assert token not in response.headers.get("Location", "")
        assert token not in response.headers.get("Set-Cookie", "")
    with client.session_transaction() as session:
        assert token not in repr(dict(session))


def test_viewer_sees_small_channel_counts_suppressed_organiser_exact(client, make, fair):
    sign_in(client, make.token("viewer"))
    viewer_html = page(client, f"/dashboard/{fair.slug}")
    assert row(viewer_html, "channel", "roc") == ["×", "×", "×", "0", "0", "0"]
    assert 'data-suppressed="1"><abbr title=' in viewer_html
    # ut-desk's 6 issued, scanned and landed were shown before; now hidden too, since the
    # stage totals (8) minus 6 gave roc's hidden 2 away. Its 4 and 2 are below 5 themselves.
    assert row(viewer_html, "channel", "ut-desk") == ["×", "×", "×", "0", "×", "×"]
    sign_in(client, make.token("organiser"))
    organiser_html = page(client, f"/dashboard/{fair.slug}")
    assert row(organiser_html, "channel", "roc")[0] == "2"
    assert "data-suppressed" not in organiser_html


def test_filters_narrow_the_figures_and_travel_to_the_downloads(organiser, fair):
    html = page(organiser, f"/dashboard/{fair.slug}?channel=roc&since=2026-02-18&until=2026-02-19")
    assert row(html, "stage", "issued")[0] == "2"
    links = dict(re.findall(r'<a class="button" href="([^"]+)" data-download="(\w+)"', html))
    assert sorted(links.values()) == ["csv", "xlsx", "zip"]
    for href, kind in links.items():
        target = urlsplit(unescape(href))
        name = {"csv": "funnel.csv", "xlsx": "funnel.xlsx", "zip": "export.zip"}[kind]
        assert target.path == f"/dashboard/{fair.slug}/{name}"
        assert parse_qs(target.query) == {
            "channel": ["roc"],
            "since": ["2026-02-18"],
            "until": ["2026-02-19"],
            "lang": ["nl"],  # the page's language: Dutch column names
        }
        # The signed-in browser can fetch it (the API itself would want a bearer token).
        download = organiser.get(unescape(href))
        assert download.status_code == 200 and download.headers["Content-Disposition"].startswith(
            "attachment"
        )
    csv_text = organiser.get(f"/dashboard/{fair.slug}/funnel.csv?channel=roc").get_data(
        as_text=True
    )
    assert csv_text.splitlines()[:2] == [
        "Fase,Pins,T.o.v. vorige fase,T.o.v. uitgegeven",
        "Uitgegeven,2,,1.0",
    ]


def test_downloads_need_a_signed_in_browser(client, fair):
    response = client.get(f"/dashboard/{fair.slug}/funnel.xlsx")
    assert response.status_code == 302 and "/dashboard/sign-in" in response.headers["Location"]


def test_a_batch_filter_reaches_the_figures_and_the_links(organiser, make, fair):
    batch = make.batch(fair, size=3, channel="saxion")
    html = page(organiser, f"/dashboard/{fair.slug}?batch={batch.id}")
    assert row(html, "stage", "issued")[0] == "3" and row(html, "stage", "scanned")[0] == "0"
    assert f"funnel.xlsx?batch={batch.id}" in html


@pytest.mark.parametrize(
    "query",
    [
        "since=yesterday",
        "until=2026-13-01",
        "since=2026-02-19&until=2026-02-18",
        "since=" + "2" * 41,
        "since=%00",
        "batch=abc",
        "batch=99999999999",
        "batch=%C2%B2",
        "channel=Not%20A%20Slug%21",
        "channel=" + "a" * 41,
        "chanel=roc",
    ],
)
def test_bad_filters_get_a_friendly_page_not_an_error(viewer, fair, query):
    response = viewer.get(f"/dashboard/{fair.slug}?{query}")
    html = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500
    assert 'data-testid="filter-problem"' in html and "Dit filter klopt niet" in html
    assert '<form class="filters"' in html


REFUSED_BY_BOTH = [
    "since=yesterday",
    "until=2026-02-30",
    "since=2026-02-19&until=2026-02-18",
    "since=" + "2" * 41,
    "since=%00",
    "since=%202026-02-18",
    "batch=abc",
    "batch=0",
    "batch=99999999999",
    "batch=999999",
    "batch=%C2%B2",
    "channel=UT%2Fdesk",
    "channel=roc%3F",
    "channel=" + "a" * 41,
    "chanel=roc",
    "colour=blue",
]
# The dashboard's form sends a field left empty for "all"; the API refuses an empty value.
EMPTY_FIELDS = ["channel=&batch=&since=&until=", "batch=", "since=&until=2026-02-19"]
ACCEPTED_BY_BOTH = [
    "",
    "channel=roc",
    "since=2026-02-18",
    "until=2026-02-19T12:00",
    "since=2026-02-18T10:00%2B01:00&until=2026-02-19",
    "channel=roc&channel=Not%20A%20Slug",
    "channel=%20ROC",  # typed as people type it: the channel roc
]


@pytest.mark.parametrize("query", REFUSED_BY_BOTH)
def test_the_dashboard_refuses_the_filters_the_api_refuses(client, auth, viewer, fair, query):
    api = client.get(f"/api/v1/events/{fair.slug}/funnel?{query}", headers=auth("viewer"))
    response = viewer.get(f"/dashboard/{fair.slug}?{query}")
    assert 400 <= api.status_code < 500 and api.json["error"]["code"]
    assert response.status_code == api.status_code
    assert 'data-testid="filter-problem"' in response.get_data(as_text=True)


@pytest.mark.parametrize("query", EMPTY_FIELDS)
def test_the_dashboard_reads_its_form_s_empty_fields_as_all_the_api_refuses_them(
    client, auth, viewer, fair, query
):
    api = client.get(f"/api/v1/events/{fair.slug}/funnel?{query}", headers=auth("viewer"))
    assert api.status_code == 422
    without = "&".join(p for p in query.split("&") if not p.endswith("="))
    expected = client.get(f"/api/v1/events/{fair.slug}/funnel?{without}", headers=auth("viewer"))
    html = page(viewer, f"/dashboard/{fair.slug}?{query}")
    for stage in [] if expected.json["suppressed"]["too_small"] else expected.json["stages"]:
        assert row(html, "stage", stage["stage"])[0] == shown(stage["pins"])


@pytest.mark.parametrize("query", ACCEPTED_BY_BOTH)
def test_the_dashboard_accepts_the_filters_the_api_accepts(client, auth, viewer, fair, query):
    api = client.get(f"/api/v1/events/{fair.slug}/funnel?{query}", headers=auth("viewer"))
    assert api.status_code == 200
    html = page(viewer, f"/dashboard/{fair.slug}?{query}")
    if api.json["suppressed"]["too_small"]:  # roc's 2 students: the page says so, no counts
        assert 'data-testid="too-small"' in html and "data-stage=" not in html
    for stage in [] if api.json["suppressed"]["too_small"] else api.json["stages"]:
        assert row(html, "stage", stage["stage"])[0] == shown(stage["pins"])


@pytest.mark.parametrize(
    "lang, sentence", [("nl", "Te weinig studenten in deze selectie"), ("en", "Too few students")]
)
def test_a_view_too_small_to_show_says_so_and_shows_no_count(viewer, make, fair, lang, sentence):
    batch = next(b for b in list_batches(fair.slug, 1, 10).items if b.channel == "roc")
    for query in (
        "channel=roc",
        f"batch={batch.id}",
        "since=2026-02-18T13:00&until=2026-02-18T14:00",
    ):
        html = page(viewer, f"/dashboard/{fair.slug}?{query}&lang={lang}")
        assert sentence in html and 'data-testid="too-small"' in html, query
        main = html.split('data-testid="too-small"')[1]
        assert "<table" not in main and "<svg" not in main and "data-download" not in main
    sign_in(viewer, make.token("organiser"))
    html = page(viewer, f"/dashboard/{fair.slug}?channel=roc&lang={lang}")
    assert 'data-testid="too-small"' not in html and row(html, "stage", "issued")[0] == "2"


def test_a_batch_of_another_event_is_a_filter_problem(viewer, make, fair):
    other = make.batch(make.event())
    response = viewer.get(f"/dashboard/{fair.slug}?batch={other.id}")
    assert response.status_code == 404
    assert 'data-testid="filter-problem"' in response.get_data(as_text=True)


@pytest.mark.parametrize("slug", ["no-such-edition", "Bad_Slug!", "x" * 300])
def test_unknown_event_gets_a_friendly_404_page(viewer, slug):
    html = page(viewer, f"/dashboard/{slug}", 404)
    assert "Deze editie kennen we niet" in html and 'href="/dashboard/"' in html


ICON_LINK = '<link rel="icon" href="/favicon.ico" sizes="16x16 32x32 48x48">'


def test_pages_are_self_contained_and_locked_down(viewer, fair):
    for path in ("/dashboard/sign-in", "/dashboard/", f"/dashboard/{fair.slug}", "/dashboard/x-y"):
        response = viewer.get(path)
        html = response.get_data(as_text=True)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp
        style = re.search(r"<style>(.*?)</style>", html, re.S)[1]
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp, "the inline CSS must be the hashed one"
        assert "<script" not in html and "<img" not in html
        assert re.findall(r"<link[^>]*>", html) == [ICON_LINK]  # Speld's own icon, nothing else
        # A style attribute, not SVG's font-style, which a hidden count's label uses.
        assert not re.search(r"https?://", html) and not re.search(r'\sstyle="', html)
        assert response.headers["Cache-Control"] == "no-store"


def test_student_pages_keep_their_smaller_stylesheet(client, make):
    event, _ = make.plaza(stands=1)
    code = make.pin_codes(event, size=1)[0]
    html = client.get(f"/l/{code}").get_data(as_text=True)
    assert "body.dashboard" not in html


def test_dutch_by_default_english_on_request(viewer, fair):
    assert '<html lang="nl">' in page(viewer, f"/dashboard/{fair.slug}")
    english = page(viewer, f"/dashboard/{fair.slug}?lang=en")
    assert '<html lang="en">' in english and "Funnel" in english and "Awareness" in english
    assert "Nederlands" in english
    assert '<html lang="en">' in page(viewer, f"/dashboard/{fair.slug}"), "remembered"


@pytest.mark.parametrize("query", ["slug=x", "_external=1&_scheme=javascript", "lang=en&lang=xx"])
def test_the_language_link_copies_the_query_as_data(viewer, fair, query):
    response = viewer.get(f"/dashboard/{fair.slug}?{query}")
    html = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500 or response.status_code == 200
    switch = re.search(r'<a href="([^"]+)" hreflang=', html)[1]
    assert unescape(switch).startswith(f"/dashboard/{fair.slug}?") and "javascript:" not in html


def test_accept_language_english_gets_english(client, make, fair):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-GB,en;q=0.9"
    sign_in(client, make.token("viewer"))
    assert "Sign out" in page(client, f"/dashboard/{fair.slug}")


def test_an_edition_without_traffic_shows_no_data_yet(viewer, make):
    event = make.event()
    # 5 pins, not 4: an edition of 4 pins is now too small to show a viewer any count.
    make.pin_codes(event, size=5)
    html = page(viewer, f"/dashboard/{event.slug}")
    assert row(html, "stage", "issued")[0] == "5" and row(html, "stage", "scanned")[0] == "0"
    assert "Nog geen gegevens" in html


def test_index_lists_the_editions(viewer, fair, make):
    other = make.event(name="Business Days <2027>")
    html = page(viewer, "/dashboard/")
    assert f'href="/dashboard/{fair.slug}"' in html and f'href="/dashboard/{other.slug}"' in html
    assert "Business Days &lt;2027&gt;" in html


def test_a_signed_in_dashboard_browser_records_its_own_scans_as_tests(viewer, make, db):
    event, _ = make.plaza(stands=1)
    code = make.pin_codes(event, size=1)[0]
    assert viewer.get(f"/p/{code}").status_code == 302
    assert db.session.scalar(select(Scan)).kind == "test"


def test_sign_out_ends_the_dashboard_session(viewer, fair):
    form = viewer.get("/dashboard/")
    response = viewer.post("/dashboard/sign-out", data={"csrf_token": csrf_from(form)})
    assert response.status_code == 303
    assert viewer.get(f"/dashboard/{fair.slug}").status_code == 302
    with viewer.session_transaction() as session:
        assert "staff_role" not in session and "staff_token_id" not in session


def test_revoking_the_token_ends_its_dashboard_sessions(client, make, db, fair):
    token = make.token("viewer")
    sign_in(client, token)
    assert client.get(f"/dashboard/{fair.slug}").status_code == 200
    db.session.get(ApiToken, tokens.authenticate(token).id).revoked_at = utcnow()
    db.session.commit()
    assert client.get(f"/dashboard/{fair.slug}").status_code == 302


def test_a_stand_session_from_the_staff_page_does_not_open_the_dashboard(client, make, fair):
    form = client.get("/staff")
    client.post("/staff", data={"token": make.token("stand"), "csrf_token": csrf_from(form)})
    assert client.get(f"/dashboard/{fair.slug}").status_code == 302


def test_the_headline_comes_with_its_interval_and_an_honest_verdict(organiser, fair):
    def said(html: str, testid: str) -> str:
        found = re.search(rf'data-testid="{testid}">(.*?)</p>', html, re.S)
        return unescape(re.sub(r"<[^>]+>", "", found[1]))

    dutch = page(organiser, f"/dashboard/{fair.slug}?lang=nl")
    # One of two unexposed respondents could name none: Wilson 9.45% to 90.55%, shown to one
    # decimal by Babel, which rounds the written decimal half to even: 9,4% and 90,6%.
    assert said(dutch, "interval").startswith("95%-interval: 9,4% tot 90,6%.")
    assert said(dutch, "verdict") == "Met 2 antwoorden niet te onderscheiden van 2018."
    assert "Studenten kozen zelf of ze antwoordden." in said(dutch, "response-rates")
    assert said(dutch, "follow-up") == "Nog niemand beantwoordde de vervolgvraag."
    english = page(organiser, f"/dashboard/{fair.slug}?lang=en")
    assert said(english, "verdict") == "Not distinguishable from 2018 with 2 answers."
    assert said(english, "interval").startswith("95% interval: 9.4% to 90.6%.")


def test_the_page_explains_what_a_reader_will_ask(organiser, make, fair, db):
    stand = make.stand(event=fair, zone="career-lounge")
    html = page(organiser, f"/dashboard/{fair.slug}?lang=nl")
    # Stages are independent, so a conversion can exceed 100%: said beside the table.
    assert "Daarom kan ‘t.o.v. vorige’ boven 100% komen" in unescape(html)
    for kind in ("repeat_scans", "bot_scans", "orphan_scans", "void_pins", "refused_lookups"):
        explained = re.search(rf'data-explains="{kind}">([^<]+)<', html)
        assert explained and len(explained[1]) > 20, kind
    assert "binnen 30 minuten opnieuw" in html
    # Zones by name, never by slug; the stands table has no column equal to another.
    zones = dict(re.findall(r'<td data-zone="([^"]+)"[^>]*>([^<]+)</td>', html))
    assert zones == {
        "twente-plaza": "Twente Plaza",
        "main-hall": "Grote zaal",
        "career-lounge": "Carrièrelounge",
    }
    stands_table = html.split('data-testid="stands"')[1].split("</table>")[0]
    assert not re.search(r">(twente-plaza|main-hall|career-lounge)<", stands_table)
    assert "Registraties" not in stands_table and "Zelf + standpersoneel = pins." in html
    assert row(html, "stand", str(stand.id))[2:] == ["Carrièrelounge", "0", "0", "0"]
    english = page(organiser, f"/dashboard/{fair.slug}?lang=en")
    assert "So ‘from previous’ can exceed 100%" in unescape(english)
    assert dict(re.findall(r'<td data-zone="([^"]+)"[^>]*>([^<]+)</td>', english))[
        "career-lounge"
    ] == ("Career lounge")


def test_a_conversion_above_100_percent_is_marked_with_the_note(organiser, fair, db):
    # One pin clicked through and four visited a stand: 'visited a stand' is 400% of 'clicked'.
    pin = read_funnel(fair, Filters())  # before: no clicks, so no ratio to mark
    assert all((s["from_previous"] or 0) <= 1 for s in pin["stages"])
    code = db.session.scalars(select(Pin.code).join(Batch).where(Batch.event_id == fair.id)).first()
    journey.click_through(code, None, Visitor("human", "mobile", "iOS", "visitor-0"), at(14))
    html = page(organiser, f"/dashboard/{fair.slug}")
    marked = re.findall(r'<tr data-stage="(\w+)">(?:(?!</tr>).)*data-over="1"', html, re.S)
    figures = read_funnel(fair, Filters())
    over = [s["stage"] for s in figures["stages"] if (s["from_previous"] or 0) > 1]
    assert marked == over == ["visited_stand"]
    assert "400,0%<sup>*</sup>" in html and 'data-testid="stages-note">*' in html


def test_an_empty_date_filter_does_not_look_applied_and_a_set_one_can_be_cleared(viewer, fair):
    html = page(viewer, f"/dashboard/{fair.slug}?since=&until=&channel=")
    assert 'class="applied"' not in html and "Geen filter: alle pins van deze editie." in html
    assert 'placeholder="2026' not in html and 'class="set"' not in html
    html = unescape(page(viewer, f"/dashboard/{fair.slug}?since=2026-02-18&until=2026-02-19"))
    applied = html.split('data-testid="filters-applied"')[1].split("</p>")[0]
    assert "Filter actief:" in applied and "Vanaf: 2026-02-18" in applied
    assert "Tot en met: 2026-02-19" in applied
    clear = re.search(r'data-filter="since">[^<]*<a class="no-print" href="([^"]+)"', applied)[1]
    assert clear == f"/dashboard/{fair.slug}?until=2026-02-19"
    assert html.count('class="set"') == 2
    cleared = page(viewer, clear)
    assert 'data-filter="since"' not in cleared and 'data-filter="until"' in cleared


def test_zone_names_are_one_mapping_in_dutch_and_english():
    from backend.models.zones import zone_name

    assert zone_name("twente-plaza", "nl") == "Twente Plaza"
    assert (zone_name("main-hall", "nl"), zone_name("main-hall", "en")) == (
        "Grote zaal",
        "Main hall",
    )
    assert zone_name("food-court", "en") == "Food court" == zone_name("food-court", "nl")
