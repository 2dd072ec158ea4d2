"""BDT 2027 rehearsed from an empty database, in headless Chromium, in Dutch and in English.

One story, as the fair's people live it: the lead organiser gets the first token's sign-in
card from the command line, signs in on the console's own page, creates the edition (a
refused form first), imports the companies with their stands and zones, moves, relabels,
rezones and removes stands, mints pins for "UT Balie", and hands over a card to each role:
two stand tablets, the municipality's viewer, a second organiser on a phone. Revoking asks
first, says when it is your own token and keeps the last organiser token.

The day before the fair (the pages' clock and the tablets' clocks are set: nothing here
reads the wall clock) both tablets and a poster stamp rehearse: accepted, said as "test, not
counted", kept out of the funnel. A tablet restarts its browser and is still signed in. On
the fair's first day the scans count, a void pin is refused in red, an offline scan waits
in a small box above the camera, and a stand with visits is retired. The dashboard counts
the fair's visits and shows the rehearsal apart.

Screenshots of each step go to ``test-output/``: the organiser's laptop at 1366 px, phones
and the first tablet at 390 px, the second tablet at 800 px.
"""

import csv
import io
import re
import shutil
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime
from openpyxl import Workbook
from playwright.sync_api import expect
from sqlalchemy import func, select

from backend.models import ApiToken, AuditEntry, Company, Event, Pin, Stand, StandVisit
from qr import codes
from tests.conftest import CHROMIUM_ARGS, wifi
from tests.conftest import PHONE as IPHONE
from tests.qr.decode import pdf_pages, pdf_text, png_image, texts
from tests.test_scanner_browser import FAKE_CAMERA
from tests.test_sign_in_cards import embedded_fonts

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 800, "height": 1100}
SLUG = "bdt-2027"
NAME = "Business Days Twente 2027"
BASE = "https://pins.example.org"  # the test app's PUBLIC_BASE_URL, which cards and pins encode
ENSCHEDE = ZoneInfo("Europe/Amsterdam")
# BDT 2027 is 17-18 February: the afternoon before, when the stands set up, and the first day.
DAY_BEFORE = datetime(2027, 2, 16, 16, 30, tzinfo=ENSCHEDE)
FAIR_DAY = datetime(2027, 2, 17, 11, 0, tzinfo=ENSCHEDE)
WAIT_MS = 30_000

SAID = {
    "nl": {
        "editions": "Edities",
        "create": "Aanmaken",
        "timezone_refused": "Een bestaande tijdzone",
        "edition_made": f"Editie {NAME} aangemaakt.",
        "hall": "Grote zaal",
        "plaza": "Twente Plaza",
        "preview": "Voorbeeld bekijken",
        "apply": "Toepassen",
        "summary": "5 nieuw, 0 gewijzigd, 0 ongewijzigd, 1 geweigerd.",
        "imported": "Geïmporteerd: 6 nieuw, 0 gewijzigd, 0 ongewijzigd.",
        "zone_refused": "Zone:",
        "edit": "Wijzigen",
        "save": "Opslaan",
        "label_taken": "Een andere stand in deze editie heeft dit label al.",
        "relabelled": "Stand TP-13 van Gamma BV opgeslagen.",
        "rezoned": "Stand TP-04 van Delta BV opgeslagen.",
        "moved": "Stand GZ-02 van Beta BV opgeslagen.",
        "remove": "Stand verwijderen",
        "removed": "Stand GZ-05 van Epsilon BV verwijderd.",
        "retire": "Stand uit de beurs nemen",
        "retired": "Stand TP-01 van Alfa BV doet niet meer mee; de {n} bezoeken blijven meetellen.",
        "retire_action": "Stand doet niet meer mee",
        "batch_made": "20 pins gemaakt in batch UT balie dag 1 (kanaal ut-balie). "
        "De bestanden staan hieronder.",
        "manifest": "Lijst (CSV)",
        "console": "Console voor organisatoren",
        "hand_over": {
            "stand": "de stand-scanner op https://pins.example.org/scan opent",
            "viewer": "het dashboard van de editie opent",
            "organiser": "de console opent",
        },
        "own": "Dit is het token waarmee je nu bent ingelogd",
        "cancel": "Annuleren",
        "confirm_own": "Ja, intrekken en uitloggen",
        "signed_out": "Uitgelogd",
        "last": "Dit is het laatste actieve organisatortoken",
        "rehearsal": "Test, telt niet mee",
        "stamp_rehearsal": "Test, telt niet mee: buiten de dagen van de beurs",
        "ok": "Geregistreerd",
        "void": "Deze pin is ingetrokken",
        "queued": "Bewaard; wordt verstuurd zodra er netwerk is",
        "voided": "Pin {code} is ongeldig gemaakt.",
        "void_it": "Ongeldig maken",
        "rehearsal_row": "Oefening",
        "half_past_four": r"16:30:\d\d",
        "rehearsal_day": "Oefenen: vandaag is geen dag van de beurs.",
    },
    "en": {
        "editions": "Editions",
        "create": "Create",
        "timezone_refused": "A time zone that exists",
        "edition_made": f"Edition {NAME} created.",
        "hall": "Main hall",
        "plaza": "Twente Plaza",
        "preview": "Preview",
        "apply": "Apply",
        "summary": "5 new, 0 changed, 0 unchanged, 1 refused.",
        "imported": "Imported: 6 new, 0 changed, 0 unchanged.",
        "zone_refused": "Zone:",
        "edit": "Edit",
        "save": "Save",
        "label_taken": "Another stand in this edition has this label.",
        "relabelled": "Stand TP-13 of Gamma BV saved.",
        "rezoned": "Stand TP-04 of Delta BV saved.",
        "moved": "Stand GZ-02 of Beta BV saved.",
        "remove": "Remove the stand",
        "removed": "Stand GZ-05 of Epsilon BV removed.",
        "retire": "Retire the stand",
        "retired": "Stand TP-01 of Alfa BV is retired; its {n} visits stay in the figures.",
        "retire_action": "Stand retired",
        "batch_made": "20 pins made in batch UT balie dag 1 (channel ut-balie). "
        "The files are below.",
        "manifest": "Manifest (CSV)",
        "console": "Organiser console",
        "hand_over": {
            "stand": "the stand scanner at https://pins.example.org/scan opens",
            "viewer": "the edition's dashboard opens",
            "organiser": "the console opens",
        },
        "own": "This is the token you are signed in with",
        "cancel": "Cancel",
        "confirm_own": "Yes, revoke and sign me out",
        "signed_out": "Signed out",
        "last": "That is the last live organiser token",
        "rehearsal": "Test, not counted",
        "stamp_rehearsal": "Test, not counted: outside the fair's days",
        "ok": "Registered",
        "void": "This pin was withdrawn",
        "queued": "Saved; sent when the network is back",
        "voided": "Pin {code} is void.",
        "void_it": "Void",
        "rehearsal_row": "Rehearsal",
        "half_past_four": r"4:30:\d\d\sPM",
        "rehearsal_day": "Rehearsal: today is not one of the fair's days.",
    },
}


def companies_xlsx(path) -> None:
    """Six companies with their stands; one zone cell says 'Hoofdhal', a name Speld does not know."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Naam", "Twente", "Portal URL", "Stand", "Zone"])
    sheet.append(["Alfa BV", "ja", "https://alfa.example.nl", "TP-01", "Twente Plaza"])
    sheet.append(["Beta BV", "ja", "https://beta.example.nl", "TP-02", "Twente Plaza"])
    sheet.append(["Gamma BV", "ja", "", "TP-03", ""])
    sheet.append(["Delta BV", "ja", "", "TP-04", "Twente Plaza"])
    sheet.append(["Epsilon BV", "nee", "", "GZ-05", "Grote zaal"])
    sheet.append(["Zeta BV", "nee", "", "GZ-06", "Hoofdhal"])
    book.save(path)


def fits(page) -> bool:
    """Nothing on the page makes it scroll sideways."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def download(page, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return info.value.path().read_bytes()


def audit_actions(db) -> list[str]:
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


class Story:
    """The people of the story and where they save what they see."""

    def __init__(self, browser, live_server, screenshots, lang):
        self.browser, self.base, self.folder, self.lang = browser, live_server, screenshots, lang
        self.said = SAID[lang]
        self.shots = 0
        self.locale = "nl-NL" if lang == "nl" else "en-GB"

    def context(self, viewport=LAPTOP, **options):
        return self.browser.new_context(
            viewport=viewport,
            is_mobile=viewport == PHONE,
            locale=self.locale,
            accept_downloads=True,
            **options,
        )

    def url(self, path: str) -> str:
        joiner = "&" if "?" in path else "?"
        return f"{self.base}{path}{joiner}lang={self.lang}"

    def shot(self, page, name: str) -> None:
        self.shots += 1
        width = page.viewport_size["width"]
        path = self.folder / f"{self.shots:02d}-{name}-{self.lang}-{width}.png"
        page.screenshot(path=path, full_page=True)


def tokens_count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(ApiToken))


def qr_of_pdf(data: bytes) -> str:
    """The one QR code on a one-page PDF (a sign-in card or a stand's poster)."""
    [page] = list(pdf_pages(data, scale=4))
    [url] = texts(page)
    return url


def sign_in_with_a_cli_card(story, runner, page, db, tmp_path):
    """The first organiser token is a sign-in card from the command line; it opens the console.

    A card that cannot be written leaves no token behind: nobody holds a token nobody saw.
    """
    args = ["speld", "token", "card", "--role", "organiser", "--label", "Lead organiser"]
    failed = runner.invoke(args=[*args, "--out", str(tmp_path / "no-such-folder" / "lead.pdf")])
    assert failed.exit_code != 0 and "Cannot write" in failed.output, failed.output
    assert tokens_count(db) == 0
    made = runner.invoke(args=[*args, "--out", str(tmp_path / "lead.pdf")])
    assert made.exit_code == 0, made.output
    card = (tmp_path / "lead.pdf").read_bytes()
    assert card.startswith(b"%PDF")
    fonts = embedded_fonts(tmp_path / "lead.pdf")
    assert fonts and all(embedded for _, embedded in fonts), fonts
    assert qr_of_pdf(card) == f"{BASE}/console/"
    [secret] = re.findall(r"spd_[A-Za-z0-9_-]{43}", pdf_text(card)[0])
    assert tokens_count(db) == 1

    # The console's own sign-in page, in the reader's language; then the page asked for.
    page.goto(story.url("/console/"))
    expect(page.locator("h1")).to_have_text(story.said["console"])
    expect(page.locator(".brand")).to_have_text("Speld · Console")
    story.shot(page, "console-sign-in")
    page.fill("#token", secret)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text(story.said["editions"])
    story.shot(page, "console-empty")
    return secret


def create_the_edition(story, page, db):
    """A mistyped time zone comes back with everything typed and the reason beside it."""
    said = story.said
    typed = {
        "slug": SLUG,
        "name": NAME,
        "starts_on": "2027-02-17",
        "ends_on": "2027-02-18",
        "timezone": "Europe/Amsterdm",
        "portal_url": "www.businessdaystwente.nl",  # as it is on the letterhead
    }
    for field, value in typed.items():
        page.fill(f"#{field}", value)
    page.click(f"main button:has-text('{said['create']}')")
    expect(page.locator("#timezone-problem")).to_contain_text(said["timezone_refused"])
    expect(page.locator("#timezone")).to_have_attribute("aria-describedby", "timezone-problem")
    for field, value in typed.items():
        expect(page.locator(f"#{field}")).to_have_value(value)
    story.shot(page, "edition-refused")
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0

    page.fill("#timezone", "Europe/Amsterdam")
    page.click(f"main button:has-text('{said['create']}')")
    expect(page.locator("[data-testid=notice]")).to_have_text(said["edition_made"])
    expect(page.locator("h1")).to_contain_text(NAME)
    story.shot(page, "edition-made")
    db.session.expire_all()
    event = db.session.scalars(select(Event)).one()
    assert (event.slug, event.timezone, event.portal_url) == (
        SLUG,
        "Europe/Amsterdam",
        "https://www.businessdaystwente.nl",
    )


def import_the_companies(story, page, db, tmp_path):
    """'Hoofdhal' is no zone Speld knows: refused, kept as the file said, never put on the Plaza."""
    said = story.said
    companies_xlsx(tmp_path / "bedrijven.xlsx")
    page.goto(story.url(f"/console/{SLUG}/import"))
    page.set_input_files("#file", tmp_path / "bedrijven.xlsx")
    page.click(f"main button:has-text('{said['preview']}')")
    expect(page.locator("[data-testid=import-summary]")).to_have_text(said["summary"])
    # By display name: 'Twente Plaza' and 'Grote zaal' are accepted, an empty cell is the Plaza.
    for line, zone in ((2, "twente-plaza"), (4, "twente-plaza"), (6, "main-hall")):
        row = page.locator(f"tr[data-line='{line}']")
        expect(row).to_have_attribute("data-status", "new")
        expect(row.locator("[data-zone]")).to_have_attribute("data-zone", zone)
    expect(page.locator("tr[data-line='6'] [data-zone]")).to_have_text(said["hall"])
    refused = page.locator("tr[data-line='7']")
    expect(refused).to_have_attribute("data-status", "refused")
    expect(refused).to_contain_text(said["zone_refused"])
    expect(page.locator("input[name=fix-7-zone]")).to_have_value("Hoofdhal")
    expect(refused.locator("[data-zone]")).to_have_count(0)  # not shown on any zone
    story.shot(page, "import-preview")
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0

    page.fill("input[name=fix-7-zone]", said["hall"])
    page.click(f"main button:has-text('{said['apply']}')")
    expect(page.locator("[data-testid=imported]")).to_contain_text(said["imported"])
    story.shot(page, "imported")
    db.session.expire_all()
    zones = dict(db.session.execute(select(Stand.label, Stand.zone)).all())
    assert zones == {
        "TP-01": "twente-plaza",
        "TP-02": "twente-plaza",
        "TP-03": "twente-plaza",
        "TP-04": "twente-plaza",
        "GZ-05": "main-hall",
        "GZ-06": "main-hall",
    }


def edit_stand(story, page, which: str, **fields) -> None:
    page.goto(story.url(f"/console/{SLUG}/stands"))
    page.click(f"[aria-label='{story.said['edit']} {which}']")
    for field, value in fields.items():
        page.fill(f"#{field}", value)
    page.click(f"main button:has-text('{story.said['save']}')")


def change_the_stands(story, page, db):
    """Relabel, rezone, move and remove, a refused form first; each change confirmed and audited."""
    said = story.said
    before = len(audit_actions(db))
    # A label another stand holds: the form again as typed, the reason beside the label.
    edit_stand(story, page, "TP-03", label="TP-02", zone=said["hall"])
    expect(page.locator("#label-problem")).to_have_text(said["label_taken"])
    expect(page.locator("#label")).to_have_attribute("aria-describedby", "label-problem")
    expect(page.locator("#label")).to_have_value("TP-02")
    expect(page.locator("#zone")).to_have_value(said["hall"])
    story.shot(page, "stand-refused")

    page.fill("#label", "TP-13")
    page.fill("#zone", said["plaza"])
    page.click(f"main button:has-text('{said['save']}')")
    expect(page.locator("[data-testid=notice]")).to_have_text(said["relabelled"])

    edit_stand(story, page, "TP-04", zone=said["hall"])
    expect(page.locator("[data-testid=notice]")).to_have_text(said["rezoned"])

    edit_stand(story, page, "TP-02", label="GZ-02", zone=said["hall"])
    expect(page.locator("[data-testid=notice]")).to_have_text(said["moved"])
    expect(page.locator("[data-testid=stands-2] tr", has_text="Beta BV")).to_contain_text(
        said["hall"]
    )
    story.shot(page, "stands-moved")

    page.click(f"[aria-label='{said['edit']} GZ-05']")
    expect(page.locator("[data-testid=visits]")).to_have_text("0")
    page.click(f"main button:has-text('{said['remove']}')")
    expect(page.locator("[data-testid=notice]")).to_have_text(said["removed"])
    expect(page.locator("[data-testid=stands-2]")).not_to_contain_text("Epsilon BV")
    expect(page.locator("#company_id option")).to_have_text(["Epsilon BV"])  # free again
    story.shot(page, "stand-removed")

    db.session.expire_all()
    stands = {s.company.name: (s.label, s.zone) for s in db.session.scalars(select(Stand))}
    assert stands == {
        "Alfa BV": ("TP-01", "twente-plaza"),
        "Beta BV": ("GZ-02", "main-hall"),
        "Gamma BV": ("TP-13", "twente-plaza"),
        "Delta BV": ("TP-04", "main-hall"),
        "Zeta BV": ("GZ-06", "main-hall"),
    }
    assert audit_actions(db)[before:] == ["stand.update"] * 3 + ["stand.delete"]


def mint_pins(story, page, db) -> list[str]:
    """A batch of 20 for the UT desk; its manifest lists the pins the students will wear."""
    said = story.said
    page.goto(story.url(f"/console/{SLUG}/batches"))
    page.fill("#label", "UT balie dag 1")
    page.fill("#channel", "UT Balie")  # the desk's name: its code is ut-balie
    page.fill("#size", "20")
    page.click(f"main button:has-text('{said['create']}')")
    expect(page.locator("[data-testid=notice]")).to_have_text(said["batch_made"])
    story.shot(page, "batch-made")
    manifest = download(page, f"text={said['manifest']}")
    rows = list(csv.DictReader(io.StringIO(manifest.decode())))
    assert len(rows) == 20 == db.session.scalar(select(func.count()).select_from(Pin))
    assert {row["channel"] for row in rows} == {"ut-balie"}
    return [row["code"] for row in rows]


def hand_over(story, page, role: str, label: str, stand: str = "", event: str = ""):
    """A token made on the Tokens page: its secret, and its card as a PDF whose QR is the screen's."""
    page.goto(story.url("/console/tokens"))
    page.select_option("#role", role)
    if stand:
        page.select_option("#stand_id", label=stand)
    if event:
        page.select_option("#event", event)
    page.fill("#label", label)
    page.click(f"main button:has-text('{story.said['create']}')")
    given = page.locator("[data-testid=hand-over]")
    expect(given).to_have_attribute("data-role", role)
    expect(given).to_contain_text(story.said["hand_over"][role])
    secret = page.inner_text("[data-testid=secret]")
    on_screen = texts(png_image(given.locator("img").screenshot()))
    story.shot(page, f"hand-over-{role}")
    card = download(page, "[data-testid=card-pdf]")
    assert card.startswith(b"%PDF")
    assert [qr_of_pdf(card)] == on_screen, role
    assert secret not in page.url
    return secret, card


def hand_over_the_cards(story, page, tmp_path) -> dict:
    """A card for each role: two stand tablets, the municipality's viewer, a second organiser."""
    cards = {}
    for key, role, label, stand, event in (
        ("alfa", "stand", "Tablet TP-01", f"{SLUG} TP-01 · Alfa BV", ""),
        ("gamma", "stand", "Tablet TP-13", f"{SLUG} TP-13 · Gamma BV", ""),
        ("viewer", "viewer", "Gemeente Enschede", "", SLUG),
        ("desk", "organiser", "Desk", "", ""),
    ):
        cards[key] = hand_over(story, page, role, label, stand, event)
    # A stand's card opens the scanner, signed in from the fragment; the token is in the QR only.
    for key in ("alfa", "gamma"):
        secret, card = cards[key]
        assert qr_of_pdf(card) == f"{BASE}/scan#token={secret}"
        assert secret not in pdf_text(card)[0]
    (tmp_path / "tablet.pdf").write_bytes(cards["alfa"][1])
    fonts = embedded_fonts(tmp_path / "tablet.pdf")
    assert fonts and all(embedded for _, embedded in fonts), fonts
    viewer, card = cards["viewer"]
    assert qr_of_pdf(card) == f"{BASE}/dashboard/{SLUG}" and viewer in pdf_text(card)[0]
    desk, card = cards["desk"]
    assert qr_of_pdf(card) == f"{BASE}/console/" and desk in pdf_text(card)[0]
    return cards


def local_path(url: str) -> str:
    """A card's or poster's address, on the test's server instead of the public one.

    A poster's QR is in upper case (a smaller code); a phone opens it as it reads it.
    """
    assert url.lower().startswith(BASE), url
    return url[len(BASE) :]


def the_viewer_follows_the_card(story, cards):
    secret, card = cards["viewer"]
    laptop = story.context()
    page = laptop.new_page()
    page.goto(story.url(local_path(qr_of_pdf(card))))
    page.fill("#token", secret)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text(NAME)
    story.shot(page, "viewer-dashboard")
    laptop.close()


def the_desk_on_a_phone(story, page, cards, lead_id: int, db):
    """The desk follows its card on a phone: the console, no page scrolling sideways at 390 px.

    The lead is asked before revoking their own token, and cancels; the desk revokes its own
    and is signed out; then the lead's, the last organiser token, is refused.
    """
    said = story.said
    secret, card = cards["desk"]
    phone = story.context(PHONE)
    small = phone.new_page()
    small.goto(story.url(local_path(qr_of_pdf(card))))
    expect(small.locator("h1")).to_have_text(said["console"])
    small.fill("#token", secret)
    small.click("main button[type=submit]")
    expect(small.locator("h1")).to_have_text(said["editions"])
    for path, name in (
        ("/console/", "editions"),
        (f"/console/{SLUG}/stands", "stands"),
        (f"/console/{SLUG}/batches", "batches"),
        ("/console/tokens", "tokens"),
        ("/console/audit", "audit"),
        (f"/dashboard/{SLUG}", "dashboard"),
    ):
        assert small.goto(story.url(path)).status == 200, path
        story.shot(small, f"phone-{name}")
        assert fits(small), f"{path} scrolls sideways at 390 px"
    # On the phone the batch's files and the tokens' revoke links are within reach.
    small.goto(story.url(f"/console/{SLUG}/batches"))
    assert_in_view(small.locator("[data-testid=batches] a", has_text=said["manifest"]))
    small.goto(story.url("/console/tokens"))
    assert_in_view(small.locator(f"[data-testid=revoke-{lead_id}]"))
    small.goto(story.url(f"/dashboard/{SLUG}"))
    assert_in_view(small.locator("[data-testid=stages] tr[data-stage=issued] td").last)

    page.goto(story.url("/console/tokens"))
    page.click(f"[data-testid=revoke-{lead_id}]")
    expect(page.locator("[data-testid=confirm-revoke]")).to_contain_text("Lead organiser")
    expect(page.locator("[data-testid=own-token]")).to_contain_text(said["own"])
    story.shot(page, "revoke-own-asks")
    page.click(f"main a:has-text('{said['cancel']}')")

    desk_id = db.session.scalar(select(ApiToken.id).where(ApiToken.label == "Desk"))
    small.goto(story.url("/console/tokens"))
    small.click(f"[data-testid=revoke-{desk_id}]")
    expect(small.locator("[data-testid=confirm-revoke]")).to_contain_text("Desk")
    expect(small.locator("[data-testid=own-token]")).to_contain_text(said["own"])
    small.click(f"[data-testid=confirm]:has-text('{said['confirm_own']}')")
    expect(small.locator("[data-testid=signed-out]")).to_have_text(said["signed_out"])
    story.shot(small, "desk-revoked-itself")
    small.goto(story.url("/console/tokens"))
    expect(small.locator("h1")).to_have_text(said["console"])  # the sign-in page again
    phone.close()

    page.goto(story.url("/console/tokens"))
    page.click(f"[data-testid=revoke-{lead_id}]")
    expect(page.locator("[data-testid=problem]")).to_contain_text(said["last"])
    story.shot(page, "last-organiser-refused")
    db.session.expire_all()
    assert db.session.get(ApiToken, lead_id).revoked_at is None
    assert db.session.get(ApiToken, desk_id).revoked_at is not None


def assert_in_view(locator) -> None:
    """Visible within the page's width: no sideways scrolling needed to reach it."""
    box = locator.bounding_box()
    width = locator.page.viewport_size["width"]
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box


def with_a_camera(browser):
    """A second Chromium of the same Playwright, with a fake camera: the stand tablets'."""
    return browser.browser_type.launch(
        executable_path=shutil.which("chromium"), args=[*CHROMIUM_ARGS, *FAKE_CAMERA]
    )


def tablet_options(story, viewport) -> dict:
    """A tablet at the fair: in Enschede's time zone, its camera allowed."""
    return {
        "viewport": viewport,
        "is_mobile": viewport == PHONE,
        "locale": story.locale,
        "timezone_id": "Europe/Amsterdam",
        "permissions": ["camera"],
    }


def open_tablet(story, camera_browser, card: bytes, viewport):
    """A stand's tablet that scanned its card: the scanner, signed in for its stand."""
    tablet = camera_browser.new_context(**tablet_options(story, viewport))
    page = tablet.new_page()
    page.goto(story.base + local_path(qr_of_pdf(card)))
    expect(page.get_by_test_id("stand")).to_be_visible()
    return tablet, page


def scan(page, code: str, state: str, title: str) -> None:
    """A code typed at the tablet (as the camera's would be read), and the tablet's answer."""
    page.fill("#code", code)
    page.click("#typed button")
    expect(page.locator("#result")).to_have_attribute("data-state", state, timeout=WAIT_MS)
    expect(page.locator("#result-title")).to_have_text(title, timeout=WAIT_MS)
    expect(page.locator("#result-code")).to_have_text(codes.display(code))


def set_tablet_clock(tablet, moment: datetime) -> None:
    tablet.clock.set_system_time(moment)  # the tablet's own clock, which stamps scanned_at


def poster_url(story, page, label: str) -> str:
    """The stand's poster, downloaded from the console: the address its QR holds."""
    page.goto(story.url(f"/console/{SLUG}/stands"))
    row = page.locator("tr", has_text=label)
    with page.expect_download() as info:
        row.locator("a", has_text="Poster (PDF)").click()
    return qr_of_pdf(info.value.path().read_bytes())


def rehearse_the_day_before(story, tablets, pins, poster):
    """Both tablets and a poster, the afternoon before: accepted as "test, not counted"."""
    said = story.said
    (_, alfa), (_, gamma) = tablets
    for tablet, scanner in tablets:
        set_tablet_clock(tablet, DAY_BEFORE)
        # Before the first scan the page says why every answer today will be a test.
        expect(scanner.get_by_test_id("rehearsal")).to_contain_text(said["rehearsal_day"])
    scan(alfa, pins[0], "test", said["rehearsal"])
    story.shot(alfa, "tablet-rehearsal")
    scan(gamma, pins[1], "test", said["rehearsal"])
    rehearsed = alfa.locator("#recent li[data-rehearsal]")
    expect(rehearsed).to_have_count(1)
    # Enschede's time, in the minute the tablet's clock was set to: it ticks on from there,
    # and on a busy machine the scan comes a second or more later.
    expect(rehearsed.locator(".time")).to_have_text(re.compile(f"^{said['half_past_four']}$"))
    expect(alfa.get_by_test_id("today")).to_have_text("0")  # a rehearsal is no visit today
    story.shot(gamma, "tablet-2-rehearsal")

    student = story.context(PHONE, user_agent=IPHONE)  # a phone, not a headless browser
    phone = student.new_page()
    phone.goto(story.url(f"/p/{pins[2]}"))
    phone.goto(story.url(local_path(poster)))
    expect(phone.get_by_test_id("stamp-rehearsal")).to_contain_text(said["stamp_rehearsal"])
    story.shot(phone, "poster-rehearsal")
    student.close()


def restart_the_tablet(story, camera_browser, tablet, viewport):
    """The tablet's browser is closed and opened again: it keeps its sign-in."""
    state = tablet.storage_state(indexed_db=True)
    tablet.close()
    # A browser that restarts keeps only the cookies that have an expiry.
    kept = {**state, "cookies": [c for c in state["cookies"] if c["expires"] > 0]}
    assert [c["name"] for c in kept["cookies"]] == ["speld_session"]
    again = camera_browser.new_context(storage_state=kept, **tablet_options(story, viewport))
    page = again.new_page()
    page.goto(f"{story.base}/scan")
    expect(page.get_by_test_id("stand")).to_be_visible()
    expect(page.locator("#recent li[data-rehearsal]")).to_have_count(1)  # its list is kept too
    story.shot(page, "tablet-restarted")
    return again, page


def void_a_pin(story, page, code: str):
    """A student lost their pin at the desk: the organiser voids it, and the console says so."""
    page.goto(story.url(f"/console/pins?code={code}"))
    page.fill("#reason", "verloren")
    page.click(f"main button:has-text('{story.said['void_it']}')")
    expect(page.locator("[data-testid=notice]")).to_have_text(
        story.said["voided"].format(code=codes.display(code))
    )


def the_fair_day(story, clock, tablets, pins):
    """Scans count; a void pin is refused in red; offline, a small box waits above the camera."""
    said = story.said
    clock(FAIR_DAY)
    (tablet_a, alfa), (tablet_b, gamma) = tablets
    for tablet in (tablet_a, tablet_b):
        set_tablet_clock(tablet, FAIR_DAY)
    gamma.reload()
    expect(gamma.get_by_test_id("stand")).to_be_visible()
    expect(gamma.get_by_test_id("rehearsal")).to_have_count(0)  # the fair: scans count
    scan(alfa, pins[0], "ok", said["ok"])
    scan(alfa, pins[3], "ok", said["ok"])
    scan(gamma, pins[1], "ok", said["ok"])
    scan(alfa, pins[4], "bad", said["void"])
    refused = alfa.locator("#result")
    assert refused.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(164, 38, 44)"
    story.shot(gamma, "tablet-2-fair-day")

    wifi(tablet_a, on=False)
    scan(alfa, pins[5], "queued", said["queued"])
    story.shot(alfa, "tablet-offline")
    # The answer box stays small: the camera's preview starts in the upper half of the screen.
    expect(alfa.locator("#camera")).to_be_visible()
    assert alfa.locator("#camera").bounding_box()["y"] < PHONE["height"] / 2
    wifi(tablet_a, on=True)
    expect(alfa.get_by_test_id("waiting")).to_have_text("0", timeout=WAIT_MS)
    expect(alfa.get_by_test_id("today")).to_have_text("3")
    rows = alfa.locator("#recent li")
    expect(rows).to_have_count(5)
    for i in range(5):  # the last ten: each code on one line, never broken
        code = rows.nth(i).locator(".code")
        height = code.evaluate("e => e.getBoundingClientRect().height")
        line = code.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
        assert height < 1.5 * line, (i, height, line)
    red = alfa.locator("#recent li[data-status=refused] .status")
    assert red.evaluate("e => getComputedStyle(e).color") == "rgb(164, 38, 44)"
    assert fits(alfa)
    alfa.locator("#recent").scroll_into_view_if_needed()
    story.shot(alfa, "tablet-last-ten")


def retire_a_stand_with_visits(story, page, db):
    said = story.said
    alfa = db.session.scalars(select(Stand).where(Stand.label == "TP-01")).one()
    visits = db.session.scalar(
        select(func.count()).select_from(StandVisit).where(StandVisit.stand_id == alfa.id)
    )
    assert visits == 5  # two the day before (tablet and poster), three on the fair's day
    page.goto(story.url(f"/console/{SLUG}/stands"))
    page.click(f"[aria-label='{said['edit']} TP-01']")
    expect(page.locator("[data-testid=visits]")).to_have_text(str(visits))
    expect(page.locator("main")).not_to_contain_text(said["remove"])  # visits: not deletable
    page.click(f"main button:has-text('{said['retire']}')")
    expect(page.locator("[data-testid=notice]")).to_have_text(said["retired"].format(n=visits))
    expect(page.locator("[data-testid=stands-retired]")).to_contain_text("Alfa BV")
    story.shot(page, "stand-retired")


def the_dashboard_counts_the_fair(story, page):
    """Four pins visited a stand on the fair's day; the rehearsal's three visits stand apart."""
    page.goto(story.url(f"/dashboard/{SLUG}"))
    visited = page.locator("[data-testid=stages] tr[data-stage=visited_stand] td").first
    expect(visited).to_have_text("4")
    rehearsal = page.locator("[data-testid=excluded] tr[data-figure=rehearsal_visits]")
    expect(rehearsal.locator("th")).to_contain_text(story.said["rehearsal_row"])
    expect(rehearsal.locator("td")).to_have_text("3")
    story.shot(page, "dashboard")


def the_audit_log_in_enschede_time(story, page, db):
    """The log names each change; its times are the edition's wall clock, as the header says."""
    page.goto(story.url("/console/audit"))
    log = page.locator("[data-testid=audit]")
    expect(log.locator("th").first).to_contain_text("(Europe/Amsterdam)")
    retired = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "stand.retire")
    ).one()
    row = log.locator("tr", has=page.locator('[data-action="stand.retire"]'))
    expect(row).to_contain_text(story.said["retire_action"])
    at = retired.at if retired.at.tzinfo else retired.at.replace(tzinfo=UTC)
    # Babel's medium date and time of the reader's language, on Enschede's clock.
    expect(row.locator("td").first).to_have_text(
        format_datetime(at, "medium", tzinfo=ENSCHEDE, locale=story.lang)
    )
    story.shot(page, "audit-log")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_bdt_2027_is_rehearsed_from_an_empty_database(
    browser, live_server, runner, db, clock, screenshots, tmp_path, lang
):
    story = Story(browser, live_server, screenshots, lang)
    laptop = story.context()
    page = laptop.new_page()

    secret = sign_in_with_a_cli_card(story, runner, page, db, tmp_path)
    lead_id = db.session.scalar(select(ApiToken.id))
    create_the_edition(story, page, db)
    import_the_companies(story, page, db, tmp_path)
    change_the_stands(story, page, db)
    pins = mint_pins(story, page, db)
    cards = hand_over_the_cards(story, page, tmp_path)
    the_viewer_follows_the_card(story, cards)
    the_desk_on_a_phone(story, page, cards, lead_id, db)
    poster = poster_url(story, page, "TP-01")
    alfa_code = db.session.scalar(select(Stand.code).where(Stand.label == "TP-01"))
    assert poster.lower() == codes.stand_url(BASE, alfa_code).lower()

    clock(DAY_BEFORE)  # the pages' clock: the afternoon before BDT 2027
    camera_browser = with_a_camera(browser)
    try:
        tablets = [
            open_tablet(story, camera_browser, cards["alfa"][1], PHONE),
            open_tablet(story, camera_browser, cards["gamma"][1], TABLET),
        ]
        rehearse_the_day_before(story, tablets, pins, poster)
        tablets[0] = restart_the_tablet(story, camera_browser, tablets[0][0], PHONE)
        void_a_pin(story, page, pins[4])
        the_fair_day(story, clock, tablets, pins)
        for tablet, _ in tablets:
            tablet.close()
    finally:
        camera_browser.close()

    db.session.expire_all()
    visits = db.session.scalars(select(StandVisit)).all()
    assert (
        sorted((v.is_test, v.is_rehearsal) for v in visits)
        == [(False, False)] * 4 + [(True, True)] * 3
    )
    retire_a_stand_with_visits(story, page, db)
    the_dashboard_counts_the_fair(story, page)
    assert page.request.get(f"{live_server}/favicon.ico").status == 200

    actions = audit_actions(db)
    for action, times in (
        ("token.create", 5),
        ("event.create", 1),
        ("company.import", 6),
        ("stand.import", 6),
        ("stand.update", 3),
        ("stand.delete", 1),
        ("batch.create", 1),
        ("token.revoke", 1),
        ("pin.void", 1),
        ("stand.retire", 1),
    ):
        assert actions.count(action) == times, (action, actions)
    assert secret not in str(db.session.scalars(select(AuditEntry.after)).all())
    the_audit_log_in_enschede_time(story, page, db)
    laptop.close()
