"""The funnel's JSON: marshmallow schemas that dump ``exports.figures`` values.

One serialisation for every door: the API's response (whose OpenAPI document
these schemas describe), the JSON file of the exports and the CLI. The keys
are the ones docs/metrics.md defines; ``null`` is a share without a
denominator or a count suppressed as too small to publish.
"""

from marshmallow import Schema, fields

from exports.figures import STAGES, Comparison, Funnel

COUNT = {"allow_none": True, "metadata": {"description": "null: suppressed"}}
SHARE = {"allow_none": True, "metadata": {"description": "0 to 1; null: no denominator"}}


def _stage_counts(attribute: str) -> dict:
    """A count field per stage, read from ``attribute`` (a StageCounts)."""
    return {stage: fields.Integer(attribute=f"{attribute}.{stage}", **COUNT) for stage in STAGES}


class FiltersOut(Schema):
    channel = fields.String(allow_none=True)
    batch_id = fields.Integer(allow_none=True)
    since = fields.DateTime(allow_none=True, metadata={"description": "inclusive"})
    until = fields.DateTime(allow_none=True, metadata={"description": "exclusive"})


class StageOut(Schema):
    stage = fields.String(metadata={"enum": list(STAGES)})
    pins = fields.Integer(**COUNT)
    from_previous = fields.Float(**SHARE)
    from_issued = fields.Float(**SHARE)


ChannelOut = type(
    "ChannelOut",
    (Schema,),
    {"__doc__": "One channel's pins per stage.", "channel": fields.String()}
    | _stage_counts("reached"),
)


class ExcludedOut(Schema):
    human_scans = fields.Integer(**COUNT)
    repeat_scans = fields.Integer(**COUNT)
    bot_scans = fields.Integer(**COUNT)
    test_scans = fields.Integer(**COUNT)
    rehearsal_visits = fields.Integer(**COUNT)
    void_pin_scans = fields.Integer(**COUNT)
    orphan_scans = fields.Integer(**COUNT)
    refused_lookups = fields.Integer(**COUNT)
    void_pins = fields.Integer(**COUNT)


class HourOut(Schema):
    hour = fields.DateTime(metadata={"description": "local start of the hour, with its offset"})
    scans = fields.Integer(**COUNT)
    pins = fields.Integer(**COUNT)


class DayOut(Schema):
    day = fields.Date(metadata={"description": "local calendar day"})
    scans = fields.Integer(**COUNT)
    pins = fields.Integer(**COUNT)
    landed = fields.Integer(**COUNT)
    visited_stand = fields.Integer(**COUNT)


class FunnelStandOut(Schema):
    stand_id = fields.Integer()
    label = fields.String()
    company = fields.String()
    zone = fields.String()
    pins = fields.Integer(**COUNT)
    registrations = fields.Integer(**COUNT)
    self = fields.Integer(attribute="by_self", **COUNT)
    staff = fields.Integer(attribute="by_staff", **COUNT)


class DeviceOut(Schema):
    device_class = fields.String()
    scans = fields.Integer(**COUNT)
    pins = fields.Integer(**COUNT)


class BreakdownsOut(Schema):
    channels = fields.List(fields.Nested(ChannelOut))
    hourly = fields.List(fields.Nested(HourOut))
    daily = fields.List(fields.Nested(DayOut))
    stands = fields.List(fields.Nested(FunnelStandOut))
    devices = fields.List(fields.Nested(DeviceOut))


class AnswerOut(Schema):
    answer = fields.String()
    respondents = fields.Integer(**COUNT)
    share = fields.Float(**SHARE)


class KnownCompanyOut(Schema):
    company_id = fields.Integer()
    company = fields.String()
    respondents_knew = fields.Integer(**COUNT)
    share = fields.Float(**SHARE)


class DiscoveryOut(Schema):
    stand_visits_by_respondents = fields.Integer(**COUNT)
    by_respondents_who_did_not_know = fields.Integer(**COUNT)
    rate = fields.Float(**SHARE)


class IntervalOut(Schema):
    """A 95% interval; null when there is nothing to estimate from."""

    low = fields.Float()
    high = fields.Float()


INTERVAL = {"allow_none": True}


class ExposedOut(Schema):
    """Answers given after the company list or a stand visit: primed, never in the headline."""

    respondents = fields.Integer(**COUNT)
    named_before = fields.List(fields.Nested(AnswerOut))
    named_none_share = fields.Float(**SHARE)


class ResponseRatesOut(Schema):
    """Respondents chose to answer: these rates say how many of whom did."""

    respondents = fields.Integer(**COUNT)
    of_landed = fields.Float(**SHARE)
    of_issued = fields.Float(**SHARE)


class ShiftOut(Schema):
    answer = fields.String()
    before = fields.Integer(**COUNT)
    now = fields.Integer(**COUNT)


class FollowUpOut(Schema):
    """Pins that answered Q1 unexposed and the follow-up (Q1 "now"), paired."""

    pairs = fields.Integer(**COUNT)
    named_none_before = fields.Float(**SHARE)
    named_none_now = fields.Float(**SHARE)
    none_before_only = fields.Integer(**COUNT)
    none_now_only = fields.Integer(**COUNT)
    mcnemar_p = fields.Float(
        allow_none=True, metadata={"description": "McNemar's exact test, two-sided"}
    )
    shift = fields.List(fields.Nested(ShiftOut))


VERDICT = {
    "allow_none": True,
    "metadata": {
        "description": "what the difference's interval allows: fewer_than_baseline, "
        "more_than_baseline or not_distinguishable; null without answers"
    },
}


class AwarenessOut(Schema):
    """From unexposed answers only; the exposed ones and the follow-up beside them."""

    respondents = fields.Integer(**COUNT)
    named_before = fields.List(fields.Nested(AnswerOut))
    named_none_share = fields.Float(**SHARE)
    named_none_interval = fields.Nested(IntervalOut, **INTERVAL)
    baseline = fields.Float()
    baseline_size = fields.Integer()
    difference_from_baseline = fields.Float(allow_none=True)
    difference_interval = fields.Nested(IntervalOut, **INTERVAL)
    verdict = fields.String(**VERDICT)
    response_rates = fields.Nested(ResponseRatesOut)
    companies = fields.List(fields.Nested(KnownCompanyOut))
    discovery = fields.Nested(DiscoveryOut)
    exposed = fields.Nested(ExposedOut)
    follow_up = fields.Nested(FollowUpOut)


class SuppressedOut(Schema):
    threshold = fields.Integer(allow_none=True, metadata={"description": "null: exact counts"})
    cells = fields.Integer(metadata={"description": "counts replaced by null"})
    too_small = fields.Boolean(
        metadata={
            "description": "true: this view (its channel or batch) has too few active pins "
            "to publish; it carries no counts at all (docs/metrics.md, Small numbers)"
        }
    )


class FunnelOut(Schema):
    """The funnel of one event (docs/metrics.md)."""

    event = fields.String()
    event_name = fields.String()
    timezone = fields.String()
    definitions_version = fields.String()
    filters = fields.Nested(FiltersOut)
    stages = fields.List(fields.Nested(StageOut))
    excluded = fields.Nested(ExcludedOut)
    breakdowns = fields.Nested(BreakdownsOut)
    awareness = fields.Nested(AwarenessOut)
    suppressed = fields.Nested(SuppressedOut)


EditionOut = type(
    "EditionOut",
    (Schema,),
    {
        "__doc__": "One edition's headline figures.",
        "event": fields.String(),
        "event_name": fields.String(),
        "starts_on": fields.Date(),
    }
    | _stage_counts("reached")
    | {
        "scan_rate": fields.Float(**SHARE),
        "named_none_share": fields.Float(**SHARE),
        "named_none_interval": fields.Nested(IntervalOut, **INTERVAL),
        "baseline": fields.Float(),
        "baseline_size": fields.Integer(),
        "difference_from_baseline": fields.Float(allow_none=True),
        "difference_interval": fields.Nested(IntervalOut, **INTERVAL),
        "verdict": fields.String(**VERDICT),
        "respondents": fields.Integer(**COUNT),
        "discovery_rate": fields.Float(**SHARE),
        "follow_up": fields.Nested(FollowUpOut),
    },
)


class ComparisonOut(Schema):
    """Headline figures of several editions, in order of their start."""

    definitions_version = fields.String()
    filters = fields.Nested(FiltersOut)
    editions = fields.List(fields.Nested(EditionOut))
    suppressed = fields.Nested(SuppressedOut)


def funnel_json(figures: Funnel) -> dict:
    """The funnel as JSON-ready values, as the API returns it."""
    return FunnelOut().dump(figures)


def comparison_json(comparison: Comparison) -> dict:
    """A comparison as JSON-ready values, as the API returns it."""
    return ComparisonOut().dump(comparison)


class YearPointOut(Schema):
    """One measurement: an edition as its funnel shows it, or the 2018 baseline."""

    kind = fields.String(metadata={"enum": ["edition", "baseline"]})
    event = fields.String(allow_none=True, metadata={"description": "null for the baseline"})
    name = fields.String()
    year = fields.Integer()
    starts_on = fields.Date(allow_none=True)
    definitions_version = fields.String(
        metadata={"description": "the baseline's is its own study's (kitt-2018), not Speld's"}
    )
    respondents = fields.Integer(
        **COUNT | {"metadata": {"description": "the baseline's sample size; null: suppressed"}}
    )
    named_none_share = fields.Float(**SHARE)
    named_none_interval = fields.Nested(IntervalOut, **INTERVAL)
    verdict = fields.String(**VERDICT)
    difference_from_baseline = fields.Float(allow_none=True)
    difference_interval = fields.Nested(IntervalOut, **INTERVAL)
    hidden = fields.Boolean(metadata={"description": "true: too few respondents for a viewer"})


class ChangeOut(Schema):
    """From one edition to the next (indexes into ``points``)."""

    from_point = fields.Integer(data_key="from")
    to_point = fields.Integer(data_key="to")
    same_definitions = fields.Boolean(
        metadata={"description": "false: measured under another definitions version; no change"}
    )
    difference = fields.Float(allow_none=True, metadata={"description": "to − from"})
    difference_interval = fields.Nested(IntervalOut, **INTERVAL)
    verdict = fields.String(
        allow_none=True,
        metadata={
            "description": "what the difference's interval allows: fewer_than_before, "
            "more_than_before or not_distinguishable; null without a difference"
        },
    )


class YearsOut(Schema):
    """Every edition beside the 2018 baseline, oldest first, and the changes between editions."""

    definitions_version = fields.String()
    points = fields.List(fields.Nested(YearPointOut))
    changes = fields.List(fields.Nested(ChangeOut))
    suppressed = fields.Nested(SuppressedOut)
