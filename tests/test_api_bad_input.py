"""Bad input on every endpoint: a clear 4xx in the one envelope, and nothing stored changes."""

import pytest
from sqlalchemy import select

from backend.extensions import db as _db

OVERLONG = "x" * 5000
EVENT = {
    "slug": "bdt-2030",
    "name": "Business Days 2030",
    "starts_on": "2030-02-18",
    "ends_on": "2030-02-19",
    "portal_url": "https://www.twente.com",
}

# method, path, body (dict, raw str, or None), expected status, expected error code
CASES = [
    # malformed and misshapen bodies
    ("POST", "/events", '{"slug": ', 400, "bad_request"),
    ("POST", "/events", "[1, 2]", 422, "invalid_input"),
    ("POST", "/events", '"just a string"', 422, "invalid_input"),
    ("PATCH", "/events/{slug}", "{nope}", 400, "bad_request"),
    ("POST", "/companies", "null", 422, "invalid_input"),
    # missing fields
    ("POST", "/events", {}, 422, "invalid_input"),
    ("POST", "/events", {"slug": "bdt-2030"}, 422, "invalid_input"),
    ("POST", "/companies", {}, 422, "invalid_input"),
    ("POST", "/events/{slug}/stands", {"label": "TP-09"}, 422, "invalid_input"),
    # wrong types
    ("POST", "/events", {**EVENT, "name": 5}, 422, "invalid_input"),
    ("POST", "/events", {**EVENT, "starts_on": "18 Feb"}, 422, "invalid_input"),
    ("POST", "/events", {**EVENT, "starts_on": 20300218}, 422, "invalid_input"),
    ("POST", "/companies", {"name": "A", "is_twente": "yes"}, 422, "invalid_input"),
    ("POST", "/companies", {"name": "A", "is_twente": 1}, 422, "invalid_input"),
    ("POST", "/events/{slug}/stands", {"company_id": "1", "label": "TP-09"}, 422, "invalid_input"),
    ("POST", "/events/{slug}/stands", {"company_id": True, "label": "TP-09"}, 422, "invalid_input"),
    ("PATCH", "/stands/{stand}", {"zone": ["twente-plaza"]}, 422, "invalid_input"),
    ("PATCH", "/companies/{company}", {"name": None}, 422, "invalid_input"),
    # unknown keys
    ("POST", "/events", {**EVENT, "admin": True}, 422, "invalid_input"),
    ("PATCH", "/events/{slug}", {"slug": "renamed"}, 422, "invalid_input"),
    ("PATCH", "/stands/{stand}", {"code": "AAAA"}, 422, "invalid_input"),
    # overlong strings and invalid values
    ("POST", "/events", {**EVENT, "name": OVERLONG}, 422, "invalid_input"),
    ("POST", "/events", {**EVENT, "portal_url": "https://x.nl/" + OVERLONG}, 422, "invalid_input"),
    ("POST", "/events", {**EVENT, "portal_url": "javascript:alert(1)"}, 422, "invalid_input"),
    ("POST", "/events", {**EVENT, "timezone": "Mars/Olympus"}, 422, "invalid_input"),
    ("POST", "/events", {**EVENT, "timezone": "../../etc/passwd"}, 422, "invalid_input"),
    ("POST", "/events", {**EVENT, "ends_on": "2030-01-01"}, 422, "invalid_input"),
    ("POST", "/companies", {"name": OVERLONG}, 422, "invalid_input"),
    ("PATCH", "/stands/{stand}", {"label": "TP 01; drop"}, 422, "invalid_input"),
    ("PATCH", "/stands/{stand}", {"label": OVERLONG}, 422, "invalid_input"),
    ("POST", "/companies", {"name": "Nul\u0000Byte"}, 422, "invalid_input"),
    ("PATCH", "/events/{slug}", {"name": "x\u0000"}, 422, "invalid_input"),
    ("GET", "/events?page=1%00", None, 422, "invalid_input"),
    # invalid slugs
    ("POST", "/events", {**EVENT, "slug": "BDT 2030"}, 422, "invalid_input"),
    ("POST", "/events", {**EVENT, "slug": "bdt--2030"}, 422, "invalid_input"),
    ("POST", "/events", {**EVENT, "slug": "bdt-2030-" + "x" * 40}, 422, "invalid_input"),
    ("POST", "/events", {**EVENT, "slug": "bdt-2030\u00e9"}, 422, "invalid_input"),
    # unknown ids and slugs
    ("GET", "/events/no-such-event", None, 404, "event_not_found"),
    ("PATCH", "/events/no-such-event", {"name": "x"}, 404, "event_not_found"),
    ("GET", "/events/" + "x" * 300, None, 404, "event_not_found"),
    ("GET", "/events/no-such-event/stands", None, 404, "event_not_found"),
    ("GET", "/events/bdt%00", None, 404, "event_not_found"),
    ("GET", "/events/{slug}/stands?zone=x%00", None, 422, "invalid_input"),
    ("GET", "/pins/%00", None, 404, "pin_not_found"),
    (
        "POST",
        "/events/no-such-event/stands",
        {"company_id": 1, "label": "TP-1"},
        404,
        "event_not_found",
    ),
    ("GET", "/companies/999999", None, 404, "company_not_found"),
    ("PATCH", "/companies/999999", {"name": "x"}, 404, "company_not_found"),
    ("GET", "/companies/99999999999999999999", None, 404, "not_found"),
    ("GET", "/companies/0", None, 404, "not_found"),
    ("GET", "/companies/-1", None, 404, "not_found"),
    ("GET", "/companies/abc", None, 404, "not_found"),
    ("GET", "/stands/999999", None, 404, "stand_not_found"),
    ("PATCH", "/stands/999999", {"zone": "x"}, 404, "stand_not_found"),
    (
        "POST",
        "/events/{slug}/stands",
        {"company_id": 999999, "label": "TP-9"},
        404,
        "company_not_found",
    ),
    ("PATCH", "/stands/{stand}", {"company_id": 999999}, 404, "company_not_found"),
    # bad query strings
    ("GET", "/events?page=0", None, 422, "invalid_input"),
    ("GET", "/events?per_page=100000", None, 422, "invalid_input"),
    ("GET", "/events?page=abc", None, 422, "invalid_input"),
    ("GET", "/events?color=blue", None, 422, "invalid_input"),
    # routing
    ("DELETE", "/events/{slug}", None, 405, "method_not_allowed"),
    ("PUT", "/companies", None, 405, "method_not_allowed"),
    ("GET", "/no-such-endpoint", None, 404, "not_found"),
]


# A lookup of an unknown code is counted by the guessing brake on purpose: its count
# and the funnel's lookup row (and the day's salt) may grow, nothing else may change.
BRAKE_TABLES = {"guess_counts", "unknown_code_lookups", "visitor_salts"}


def snapshot():
    """Every row of every table, to prove that a refused request changed nothing.

    A token's last use is left out: noting it is the request's one intended write.
    """
    tables = [t for t in _db.metadata.sorted_tables if t.name not in BRAKE_TABLES]
    return {
        t.name: sorted(
            map(tuple, _db.session.execute(select(*_kept(t))).all()),
            key=repr,
        )
        for t in tables
    }


def _kept(table):
    return [c for c in table.columns if c.name != "last_used_at"]


@pytest.fixture
def world(make):
    stand = make.stand()
    return {"slug": stand.event.slug, "company": stand.company.id, "stand": stand.id}


@pytest.mark.parametrize(
    "method,path,body,status,code", CASES, ids=[f"{c[0]} {c[1]} #{i}" for i, c in enumerate(CASES)]
)
def test_bad_input_is_refused_and_changes_nothing(
    client, auth, world, db, method, path, body, status, code
):
    headers = auth("organiser")
    before = snapshot()
    kwargs = {"json": body} if isinstance(body, dict) else {}
    if isinstance(body, str):
        kwargs = {"data": body, "content_type": "application/json"}
    response = client.open(
        "/api/v1" + path.format(**world), method=method, headers=headers, **kwargs
    )
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]
    if status == 422:
        assert response.json["error"]["fields"]
    db.session.rollback()
    assert snapshot() == before


@pytest.mark.parametrize("path", ["/events", "/companies", "/events/{slug}/stands"])
def test_body_over_one_mib_is_refused(client, auth, world, db, path):
    headers = auth("organiser")
    before = snapshot()
    response = client.post(
        "/api/v1" + path.format(**world),
        data='{"name": "' + "x" * (1024 * 1024) + '"}',
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "body_too_large"
    assert snapshot() == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_body_that_is_not_json_is_refused(client, auth, world, db, content_type):
    headers = auth("organiser")
    before = snapshot()
    response = client.post(
        "/api/v1/companies", data="name=Evil", content_type=content_type, headers=headers
    )
    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported_media_type"
    assert snapshot() == before


def test_unknown_page_outside_the_api_is_a_friendly_html_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Speld" in response.get_data(as_text=True)
