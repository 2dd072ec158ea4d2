"""The Blueprint every v1 module uses: query strings are as strict as JSON bodies."""

import flask_smorest
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser


class StrictParser(FlaskParser):
    # An unknown query parameter is most often a typo in a filter (``?chanel=``);
    # silently ignoring it would return unfiltered figures, so it is refused.
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": RAISE}


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()
