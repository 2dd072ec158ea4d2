"""The stand scanner over HTTP: sign-in by card, the page's visit endpoint, its headers."""

import re
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from backend.models import ApiToken, StandVisit
from backend.models.types import utcnow
from backend.pages import CONTENT_SECURITY_POLICY
from backend.pages.scanner import SCANNER_CSP
from backend.services import stand_scanner, tokens
from backend.services.pins import find_pin
from backend.services.stamps import stamp


def csrf_from(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))[1]


@pytest.fixture
def today_fair(make):
    """An edition running now (outside its days scans are rehearsals) with one stand."""
    event = make.event(
        starts_on=date.today() - timedelta(days=1), ends_on=date.today() + timedelta(days=1)
    )
    return event, make.stand(event=event)


def sign_in(client, token: str):
    page = client.get("/scan")
    return client.post("/scan/sign-in", data={"token": token, "csrf_token": csrf_from(page)})


def send(client, stand_id: int, visits: list, csrf: str | None = "from-page"):
    if csrf == "from-page":
        csrf = re.search(r'"csrf": "([^"]+)"', client.get("/scan").get_data(as_text=True))[1]
    headers = {"X-CSRFToken": csrf} if csrf else {}
    return client.post(f"/scan/stands/{stand_id}/visits", json={"visits": visits}, headers=headers)


def scan(code: str, nonce: str, when: datetime | None = None) -> dict:
    return {"pin": code, "nonce": nonce, "scanned_at": (when or utcnow()).isoformat()}


def test_the_page_runs_only_its_own_scripts_and_students_keep_theirs_without(client):
    page = client.get("/scan")
    assert page.status_code == 200
    assert page.headers.getlist("Content-Security-Policy") == [SCANNER_CSP]
    assert "script-src 'self' 'wasm-unsafe-eval';" in SCANNER_CSP
    assert "'unsafe-inline'" not in SCANNER_CSP and "http" not in SCANNER_CSP
    # The student pages keep their policy: no script-src at all, so default-src 'none' rules.
    home = client.get("/")
    assert home.headers.getlist("Content-Security-Policy") == [CONTENT_SECURITY_POLICY]
    assert "script-src" not in CONTENT_SECURITY_POLICY
    body = page.get_data(as_text=True)
    assert re.findall(r'<script[^>]* src="([^"]+)"', body) == [
        "/scan/static/vendor/barcode-detector.js",
        "/scan/static/scanner.js",
    ]
    assert "https://" not in body


def test_the_webassembly_and_its_licences_are_served_by_speld_itself(client):
    wasm = client.get("/scan/static/vendor/zxing_reader.wasm")
    assert wasm.status_code == 200 and wasm.mimetype == "application/wasm"
    assert wasm.data[:4] == b"\0asm"
    versions = client.get("/scan/static/vendor/VERSIONS").get_data(as_text=True)
    assert "barcode-detector 3.2.2" in versions and "zxing-wasm 3.1.3" in versions
    script = client.get("/scan/static/vendor/barcode-detector.js").get_data(as_text=True)
    # The polyfill would fetch the wasm from a CDN unless told otherwise; scanner.js tells it.
    assert "zxing-wasm@3.1.3" in script
    assert "locateFile" in client.get("/scan/static/scanner.js").get_data(as_text=True)
    for name in ("barcode-detector", "zxing-wasm", "zxing-cpp"):
        assert client.get(f"/scan/static/vendor/LICENSE.{name}").status_code == 200


def test_the_service_worker_controls_scan_and_lists_every_file_it_keeps(client):
    worker = client.get("/scan/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == "/scan"
    body = worker.get_data(as_text=True)
    assert "__" not in body
    for path in re.search(r"const ASSETS = (\[.*\]);", body)[1].strip("[]").split(", "):
        assert client.get(path.strip('"')).status_code == 200


def test_a_stand_card_signs_the_browser_in_for_its_stand(client, make, today_fair):
    _, stand = today_fair
    response = sign_in(client, make.token("stand", stand))
    assert response.status_code == 303 and response.headers["Location"] == "/scan"
    page = client.get("/scan?lang=en").get_data(as_text=True)
    assert f"Stand {stand.label} · {stand.company.name}" in page
    assert f'"visitsUrl": "/scan/stands/{stand.id}/visits"' in page
    assert "spd_" not in page  # the token is never written into the page
    assert 'data-testid="rehearsal"' not in page  # the edition runs today


def cookie_expires(response) -> datetime | None:
    """When the session cookie this response sets ends; None: when the browser closes."""
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("speld_session=")]
    found = re.search(r"Expires=([^;]+)", cookie)
    return parsedate_to_datetime(found[1]) if found else None


def test_a_stand_tablet_stays_signed_in_until_its_token_expires(client, make, today_fair):
    """Its cookie outlives a browser restart; an organiser's and a signed-out one do not."""
    _, stand = today_fair
    plain = sign_in(client, make.token("stand", stand))
    month = utcnow() + timedelta(days=31)
    assert abs(cookie_expires(plain) - month) < timedelta(minutes=1)
    # Each request renews it, never past the token's expiry.
    assert abs(cookie_expires(client.get("/scan")) - month) < timedelta(minutes=1)

    expires_at = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    _, token = tokens.create_token("stand", "tablet 2", stand.id, expires_at=expires_at)
    assert cookie_expires(sign_in(client, token)) == expires_at
    assert cookie_expires(client.get("/scan")) == expires_at

    page = client.get("/scan")
    signed_out = client.post("/scan/sign-out", data={"csrf_token": csrf_from(page)})
    assert signed_out.status_code == 303
    assert cookie_expires(signed_out) is None
    assert cookie_expires(sign_in(client, make.token("organiser"))) is None


@pytest.mark.parametrize("role", ["viewer", None])
def test_a_viewer_token_or_a_wrong_one_is_refused_at_sign_in(client, make, role):
    token = make.token(role) if role else "spd_not-a-token"
    response = sign_in(client, token)
    assert response.status_code == 401
    assert 'data-testid="sign-in-problem"' in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "staff_token_id" not in session


def test_sign_in_without_the_csrf_token_is_refused(client, make):
    response = client.post("/scan/sign-in", data={"token": make.token("stand")})
    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "staff_token_id" not in session


def test_an_organiser_picks_the_stand(client, make, today_fair):
    _, stand = today_fair
    sign_in(client, make.token("organiser"))
    listing = client.get("/scan?lang=en").get_data(as_text=True)
    assert "Pick the stand you scan for" in listing and f'href="?stand={stand.id}"' in listing
    assert f"/scan/stands/{stand.id}/visits" in client.get(f"/scan?stand={stand.id}").get_data(
        as_text=True
    )
    assert client.get("/scan?stand=999999").status_code == 404


def test_scans_are_registered_with_their_scan_time_and_nonce(client, make, today_fair, db):
    event, stand = today_fair
    valid, again = make.pin_codes(event, size=2)
    other_edition = make.pin_codes(make.event(), size=1)[0]
    sign_in(client, make.token("stand", stand))
    # A scan from a few minutes ago, but on the fair's day as Amsterdam sees it: just after
    # its midnight it would count for yesterday and ``today`` would be 1 (a wall-clock test).
    amsterdam = ZoneInfo(event.timezone)
    midnight = datetime.combine(utcnow().astimezone(amsterdam).date(), time.min, amsterdam)
    earlier = max(utcnow() - timedelta(minutes=5), midnight)
    response = send(
        client,
        stand.id,
        [
            scan(f"HTTPS://PINS.EXAMPLE.ORG/P/{valid}", "n1", earlier),
            scan(valid, "n2"),
            scan(other_edition, "n3"),
            scan(again, "n4"),
        ],
    )
    assert response.status_code == 200
    body = response.get_json()
    assert [(r["nonce"], r["status"]) for r in body["results"]] == [
        ("n1", "created"),
        ("n2", "exists"),
        ("n3", "refused"),
        ("n4", "created"),
    ]
    assert body["results"][2]["error"]["code"] == "pin_other_event"
    assert body["today"] == 2
    visits = db.session.scalars(select(StandVisit).order_by(StandVisit.id)).all()
    assert [(v.nonce, v.method, v.stand_id) for v in visits] == [
        ("n1", "staff", stand.id),
        ("n4", "staff", stand.id),
    ]
    assert abs(visits[0].visited_at - earlier) < timedelta(milliseconds=1)
    # The same batch again (a retry after a lost answer) changes nothing.
    replay = send(client, stand.id, [scan(valid, "n1", earlier), scan(again, "n4")])
    assert [r["status"] for r in replay.get_json()["results"]] == ["exists", "exists"]
    assert db.session.query(StandVisit).count() == 2


def test_without_the_csrf_header_nothing_is_registered(client, make, today_fair, db):
    event, stand = today_fair
    code = make.pin_codes(event, size=1)[0]
    sign_in(client, make.token("stand", stand))
    response = send(client, stand.id, [scan(code, "n1")], csrf=None)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
    assert db.session.query(StandVisit).count() == 0


def test_a_stand_card_cannot_register_at_another_stand(client, make, today_fair, db):
    event, stand = today_fair
    neighbour = make.stand(event=event)
    code = make.pin_codes(event, size=1)[0]
    sign_in(client, make.token("stand", stand))
    response = send(client, neighbour.id, [scan(code, "n1")])
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert db.session.query(StandVisit).count() == 0


def test_a_revoked_card_stops_registering(client, make, today_fair, db):
    event, stand = today_fair
    code = make.pin_codes(event, size=1)[0]
    token = make.token("stand", stand)
    sign_in(client, token)
    csrf = re.search(r'"csrf": "([^"]+)"', client.get("/scan").get_data(as_text=True))[1]
    db.session.get(ApiToken, tokens.authenticate(token).id).revoked_at = utcnow()
    db.session.commit()
    response = send(client, stand.id, [scan(code, "n1")], csrf=csrf)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert db.session.query(StandVisit).count() == 0
    assert "Sign this tablet in" in client.get("/scan?lang=en").get_data(as_text=True)


def test_an_unsigned_browser_cannot_register(client, make, today_fair, db):
    event, stand = today_fair
    response = send(client, stand.id, [scan(make.pin_codes(event, 1)[0], "n1")])
    assert response.status_code == 401
    assert db.session.query(StandVisit).count() == 0


@pytest.mark.parametrize(
    "body",
    [None, {}, {"visits": []}, {"visits": "x"}, {"visits": [{"pin": "x"}] * 501}, {"x": 1}],
)
def test_a_malformed_batch_is_a_422_in_the_envelope(client, make, today_fair, db, body):
    _, stand = today_fair
    sign_in(client, make.token("stand", stand))
    csrf = re.search(r'"csrf": "([^"]+)"', client.get("/scan").get_data(as_text=True))[1]
    response = client.post(
        f"/scan/stands/{stand.id}/visits", json=body, headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 422
    assert set(response.get_json()["error"]) == {"code", "message", "fields"}


def test_a_malformed_scan_is_refused_alone(client, make, today_fair, db):
    event, stand = today_fair
    code = make.pin_codes(event, size=1)[0]
    sign_in(client, make.token("stand", stand))
    response = send(client, stand.id, [{"pin": code, "scanned_at": "yesterday"}, scan(code, "n")])
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["refused", "created"]
    assert results[0]["error"]["code"] == "invalid_input"


def test_today_counts_the_stands_visits_of_the_local_day(make, db):
    event = make.event(starts_on=date(2026, 2, 18), ends_on=date(2026, 2, 19))
    stand = make.stand(event=event)
    codes = make.pin_codes(event, size=4)
    # Amsterdam is UTC+1 in February: 23:30 UTC on the 17th is already the 18th there.
    times = [
        datetime(2026, 2, 17, 22, 59, tzinfo=UTC),  # 23:59 on the 17th: the day before
        datetime(2026, 2, 17, 23, 30, tzinfo=UTC),
        datetime(2026, 2, 18, 22, 59, tzinfo=UTC),
        datetime(2026, 2, 18, 23, 0, tzinfo=UTC),  # midnight: the next day
    ]
    for code, when in zip(codes, times, strict=True):
        stamp(find_pin(code), stand, "staff", False, when, visited_at=when)
    stamp(find_pin(codes[0]), stand, "self", True, times[1])  # a test stamp never counts
    noon = datetime(2026, 2, 18, 11, 0, tzinfo=UTC)
    assert stand_scanner.today_count(stand, noon) == 2
    assert stand_scanner.today_count(stand, noon + timedelta(days=1)) == 1


def test_the_service_worker_s_version_follows_the_files_as_they_are_edited(
    client, tmp_path, monkeypatch
):
    import shutil

    from backend.pages import scanner

    static = tmp_path / "scan"
    shutil.copytree(scanner.STATIC, static)
    monkeypatch.setattr(scanner, "STATIC", static)

    def version() -> str:
        return re.search(r'"speld-scan-([0-9a-f]+)"', client.get("/scan/sw.js").text)[1]

    first = version()
    assert version() == first
    script = static / "scanner.js"
    original = script.read_bytes()
    script.write_bytes(original + b"\n// edited\n")
    edited = version()
    assert edited != first
    # The content decides, not the time: the file as it was is the version it was.
    script.write_bytes(original)
    assert version() == first
    (static / "sw.js").write_text((static / "sw.js").read_text() + "\n")
    assert version() not in (first, edited)
