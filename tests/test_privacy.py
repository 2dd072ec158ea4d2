"""/privacy says what the code does: checked against the models, the settings and the cookie."""

import re
from html import unescape

import pytest

from backend.extensions import db as _db
from backend.pages.i18n import translator
from backend.pages.privacy import DISCLOSED, ITEMS, figures
from backend.pages.privacy_strings import PRIVACY_TEXT
from backend.pages.scanlane import PIN_COOKIE_SECONDS
from backend.services.retention import GUESS_COUNT_DAYS, LOG_DAYS, ORPHAN_PATH_DAYS
from exports.suppression import SUPPRESS_BELOW

# Words in a column name that would mean a promise on the page is broken.
FORBIDDEN = {"ip", "addr", "address", "mail", "email", "name", "phone", "student", "agent", "ua"}


def _text(response) -> str:
    """The words a reader sees: no tags, and no style sheet (the page inlines its CSS)."""
    body = re.sub(r"<style[^>]*>.*?</style>", " ", response.get_data(as_text=True), flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _student_tables():
    """Tables holding what a pin or a student's request leaves behind."""
    tables = {"pins", "orphan_scans", "visitor_salts", "unknown_code_lookups", "guess_counts"}
    for table in _db.metadata.sorted_tables:
        for column in table.columns:
            if any(
                fk.column.table.name in ("pins", "survey_responses") for fk in column.foreign_keys
            ):
                tables.add(table.name)
    return tables


def test_every_column_a_student_leaves_is_on_the_page(app):
    assert set(DISCLOSED) == _student_tables()
    for name, said in DISCLOSED.items():
        columns = set(_db.metadata.tables[name].columns.keys())
        assert set(said) == columns, name
        assert set(said.values()) - {None} <= set(ITEMS)
    assert {item for said in DISCLOSED.values() for item in said.values()} - {None} == set(ITEMS)


def test_no_column_a_student_leaves_could_hold_a_name_an_address_or_a_user_agent(app):
    for name in DISCLOSED:
        for column in _db.metadata.tables[name].columns:
            assert not FORBIDDEN & set(column.name.lower().split("_")), f"{name}.{column.name}"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_page_states_the_figures_the_code_enforces(client, app, lang):
    response = client.get(f"/privacy?lang={lang}")
    assert response.status_code == 200
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    text = _text(response)
    t = translator(lang, PRIVACY_TEXT)
    assert t("title") in text
    stated = figures()
    assert stated == {
        "window": app.config["REPEAT_WINDOW_MINUTES"],
        "hash_days": app.config["HASH_RETENTION_DAYS"],
        "orphan_days": ORPHAN_PATH_DAYS,
        "guess_days": GUESS_COUNT_DAYS,
        "cookie_days": PIN_COOKIE_SECONDS // 86400,
        "small": SUPPRESS_BELOW,
        "log_days": LOG_DAYS,
    }
    assert t("hash", **stated) in text
    assert t("hash_rule", **stated) in text
    assert t("orphan_rule", **stated) in text
    assert t("orphan", **stated) in text
    assert t("cookie_pin", **stated) in text
    assert t("who_body", **stated) in text
    assert t("logs_body", **stated) in text
    body = response.get_data(as_text=True)
    for item in ITEMS:
        assert f'id="stored-{item}"' in body
    # Readable in a minute: well under 400 words.
    assert len(text.split()) < 400


def test_the_cookie_lasts_as_long_as_the_page_says(phone, make):
    code = make.pin_codes(size=1)[0]
    response = phone.get(f"/p/{code}")
    cookie = response.headers["Set-Cookie"]
    assert f"Max-Age={figures()['cookie_days'] * 86400};" in cookie
    assert cookie.startswith(f"speld_pin={code};")


def test_the_contact_is_configurable(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PRIVACY_CONTACT", "")
    assert translator("en", PRIVACY_TEXT)("organisers") in _text(client.get("/privacy?lang=en"))
    monkeypatch.setitem(app.config, "PRIVACY_CONTACT", "privacy@enschede.example")
    assert "Contact privacy@enschede.example." in _text(client.get("/privacy?lang=en"))


def test_every_student_page_links_to_the_privacy_page(phone, make):
    event, stands = make.plaza()
    code = make.pin_codes(event)[0]
    pages = [
        phone.get("/"),
        phone.get(f"/p/{code}", follow_redirects=True),  # the landing page
        phone.get("/p/NOTAPIN"),  # unknown pin
        phone.get(f"/s/{stands[0].code}"),  # stamped with the pin cookie
        phone.get("/privacy"),
    ]
    fresh = phone.application.test_client()
    pages.append(fresh.get(f"/s/{stands[1].code}"))  # asks for the pin's code
    for response in pages:
        assert response.mimetype == "text/html"
        assert 'href="/privacy"' in response.get_data(as_text=True), response.request.path


@pytest.mark.parametrize("locale", ["nl-NL", "en-GB"])
def test_a_student_reaches_the_privacy_page_from_the_landing_page(
    browser, live_server, make, db, screenshots, locale
):
    event, _ = make.plaza()
    code = make.pin_codes(event, size=1)[0]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale=locale)
    page = context.new_page()
    page.goto(f"{live_server}/p/{code}")
    page.click("footer a")
    lang = locale[:2]
    assert page.locator("h1").inner_text() == translator(lang, PRIVACY_TEXT)("title")
    assert page.locator("#rule-hash").is_visible()
    page.screenshot(path=screenshots / f"privacy-{lang}.png", full_page=True)
    context.close()
