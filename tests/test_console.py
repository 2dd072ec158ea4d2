"""The organiser console over HTTP: who gets in, and each page's forms through the use cases."""

import csv
import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from backend.models import ApiToken, AuditEntry, Batch, Company, Event, Pin, Stand
from backend.models.types import utcnow
from backend.services import print_jobs, printing, tokens
from qr import SheetLayout
from tests.qr.decode import label_texts, pdf_pages, texts
from tests.test_dashboard import csrf_from, sign_in


@pytest.fixture
def organiser(client, make):
    """A test client signed in as an organiser, and a ``post(path, data)`` with CSRF."""
    assert sign_in(client, make.token("organiser")).status_code == 303
    return client


def post(client, path: str, data: dict, form_page: str = "/console/", **kwargs):
    token = csrf_from(client.get(form_page))
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)


NEW_EVENT = {
    "slug": "bdt-2027",
    "name": "Business Days Twente 2027",
    "starts_on": "2027-02-17",
    "ends_on": "2027-02-18",
    "timezone": "Europe/Amsterdam",
    "portal_url": "https://www.businessdaystwente.nl",
}


def test_signed_out_goes_to_the_one_sign_in_and_comes_back(client, make):
    response = client.get("/console/tokens")
    assert response.status_code == 302
    assert "/dashboard/sign-in?next=/console/tokens" in response.headers["Location"]
    form = client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    assert "<h1>Organiser console</h1>" in form.get_data(as_text=True)
    back = sign_in(client, make.token("organiser"), "/console/tokens")
    assert back.status_code == 303 and back.headers["Location"].endswith("/console/tokens")
    assert client.get("/console/tokens").status_code == 200


def test_a_viewer_gets_a_refusal_page(client, make):
    sign_in(client, make.token("viewer"))
    response = client.get("/console/")
    assert response.status_code == 403
    assert 'data-testid="refused"' in response.get_data(as_text=True)
    assert client.get("/console/companies").status_code == 403


def test_a_stand_session_from_staff_gets_a_refusal_page(client, make):
    form = client.get("/staff")
    client.post("/staff", data={"token": make.token("stand"), "csrf_token": csrf_from(form)})
    response = client.get("/console/", headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert "for organisers only" in response.get_data(as_text=True)


def test_an_organiser_creates_and_edits_an_edition_and_it_is_audited(organiser, db):
    created = post(organiser, "/console/events", NEW_EVENT)
    assert created.status_code == 303 and created.headers["Location"].endswith("/console/bdt-2027")
    page = organiser.get("/console/bdt-2027")
    assert page.status_code == 200 and "Business Days Twente 2027" in page.get_data(as_text=True)
    edited = post(organiser, "/console/bdt-2027", {**NEW_EVENT, "name": "BDT 2027"})
    assert edited.status_code == 303
    assert db.session.scalar(select(Event.name)) == "BDT 2027"
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "event.update" and entry.after == {"name": "BDT 2027"}
    assert entry.actor_label.startswith("test organiser")
    log = organiser.get("/console/audit?action=event.update").get_data(as_text=True)
    assert "BDT 2027" in log and "event.create" not in log


@pytest.mark.parametrize(
    "change,field",
    [
        ({"slug": "Bad Slug"}, "slug"),
        ({"ends_on": "2027-02-16"}, "ends_on"),
        ({"starts_on": "17-02-2027"}, "starts_on"),
        ({"portal_url": "javascript:alert(1)"}, "portal_url"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_a_bad_edition_form_is_a_clear_4xx_and_stores_nothing(organiser, db, change, field):
    response = post(organiser, "/console/events", {**NEW_EVENT, **change})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-testid="problem"' in html and f'<li data-field="{field}">' in html
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


@pytest.mark.parametrize("slug", ["companies", "tokens", "audit", "pins"])
def test_a_slug_that_names_a_console_page_is_refused(organiser, db, slug):
    response = post(organiser, "/console/events", {**NEW_EVENT, "slug": slug})
    assert response.status_code == 422 and "gereserveerd" in response.get_data(as_text=True)


def test_a_form_posted_twice_is_a_conflict_not_a_500(organiser, db):
    assert post(organiser, "/console/events", NEW_EVENT).status_code == 303
    again = post(organiser, "/console/events", NEW_EVENT)
    assert again.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1


REFUSED_FORMS = {
    # what is posted: (path, form, status, Dutch, English)
    "duplicate slug": (
        "/console/events",
        NEW_EVENT,
        409,
        "Er is al een editie met die korte naam.",
        "An edition with that short name exists.",
    ),
    "dates the wrong way round": (
        "/console/events",
        {**NEW_EVENT, "slug": "bdt-2028", "ends_on": "2027-02-16"},
        422,
        "<strong>Laatste dag</strong>: Een datum als JJJJ-MM-DD, niet vóór de eerste dag.",
        "<strong>Last day</strong>: A date as YYYY-MM-DD, not before the first day.",
    ),
    "bad channel": (
        "/console/bdt-2027/batches",
        {"label": "Day 1", "channel": "UT Desk!", "size": "5"},
        422,
        "<strong>Kanaal</strong>: 1 tot 40 tekens: letters, cijfers, spaties en streepjes",
        "<strong>Channel</strong>: 1 to 40 characters: letters, digits, spaces and hyphens",
    ),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("case", REFUSED_FORMS)
def test_refusals_are_said_in_the_reader_s_language(organiser, db, case, lang):
    assert post(organiser, "/console/events", NEW_EVENT).status_code == 303
    path, form, status, dutch, english = REFUSED_FORMS[case]
    response = post(organiser, f"{path}?lang={lang}", form)
    html = response.get_data(as_text=True)
    assert response.status_code == status and 'data-testid="problem"' in html
    assert (dutch if lang == "nl" else english) in html
    assert (english if lang == "nl" else dutch) not in html
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1
    assert db.session.scalar(select(func.count()).select_from(Batch)) == 0


def test_a_use_case_s_precise_refusal_is_said_in_the_reader_s_language_only(organiser, make):
    event = make.event()
    response = post(
        organiser, f"/console/{event.slug}/import?lang=nl", {"file": (io.BytesIO(), "c.csv")}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Het bestand is leeg." in html
    assert "The file is empty." not in html and '<p lang="en">' not in html
    english = post(
        organiser, f"/console/{event.slug}/import?lang=en", {"file": (io.BytesIO(), "c.csv")}
    )
    assert "The file is empty." in english.get_data(as_text=True)
    assert "leeg" not in english.get_data(as_text=True)


def test_a_form_without_csrf_is_refused(organiser, db):
    response = organiser.post("/console/events", data=NEW_EVENT)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_companies_are_searched_created_and_edited(organiser, make, db):
    make.company(name="Demcon")
    make.company(name="Thales")
    found = organiser.get("/console/companies?q=dem").get_data(as_text=True)
    assert "Demcon" in found and "Thales" not in found
    made = post(organiser, "/console/companies", {"name": "Nedap", "is_twente": "1"})
    assert made.status_code == 303
    nedap = db.session.scalar(select(Company).where(Company.name == "Nedap"))
    assert nedap.is_twente is True
    path = f"/console/companies/{nedap.id}"
    edited = post(organiser, path, {"name": "Nedap", "portal_url": "https://nedap.com"})
    assert edited.status_code == 303
    db.session.expire_all()
    assert nedap.is_twente is False and nedap.portal_url == "https://nedap.com"


def test_stands_are_assigned_and_listed_in_plaza_order(organiser, make, db):
    event = make.event()
    a, b = make.company(name="Alpha"), make.company(name="Beta")
    for company, label in ((a, "TP-02"), (b, "TP-01")):
        response = post(
            organiser, f"/console/{event.slug}/stands", {"company_id": company.id, "label": label}
        )
        assert response.status_code == 303
    c = make.company(name="Gamma")
    lounge = {"company_id": c.id, "label": "CL-1", "zone": "career-lounge"}
    assert post(organiser, f"/console/{event.slug}/stands", lounge).status_code == 303
    html = organiser.get(f"/console/{event.slug}/stands").get_data(as_text=True)
    assert html.index("TP-01") < html.index("TP-02")
    # Zones read by their names, in the reader's language; the slug only in the form's list.
    assert '<td data-zone="career-lounge">Carrièrelounge</td>' in html
    assert '<td data-zone="twente-plaza">Twente Plaza</td>' in html
    english = organiser.get(f"/console/{event.slug}/stands?lang=en").get_data(as_text=True)
    assert '<td data-zone="career-lounge">Career lounge</td>' in english
    stand = db.session.scalar(select(Stand).where(Stand.label == "TP-01"))
    poster = organiser.get(f"/console/stands/{stand.id}/poster.pdf")
    assert poster.status_code == 200 and poster.data.startswith(b"%PDF")
    refused = post(
        organiser, f"/console/{event.slug}/stands", {"company_id": a.id, "label": "TP 03"}
    )
    assert refused.status_code == 422


def test_a_batch_is_minted_listed_and_downloaded(organiser, make, db):
    event = make.event()
    made = post(
        organiser,
        f"/console/{event.slug}/batches",
        {"label": "Day 1", "channel": "ut-desk", "size": "5"},
    )
    assert made.status_code == 303
    batch = db.session.scalar(select(Batch))
    html = organiser.get(f"/console/{event.slug}/batches").get_data(as_text=True)
    assert "Day 1" in html and "ut-desk" in html
    manifest = organiser.get(f"/console/batches/{batch.id}/manifest.csv")
    assert manifest.status_code == 200 and manifest.data.count(b"\n") == 6
    sheets = organiser.get(f"/console/batches/{batch.id}/sheets.pdf?diameter_mm=25")
    assert sheets.status_code == 200 and sheets.data.startswith(b"%PDF")


def decoded_sheets(data: bytes, layout: SheetLayout) -> list[str]:
    """Every label of the sheets decoded on its own, as the other print tests do."""
    return sorted(
        t for page in pdf_pages(data, 4, printing=True) for t in label_texts(page, layout, 4)
    )


def test_a_large_batch_s_sheets_show_progress_then_the_file(
    organiser, make, db, background, gate, print_worker
):
    event = make.event()
    form = {"label": "Day 1", "channel": "ut-desk", "size": "40", "diameter_mm": "25"}
    assert post(organiser, f"/console/{event.slug}/batches", form).status_code == 303
    batch = db.session.scalar(select(Batch))
    # Minting started the sheets; the gate holds them before their first pin.
    asked = organiser.get(f"/console/batches/{batch.id}/sheets.pdf?diameter_mm=25&lang=nl")
    assert asked.status_code == 303
    status_url = asked.headers["Location"]
    assert f"/console/batches/{batch.id}/print?file=sheets.pdf&diameter_mm=25" in status_url
    waiting = organiser.get(status_url)
    html = waiting.get_data(as_text=True)
    assert waiting.status_code == 202 and waiting.mimetype == "text/html"
    assert 'data-state="preparing"' in html and '<meta http-equiv="refresh" content="3">' in html
    assert "Het bestand voor 40 pins wordt gemaakt" in html and "0 van 40 pins klaar (0%)" in html
    english = organiser.get(status_url + "&lang=en").get_data(as_text=True)
    assert "The file for 40 pins is being prepared" in english and "0 of 40 pins done" in english
    gate.set()
    print_worker.wait()
    ready = organiser.get(status_url)
    html = ready.get_data(as_text=True)
    assert ready.status_code == 200 and "The file is ready." in html and "http-equiv" not in html
    sheets = organiser.get(f"/console/batches/{batch.id}/sheets.pdf?diameter_mm=25")
    assert sheets.status_code == 200 and sheets.data.startswith(b"%PDF")
    manifest = organiser.get(f"/console/batches/{batch.id}/manifest.csv").get_data(as_text=True)
    urls = sorted(row["url"] for row in csv.DictReader(io.StringIO(manifest)))
    assert len(urls) == 40
    assert decoded_sheets(sheets.data, SheetLayout.from_params({"diameter_mm": "25"})) == urls
    # The bundle came from the same run: served at once.
    bundle = organiser.get(f"/console/batches/{batch.id}/bundle.zip?diameter_mm=25")
    assert (
        bundle.status_code == 200
        and zipfile.ZipFile(io.BytesIO(bundle.data)).read("sheets.pdf") == sheets.data
    )


def test_a_failed_preparation_says_so_in_dutch_with_a_503(
    organiser, make, db, background, monkeypatch, print_worker
):
    def broken(batch_id, base_url):
        raise RuntimeError("the disk is full")
        yield

    monkeypatch.setattr(printing, "pin_items", broken)
    batch = make.batch(make.event(), size=40)
    asked = organiser.get(f"/console/batches/{batch.id}/sheets.pdf?lang=nl")
    assert asked.status_code == 303
    print_worker.wait()
    failed = organiser.get(asked.headers["Location"])
    html = failed.get_data(as_text=True)
    assert failed.status_code == 503 and "http-equiv" not in html
    assert "Het maken van de printbestanden is mislukt" in html and "RuntimeError" in html


def test_a_small_batch_s_print_page_offers_the_file_at_once(organiser, make, db):
    batch = make.batch(make.event(), size=3)
    page = organiser.get(f"/console/batches/{batch.id}/print?file=bundle.zip&lang=en")
    assert page.status_code == 200 and "The file is ready." in page.get_data(as_text=True)
    refused = organiser.get(f"/console/batches/{batch.id}/print?file=secrets.txt")
    assert refused.status_code == 422 and 'data-testid="problem"' in refused.get_data(as_text=True)
    too_big = organiser.get(f"/console/batches/{batch.id}/sheets.pdf?diameter_mm=900&lang=nl")
    html = too_big.get_data(as_text=True)
    assert too_big.status_code == 422 and '<li data-field="diameter_mm">' in html
    assert "<strong>Diameter pin (mm)</strong>" in html


def test_a_pin_is_found_by_url_voided_and_unvoided(organiser, make, db):
    code = make.pin_codes(size=1)[0]
    found = organiser.get(f"/console/pins?code=https://pins.example.org/p/{code}")
    assert found.status_code == 200 and 'data-testid="pin"' in found.get_data(as_text=True)
    voided = post(organiser, f"/console/pins/{code}/void", {"reason": "lost"})
    assert voided.status_code == 303
    assert db.session.scalar(select(Pin.status)) == "void"
    post(organiser, f"/console/pins/{code}/unvoid", {})
    db.session.expire_all()
    assert db.session.scalar(select(Pin.status)) == "active"
    assert organiser.get("/console/pins?code=NOTACODE").status_code == 404


def test_a_token_is_made_shown_once_and_revoked(organiser, make, db):
    stand = make.stand()
    made = post(
        organiser, "/console/tokens", {"role": "stand", "stand_id": stand.id, "label": "Tablet"}
    )
    assert made.status_code == 201
    html = made.get_data(as_text=True)
    assert 'data-testid="secret">spd_' in html and "data:image/png;base64," in html
    listing = organiser.get("/console/tokens").get_data(as_text=True)
    assert "Tablet" in listing and "spd_" not in listing
    assert f"{stand.event.slug} {stand.label} · {stand.company.name}" in listing
    row = db.session.scalar(select(ApiToken).where(ApiToken.label == "Tablet"))
    revoked = post(organiser, f"/console/tokens/{row.id}/revoke", {})
    assert revoked.status_code == 303
    said = organiser.get(revoked.headers["Location"]).get_data(as_text=True)
    assert f"Token #{row.id} is ingetrokken." in said
    db.session.expire_all()
    assert row.revoked_at is not None
    assert "is ingetrokken" not in organiser.get("/console/tokens?revoked=x1").get_data(
        as_text=True
    )


def _secret(response) -> str:
    return re.search(r'data-testid="secret">(spd_[^<]+)<', response.get_data(as_text=True))[1]


@pytest.mark.parametrize(
    "role,leads_to,said",
    [
        ("stand", "/scan#token=", "the stand scanner at https://pins.example.org/scan opens"),
        ("viewer", "/dashboard/edition-", "the edition's dashboard opens"),
        ("organiser", "/console/", "the console opens"),
    ],
)
def test_a_new_token_s_card_downloads_with_its_secret_in_the_form_never_the_url(
    organiser, make, db, role, leads_to, said
):
    stand = make.stand()
    form = {"role": role, "label": f"New {role}"}
    form.update({"stand_id": stand.id} if role == "stand" else {})
    form.update({"event": stand.event.slug} if role == "viewer" else {})
    made = post(organiser, "/console/tokens?lang=en", form)
    assert made.status_code == 201
    html = made.get_data(as_text=True)
    assert said in html.replace("&#39;", "'")
    secret = _secret(made)
    actions = re.findall(r'<form method="post" action="([^"]+)">', html)
    card_form = "/console/tokens/card.pdf"
    assert card_form in actions and not any(secret in action for action in actions)
    extra = {"event": stand.event.slug} if role == "viewer" else {}
    pdf = post(organiser, card_form, {"secret": secret, **extra}, form_page="/console/tokens")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    [page] = list(pdf_pages(pdf.data, scale=4))
    [url] = texts(page)
    assert url.startswith(f"https://pins.example.org{leads_to}")
    db.session.expire_all()
    assert tokens.authenticate(secret, touch=False).last_used_at is None  # printed, not used


def test_a_card_for_a_secret_that_is_not_live_is_refused(organiser, db):
    refused = post(organiser, "/console/tokens/card.pdf?lang=en", {"secret": "spd_nope"})
    assert refused.status_code == 401 and refused.mimetype == "text/html"
    assert "not live" in refused.get_data(as_text=True)


def test_revoking_asks_first_naming_the_token(organiser, make, db):
    stand = make.stand(label="TP-03")
    row, _ = tokens.create_token("stand", "Tablet TP-03", stand.id)
    asked = organiser.get(f"/console/tokens/{row.id}/revoke?lang=en")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Revoke token ‘Tablet TP-03’?" in html
    assert f"{stand.event.slug} TP-03" in html and 'data-testid="own-token"' not in html
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).revoked_at is None  # asking changes nothing


def test_the_last_organiser_token_is_refused_with_its_reason(client, db):
    only, secret = tokens.create_token("organiser", "The only one")
    assert sign_in(client, secret).status_code == 303
    for lang, reason in (
        ("nl", "laatste actieve organisatortoken"),
        ("en", "the last live organiser token"),
    ):
        asked = client.get(f"/console/tokens/{only.id}/revoke?lang={lang}")
        assert asked.status_code == 409 and reason in asked.get_data(as_text=True)
        forced = post(client, f"/console/tokens/{only.id}/revoke?lang={lang}", {"own": "1"})
        assert forced.status_code == 409 and reason in forced.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ApiToken, only.id).revoked_at is None
    assert client.get("/console/tokens").status_code == 200  # still signed in


def test_revoking_your_own_token_says_so_and_signs_you_out(client, db):
    mine, secret = tokens.create_token("organiser", "Mine")
    tokens.create_token("organiser", "Another desk")
    sign_in(client, secret)
    asked = client.get(f"/console/tokens/{mine.id}/revoke?lang=en").get_data(as_text=True)
    assert 'data-testid="own-token"' in asked and "you are signed in with" in asked
    unconfirmed = post(client, f"/console/tokens/{mine.id}/revoke", {})
    assert unconfirmed.status_code == 409
    done = post(client, f"/console/tokens/{mine.id}/revoke?lang=en", {"own": "1"})
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "so you are signed out" in html
    assert 'href="/console/companies"' not in html  # no console menu for the signed out
    assert client.get("/console/tokens").status_code == 302


def test_the_console_s_sign_in_is_the_console_s_and_turns_a_viewer_away(client, make):
    form = client.get("/dashboard/sign-in?next=/console/&lang=en").get_data(as_text=True)
    assert "Speld · Console" in form and "Sign in with an organiser token" in form
    assert "viewer" not in form
    refused = sign_in(client, make.token("viewer"), "/console/")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 401
    assert "A viewer token opens the dashboard, not the console." in html  # lang=en kept
    assert client.get("/console/").status_code == 302  # not signed in


def test_the_refusal_page_shows_no_console_menu(client, make):
    sign_in(client, make.token("viewer"))
    refused = client.get("/console/")
    assert refused.status_code == 403
    assert 'href="/console/tokens"' not in refused.get_data(as_text=True)


def test_times_are_shown_in_the_edition_s_time_zone(organiser, make, db):
    make.event(timezone="America/New_York")
    row, _ = tokens.create_token("viewer", "Gemeente")
    db.session.execute(
        ApiToken.__table__.update()
        .where(ApiToken.id == row.id)
        .values(expires_at=datetime(2031, 2, 18, 15, 0, tzinfo=UTC))
    )
    db.session.commit()
    listing = organiser.get("/console/tokens?lang=nl").get_data(as_text=True)
    # Babel's medium date and short time: Dutch 24-hour, English with AM/PM.
    assert "18 feb 2031, 10:00" in listing and "America/New_York" in listing
    english = organiser.get("/console/tokens?lang=en").get_data(as_text=True)
    assert "Feb 18, 2031, 10:00\u202fAM" in english
    audit = organiser.get("/console/audit").get_data(as_text=True)
    assert "America/New_York" in audit and " UTC" not in audit


@pytest.mark.parametrize(
    "path",
    [
        "/console/no-such-edition",
        "/console/no-such-edition/stands",
        "/console/companies/424242",
        "/console/batches/424242/sheets.pdf",
        "/console/stands/424242/poster.pdf",
        "/console/companies?page=-1&q=%00",
        "/console/companies?page=%C2%B2",
        "/console/audit?page=x&action=%25&actor=%00",
        "/console/pins?code=%00%ff",
    ],
)
def test_unknown_things_are_a_friendly_page_never_a_500(organiser, path):
    response = organiser.get(path)
    assert response.status_code in (200, 404)
    assert response.mimetype == "text/html"


def test_the_console_speaks_dutch_and_english(organiser):
    assert "Edities" in organiser.get("/console/?lang=nl").get_data(as_text=True)
    assert "Editions" in organiser.get("/console/?lang=en").get_data(as_text=True)


def test_pages_send_the_content_security_policy(organiser):
    response = organiser.get("/console/")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "<script" not in response.get_data(as_text=True)


CONSOLE_PAGES = [
    "/console/",
    "/console/{slug}",
    "/console/companies",
    "/console/companies/{company}",
    "/console/{slug}/import",
    "/console/{slug}/stands",
    "/console/stands/{stand}/poster.pdf",
    "/console/{slug}/posters.pdf",
    "/console/{slug}/batches",
    "/console/batches/{batch}/sheets.pdf",
    "/console/batches/{batch}/manifest.csv",
    "/console/batches/{batch}/bundle.zip",
    "/console/batches/{batch}/print?file=sheets.pdf",
    "/console/pins?code={pin}",
    "/console/tokens",
    "/console/audit",
]
CONSOLE_FORMS = [
    ("/console/events", NEW_EVENT),
    ("/console/{slug}", {**NEW_EVENT, "name": "Renamed"}),
    ("/console/companies", {"name": "Matrix BV"}),
    ("/console/{slug}/batches", {"label": "M", "channel": "ut-desk", "size": "1"}),
    ("/console/pins/{pin}/void", {"reason": "lost"}),
    ("/console/tokens", {"role": "viewer", "label": "M"}),
    ("/console/tokens/{token}/revoke", {}),
]


@pytest.fixture
def world(make, db):
    stand = make.stand()
    batch = make.batch(stand.event, size=1)
    return {
        "slug": stand.event.slug,
        "company": stand.company.id,
        "stand": stand.id,
        "batch": batch.id,
        "pin": db.session.scalar(select(Pin.code)),
        "token": tokens.create_token("viewer", "to revoke")[0].id,
        "_": stand,
    }


def _signed_in_as(client, make, role, stand):
    if role == "stand":
        form = client.get("/staff")
        token = make.token("stand", stand)
        client.post("/staff", data={"token": token, "csrf_token": csrf_from(form)})
    elif role is not None:
        sign_in(client, make.token(role))


@pytest.mark.parametrize("path", CONSOLE_PAGES)
@pytest.mark.parametrize(
    "role,expected", [(None, 302), ("organiser", 200), ("viewer", 403), ("stand", 403)]
)
def test_console_role_matrix_for_pages(client, make, world, path, role, expected):
    _signed_in_as(client, make, role, world["_"])
    response = client.get(path.format(**world))
    assert response.status_code == expected


@pytest.mark.parametrize("path,data", CONSOLE_FORMS, ids=[p for p, _ in CONSOLE_FORMS])
@pytest.mark.parametrize(
    "role,expected", [(None, 302), ("organiser", 303), ("viewer", 403), ("stand", 403)]
)
def test_console_role_matrix_for_forms(client, make, world, db, path, data, role, expected):
    _signed_in_as(client, make, role, world["_"])
    token = csrf_from(client.get("/staff"))
    response = client.post(path.format(**world), data={**data, "csrf_token": token})
    # A new token's page is its secret, shown once: 201 rather than a redirect.
    if expected == 303 and path == "/console/tokens":
        expected = 201
    assert response.status_code == expected


def _stale_job(make, db, app, size=40):
    """A large batch minted without a request, and its sheets' job left by a dead worker."""
    from backend.models import PrintJob

    batch = make.batch(make.event(), size=size)
    look = printing.edition_look(app.config)
    key = print_jobs.variant(SheetLayout(), look, app.config["PUBLIC_BASE_URL"])
    stale = utcnow() - timedelta(minutes=5)
    db.session.add(PrintJob(batch_id=batch.id, variant=key, total=size, done=7, heartbeat_at=stale))
    db.session.commit()
    return batch


def _jobs(db):
    from backend.models import PrintJob

    db.session.expire_all()
    return [(j.state, j.attempt) for j in db.session.scalars(select(PrintJob))]


def test_looking_at_the_print_page_starts_no_work_its_button_does(
    organiser, make, db, background, gate, print_worker
):
    batch = make.batch(make.event(), size=40)  # minted without the console: nothing started
    url = f"/console/batches/{batch.id}/print?file=sheets.pdf&lang=en"
    for _ in range(2):
        looked = organiser.get(url)
        assert looked.status_code == 202 and _jobs(db) == []
    html = looked.get_data(as_text=True)
    # Nothing to wait for, so no refresh; the one way on is the button, a POST.
    assert "http-equiv" not in html and 'method="post"' in html and "Refresh now" in html
    started = post(organiser, url, {}, form_page=url)
    assert started.status_code == 303
    assert started.headers["Location"].endswith(
        f"/console/batches/{batch.id}/print?file=sheets.pdf"
    )
    assert _jobs(db) == [("preparing", 1)]
    waiting = organiser.get(url).get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="3">' in waiting and "0 of 40 pins done" in waiting
    gate.set()
    print_worker.wait()
    assert _jobs(db) == [("ready", 1)]
    assert "The file is ready." in organiser.get(url).get_data(as_text=True)


def test_a_dead_worker_s_job_is_taken_over_by_the_button_not_by_looking(
    organiser, make, db, app, background, print_worker
):
    batch = _stale_job(make, db, app)
    url = f"/console/batches/{batch.id}/print?file=sheets.pdf&lang=en"
    looked = organiser.get(url)
    html = looked.get_data(as_text=True)
    assert looked.status_code == 202 and "7 of 40 pins done" in html
    assert 'data-idle="yes"' in html and "http-equiv" not in html
    assert _jobs(db) == [("preparing", 1)]
    assert post(organiser, url, {}, form_page=url).status_code == 303
    print_worker.wait()
    assert _jobs(db) == [("ready", 2)]
    assert organiser.get(url).status_code == 200


def test_a_small_batch_s_print_button_starts_nothing(organiser, make, db, background, print_worker):
    batch = make.batch(make.event(), size=3)
    url = f"/console/batches/{batch.id}/print?file=sheets.pdf"
    assert post(organiser, url, {}, form_page=url).status_code == 303
    assert _jobs(db) == [] and not len(print_worker.queue.huey)
