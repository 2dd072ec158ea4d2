"""Who may call what: every v1 endpoint against no token, a bad token and each role."""

import json

import pytest
from sqlalchemy import select

from backend.models import Pin
from backend.services import tokens

# method, path, body, expected status for: none, organiser, viewer, stand (own stand).
MATRIX = [
    ("GET", "/events", None, (401, 200, 200, 403)),
    ("POST", "/events", "new_event", (401, 201, 403, 403)),
    ("GET", "/events/{slug}", None, (401, 200, 200, 403)),
    ("PATCH", "/events/{slug}", {"name": "Renamed"}, (401, 200, 403, 403)),
    ("GET", "/companies", None, (401, 200, 200, 403)),
    ("POST", "/companies", {"name": "New Company"}, (401, 201, 403, 403)),
    ("GET", "/companies/{company}", None, (401, 200, 200, 403)),
    ("PATCH", "/companies/{company}", {"is_twente": False}, (401, 200, 403, 403)),
    ("GET", "/events/{slug}/stands", None, (401, 200, 200, 403)),
    ("POST", "/events/{slug}/stands", "new_stand", (401, 201, 403, 403)),
    ("GET", "/stands/{stand}", None, (401, 200, 200, 200)),
    ("PATCH", "/stands/{stand}", {"zone": "main-hall"}, (401, 200, 403, 403)),
    ("GET", "/events/{slug}/batches", None, (401, 200, 200, 403)),
    ("POST", "/events/{slug}/batches", "new_batch", (401, 201, 403, 403)),
    ("GET", "/batches/{batch}", None, (401, 200, 200, 403)),
    ("GET", "/batches/{batch}/pins", None, (401, 200, 403, 403)),
    ("GET", "/batches/{batch}/sheets.pdf", None, (401, 200, 403, 403)),
    ("GET", "/batches/{batch}/manifest.csv", None, (401, 200, 403, 403)),
    ("GET", "/batches/{batch}/bundle.zip", None, (401, 200, 403, 403)),
    ("GET", "/pins/{pin}/qr.svg", None, (401, 200, 403, 403)),
    ("GET", "/pins/{pin}/qr.png", None, (401, 200, 403, 403)),
    ("POST", "/pins/{pin}/void", {"reason": "lost"}, (401, 200, 403, 403)),
    ("GET", "/stands/{stand}/poster.pdf", None, (401, 200, 403, 403)),
    ("GET", "/events/{slug}/posters.pdf", None, (401, 200, 403, 403)),
    ("GET", "/events/{slug}/funnel", None, (401, 200, 200, 403)),
    ("GET", "/events/{slug}/funnel.csv", None, (401, 200, 200, 403)),
    ("GET", "/events/{slug}/funnel.xlsx", None, (401, 200, 200, 403)),
    ("GET", "/events/{slug}/export.zip", None, (401, 200, 200, 403)),
    ("GET", "/funnel/compare?events={slug}", None, (401, 200, 200, 403)),
    # The companion app's endpoints need no token: the pin code is the key.
    ("GET", "/events/{slug}/public", None, (200, 200, 200, 200)),
    ("GET", "/pins/{pin}", None, (200, 200, 200, 200)),
    (
        "POST",
        "/pins/{pin}/survey",
        {"named_before": "0", "company_names_shown": False},
        (200, 200, 200, 200),
    ),
    ("POST", "/stands/{stand}/visits", {"pin": "{pin}"}, (401, 201, 403, 201)),
    ("POST", "/stands/{stand}/visits/batch", {"visits": [{"pin": "{pin}"}]}, (401, 200, 403, 200)),
    ("GET", "/tokens", None, (401, 200, 403, 403)),
    ("POST", "/tokens", {"role": "viewer", "label": "Gemeente"}, (401, 201, 403, 403)),
    ("POST", "/tokens/{token}/revoke", None, (401, 200, 403, 403)),
]
ROLES = (None, "organiser", "viewer", "stand")


@pytest.fixture
def world(make, db):
    stand = make.stand()
    batch = make.batch(stand.event, size=2)
    pin = db.session.scalar(select(Pin.code).where(Pin.batch_id == batch.id))
    return {
        "slug": stand.event.slug,
        "company": stand.company.id,
        "stand": stand.id,
        "batch": batch.id,
        "pin": pin,
        "token": tokens.create_token("viewer", "to revoke")[0].id,
        "_": stand,
    }


def _body(body, world, make):
    if body == "new_event":
        return {
            "slug": "bdt-2099",
            "name": "x",
            "starts_on": "2099-02-01",
            "ends_on": "2099-02-02",
            "portal_url": "https://www.twente.com",
        }
    if body == "new_stand":
        return {"company_id": make.company().id, "label": "TP-99"}
    if body == "new_batch":
        return {"label": "New", "channel": "saxion", "size": 2}
    if isinstance(body, dict):
        # Fill in the world's pin code wherever a body names it.
        return json.loads(json.dumps(body).replace("{pin}", world["pin"]))
    return body


@pytest.mark.parametrize(
    "method,path,body,expected", MATRIX, ids=[f"{m} {p}" for m, p, *_ in MATRIX]
)
@pytest.mark.parametrize("role_index", range(4), ids=[str(r) for r in ROLES])
def test_role_matrix(client, auth, make, world, method, path, body, expected, role_index):
    role = ROLES[role_index]
    headers = {} if role is None else auth(role, world["_"] if role == "stand" else None)
    response = client.open(
        "/api/v1" + path.format(**world),
        method=method,
        json=_body(body, world, make),
        headers=headers,
    )
    assert response.status_code == expected[role_index], response.json
    if response.status_code >= 400:
        assert response.json["error"]["code"] in {"unauthorized", "forbidden"}


@pytest.mark.parametrize(
    "authorization",
    ["Bearer spd_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 5000],
)
def test_bad_tokens_are_unauthorized(client, authorization):
    response = client.get("/api/v1/events", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_a_stand_token_for_another_stand_is_forbidden(client, auth, make, world):
    other_stand = make.stand()
    response = client.get(f"/api/v1/stands/{world['stand']}", headers=auth("stand", other_stand))
    assert response.status_code == 403
