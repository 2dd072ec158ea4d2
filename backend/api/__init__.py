"""The JSON API, v1, under ``/api/v1``; its OpenAPI document is ``/api/v1/openapi.json``."""

from flask import request
from flask_smorest import Api as SmorestApi
from werkzeug.exceptions import BadRequest, UnsupportedMediaType
from werkzeug.routing import IntegerConverter

from backend.api import batches, events, funnel, journey, stands, tokens
from backend.api.schemas import ErrorSchema
from backend.services.validation import ID_MAX, json_problem

PREFIX = "/api/v1"


class Api(SmorestApi):
    """flask-smorest's Api with our error envelope; errors are handled by ``backend.error_responses``.

    Made per app, not in ``backend.extensions``: it holds the app's OpenAPI
    document, and tests build many apps.
    """

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass


class IdConverter(IntegerConverter):
    """A row id: ASCII digits, 1 to 2**31-1, so a huge number is a 404, not a database overflow.

    Werkzeug's ``\\d+`` would also match full-width and other Unicode digits.
    """

    regex = r"[0-9]{1,10}"

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=ID_MAX)


def _require_json_body():
    # An empty body is let through: the schema then names the missing fields.
    writes = request.method in ("POST", "PUT", "PATCH") and request.path.startswith(PREFIX)
    if writes and request.content_length and not request.is_json:
        raise UnsupportedMediaType("Send the body as application/json.")
    # Counted before parsing: Python's parser recurses once per level.
    problem = writes and request.is_json and json_problem(request.get_data(cache=True))
    if problem:
        raise BadRequest(problem)


def _nosniff(response):
    # A browser must not read an API answer (JSON, CSV, an SVG) as anything but its type.
    if request.path.startswith("/api/"):
        response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def register_api(app):
    """Mount the v1 blueprints and document them."""
    app.url_map.converters["id"] = IdConverter
    api = Api(app)
    api.register_converter(IdConverter, lambda _: {"type": "integer", "minimum": 1})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for module in (events, stands, batches, journey, funnel, tokens):
        api.register_blueprint(module.blp, url_prefix=PREFIX)
    app.before_request(_require_json_body)
    app.after_request(_nosniff)
