"""An organiser hands tokens over in headless Chromium, in Dutch and English, phone and laptop.

Signed in on the console's own sign-in page, they make a stand, a viewer and an organiser
token and download each one's card: a stand's opens the scanner, a viewer's the edition's
dashboard, an organiser's the console. A viewer follows their card to the dashboard. Then
the organiser asks to revoke their own token (the page says so), revokes the other
organiser token, and is refused when their own is the last one left.
"""

import re

import pytest
from playwright.sync_api import expect

from backend.services import tokens
from tests.qr.decode import pdf_pages, pdf_text, png_image, texts

BASE = "https://pins.example.org"
SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 900}}
SAID = {
    "nl": {
        "console": "Console voor organisatoren",
        "create": "Aanmaken",
        "download": "Kaart downloaden (PDF)",
        "own": "Dit is het token waarmee je nu bent ingelogd",
        "cancel": "Annuleren",
        "confirm": "Ja, intrekken",
        "revoke": "Intrekken…",
        "revoked": "Token #{id} is ingetrokken.",
        "last": "Dit is het laatste actieve organisatortoken",
        "stand": "de stand-scanner op https://pins.example.org/scan opent",
        "viewer": "het dashboard van de editie opent",
        "organiser": "de console opent",
    },
    "en": {
        "console": "Organiser console",
        "create": "Create",
        "download": "Download the card (PDF)",
        "own": "This is the token you are signed in with",
        "cancel": "Cancel",
        "confirm": "Yes, revoke",
        "revoke": "Revoke…",
        "revoked": "Token #{id} is revoked.",
        "last": "That is the last live organiser token",
        "stand": "the stand scanner at https://pins.example.org/scan opens",
        "viewer": "the edition's dashboard opens",
        "organiser": "the console opens",
    },
}


def _pdf_qr(data: bytes) -> str:
    [page] = list(pdf_pages(data, scale=4))
    [url] = texts(page)
    return url


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_organiser_hands_over_each_role_s_card_and_cannot_lock_themselves_out(
    browser, live_server, db, make, screenshots, lang, size
):
    said = SAID[lang]
    lead, secret = tokens.create_token("organiser", "Lead organiser")
    stand = make.stand(company=make.company(name="Demcon"), label="TP-04")
    event = stand.event
    context = browser.new_context(
        viewport=SIZES[size], is_mobile=size == "phone", locale=f"{lang}-NL", accept_downloads=True
    )
    page = context.new_page()
    shot = lambda name: page.screenshot(path=screenshots / f"{name}.png", full_page=True)  # noqa: E731

    page.goto(f"{live_server}/console/tokens?lang={lang}")
    expect(page.locator("h1")).to_have_text(said["console"])
    expect(page.locator(".brand")).to_have_text("Speld · Console")
    shot("01-console-sign-in")
    page.fill("#token", secret)
    page.click("main button[type=submit]")
    assert page.url.endswith(f"/console/tokens?lang={lang}")

    made = {}
    for role, label in (("stand", "Tablet TP-04"), ("viewer", "Gemeente"), ("organiser", "Desk")):
        page.goto(f"{live_server}/console/tokens")
        page.select_option("#role", role)
        if role == "stand":
            page.select_option("#stand_id", label=f"{event.slug} TP-04 · Demcon")
        if role == "viewer":
            page.select_option("#event", event.slug)
        page.fill("#label", label)
        page.click(f"main button:has-text('{said['create']}')")
        expect(page.locator("[data-testid=hand-over]")).to_have_attribute("data-role", role)
        expect(page.locator("[data-testid=hand-over]")).to_contain_text(said[role])
        made[role] = page.inner_text("[data-testid=secret]")
        on_screen = texts(png_image(page.locator("[data-testid=hand-over] img").screenshot()))
        shot(f"02-{role}-hand-over")
        with page.expect_download() as info:
            page.click("[data-testid=card-pdf]")
        card = info.value.path().read_bytes()
        assert card.startswith(b"%PDF")
        assert [_pdf_qr(card)] == on_screen, role
        # The secret was posted in the form: the page's address never held it.
        assert made[role] not in page.url and made[role] not in info.value.url
        made[f"{role}-pdf"] = card
    assert _pdf_qr(made["stand-pdf"]) == f"{BASE}/scan#token={made['stand']}"
    assert _pdf_qr(made["viewer-pdf"]) == f"{BASE}/dashboard/{event.slug}"
    assert _pdf_qr(made["organiser-pdf"]) == f"{BASE}/console/"
    assert made["viewer"] in pdf_text(made["viewer-pdf"])[0]  # to paste on a laptop
    assert made["stand"] not in pdf_text(made["stand-pdf"])[0]  # in the QR only

    # The viewer follows their card: the edition's dashboard, after one sign-in.
    viewer = browser.new_context(viewport=SIZES[size], locale=f"{lang}-NL")
    theirs = viewer.new_page()
    theirs.goto(live_server + _pdf_qr(made["viewer-pdf"]).removeprefix(BASE) + f"?lang={lang}")
    theirs.fill("#token", made["viewer"])
    theirs.click("main button[type=submit]")
    expect(theirs.locator("h1")).to_contain_text(event.name)
    theirs.screenshot(path=screenshots / "03-viewer-dashboard.png", full_page=True)
    viewer.close()

    # Their own token: the page asks first and says what it means.
    page.goto(f"{live_server}/console/tokens")
    expect(page.locator(f"tr[data-token='{lead.id}']")).to_contain_text("Lead organiser")
    page.locator(f"[data-testid=revoke-{lead.id}]").click()
    expect(page.locator("[data-testid=confirm-revoke]")).to_contain_text("Lead organiser")
    expect(page.locator("[data-testid=own-token]")).to_contain_text(said["own"])
    shot("04-revoke-own-asks")
    page.click(f"text={said['cancel']}")

    # The other organiser token goes, after its own confirmation.
    desk = re.search(r"\d+", page.locator("tr", has_text="Desk").first.inner_text())[0]
    page.locator(f"[data-testid=revoke-{desk}]").click()
    expect(page.locator("[data-testid=confirm-revoke]")).to_contain_text("Desk")
    page.click(f"[data-testid=confirm]:has-text('{said['confirm']}')")
    expect(page.locator("[data-testid=revoked-notice]")).to_have_text(
        said["revoked"].format(id=desk)
    )
    shot("05-other-organiser-revoked")

    # Now their own is the last live organiser token: refused, with the reason.
    page.locator(f"[data-testid=revoke-{lead.id}]").click()
    expect(page.locator("[data-testid=problem]")).to_contain_text(said["last"])
    shot("06-last-organiser-refused")
    page.goto(f"{live_server}/console/tokens")
    expect(page.locator("h1")).to_have_text("Tokens")  # still signed in
    db.session.expire_all()
    assert tokens.get_token(lead.id).revoked_at is None
    no_sideways = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_sideways, "the tokens page scrolls sideways"
    context.close()
