"""The Blueprint every v1 module uses: query strings are as strict as JSON bodies."""

import flask_smorest
import marshmallow
from flask import request
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser

from backend.errors import InvalidInput
from backend.services.validation import first_text_problem

EMPTY_VALUE = "Leave the parameter out rather than send it empty."


class StrictParser(FlaskParser):
    # An unknown query parameter is most often a typo in a filter (``?chanel=``);
    # silently ignoring it would return unfiltered figures, so it is refused.
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": RAISE}


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()


class Schema(marshmallow.Schema):
    """Every v1 schema: refuses control characters and lone surrogates in any string.

    The rule is ``backend.services.validation``'s, which the use cases apply to
    what they store; here it covers every string of a body or query at once.
    """

    @marshmallow.pre_load
    def _refuse_bad_text(self, data, **_):
        problem = first_text_problem(data)
        if problem:
            raise marshmallow.ValidationError(problem)
        return data


class PatchSchema(Schema):
    """A partial update: an empty body changes nothing and is most likely a client's mistake."""

    @marshmallow.validates_schema
    def _not_empty(self, data, **_):
        if not data:
            names = ", ".join(sorted(self.fields))
            raise marshmallow.ValidationError(f"Send at least one of: {names}.")


def query_params() -> dict:
    """The query string of a route without a schema (print layouts, QR options) as a dict.

    An empty value (``?columns=``) is refused like any other invalid one, as the
    schemas' own parameters are.
    """
    params = request.args.to_dict()
    empty = {key[:40]: [EMPTY_VALUE] for key, value in params.items() if value == ""}
    if empty:
        raise InvalidInput(fields=empty)
    return params
