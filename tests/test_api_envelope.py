"""Every error under /api has one shape: ``{"error": {"code", "message", "fields"}}``."""

import re

import pytest

ENVELOPE_KEYS = {"code", "message", "fields"}
# Path parameters that exist nowhere, so every route reaches an error path.
MISSING = {"slug": "nope", "code": "ZZZZZZZZZ"}
MISSING_ID = "999999"


def assert_envelope(response, context):
    """The response is the one error envelope, and nothing else."""
    assert response.status_code >= 400, context
    assert response.mimetype == "application/json", context
    body = response.json
    assert set(body) == {"error"}, (context, body)
    error = body["error"]
    assert set(error) == ENVELOPE_KEYS, (context, body)
    assert isinstance(error["code"], str) and error["code"], context
    assert isinstance(error["message"], str) and error["message"], context
    assert isinstance(error["fields"], dict), context


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and rule.rule != "/api/v1/openapi.json":
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                path = re.sub(
                    r"<(?:([a-z]+):)?([a-z_]+)>",
                    lambda m: MISSING_ID if m[1] == "id" else MISSING.get(m[2], "nope"),
                    rule.rule,
                )
                yield method, path


@pytest.mark.parametrize("token", [None, "organiser", "viewer"])
def test_every_api_route_answers_its_errors_in_the_one_envelope(client, auth, db, app, token):
    headers = auth(token) if token else {}
    checked = 0
    for method, path in _routes(app):
        for body in ('{"unknown": 1}', "{not json"):
            response = client.open(
                path, method=method, headers=headers, data=body, content_type="application/json"
            )
            if response.status_code >= 400:
                assert_envelope(response, (token, method, path, body))
                checked += 1
    assert checked >= 40  # every route was reached and refused, not skipped


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/api"),
        ("GET", "/api/v1/nope"),
        ("DELETE", "/api/v1/events"),
        ("POST", "/api/v1/pins/ZZZZZZZZZ/survey"),
    ],
)
def test_routing_errors_under_api_are_the_envelope_too(client, method, path):
    assert_envelope(client.open(path, method=method, json={}), (method, path))


def test_the_scanners_json_errors_are_the_one_envelope(client, make, db):
    """/scan's JSON endpoint is not under /api, but its errors have the API's shape."""
    from tests.test_scanner import scan, send, sign_in

    stand, neighbour = make.stand(), make.stand()
    code = make.pin_codes(stand.event, size=1)[0]
    unsigned = send(client, stand.id, [scan(code, "n1")])
    assert unsigned.status_code == 401
    assert_envelope(unsigned, "unsigned")
    sign_in(client, make.token("stand", stand))
    answers = {
        "no csrf": send(client, stand.id, [scan(code, "n1")], csrf=None),
        "other stand": send(client, neighbour.id, [scan(code, "n1")]),
        "bad body": send(client, stand.id, "x"),
    }
    assert {k: r.status_code for k, r in answers.items()} == {
        "no csrf": 400,
        "other stand": 403,
        "bad body": 422,
    }
    for context, response in answers.items():
        assert_envelope(response, context)
