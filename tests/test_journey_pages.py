"""The student journey through the pages, asserting the rows written and how each is classified."""

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image
from sqlalchemy import select

from backend.models import (
    ApiToken,
    LandingVisit,
    OrphanScan,
    Pin,
    PortalClick,
    Scan,
    StandVisit,
    SurveyResponse,
)
from backend.models.types import utcnow
from backend.services import pins, survey, tokens
from tests.conftest import PHONE, client_as

WHATSAPP = "WhatsApp/2.23.20.0 A"


def csrf_from(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))[1]


@pytest.fixture
def pin(make):
    event, stands = make.plaza(stands=3)
    return make.pin_codes(event, size=2)[0]


def test_scan_logs_a_human_scan_sets_the_cookie_and_redirects(phone, pin, db):
    response = phone.get(f"/p/{pin}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/l/{pin}")
    assert response.headers["Cache-Control"] == "no-store"
    cookie = response.headers["Set-Cookie"]
    assert f"speld_pin={pin}" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    scan = db.session.scalar(select(Scan))
    assert (scan.kind, scan.device_class, scan.os_family) == ("human", "mobile", "iOS")
    assert (scan.is_repeat, scan.pin_void) == (False, False)


def test_scan_accepts_any_case_and_the_upper_case_qr_path(phone, pin, db):
    assert phone.get(f"/p/{pin.lower()}").status_code == 302
    assert phone.get(f"/P/{pin}").status_code == 302
    assert db.session.query(Scan).count() == 2


def test_second_scan_by_the_same_visitor_is_a_repeat(app, phone, pin, db):
    phone.get(f"/p/{pin}")
    phone.get(f"/p/{pin}")
    other = client_as(app, ip="198.51.100.9")
    other.get(f"/p/{pin}")
    repeats = [s.is_repeat for s in db.session.scalars(select(Scan).order_by(Scan.id))]
    assert repeats == [False, True, False]


def test_link_previews_and_head_requests_are_bots(app, phone, pin, db):
    preview = client_as(app, WHATSAPP)
    assert preview.get(f"/p/{pin}").status_code == 302
    assert phone.head(f"/p/{pin}").status_code == 302
    kinds = [(s.kind, s.is_repeat) for s in db.session.scalars(select(Scan).order_by(Scan.id))]
    assert kinds == [("bot", False), ("bot", False)]


@pytest.mark.parametrize(
    "path",
    ["/p/ZZZZZZZZZ", "/p/not-a-code", "/p/" + "A" * 5000, "/p/caf%C3%A9", "/P/abc/def", "/p/%00"],
)
def test_unknown_or_malformed_code_is_an_orphan_with_a_friendly_page(phone, pin, db, path):
    response = phone.get(path)
    assert response.status_code == 404
    assert "Twente.com" in response.get_data(as_text=True)
    orphan = db.session.scalar(select(OrphanScan))
    assert orphan.kind == "human" and len(orphan.path) <= 120
    assert db.session.query(Scan).count() == 0


def test_void_pin_is_said_kindly_and_recorded_as_void(phone, pin, db):
    pins.void_pin(pin, "lost")
    response = phone.get(f"/p/{pin}")
    assert response.status_code == 410
    assert "niet meer geldig" in response.get_data(as_text=True)
    assert db.session.scalar(select(Scan.pin_void)) is True


def test_signed_in_staff_browser_records_tests(app, make, pin, db):
    token = make.token("organiser")
    browser = client_as(app)
    form = browser.get("/staff")
    browser.post("/staff", data={"token": token, "csrf_token": csrf_from(form)})
    browser.get(f"/p/{pin}")
    browser.get(f"/l/{pin}")
    assert db.session.scalar(select(Scan.kind)) == "test"
    assert db.session.scalar(select(LandingVisit.kind)) == "test"


def test_revoking_the_token_ends_the_staff_browsers_test_marking(app, make, pin, db):
    token = make.token("organiser")
    browser = client_as(app)
    form = browser.get("/staff")
    browser.post("/staff", data={"token": token, "csrf_token": csrf_from(form)})
    browser.get(f"/p/{pin}")
    db.session.get(ApiToken, tokens.authenticate(token).id).revoked_at = utcnow()
    db.session.commit()
    browser.get(f"/p/{pin}")
    assert [s.kind for s in db.session.scalars(select(Scan).order_by(Scan.id))] == [
        "test",
        "human",
    ]
    assert "Signed in as" not in browser.get("/staff").get_data(as_text=True)


@pytest.mark.parametrize(
    "role,lang,said,leads_to",
    [
        ("viewer", "nl", "Ingelogd als kijker.", ["/dashboard/"]),
        ("viewer", "en", "Signed in as viewer.", ["/dashboard/"]),
        ("stand", "nl", "Ingelogd als stand.", ["/scan"]),
        ("organiser", "en", "Signed in as organiser.", ["/console/", "/scan"]),
    ],
)
def test_staff_speaks_the_reader_s_language_and_leads_each_role_on(
    app, make, db, role, lang, said, leads_to
):
    browser = client_as(app)
    form = browser.get(f"/staff?lang={lang}")
    assert form.status_code == 200 and f'lang="{lang}"' in form.get_data(as_text=True)
    token = make.token(role)
    signed_in = browser.post("/staff", data={"token": token, "csrf_token": csrf_from(form)})
    assert signed_in.status_code == 303
    page = browser.get("/staff").get_data(as_text=True)
    assert said in page
    assert re.findall(
        r'<a href="([^"]+)">', page.split('data-testid="next"')[1].split("</p>")[0]
    ) == (leads_to)


def test_landing_page_is_dutch_by_default_and_english_on_request(phone, pin, db):
    survey.skip_survey(pin, utcnow())  # else the page is the survey's first question
    dutch = phone.get(f"/l/{pin}").get_data(as_text=True)
    assert '<html lang="nl">' in dutch and "0 van 3 Twentse stands bezocht" in dutch
    english = phone.get(f"/l/{pin}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "0 of 3 Twente stands visited" in english
    assert db.session.query(LandingVisit).count() == 2


def test_accept_language_english_gets_english(app, pin, db):
    survey.skip_survey(pin, utcnow())
    client = client_as(app, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert "Welcome to" in client.get(f"/l/{pin}").get_data(as_text=True)


def test_landing_page_is_small_self_contained_and_locked_down(phone, pin):
    response = phone.get(f"/l/{pin}")
    html = response.get_data(as_text=True)
    assert len(response.data) < 50_000
    assert "http://" not in html.replace('href="http://localhost', "")
    assert "<script" not in html
    # The one link is Speld's own icon: nothing from elsewhere, no stylesheet to fetch.
    assert re.findall(r"<link[^>]*>", html) == [
        '<link rel="icon" href="/favicon.ico" sizes="16x16 32x32 48x48">'
    ]
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "style-src 'sha256-" in csp


def test_portal_click_is_logged_and_redirected_with_utm(phone, make, db):
    event, stands = make.plaza(stands=1)
    event.portal_url = "https://www.twente.com/jobs?lang=nl"
    db.session.commit()
    code = make.pin_codes(event, channel="saxion")[0]
    response = phone.get(f"/go/{code}")
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    query = parse_qs(target.query)
    assert target.netloc == "www.twente.com" and query["lang"] == ["nl"]
    assert query["utm_source"] == ["speld"] and query["utm_medium"] == ["qr-pin"]
    assert query["utm_campaign"] == [event.slug] and query["utm_content"] == ["saxion"]
    assert db.session.scalar(select(PortalClick.company_id)) is None


def test_company_click_goes_to_its_profile(phone, make, db):
    event, stands = make.plaza(stands=1)
    stands[0].company.portal_url = "https://www.twente.com/bedrijf/lonneker"
    db.session.commit()
    code = make.pin_codes(event)[0]
    response = phone.get(f"/go/{code}?company={stands[0].company_id}")
    assert response.headers["Location"].startswith("https://www.twente.com/bedrijf/lonneker?")
    assert db.session.scalar(select(PortalClick.company_id)) == stands[0].company_id


def test_company_of_another_event_is_a_friendly_404(phone, make, pin, db):
    elsewhere = make.stand()
    response = phone.get(f"/go/{pin}?company={elsewhere.company_id}")
    assert response.status_code == 404
    assert db.session.query(PortalClick).count() == 0


def test_stand_poster_with_the_pin_cookie_stamps_once(phone, make, db, clock):
    event, stands = make.plaza(stands=2)
    code = make.pin_codes(event)[0]
    phone.get(f"/p/{code}")
    first = phone.get(f"/s/{stands[0].code.lower()}")
    assert first.status_code == 200
    assert "Gestempeld!" in first.get_data(as_text=True)
    assert "1 van 2 Twentse stands bezocht" in first.get_data(as_text=True)
    again = phone.get(f"/S/{stands[0].code}")
    assert "al gestempeld" in again.get_data(as_text=True)
    assert "telt niet mee" not in again.get_data(as_text=True)
    visit = db.session.scalar(select(StandVisit))
    assert (visit.method, visit.is_test, visit.is_rehearsal) == ("self", False, False)
    assert db.session.query(StandVisit).count() == 1


def test_stand_poster_without_cookie_asks_for_the_code(phone, make, db):
    event, stands = make.plaza(stands=1)
    code = make.pin_codes(event)[0]
    form = phone.get(f"/s/{stands[0].code}")
    assert form.status_code == 200 and 'name="pin"' in form.get_data(as_text=True)
    typed = "-".join([code[:3].lower(), code[3:6], code[6:]])
    done = phone.post(f"/s/{stands[0].code}", data={"pin": typed, "csrf_token": csrf_from(form)})
    assert done.status_code == 200 and "Gestempeld!" in done.get_data(as_text=True)
    assert db.session.query(StandVisit).count() == 1


def test_mistyped_code_at_the_stand_is_refused_kindly(phone, make, db):
    event, stands = make.plaza(stands=1)
    code = make.pin_codes(event)[0]
    form = phone.get(f"/s/{stands[0].code}")
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    refused = phone.post(f"/s/{stands[0].code}", data={"pin": typo, "csrf_token": csrf_from(form)})
    assert refused.status_code == 404
    assert "klopt niet" in refused.get_data(as_text=True)
    assert db.session.query(StandVisit).count() == 0


def test_stand_poster_refuses_what_it_cannot_stamp_with_a_page_and_no_visit(phone, make, db):
    event, stands = make.plaza(stands=1)
    own, void = make.pin_codes(event, size=2)
    pins.void_pin(void, "misprint")
    foreign = make.pin_codes(size=1)[0]
    poster = f"/s/{stands[0].code}"
    form = phone.get(poster)
    token = csrf_from(form)
    other = phone.post(poster, data={"pin": foreign, "csrf_token": token})
    assert other.status_code == 422
    assert "andere editie" in other.get_data(as_text=True)
    assert 'name="pin"' in other.get_data(as_text=True)
    withdrawn = phone.post(poster, data={"pin": void, "csrf_token": token})
    assert withdrawn.status_code == 410
    assert "niet meer geldig" in withdrawn.get_data(as_text=True)
    phone.set_cookie("speld_pin", "ZZZZZZZZZ")  # a cookie from a pin that does not exist
    stale = phone.get(poster)
    assert stale.status_code == 200
    assert "klopt niet" in stale.get_data(as_text=True)
    phone.set_cookie("speld_pin", own)
    unknown_stand = phone.get("/s/ZZZZZZZZZ")
    assert unknown_stand.status_code == 404
    assert 'name="pin"' not in unknown_stand.get_data(as_text=True)
    assert db.session.query(StandVisit).count() == 0
    assert phone.get(poster).status_code == 200
    assert db.session.query(StandVisit).count() == 1


def test_form_post_without_csrf_token_is_refused(phone, make, db):
    event, stands = make.plaza(stands=1)
    code = make.pin_codes(event)[0]
    refused = phone.post(f"/s/{stands[0].code}", data={"pin": code})
    assert refused.status_code == 400
    assert refused.mimetype == "text/html"
    survey = phone.post(f"/l/{code}/survey", data={"named_before": "0"})
    assert survey.status_code == 400
    assert db.session.query(StandVisit).count() == 0
    assert db.session.query(SurveyResponse).count() == 0


def test_survey_form_stores_q1_then_q2_and_replaces_the_answer(phone, make, db):
    event, stands = make.plaza(stands=3)
    code = make.pin_codes(event)[0]
    page = phone.get(f"/l/{code}")
    token = csrf_from(page)
    answered = phone.post(f"/l/{code}/survey", data={"named_before": "1-2", "csrf_token": token})
    assert answered.status_code == 303
    assert answered.headers["Location"].endswith(f"/l/{code}/survey/known")
    assert db.session.scalar(select(SurveyResponse.named_before)) == "1-2"
    known = [stands[0].company_id, stands[2].company_id]
    q2 = phone.post(f"/l/{code}/survey/known", data={"known_before": known, "csrf_token": token})
    assert q2.status_code == 303
    assert "thanks=survey" in q2.headers["Location"]
    response = db.session.scalar(select(SurveyResponse))
    assert sorted(c.id for c in response.known_before) == sorted(known)
    again = phone.post(f"/l/{code}/survey", data={"named_before": "6+", "csrf_token": token})
    assert again.status_code == 303
    phone.post(f"/l/{code}/survey/known", data={"csrf_token": token})
    db.session.expire_all()
    response = db.session.scalar(select(SurveyResponse))
    assert (response.named_before, response.known_before) == ("6+", [])
    assert db.session.query(SurveyResponse).count() == 1


@pytest.mark.parametrize("named_before", ["", "7", "0; drop table", "1–2"])
def test_survey_answer_outside_the_options_changes_nothing(phone, make, db, named_before):
    event, stands = make.plaza(stands=1)
    code = make.pin_codes(event)[0]
    token = csrf_from(phone.get(f"/l/{code}"))
    refused = phone.post(
        f"/l/{code}/survey", data={"named_before": named_before, "csrf_token": token}
    )
    assert refused.status_code == 422
    assert refused.mimetype == "text/html"
    assert db.session.query(SurveyResponse).count() == 0


def test_no_raw_ip_address_is_stored_anywhere(phone, make, db):
    event, stands = make.plaza(stands=1)
    code = make.pin_codes(event)[0]
    phone.get(f"/p/{code}")
    phone.get(f"/l/{code}")
    phone.get(f"/go/{code}")
    phone.get(f"/s/{stands[0].code}")
    phone.get("/p/ZZZZZZZZZ")
    dump = "\n".join(
        repr(row)
        for table in db.metadata.sorted_tables
        for row in db.session.execute(select(table))
    )
    assert "203.0.113.7" not in dump
    assert PHONE not in dump
    assert db.session.query(Scan).count() == 1


def test_forwarded_for_is_ignored_without_trusted_proxies(phone, pin, db):
    phone.get(f"/p/{pin}", headers={"X-Forwarded-For": "192.0.2.1"})
    phone.get(f"/p/{pin}", headers={"X-Forwarded-For": "192.0.2.2"})
    hashes = {s.visitor_hash for s in db.session.scalars(select(Scan))}
    assert len(hashes) == 1  # both came from 203.0.113.7: the header changed nothing


def test_three_hundred_students_behind_one_address_are_never_refused(phone, make, db):
    event, _ = make.plaza(stands=1)
    codes = make.pin_codes(event, size=300)
    statuses = {phone.get(f"/p/{code}").status_code for code in codes}
    assert statuses == {302}
    assert db.session.query(Scan).count() == 300


def test_many_unknown_codes_from_one_address_are_limited(phone, pin, db):
    statuses = [phone.get(f"/p/ZZZZZZZ{i:02d}").status_code for i in range(40)]
    assert statuses[:30] == [404] * 30
    assert set(statuses[30:]) == {429}
    assert db.session.query(Pin).count() == 2


def test_the_favicon_is_speld_s_own_and_every_page_links_it(phone, make):
    response = phone.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert "max-age" in response.headers["Cache-Control"]
    icon = Image.open(io.BytesIO(response.data))
    assert icon.format == "ICO" and {(16, 16), (32, 32), (48, 48)} <= icon.info["sizes"]
    event, stands = make.plaza(stands=1)
    for path in ("/", f"/s/{stands[0].code}", "/scan", "/dashboard/sign-in", "/privacy"):
        assert '<link rel="icon" href="/favicon.ico"' in phone.get(path).get_data(as_text=True)
