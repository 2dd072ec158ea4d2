"""The funnel for the municipality: JSON, CSV, XLSX and a ZIP of everything."""

import io

from flask import g, send_file
from flask.views import MethodView
from marshmallow import fields, post_load, validate

from backend.api.base import Blueprint, Schema
from backend.api.schemas import CHANNEL, QueryInt
from backend.auth import BEARER_DOC, ORGANISER, VIEWER, require_role
from backend.services.reports import (
    FIRST_YEAR,
    LAST_YEAR,
    MOMENT_FORMAT,
    compare_figures,
    event_figures,
    export_file,
    years_figures,
)
from backend.services.rules import channel, export_language, marshmallow_validator
from backend.services.validation import ID_MAX
from exports.formats import FORMATS
from exports.schemas import ComparisonOut, FunnelOut, YearsOut
from exports.tables import API_LANGUAGE, DEFAULT_TABLE, LANGUAGES, TABLES

blp = Blueprint("funnel", __name__, description="Funnel figures and exports")


class FunnelQuery(Schema):
    """The funnel's filters, for the API and the dashboard alike (one rule, one place).

    An empty value (``?batch=``) is refused like any other invalid one: a filter left
    out is written by leaving the parameter out. (The dashboard's own form sends its
    fields left empty for "all"; the page drops those before loading.)
    """

    channel = fields.String(validate=CHANNEL, metadata={"minLength": 1, "maxLength": 40})
    batch_id = QueryInt(data_key="batch", validate=validate.Range(min=1, max=ID_MAX))
    since = fields.String(
        validate=validate.Length(min=1, max=40),
        metadata={
            "description": "From this date or date-time (ISO 8601, e.g. 2026-02-18 or "
            "2026-02-18T10:00, optionally with Z or an offset; without one in the event's "
            f"time zone), years {FIRST_YEAR} to {LAST_YEAR}; leave it out for no bound. "
            "A viewer's window is one whole day of the fair (since and until that date) "
            "without a channel or batch; other windows are an organiser's (422 "
            "outside_release).",
            "pattern": MOMENT_FORMAT,
            "example": "2026-02-18",
        },
    )
    until = fields.String(
        validate=validate.Length(min=1, max=40),
        metadata={
            "description": "Up to this date (inclusive) or date-time (exclusive); the same "
            "format as since.",
            "pattern": MOMENT_FORMAT,
            "example": "2026-02-19",
        },
    )

    @post_load
    def _channel_as_stored(self, data, **_):
        # "UT Balie" is the channel ut-balie, as its batch stored it.
        if "channel" in data:
            data["channel"] = channel(data["channel"])
        return data


class FileQuery(FunnelQuery):
    """A file's filters and the language of its words (the figures are the same)."""

    lang = fields.String(
        load_default=API_LANGUAGE,
        validate=marshmallow_validator(export_language),
        metadata={
            "description": "Column, sheet and file names in Dutch (nl) or English (en, the "
            "default); the figures are the same.",
            "enum": list(LANGUAGES),
        },
    )


class CsvQuery(FileQuery):
    table = fields.String(load_default=DEFAULT_TABLE, validate=validate.OneOf(list(TABLES)))


class CompareQuery(Schema):
    events = fields.String(required=True, validate=validate.Length(min=1, max=1000))


def _figures(slug: str, args: dict):
    return event_figures(slug, exact=g.token.role == ORGANISER, **args)


def _file(slug: str, kind: str, args: dict):
    """The use case's file for the token's role, sent as a download."""
    made = export_file(slug, kind, exact=g.token.role == ORGANISER, **args)
    return send_file(
        io.BytesIO(made.body), mimetype=made.mimetype, as_attachment=True, download_name=made.name
    )


@blp.route("/events/<slug>/funnel")
class Funnel(MethodView):
    @require_role(ORGANISER, VIEWER)
    @blp.arguments(FunnelQuery, location="query")
    @blp.response(200, FunnelOut)
    @blp.doc(**BEARER_DOC)
    def get(self, args, slug):
        """Stages, excluded counts, breakdowns and awareness; viewers get the release, small counts suppressed."""
        return _figures(slug, args)


@blp.route("/events/<slug>/funnel.csv")
class FunnelCsv(MethodView):
    @require_role(ORGANISER, VIEWER)
    @blp.arguments(CsvQuery, location="query")
    @blp.response(200, content_type="text/csv", description="One table")
    @blp.doc(**BEARER_DOC)
    def get(self, args, slug):
        """One table as CSV: funnel (default), excluded, channels, hourly, daily, stands, devices, awareness, companies."""
        return _file(slug, "csv", args)


@blp.route("/events/<slug>/funnel.xlsx")
class FunnelXlsx(MethodView):
    @require_role(ORGANISER, VIEWER)
    @blp.arguments(FileQuery, location="query")
    @blp.response(200, content_type=FORMATS["xlsx"].mimetype, description="A sheet per table")
    @blp.doc(**BEARER_DOC)
    def get(self, args, slug):
        """Every table in one workbook: About (filters, definitions), a sheet per table, Explanation."""
        return _file(slug, "xlsx", args)


@blp.route("/events/<slug>/export.zip")
class FunnelZip(MethodView):
    @require_role(ORGANISER, VIEWER)
    @blp.arguments(FileQuery, location="query")
    @blp.response(200, content_type="application/zip", description="CSVs, XLSX, JSON, metrics.md")
    @blp.doc(**BEARER_DOC)
    def get(self, args, slug):
        """Everything: each table as CSV, the workbook, the JSON and the definitions."""
        return _file(slug, "zip", args)


@blp.route("/funnel/compare")
class FunnelCompare(MethodView):
    @require_role(ORGANISER, VIEWER)
    @blp.arguments(CompareQuery, location="query")
    @blp.response(200, ComparisonOut)
    @blp.doc(**BEARER_DOC)
    def get(self, args):
        """Headline figures of several editions side by side: ``?events=bdt-2026,bdt-2027``."""
        slugs = [slug.strip() for slug in args["events"].split(",") if slug.strip()]
        return compare_figures(slugs, exact=g.token.role == ORGANISER)


@blp.route("/years")
class Years(MethodView):
    @require_role(ORGANISER, VIEWER)
    @blp.response(200, YearsOut)
    @blp.doc(**BEARER_DOC)
    def get(self):
        """Every edition beside the 2018 baseline: headline, interval, changes between editions."""
        return years_figures(exact=g.token.role == ORGANISER)
