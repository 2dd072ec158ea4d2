"""Schemas of the companion app's and stand staff's API."""

from marshmallow import ValidationError, fields, validate

from backend.api.base import Schema
from backend.api.schemas import CompanyOut, StrictInt
from backend.errors import InvalidInput
from backend.models.types import NAMED_BEFORE
from backend.services.stamps import MAX_OFFLINE_BATCH


class PublicStand(Schema):
    id = fields.Integer()
    label = fields.String()
    zone = fields.String()
    company = fields.Nested(CompanyOut)


class PublicEvent(Schema):
    slug = fields.String(attribute="event.slug")
    name = fields.String(attribute="event.name")
    starts_on = fields.Date(attribute="event.starts_on")
    ends_on = fields.Date(attribute="event.ends_on")
    timezone = fields.String(attribute="event.timezone")
    portal_url = fields.String(attribute="event.portal_url")
    stands = fields.List(fields.Nested(PublicStand), metadata={"description": "Twente Plaza"})


class PinStateOut(Schema):
    """A pin's own progress; nothing about any other pin."""

    code = fields.Function(lambda state: state.pin.code)
    status = fields.Function(lambda state: state.pin.status)
    event = fields.Function(lambda state: state.event.slug)
    stands_stamped = fields.Function(lambda state: sorted(state.stamped))
    twente_plaza_stamped = fields.Function(lambda state: state.plaza_stamped)
    twente_plaza_total = fields.Function(lambda state: len(state.stands))
    survey_answered = fields.Function(lambda state: state.survey is not None)


class SurveyIn(Schema):
    named_before = fields.String(required=True, validate=validate.OneOf(NAMED_BEFORE))
    known_before = fields.List(
        StrictInt(validate=validate.Range(min=1, max=2**31 - 1)),
        load_default=list,
        validate=validate.Length(max=100),
    )


class SurveyOut(Schema):
    named_before = fields.String()
    known_before = fields.Function(lambda r: sorted(c.id for c in r.known_before))
    answered_at = fields.DateTime()


class VisitIn(Schema):
    pin = fields.String(required=True, validate=validate.Length(min=1, max=200))
    scanned_at = fields.AwareDateTime(load_default=None, format="iso")
    nonce = fields.String(load_default=None, validate=validate.Length(min=1, max=64))


class VisitOut(Schema):
    id = fields.Integer()
    stand_id = fields.Integer()
    method = fields.String()
    visited_at = fields.DateTime()
    created = fields.Boolean()


def load_visit_item(item):
    """One scan of a batch, or the ``InvalidInput`` it is refused with (reported for it alone)."""
    try:
        return VisitIn().load(item)
    except ValidationError as error:
        return InvalidInput(fields=error.messages)


class VisitBatchIn(Schema):
    visits = fields.List(
        fields.Dict(), required=True, validate=validate.Length(min=1, max=MAX_OFFLINE_BATCH)
    )


class VisitResult(Schema):
    index = fields.Integer()
    nonce = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "created, exists or error"})
    visit_id = fields.Integer()
    error = fields.Dict()


class VisitBatchOut(Schema):
    results = fields.List(fields.Nested(VisitResult))
    created = fields.Integer()
    exists = fields.Integer()
    errors = fields.Integer()
