"""BDT 2027 rehearsed from an empty database, in headless Chromium, in Dutch and in English.

One story, as the fair's people live it: the lead organiser gets the first token from the
command line, creates the edition (a refused form first), imports the companies with their
stands and zones, moves, relabels, rezones, removes and retires stands, mints pins, and
checks the console on a phone. Every change ends on a page that says what happened and
leaves a row in the audit log.

Screenshots of each step go to ``test-output/``: the organiser's laptop at 1366 px, their
phone at 390 px.
"""

import csv
import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect
from sqlalchemy import func, select

from backend.models import AuditEntry, Company, Event, Pin, Stand

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SLUG = "bdt-2027"
NAME = "Business Days Twente 2027"

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
        "batch_made": "20 pins gemaakt in batch UT balie dag 1 (kanaal ut-balie). "
        "De bestanden staan hieronder.",
        "manifest": "Lijst (CSV)",
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
        "batch_made": "20 pins made in batch UT balie dag 1 (channel ut-balie). "
        "The files are below.",
        "manifest": "Manifest (CSV)",
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


def sign_in_with_cli(story, runner, page, db):
    """The first organiser token comes from the command line: nobody can sign in before it."""
    made = runner.invoke(
        args=["speld", "token", "create", "--role", "organiser", "--label", "Lead organiser"]
    )
    assert made.exit_code == 0, made.output
    secret = made.output.strip().splitlines()[-1]
    assert secret.startswith("spd_")
    page.goto(story.url("/console/"))
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
        "portal_url": "https://www.businessdaystwente.nl",
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


def mint_pins(story, page, db) -> list[dict]:
    """A batch of 20 for the UT desk; its manifest lists the pins the students will wear."""
    said = story.said
    page.goto(story.url(f"/console/{SLUG}/batches"))
    page.fill("#label", "UT balie dag 1")
    page.fill("#channel", "ut-balie")
    page.fill("#size", "20")
    page.click(f"main button:has-text('{said['create']}')")
    expect(page.locator("[data-testid=notice]")).to_have_text(said["batch_made"])
    story.shot(page, "batch-made")
    manifest = download(page, f"text={said['manifest']}")
    rows = list(csv.DictReader(io.StringIO(manifest.decode())))
    assert len(rows) == 20 == db.session.scalar(select(func.count()).select_from(Pin))
    return rows


def phone_pages_fit(story, secret):
    """On the organiser's phone at 390 px, no console page scrolls sideways."""
    phone = story.context(PHONE)
    page = phone.new_page()
    page.goto(story.url("/console/"))
    page.fill("#token", secret)
    page.click("main button[type=submit]")
    for path, name in (
        ("/console/", "editions"),
        (f"/console/{SLUG}/stands", "stands"),
        (f"/console/{SLUG}/batches", "batches"),
        ("/console/tokens", "tokens"),
        ("/console/audit", "audit"),
        (f"/dashboard/{SLUG}", "dashboard"),
    ):
        assert page.goto(story.url(path)).status == 200, path
        story.shot(page, f"phone-{name}")
        assert fits(page), f"{path} scrolls sideways at 390 px"
    phone.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_bdt_2027_is_rehearsed_from_an_empty_database(
    browser, live_server, runner, db, screenshots, tmp_path, lang
):
    story = Story(browser, live_server, screenshots, lang)
    laptop = story.context()
    page = laptop.new_page()

    secret = sign_in_with_cli(story, runner, page, db)
    create_the_edition(story, page, db)
    import_the_companies(story, page, db, tmp_path)
    change_the_stands(story, page, db)
    mint_pins(story, page, db)
    phone_pages_fit(story, secret)

    assert audit_actions(db)[:3] == ["token.create", "event.create", "company.import"]
    laptop.close()
