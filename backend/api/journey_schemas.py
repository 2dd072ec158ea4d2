"""Schemas of the companion app's and stand staff's API."""

from marshmallow import ValidationError, fields, validate

from backend.api.base import Schema
from backend.api.schemas import CompanyOut, ErrorBody, StrictBool, StrictInt
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
    survey_due = fields.Boolean(
        metadata={
            "description": "Neither answered nor skipped: ask the two questions first, "
            "on a screen that shows no company name before Q1."
        }
    )
    follow_up_due = fields.Boolean(
        metadata={
            "description": "Ask the follow-up question now (POST .../follow-up): a Twente Plaza "
            "stand was visited long enough ago and it was not answered or skipped."
        }
    )
    follow_up_answered = fields.Function(lambda state: state.follow_up is not None)


class SurveyIn(Schema):
    named_before = fields.String(required=True, validate=validate.OneOf(NAMED_BEFORE))
    known_before = fields.List(
        StrictInt(validate=validate.Range(min=1, max=2**31 - 1)),
        load_default=list,
        validate=validate.Length(max=100),
    )
    company_names_shown = StrictBool(
        required=True,
        metadata={
            "description": "Whether the app's screen showed any company name before Q1 was "
            "answered (a company list, a stand, the stamp card). true makes the answer exposed: "
            "kept apart from the headline figures. Ask Q1 on a screen without names to keep "
            "it false."
        },
    )


class SurveyOut(Schema):
    named_before = fields.String()
    known_before = fields.Function(lambda r: sorted(c.id for c in r.known_before))
    answered_at = fields.DateTime()
    after_stand_visit = fields.Boolean()
    after_company_list = fields.Boolean()
    exposed = fields.Boolean(
        metadata={"description": "Answered after a stand visit or after company names were shown"}
    )


class FollowUpIn(Schema):
    named_now = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(NAMED_BEFORE),
        metadata={
            "description": "How many Twente companies could you name now? null: the student "
            "skipped it. Either way it is not asked again."
        },
    )


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
    rehearsal = fields.Boolean(
        metadata={
            "description": "Outside the fair's days: accepted as a rehearsal, kept as a test "
            "and not counted"
        }
    )


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

    def _refuse_bad_text(self, data, **_):
        # Not a hook here: each visit is loaded by VisitIn on its own, so one bad item is
        # that item's error and the student scans beside it are still stamped.
        return data


class ScannerSyncIn(Schema):
    """The scanner page's body: the API's batch, empty for a heartbeat, and the tablet's state.

    ``state`` is checked by ``stand_scanner.tablet_report`` (one rule for it).
    """

    visits = fields.List(
        fields.Dict(), required=True, validate=validate.Length(max=MAX_OFFLINE_BATCH)
    )
    state = fields.Raw(load_default=None)

    def _refuse_bad_text(self, data, **_):
        return data  # each visit is loaded by VisitIn on its own, the state by its use case


class VisitResult(Schema):
    index = fields.Integer()
    nonce = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "created, exists or refused"})
    visit_id = fields.Integer(metadata={"description": "When created or exists"})
    rehearsal = fields.Boolean(
        metadata={
            "description": "Outside the fair's days: accepted as a rehearsal, kept as a test "
            "and not counted"
        }
    )
    error = fields.Nested(
        ErrorBody,
        metadata={"description": "When refused: the error body a single visit would have got"},
    )


class VisitBatchOut(Schema):
    results = fields.List(fields.Nested(VisitResult))
    created = fields.Integer()
    exists = fields.Integer()
    refused = fields.Integer()
