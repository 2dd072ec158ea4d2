"""axe-core on every student page and the dashboard, in Dutch and English, in headless Chromium.

One table: each row reaches one page in one state the way a student or a civil
servant would (scan, tap, stamp, sign in) and says which status it expects. axe-core
(bundled by axe-playwright-python) then checks the page as rendered; a violation of
impact "serious" or "critical" fails the row, with each rule's id, impact, target and
help in the message. Student pages are checked on a phone (390 px); the dashboard's
and the organiser console's on a phone and at 1366 px. No page may scroll sideways.
A screenshot of each is saved. Each page also speaks one language: no message of the other
language's catalogue appears on it (``foreign_messages``).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy.exc import OperationalError

from backend.services import journey, pins, tokens
from backend.services.simulation import simulate
from tests.test_catalogue import read as read_catalogue
from tests.test_journey_browser import IPHONE
from tests.test_scanner_browser import chromium

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
LOCALES = {"nl": "nl-NL", "en": "en-GB"}
BLOCKING = ("serious", "critical")
AXE = Axe()  # with the axe-core its wheel bundles
AXE_CORE = "4.12.1"  # as docs/architecture.md and requirements-dev.txt say


@pytest.fixture(scope="module")
def chromium_once():
    """One browser for the whole table: each row gets its own context (cookies, locale)."""
    with chromium() as browser:
        yield browser


@dataclass
class Visit:
    """What a row's steps may use: the page, the server, the factories and the app."""

    page: object
    base: str
    make: object
    app: object
    monkeypatch: object

    def go(self, path: str) -> int:
        """Open ``path``; the status of the page it ends on (after redirects)."""
        return self.page.goto(self.base + path).status

    def click(self, selector: str) -> int:
        """Tap a link or button that loads a page; the status of the page it ends on."""
        with self.page.expect_navigation() as loaded:
            self.page.click(selector)
        return loaded.value.status

    def sign_in(self, path: str, token: str) -> int:
        self.go(path)
        self.page.fill("#token", token)
        return self.click("form:has(#token) button[type=submit]")


# Each step reaches its page and returns the HTTP status the page came with.


def first_landing(v: Visit) -> int:
    event, _ = v.make.plaza(stands=16)
    status = v.go(f"/P/{v.make.pin_codes(event, size=1)[0]}")
    expect(v.page.locator("button[name=named_before]").first).to_be_visible()
    return status


def second_question(v: Visit) -> int:
    first_landing(v)
    status = v.click("button[name=named_before][value='1-2']")
    expect(v.page.locator("input[name=known_before]").first).to_be_visible()
    return status


def landing_answered(v: Visit) -> int:
    second_question(v)
    v.page.check("input[name=known_before] >> nth=2")
    status = v.click("form button[type=submit]")
    expect(v.page.locator("#survey [role=status]")).to_be_visible()
    return status


def landing_with_stamps(v: Visit) -> int:
    event, stands = v.make.plaza(stands=16)
    code = v.make.pin_codes(event, size=1)[0]
    v.go(f"/P/{code}")
    v.click("button.skip")
    for stand in stands[:3]:
        v.go(f"/S/{stand.code}")
    status = v.go(f"/l/{code}")
    expect(v.page.locator("[data-testid=stamp-progress]")).to_contain_text("3")
    return status


def follow_up_offered(v: Visit) -> int:
    v.monkeypatch.setitem(v.app.config, "FOLLOW_UP_AFTER_MINUTES", 0)
    event, stands = v.make.plaza(stands=16)
    code = v.make.pin_codes(event, size=1)[0]
    v.go(f"/P/{code}")
    v.click("button[name=named_before][value='0']")
    v.click("form button[type=submit]")
    v.go(f"/S/{stands[0].code}")
    status = v.go(f"/l/{code}")
    expect(v.page.locator("#follow-up button[name=named_now]").first).to_be_visible()
    return status


def follow_up_answered(v: Visit) -> int:
    follow_up_offered(v)
    status = v.click("#follow-up button[name=named_now] >> nth=1")
    expect(v.page.locator("p[role=status]")).to_be_visible()
    return status


def survey_refused(v: Visit) -> int:
    """An answer the survey does not know (a stale or altered form): the problem page."""
    first_landing(v)
    v.page.eval_on_selector("button[name=named_before]", "b => { b.value = 'many'; }")
    status = v.click("button[name=named_before] >> nth=0")
    expect(v.page.locator("[role=alert]")).to_be_visible()
    return status


def void_pin(v: Visit) -> int:
    code = v.make.pin_codes(size=1)[0]
    pins.void_pin(code, "lost")
    return v.go(f"/p/{code}")


def unknown_pin(v: Visit) -> int:
    v.make.pin_codes(size=1)
    return v.go("/p/ZZZZZZZZ")


def guessed_too_often(v: Visit) -> int:
    """The guessing brake's page: enough unknown codes from this address first."""
    for n in range(100):
        if v.page.request.get(f"{v.base}/p/ZZZZZZ{n:02d}").status == 429:
            break
    return v.go("/p/ZZZZZZZZ")


def stamp_form(v: Visit) -> int:
    return v.go(f"/s/{v.make.stand().code}")


def stamp_wrong_pin(v: Visit) -> int:
    v.go(f"/s/{v.make.stand().code}")
    v.page.fill("#pin", "ZZZZZZZZ")
    status = v.click("form button[type=submit]")
    expect(v.page.locator(".problem")).to_be_visible()
    return status


def _stamp_twice(v: Visit, times: int) -> int:
    event, stands = v.make.plaza(stands=16)
    code = v.make.pin_codes(event, size=1)[0]
    v.go(f"/P/{code}")  # the pin cookie, as the scan left it
    statuses = [v.go(f"/S/{stands[5].code}") for _ in range(times)]
    expect(v.page.locator("[data-testid=stamp-result]")).to_be_visible()
    return statuses[-1]


def stamped(v: Visit) -> int:
    return _stamp_twice(v, 1)


def stamped_again(v: Visit) -> int:
    return _stamp_twice(v, 2)


def unknown_stand(v: Visit) -> int:
    v.make.stand()
    return v.go("/s/NOSUCHSTAND")


def database_down(v: Visit) -> int:
    """The 503 page, as a database outage makes it (tests/test_database_down.py for real ones)."""
    event, _ = v.make.plaza(stands=2)
    code = v.make.pin_codes(event, size=1)[0]

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    v.monkeypatch.setattr(journey, "visit_landing", down)
    return v.go(f"/l/{code}")


def staff_signed_in(v: Visit) -> int:
    status = v.sign_in("/staff", v.make.token("organiser"))
    expect(v.page.locator("[role=status]")).to_be_visible()
    return status


def refused_sign_in(to: str) -> Callable[[Visit], int]:
    def reach(v: Visit) -> int:
        status = v.sign_in(to, "spd_not-a-real-token")
        expect(v.page.locator("[role=alert]:visible")).to_be_visible()
        return status

    return reach


def scanner_for(v: Visit, role: str, **token) -> int:
    """A tablet that opened its sign-in card's URL (the token in the fragment)."""
    status = v.go(f"/scan#token={v.make.token(role, **token)}")
    expect(v.page.locator("h1:visible")).to_be_visible()
    return status


def scanner_signed_in(v: Visit) -> int:
    status = scanner_for(v, "stand")
    expect(v.page.get_by_test_id("stand")).to_be_visible()
    return status


def scanner_pick_stand(v: Visit) -> int:
    v.make.plaza(stands=3)
    status = scanner_for(v, "organiser")
    expect(v.page.locator("ul.stands a").first).to_be_visible()
    return status


def _type_at_scanner(v: Visit, codes: list[str], state: str) -> int:
    """Codes typed at a stand's scanner, until its result shows ``state``."""
    # An edition running now: the scanner's answers are the fair's, not a rehearsal's.
    today = date.today()
    event = v.make.event(starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1))
    stand = v.make.stand(event=event)
    pin = v.make.pin_codes(event, size=1)[0]
    status = scanner_for(v, "stand", stand=stand)
    for code in codes:
        v.page.fill("#code", code.replace("PIN", pin))
        v.page.click("#typed button")
        expect(v.page.locator("#result:not([data-state=idle])")).to_be_visible()
    expect(v.page.locator("#result")).to_have_attribute("data-state", state)
    return status


def scanner_registered(v: Visit) -> int:
    return _type_at_scanner(v, ["PIN"], "ok")


def scanner_repeat(v: Visit) -> int:
    return _type_at_scanner(v, ["PIN", "PIN"], "repeat")


def scanner_wrong_code(v: Visit) -> int:
    return _type_at_scanner(v, ["PIN", "PIN0"], "bad")


def dashboard_signed_in(v: Visit, path: str = "/dashboard/") -> int:
    v.sign_in("/dashboard/sign-in", v.make.token("viewer"))
    return v.go(path)


# Names as long as real ones get: a phone must show them whole, without scrolling sideways.
LONG_COMPANY = "Koninklijke Nederlandse Textielfabrieken Twentse Katoenspinnerij B.V."
LONG_LABEL = "Tablet TP-07 · Twentse Katoenspinnerij, reserve bij de Vrijhof-balie"


def long_names(v: Visit, event) -> None:
    """A stand of a company with a long name, and a batch and tokens with long labels."""
    stand = v.make.stand(event=event, company=v.make.company(name=LONG_COMPANY))
    v.make.batch(event, size=4, channel="saxion-hengelo-avond", label=LONG_LABEL[:80])
    tokens.create_token("stand", LONG_LABEL, stand.id)
    expiring = date.today() + timedelta(days=60)
    tokens.create_token(
        "viewer",
        "Gemeente Enschede, team Economie",
        expires_at=datetime.combine(expiring, time(18), UTC),
    )
    revoked, _ = tokens.create_token("stand", f"{LONG_LABEL} (kwijt)", stand.id)
    tokens.revoke_token(revoked.id)


def dashboard_fair(v: Visit) -> int:
    event, _ = v.make.plaza(stands=8)
    long_names(v, event)
    simulate(event.slug, students=40, seed=7)
    status = dashboard_signed_in(v, f"/dashboard/{event.slug}")
    expect(v.page.locator("[data-testid=stages]")).to_be_visible()
    return status


def dashboard_years(v: Visit) -> int:
    """Three editions beside 2018, the last too small for a viewer to see its headline."""
    for year, students in ((2025, 40), (2026, 40), (2027, 4)):
        event, _ = v.make.plaza(
            v.make.event(
                slug=f"bdt-{year}",
                name=f"Business Days Twente {year}",
                starts_on=date(year, 2, 18),
                ends_on=date(year, 2, 19),
            ),
            stands=3,
        )
        simulate(event.slug, students=students, seed=year)
    status = dashboard_signed_in(v, "/dashboard/years")
    expect(v.page.locator("[data-testid=years]")).to_be_visible()
    return status


def dashboard_too_small(v: Visit) -> int:
    event, _ = v.make.plaza(stands=2)
    v.make.pin_codes(event, size=12, channel="ut-desk")
    v.make.pin_codes(event, size=3, channel="roc")
    status = dashboard_signed_in(v, f"/dashboard/{event.slug}?channel=roc")
    expect(v.page.locator("[data-testid=too-small]")).to_be_visible()
    return status


def dashboard_bad_filter(v: Visit) -> int:
    event, _ = v.make.plaza(stands=2)
    return dashboard_signed_in(v, f"/dashboard/{event.slug}?since=yesterday")


def console_page(to: Callable[[object], str]) -> Callable[[Visit], int]:
    """An organiser signed in once, on a console page of an edition with stands, pins, scans."""

    def reach(v: Visit) -> int:
        event, plaza = v.make.plaza(stands=4)
        batch = v.make.batch(event, size=12, label="Plaza day 1")
        pin, lost = list(pins.iter_pin_codes(batch.id))[:2]
        long_names(v, event)
        simulate(event.slug, students=20, seed=3)
        pins.void_pin(lost, "lost at the desk")
        v.sign_in("/dashboard/sign-in", v.make.token("organiser"))
        return v.go(to(SimpleNamespace(event=event, stand=plaza[0], batch=batch, pin=pin)))

    return reach


def console_refused(v: Visit) -> int:
    v.sign_in("/dashboard/sign-in", v.make.token("viewer"))
    return v.go("/console/")


def console_revoke(v: Visit) -> int:
    """An organiser asked to confirm revoking the token they are signed in with."""
    signed_in = tokens.create_token("organiser", "Lead organiser")
    tokens.create_token("organiser", "Another desk")
    v.sign_in("/dashboard/sign-in?next=/console/tokens", signed_in[1])
    return v.go(f"/console/tokens/{signed_in[0].id}/revoke")


def console_last_organiser(v: Visit) -> int:
    """Revoking the last live organiser token: refused, with the reason."""
    only, secret = tokens.create_token("organiser", "The only one")
    v.sign_in("/dashboard/sign-in?next=/console/tokens", secret)
    return v.go(f"/console/tokens/{only.id}/revoke")


def console_token_made(v: Visit) -> int:
    """A new viewer token's hand-over: its secret once, the dashboard's code, the card."""
    v.sign_in("/dashboard/sign-in?next=/console/tokens", v.make.token("organiser"))
    v.page.select_option("#role", "viewer")
    v.page.fill("#label", "Gemeente Enschede")
    return v.click("main form:has(#label) button[type=submit]")


def path(to: str) -> Callable[[Visit], int]:
    return lambda v: v.go(to)


@dataclass(frozen=True)
class Row:
    name: str
    reach: Callable[[Visit], int]
    status: int
    laptop: bool = False  # checked at 1366 px too


PAGES = [
    Row("landing-q1", first_landing, 200),
    Row("landing-q2", second_question, 200),
    Row("landing-answered", landing_answered, 200),
    Row("landing-stamp-card", landing_with_stamps, 200),
    Row("landing-follow-up", follow_up_offered, 200),
    Row("landing-follow-up-answered", follow_up_answered, 200),
    Row("survey-refused", survey_refused, 422),
    Row("pin-void", void_pin, 410),
    Row("pin-unknown", unknown_pin, 404),
    Row("pin-guessed-too-often", guessed_too_often, 429),
    Row("stand-form", stamp_form, 200),
    Row("stand-wrong-pin", stamp_wrong_pin, 404),
    Row("stand-stamped", stamped, 200),
    Row("stand-stamped-again", stamped_again, 200),
    Row("stand-unknown", unknown_stand, 404),
    Row("privacy", path("/privacy"), 200),
    Row("front-page", path("/"), 200),
    Row("not-found", path("/no/such/page"), 404),
    Row("database-down", database_down, 503),
    Row("staff-sign-in", path("/staff"), 200),
    Row("staff-refused", refused_sign_in("/staff"), 401),
    Row("staff-signed-in", staff_signed_in, 200),
    Row("scanner-sign-in", path("/scan"), 200),
    Row("scanner-refused", refused_sign_in("/scan"), 401),
    Row("scanner-pick-stand", scanner_pick_stand, 200),
    Row("scanner-stand", scanner_signed_in, 200),
    Row("scanner-registered", scanner_registered, 200),
    Row("scanner-repeat", scanner_repeat, 200),
    Row("scanner-wrong-code", scanner_wrong_code, 200),
    Row("dashboard-sign-in", path("/dashboard/sign-in"), 200, laptop=True),
    Row("dashboard-refused", refused_sign_in("/dashboard/sign-in"), 401, laptop=True),
    Row("dashboard-editions", dashboard_signed_in, 200, laptop=True),
    Row("dashboard-fair", dashboard_fair, 200, laptop=True),
    Row("dashboard-years", dashboard_years, 200, laptop=True),
    Row("dashboard-too-small", dashboard_too_small, 200, laptop=True),
    Row("dashboard-bad-filter", dashboard_bad_filter, 422, laptop=True),
    Row(
        "dashboard-unknown",
        lambda v: dashboard_signed_in(v, "/dashboard/no-such-edition"),
        404,
        laptop=True,
    ),
    Row("console-editions", console_page(lambda f: "/console/"), 200, laptop=True),
    Row("console-edition", console_page(lambda f: f"/console/{f.event.slug}"), 200, laptop=True),
    Row("console-companies", console_page(lambda f: "/console/companies?q=a"), 200, laptop=True),
    Row(
        "console-company",
        console_page(lambda f: f"/console/companies/{f.stand.company_id}"),
        200,
        laptop=True,
    ),
    Row("console-import", console_page(lambda f: f"/console/{f.event.slug}/import"), 200),
    Row(
        "console-stands",
        console_page(lambda f: f"/console/{f.event.slug}/stands"),
        200,
        laptop=True,
    ),
    Row(
        "console-stand",
        console_page(lambda f: f"/console/stands/{f.stand.id}"),
        200,
        laptop=True,
    ),
    Row(
        "console-batches",
        console_page(lambda f: f"/console/{f.event.slug}/batches"),
        200,
        laptop=True,
    ),
    Row("console-pin", console_page(lambda f: f"/console/pins?code={f.pin}"), 200, laptop=True),
    Row("console-tokens", console_page(lambda f: "/console/tokens"), 200, laptop=True),
    Row("console-live", console_page(lambda f: f"/console/{f.event.slug}/live"), 200, laptop=True),
    Row("console-audit", console_page(lambda f: "/console/audit"), 200, laptop=True),
    Row("console-refused", console_refused, 403),
    Row("console-sign-in", path("/dashboard/sign-in?next=/console/"), 200, laptop=True),
    Row("console-token-made", console_token_made, 201, laptop=True),
    Row("console-revoke-own", console_revoke, 200, laptop=True),
    Row("console-revoke-last", console_last_organiser, 409, laptop=True),
]


# The parts of a page that scroll sideways inside it (a table in a box, say): on a phone
# what is off to the side is as hidden as on a page that scrolls.
SCROLLING_BOXES = """() => [...document.querySelectorAll("body *")]
    .filter((e) => /auto|scroll/.test(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1)
    .map((e) => e.tagName.toLowerCase() + (e.dataset.testid ? `[${e.dataset.testid}]` : "")
        + [...e.querySelectorAll("[data-testid]")].slice(0, 1).map((t) => ` > ${t.dataset.testid}`).join(""))"""


# Every piece of text a reader meets: text nodes (hidden ones too: a script shows them later)
# and the attributes that are read out or shown.
READABLE = """() => {
    const said = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) {
        const parent = walk.currentNode.parentElement;
        if (!parent.closest("script, style, template")) said.push(walk.currentNode.textContent);
    }
    for (const e of document.querySelectorAll("[aria-label], [title], [alt], [placeholder]")) {
        for (const name of ["aria-label", "title", "alt", "placeholder"]) {
            if (e.hasAttribute(name)) said.push(e.getAttribute(name));
        }
    }
    said.push(document.title);
    return said.map((text) => text.replace(/\\s+/g, " ").trim()).filter(Boolean);
}"""
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def _texts(lang: str) -> list[str]:
    said = []
    for message in read_catalogue(lang):
        if message.id:
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            said += [form.replace("%%", "%") for form in forms]
    return said


@cache
def telltales(lang: str) -> tuple[frozenset, tuple]:
    """What only ``lang`` says: whole messages, and the fragments of its longer sentences.

    Whatever the other language's catalogue says too (``Dashboard``, ``Stand``) tells nothing.
    """
    other = "en" if lang == "nl" else "nl"
    theirs = " \n ".join(_texts(other)).lower()
    whole, fragments = set(), set()
    for text in _texts(lang):
        if not PLACEHOLDER.search(text) and text.lower() not in theirs:
            whole.add(text)
        for part in PLACEHOLDER.split(text):
            part = part.strip(" .,:;()‘’'\"")
            if len(part) >= 12 and " " in part and part.lower() not in theirs:
                fragments.add(part)
    return frozenset(whole), tuple(sorted(fragments))


def foreign_messages(page, lang: str) -> list[str]:
    """The other language's messages found on ``page`` (which speaks ``lang``)."""
    whole, fragments = telltales("en" if lang == "nl" else "nl")
    said = page.evaluate(READABLE)
    everything = " \n ".join(said)
    found = [text for text in said if text in whole]
    found += [part for part in fragments if part in everything]
    return sorted(set(found))


def serious(page) -> list[dict]:
    """axe-core's violations of impact serious or critical on the page as it stands."""
    violations = AXE.run(page).response["violations"]
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        rule, impact, help_ = violation["id"], violation["impact"], violation["help"]
        lines.append(f"{rule} ({impact}): {help_} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(node['target'])}")
            summary = (node.get("failureSummary") or "").splitlines()
            lines += [f"      {line.strip()}" for line in summary[1:]]  # e.g. the ratio found
    return "\n".join(lines)


# Each page in the reader's two languages.
CASES = [pytest.param(row, lang, id=f"{row.name}-{lang}") for row in PAGES for lang in LOCALES]


@pytest.mark.parametrize(("row", "lang"), CASES)
def test_no_serious_accessibility_violation(
    chromium_once, live_server, make, app, monkeypatch, screenshots, row, lang
):
    context = chromium_once.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        user_agent=IPHONE,
        locale=LOCALES[lang],
        # No bypass_csp: axe-core is evaluated through DevTools, which the pages' CSP
        # (default-src 'none') does not govern, and it adds no script or style of its own,
        # so axe checks the page exactly as a student's browser renders it (the last test
        # below shows it still finds violations there).
    )
    page = context.new_page()
    visit = Visit(page, live_server, make, app, monkeypatch)
    status = row.reach(visit)
    assert status == row.status, f"{row.name} came with {status}, not {row.status}"
    expect(page.locator("html")).to_have_attribute("lang", lang)
    found = {}
    for size, viewport in [("390", PHONE), ("1366", LAPTOP)] if row.laptop else [("390", PHONE)]:
        page.set_viewport_size(viewport)
        shot = screenshots / f"{row.name}-{lang}-{size}.png"
        # The phone's screen at its pixel density; the laptop's at one pixel a CSS pixel.
        page.screenshot(path=shot, full_page=True, scale="device" if size == "390" else "css")
        if violations := serious(page):
            found[size] = describe(violations)
        if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
            found[f"{size} (scrolls sideways)"] = "the page is wider than the screen"
        if boxes := page.evaluate(SCROLLING_BOXES):
            found[f"{size} (a part scrolls sideways)"] = ", ".join(boxes)
    if foreign := foreign_messages(page, lang):
        found["words"] = f"the other language's messages: {foreign}"
    context.close()
    assert not found, "\n".join(f"at {size} px:\n{text}" for size, text in found.items())


def test_the_check_finds_violations_on_a_page_under_its_csp(chromium_once, live_server, db):
    """The harness is not blind: a nameless button and grey-on-white text are reported.

    The page keeps its Content-Security-Policy; the broken elements are added the way
    a template mistake would put them there, and axe must name the rules they break.
    """
    context = chromium_once.new_context(viewport=PHONE, locale="nl-NL")
    page = context.new_page()
    response = page.goto(f"{live_server}/privacy")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert serious(page) == []
    assert page.evaluate("axe.version") == AXE_CORE, "a new axe-core: say so in the docs"
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            main.insertAdjacentHTML("beforeend", '<form><button type="submit"></button></form>');
            const faint = document.createElement("p");
            faint.textContent = "Te licht om te lezen";
            faint.style.color = "#c8c8c8";  // 1.7:1 on white
            main.append(faint);
        }"""
    )
    found = serious(page)
    context.close()
    assert {v["id"] for v in found} == {"button-name", "color-contrast"}, describe(found)
    assert any("button" in " ".join(n["target"]) for v in found for n in v["nodes"])


def test_the_language_check_finds_the_other_language_on_a_page(chromium_once, live_server, db):
    """The word check is not blind: an English button and sentence on a Dutch page are named."""
    context = chromium_once.new_context(viewport=PHONE, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{live_server}/privacy")
    assert foreign_messages(page, "nl") == []
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            main.insertAdjacentHTML("beforeend", "<button>Sign out</button>");
            main.insertAdjacentHTML("beforeend", "<p>Signed in as viewer. Scans count.</p>");
        }"""
    )
    found = foreign_messages(page, "nl")
    context.close()
    assert "Sign out" in found
    assert any(part.startswith("Signed in as") for part in found), found
