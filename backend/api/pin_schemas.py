"""Schemas for batches, pins and print options."""

from marshmallow import fields, validate

from backend.api.base import Schema
from backend.api.schemas import CHANNEL, Name, StrictInt
from backend.services.pins import MAX_BATCH


class BatchIn(Schema):
    label = Name(80, required=True)
    channel = fields.String(required=True, validate=CHANNEL)
    size = StrictInt(required=True, validate=validate.Range(min=1, max=MAX_BATCH))


class BatchOut(Schema):
    id = fields.Integer()
    event = fields.Function(lambda summary: summary.batch.event.slug)
    label = fields.Function(lambda summary: summary.batch.label)
    channel = fields.Function(lambda summary: summary.batch.channel)
    size = fields.Function(lambda summary: summary.batch.size)
    created_at = fields.Function(lambda summary: summary.batch.created_at.isoformat())
    issued = fields.Integer(metadata={"description": "Pins minted in this batch"})
    void = fields.Integer(metadata={"description": "Pins voided (lost or misprinted)"})
    qr_version = fields.Integer(metadata={"description": "QR version of the pin codes"})
    preset = fields.Function(
        lambda summary: summary.layout.preset,
        metadata={"description": "Badge machine of the layout asked for (null for a custom size)"},
    )
    face_mm = fields.Function(lambda summary: summary.layout.diameter_mm)
    paper_mm = fields.Function(lambda summary: round(summary.layout.cut_mm, 3))
    module_mm = fields.Float(
        metadata={"description": "QR module size as the sheets of that layout print it"}
    )


class PinOut(Schema):
    code = fields.String()
    display = fields.String(metadata={"description": "The code as printed under the QR"})
    url = fields.String()
    status = fields.String()
    voided_at = fields.DateTime(allow_none=True)
    void_reason = fields.String(allow_none=True)


class VoidIn(Schema):
    reason = fields.String(load_default=None, validate=validate.Length(max=200), allow_none=True)


class PrintStatusOut(Schema):
    """202 while a large batch's print file is being prepared."""

    state = fields.String(metadata={"description": "preparing (poll again after Retry-After)"})
    done = fields.Integer(metadata={"description": "Pins printed so far"})
    total = fields.Integer(metadata={"description": "Pins in the batch"})
    progress = fields.Float(metadata={"description": "done / total, 0 to 1"})
