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
