"""The Blueprint every v1 module uses: query strings are as strict as JSON bodies."""

from collections.abc import Mapping

import flask_smorest
import marshmallow
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser


class StrictParser(FlaskParser):
    # An unknown query parameter is most often a typo in a filter (``?chanel=``);
    # silently ignoring it would return unfiltered figures, so it is refused.
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": RAISE}


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class Schema(marshmallow.Schema):
    """Every v1 schema: refuses NUL characters, which PostgreSQL cannot store in text."""

    @marshmallow.pre_load
    def _refuse_nul(self, data, **_):
        if _has_nul(data):
            raise marshmallow.ValidationError("Text must not contain NUL characters.")
        return data
