"""An organiser sets up an edition in headless Chromium, from an empty database to printed pins.

Sign in, create the edition, import 40 companies from an XLSX file with three
bad rows (fix one, skip two), assign 16 Twente Plaza stands, mint 120 pins and
download the sheets (every QR decoded to the manifest), make a stand token,
sign a second browser in with it, revoke it, and see that browser refused.
"""

import csv
import io

from openpyxl import Workbook
from playwright.sync_api import expect
from sqlalchemy import func, select

from backend.models import Company, Pin, Stand
from backend.services import tokens
from qr import SheetLayout
from tests.qr.decode import label_texts, pdf_pages, png_image, texts

SCALE = 600 / 72
PHONE = {"width": 390, "height": 844}


def companies_xlsx(path) -> None:
    """40 rows as an organiser keeps them: 37 good, a bad URL, a missing name, a 'maybe'."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Naam", "Twente", "Portal URL"])
    for n in range(1, 38):
        sheet.append([f"Bedrijf {n:02d}", "ja" if n <= 20 else "nee", f"https://b{n}.example.nl"])
    sheet.append(["Kapotte Link BV", "ja", "htps//kapot"])
    sheet.append(["", "ja", "https://naamloos.example.nl"])
    sheet.append(["Twijfel BV", "misschien", ""])
    book.save(path)


def download(page, link_text: str) -> bytes:
    with page.expect_download() as info:
        page.click(f"text={link_text}")
    return open(info.value.path(), "rb").read()


def test_an_organiser_sets_up_an_edition_in_the_browser(
    browser, live_server, db, screenshots, tmp_path
):
    _, secret = tokens.create_token("organiser", "Lead organiser")
    laptop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = laptop.new_page()

    page.goto(f"{live_server}/console/")
    assert "/dashboard/sign-in" in page.url
    page.fill("#token", secret)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Editions")
    page.screenshot(path=screenshots / "01-console-empty.png", full_page=True)

    page.fill("#slug", "bdt-2027")
    page.fill("#name", "Business Days Twente 2027")
    page.fill("#starts_on", "2027-02-17")
    page.fill("#ends_on", "2027-02-18")
    page.fill("#portal_url", "https://www.businessdaystwente.nl")
    page.click("text=Create")
    expect(page.locator("h1")).to_contain_text("Business Days Twente 2027")

    companies_xlsx(tmp_path / "bedrijven.xlsx")
    page.click("text=Import from CSV or XLSX")
    page.set_input_files("#file", tmp_path / "bedrijven.xlsx")
    page.click("text=Preview")
    summary = page.locator("[data-testid=import-summary]")
    expect(summary).to_have_text("37 new, 0 changed, 0 unchanged, 3 refused.")
    assert page.locator("tr[data-status=refused]").count() == 3
    expect(page.locator("tr[data-line='41']")).to_contain_text("Twente: Yes or no.")
    page.screenshot(path=screenshots / "02-import-preview.png", full_page=True)
    page.fill("input[name=fix-39-portal_url]", "https://kapotte-link.example.nl")
    page.check("input[name=skip-40]")
    page.check("input[name=skip-41]")
    page.click("text=Apply")
    expect(page.locator("[data-testid=imported]")).to_contain_text("38 new")
    assert db.session.scalar(select(func.count()).select_from(Company)) == 38

    page.click("text=Stands")
    for n in range(1, 17):
        page.select_option("#company_id", label=f"Bedrijf {n:02d}")
        page.fill("#label", f"TP-{n:02d}")
        page.click("button:has-text('Assign a stand')")
    expect(page.locator("h2").first).to_contain_text("(16)")
    page.screenshot(path=screenshots / "03-stands.png", full_page=True)
    assert db.session.scalar(select(func.count()).select_from(Stand)) == 16

    page.click("main >> text=Batches")
    page.fill("#label", "UT desk day 1")
    page.fill("#channel", "ut-desk")
    page.fill("#size", "120")
    page.click("button:has-text('Create')")
    expect(page.locator("[data-testid=batches]")).to_contain_text("UT desk day 1")
    page.screenshot(path=screenshots / "04-batches.png", full_page=True)
    sheets = download(page, "Sheets (PDF)")
    manifest = list(csv.DictReader(io.StringIO(download(page, "Manifest (CSV)").decode())))
    decoded = [t for p in pdf_pages(sheets, SCALE) for t in label_texts(p, SheetLayout(), SCALE)]
    assert len(manifest) == 120 == db.session.scalar(select(func.count()).select_from(Pin))
    assert sorted(decoded) == sorted(row["url"] for row in manifest)

    page.click("nav >> text=Tokens")
    page.select_option("#role", "stand")
    page.select_option("#stand_id", label="bdt-2027 TP-01 · Bedrijf 01")
    page.fill("#label", "Tablet TP-01")
    page.click("button:has-text('Create')")
    stand_secret = page.inner_text("[data-testid=secret]")
    assert stand_secret.startswith("spd_")
    card = png_image(page.locator(".card img").screenshot())
    # The card opens the stand scanner, which signs the tablet in from the URL's fragment.
    assert texts(card) == [f"https://pins.example.org/scan#token={stand_secret}"]
    page.screenshot(path=screenshots / "05-stand-token-card.png", full_page=True)

    tablet = browser.new_context(viewport=PHONE, is_mobile=True, locale="en-GB")
    stand_page = tablet.new_page()
    stand_page.goto(f"{live_server}/staff")
    stand_page.fill("#token", stand_secret)
    stand_page.click("button[type=submit]")
    expect(stand_page.locator("[role=status]")).to_contain_text("Signed in as stand")
    stand_page.screenshot(path=screenshots / "06-tablet-signed-in.png", full_page=True)
    refused = stand_page.goto(f"{live_server}/console/")
    assert refused.status == 403
    stand_page.screenshot(path=screenshots / "07-tablet-console-refused.png", full_page=True)

    page.goto(f"{live_server}/console/tokens")
    page.locator("tr", has_text="Tablet TP-01").locator("a", has_text="Revoke").click()
    expect(page.locator("[data-testid=confirm-revoke]")).to_contain_text("Tablet TP-01")
    page.click("[data-testid=confirm]")
    expect(page.locator("tr", has_text="Tablet TP-01")).to_contain_text("revoked")
    page.screenshot(path=screenshots / "08-token-revoked.png", full_page=True)

    after = stand_page.goto(f"{live_server}/staff")
    assert after.status == 401
    expect(stand_page.locator("[role=alert]")).to_contain_text("session has ended")
    stand_page.screenshot(path=screenshots / "09-tablet-refused.png", full_page=True)

    page.goto(f"{live_server}/console/audit?lang=nl")
    expect(page.locator("h1")).to_have_text("Logboek")
    assert page.locator("[data-testid=audit] tr", has_text="Token ingetrokken").count() == 1
    expect(page.locator("[data-testid=audit]")).not_to_contain_text("token.revoke")
    page.screenshot(path=screenshots / "10-audit-nl.png", full_page=True)
    phone = browser.new_context(viewport=PHONE, is_mobile=True, locale="nl-NL")
    small = phone.new_page()
    small.goto(f"{live_server}/dashboard/sign-in")
    small.fill("#token", secret)
    small.click("button[type=submit]")
    small.goto(f"{live_server}/console/bdt-2027/stands")
    expect(small.locator("h1")).to_contain_text("Stands")
    small.screenshot(path=screenshots / "11-stands-phone-nl.png", full_page=True)
    page.goto(f"{live_server}/console/bdt-2027/import")
    page.set_input_files("#file", tmp_path / "bedrijven.xlsx")
    page.click("main button[type=submit]")
    expect(page.locator("[data-testid=import-summary]")).to_have_text(
        "0 nieuw, 0 gewijzigd, 37 ongewijzigd, 3 geweigerd."
    )
    expect(page.locator("tr[data-line='41']")).to_contain_text("Twents: Ja of nee.")
    expect(page.locator("tr[data-line='40']")).to_contain_text("Naam: 1 tot 120 tekens")
    page.screenshot(path=screenshots / "12-import-preview-nl.png", full_page=True)
    for context in (laptop, tablet, phone):
        context.close()


def test_a_large_batch_s_sheets_show_their_progress_then_download(
    browser, live_server, db, make, background, gate, screenshots
):
    """Above PRINT_SYNC_MAX_PINS (10 here) the link leads to a page that refreshes itself."""
    _, secret = tokens.create_token("organiser", "Lead organiser")
    batch = make.batch(make.event(), size=40, label="Plaza day 1")
    slug = batch.event.slug
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{live_server}/dashboard/sign-in")
    page.fill("#token", secret)
    page.click("button[type=submit]")
    for lang, link, preparing in (
        ("nl", "Vellen (PDF)", "Het bestand voor 40 pins wordt gemaakt"),
        ("en", "Sheets (PDF)", "The file for 40 pins is being prepared"),
    ):
        page.goto(f"{live_server}/console/{slug}/batches?lang={lang}")
        page.click(f"text={link}")  # the gate holds the job before its first pin
        status = page.locator("[data-testid=print-status]")
        expect(status).to_have_attribute("data-state", "preparing")
        expect(status).to_contain_text(preparing)
        assert page.locator("progress").get_attribute("max") == "40"
        page.screenshot(path=screenshots / f"12-print-preparing-{lang}.png", full_page=True)
    gate.set()
    # No script: the page's meta refresh brings it to "ready" by itself.
    expect(page.locator("[data-testid=print-status]")).to_have_attribute(
        "data-state", "ready", timeout=20_000
    )
    page.screenshot(path=screenshots / "13-print-ready-en.png", full_page=True)
    sheets = download(page, "Download sheets.pdf")
    page.goto(f"{live_server}/console/{slug}/batches")
    manifest = list(csv.DictReader(io.StringIO(download(page, "Manifest (CSV)").decode())))
    decoded = [t for p in pdf_pages(sheets, SCALE) for t in label_texts(p, SheetLayout(), SCALE)]
    assert sheets.startswith(b"%PDF") and len(manifest) == 40
    assert sorted(decoded) == sorted(row["url"] for row in manifest)
    context.close()
