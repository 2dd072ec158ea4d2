"""Input and output schemas of the v1 API. Unknown keys are rejected everywhere."""

from functools import cache

from marshmallow import ValidationError, fields, validate, validates_schema

from backend.api.base import PatchSchema, Schema
from backend.models.types import TWENTE_PLAZA
from backend.services import rules
from backend.services.rules import marshmallow_validator
from backend.services.validation import ID_MAX, PAGE_MAX, is_digits

# The API's checks are the use cases' own rules (backend/services/rules.py), wrapped.
SLUG = marshmallow_validator(rules.slug)
CHANNEL = marshmallow_validator(rules.channel)
ZONE = marshmallow_validator(rules.zone)
LABEL = marshmallow_validator(rules.stand_label)


def Name(high: int = 120, **kwargs):
    return fields.String(
        validate=marshmallow_validator(lambda v: rules.name(v, high=high)), **kwargs
    )


class StrictInt(fields.Integer):
    """An integer that is a JSON number, not a string or a boolean."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


class StrictBool(fields.Boolean):
    """A JSON boolean only: ``"yes"`` or ``1`` are refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def Url(**kwargs):
    return fields.String(validate=marshmallow_validator(rules.url), **kwargs)


def TimeZone(**kwargs):
    return fields.String(validate=marshmallow_validator(rules.timezone), **kwargs)


class PageArgs(Schema):
    page = StrictInt(load_default=1, validate=validate.Range(min=1, max=PAGE_MAX))
    per_page = StrictInt(load_default=50, validate=validate.Range(min=1, max=200))


class QueryInt(fields.Integer):
    """A whole number in a query string: ASCII digits only (no ``1_0``, ``１`` or `` 1``)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not is_digits(value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class PageQuery(PageArgs):
    page = QueryInt(load_default=1, validate=validate.Range(min=1, max=PAGE_MAX))
    per_page = QueryInt(load_default=50, validate=validate.Range(min=1, max=200))


@cache
def page_of(item_schema: type[Schema]) -> type[Schema]:
    """The one list wrapper: ``{"items", "page", "per_page", "total", "pages"}``."""
    return type(
        f"{item_schema.__name__.removesuffix('Schema')}Page",
        (Schema,),
        {
            "items": fields.List(fields.Nested(item_schema)),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
            "total": fields.Integer(),
            "pages": fields.Integer(),
        },
    )


class ErrorBody(Schema):
    code = fields.String(metadata={"description": "Stable machine-readable code"})
    message = fields.String()
    field_messages = fields.Dict(
        attribute="fields",  # a DomainError's, so the schema can dump one
        data_key="fields",
        metadata={"description": "Per-field messages (validation errors)"},
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBody)


# Events ---------------------------------------------------------------------------------


class BaselineShare(fields.Float):
    """The share of the baseline measurement that could name no Twente company (0 to 1)."""

    def __init__(self, **kwargs):
        description = "share that could name no Twente company in the baseline (2018: 0.35)"
        super().__init__(
            # The range again for the OpenAPI document; the rule is the use case's.
            validate=[validate.Range(0, 1), marshmallow_validator(rules.baseline_share)],
            allow_nan=False,
            metadata={"description": description},
            **kwargs,
        )


class BaselineSize(StrictInt):
    """How many students the baseline measurement asked."""

    def __init__(self, **kwargs):
        super().__init__(
            validate=[validate.Range(1, 1_000_000), marshmallow_validator(rules.baseline_size)],
            metadata={"description": "students in the baseline measurement (2018: 450)"},
            **kwargs,
        )


class EventIn(Schema):
    slug = fields.String(required=True, validate=SLUG)
    name = Name(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    timezone = TimeZone(load_default="Europe/Amsterdam")
    portal_url = Url(required=True)
    baseline_share = BaselineShare(load_default=0.35)
    baseline_size = BaselineSize(load_default=450)

    @validates_schema
    def dates_in_order(self, data, **_):
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError("Must not be before starts_on.", "ends_on")


class EventPatch(PatchSchema):
    name = Name()
    starts_on = fields.Date()
    ends_on = fields.Date()
    timezone = TimeZone()
    portal_url = Url()
    baseline_share = BaselineShare()
    baseline_size = BaselineSize()


class EventOut(Schema):
    slug = fields.String()
    name = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    timezone = fields.String()
    portal_url = fields.String()
    created_at = fields.DateTime()
    baseline_share = fields.Float()
    baseline_size = fields.Integer()


# Companies ------------------------------------------------------------------------------


class CompanyIn(Schema):
    name = Name(required=True)
    is_twente = StrictBool(load_default=False)
    portal_url = Url(load_default=None, allow_none=True)


class CompanyPatch(PatchSchema):
    name = Name()
    is_twente = StrictBool()
    portal_url = Url(allow_none=True)


class CompanyQuery(PageQuery):
    is_twente = fields.Boolean()


class CompanyOut(Schema):
    id = fields.Integer()
    name = fields.String()
    is_twente = fields.Boolean()
    portal_url = fields.String(allow_none=True)


# Stands ---------------------------------------------------------------------------------


class StandIn(Schema):
    company_id = StrictInt(required=True, validate=validate.Range(min=1, max=ID_MAX))
    label = fields.String(required=True, validate=LABEL)
    zone = fields.String(load_default=TWENTE_PLAZA, validate=ZONE)


class StandPatch(PatchSchema):
    company_id = StrictInt(validate=validate.Range(min=1, max=ID_MAX))
    label = fields.String(validate=LABEL)
    zone = fields.String(validate=ZONE)


class StandQuery(PageQuery):
    zone = fields.String(validate=validate.Length(min=1, max=40))


class StandOut(Schema):
    id = fields.Integer()
    event = fields.Function(lambda stand: stand.event.slug)
    company = fields.Nested(CompanyOut)
    label = fields.String()
    zone = fields.String()
    code = fields.String(metadata={"description": "Poster code; not shown to viewers"})
    retired_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "Set once the stand is retired: visits kept, new ones refused"},
    )


class PublicStandOut(StandOut):
    class Meta:
        exclude = ("code",)
