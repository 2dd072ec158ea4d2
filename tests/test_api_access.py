"""Who may call what: every v1 endpoint against no token, a bad token and each role."""

import pytest

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
]
ROLES = (None, "organiser", "viewer", "stand")


@pytest.fixture
def world(make):
    stand = make.stand()
    return {"slug": stand.event.slug, "company": stand.company.id, "stand": stand.id, "_": stand}


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
