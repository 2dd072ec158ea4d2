"""The OpenAPI document is valid and describes every route the app serves under /api/v1."""

import re

from openapi_spec_validator import validate


def _served_routes(app):
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1/openapi.json":
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        served |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return served


def test_openapi_document_is_valid_and_complete(client, app):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    validate(spec)
    documented = {
        ("/api/v1" + path if not path.startswith("/api/v1") else path, method)
        for path, operations in spec["paths"].items()
        for method in operations
        if method in {"get", "post", "patch", "put", "delete"}
    }
    assert documented == _served_routes(app)
    assert len(documented) >= 12
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_the_funnel_and_the_comparison_are_described_like_every_resource(client):
    spec = client.get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]

    def response(path: str) -> dict:
        ok = spec["paths"][path]["get"]["responses"]["200"]
        ref = ok["content"]["application/json"]["schema"]["$ref"]
        return schemas[ref.rsplit("/", 1)[1]]

    funnel = response("/api/v1/events/{slug}/funnel")
    assert set(funnel["properties"]) >= {"stages", "excluded", "breakdowns", "awareness"}
    stages = ("issued", "scanned", "landed", "clicked", "visited_stand", "answered_survey")
    channel = schemas["ChannelOut"]["properties"]
    assert all(channel[stage]["nullable"] for stage in stages)
    compare = response("/api/v1/funnel/compare")
    edition = compare["properties"]["editions"]["items"]["$ref"].rsplit("/", 1)[1]
    assert set(stages) <= set(schemas[edition]["properties"])


def test_the_document_says_when_a_view_is_too_small_to_show(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    too_small = schemas["SuppressedOut"]["properties"]["too_small"]
    assert too_small["type"] == "boolean" and "no counts at all" in too_small["description"]
    # A viewer's stage total, respondents and excluded counts may be null now.
    assert schemas["StageOut"]["properties"]["pins"]["nullable"]
    assert schemas["AwarenessOut"]["properties"]["respondents"]["nullable"]
    assert schemas["ExcludedOut"]["properties"]["human_scans"]["nullable"]
