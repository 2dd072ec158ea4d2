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
