"""What a viewer may see of the figures: the one place that decides it.

``exports.funnel`` computes exact figures; a viewer (the municipality, and
through it the public) gets a copy in which no count of 1 to ``below - 1``
students can be read, nor narrowed down by any sum, difference or bound of
the figures a viewer can fetch. A viewer's figures are one finite release
(docs/metrics.md, "Small numbers"): the edition, each channel, each batch and
each day of the fair, with fixed rows (every hour and day of the fair, every
device class, every stand). ``model`` writes the release's cells and the
constraints they obey, ``exports.release.decide`` picks the hidden cells for
all of it at once, and the views are read from that one decision; a figure
made of a hidden count (a share, an interval, a verdict, a p-value) is hidden
with it. Each function returns a new value; the figures passed in are never
changed.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from backend.models.types import DEVICE_CLASSES, NAMED_BEFORE, TWENTE_PLAZA
from exports import release as lp
from exports.figures import (
    STAGES,
    AnswerRow,
    Awareness,
    Breakdowns,
    ChannelRow,
    Comparison,
    DayRow,
    DeviceRow,
    Discovery,
    Edition,
    Excluded,
    ExposedAnswers,
    FollowUp,
    Funnel,
    HourRow,
    Release,
    ResponseRates,
    ShiftRow,
    StageCounts,
    StageRow,
    Suppressed,
    counts_of,
)
from exports.funnel import stage_rows
from exports.scope import Filters

SUPPRESS_BELOW = 5  # the small-number threshold for viewers

EDITION = None  # the part of the release without a filter


@dataclass(frozen=True)
class View:
    """One view of the release: the edition, a channel, a batch or a day of the fair."""

    channel: str | None = None
    batch_id: int | None = None
    day: date | None = None

    @property
    def part(self):
        if self.batch_id is not None:
            return ("batch", self.batch_id)
        if self.channel is not None:
            return ("channel", self.channel)
        if self.day is not None:
            return ("day", self.day.isoformat())
        return EDITION


def small(count: int | None, below: int | None) -> bool:
    """A count from 1 to ``below - 1``: too few students to publish."""
    return bool(below) and count is not None and 0 < count < below


# Keys of the release's cells ----------------------------------------------------------


def stage_key(part, stage: str) -> tuple:
    if stage == "issued" and part is not None and part[0] == "day":
        return ("stage", EDITION, "issued")  # the window does not apply to issued
    return ("stage", part, stage)


def _hour_key(hour: datetime, column: str) -> tuple:
    return ("hour", hour.astimezone(UTC).isoformat(), column)


def _day_keys(day: date) -> dict[str, tuple]:
    part = ("day", day.isoformat())
    return {
        "scans": ("day_scans", part[1]),
        "pins": stage_key(part, "scanned"),
        "landed": stage_key(part, "landed"),
        "visited_stand": stage_key(part, "visited_stand"),
    }


UNEXPOSED, EXPOSED = ("survey", "unexposed"), ("survey", "exposed")
PAIRS = ("follow", "pairs")
NONE_BEFORE_ONLY, NONE_NOW_ONLY = ("follow", "none_before_only"), ("follow", "none_now_only")
VISITS, UNKNOWN = ("discovery", "visits"), ("discovery", "unknown")


# The release's fixed rows -------------------------------------------------------------


def fair_hours(fair_days: Sequence[date], zone: ZoneInfo) -> list[datetime]:
    """Every hour of the fair's days, local (the night summer time ends has 25)."""
    if not fair_days:
        return []
    start = datetime.combine(fair_days[0], datetime.min.time(), zone).astimezone(UTC)
    end = datetime.combine(fair_days[-1] + timedelta(days=1), datetime.min.time(), zone)
    hours, moment = [], start
    while moment < end:
        hours.append(moment.astimezone(zone))
        moment += timedelta(hours=1)
    return hours


def shaped(edition: Funnel, fair_days: Sequence[date]) -> Funnel:
    """The edition with a viewer's rows: every hour and day of the fair, every device class.

    Rows that exist only where something happened would say that it did.
    """
    zone = ZoneInfo(edition.timezone)
    parts = edition.breakdowns
    hours = {row.hour.astimezone(UTC): row for row in parts.hourly}
    days = {row.day: row for row in parts.daily}
    devices = {row.device_class: row for row in parts.devices}
    return replace(
        edition,
        breakdowns=replace(
            parts,
            hourly=tuple(
                hours.get(hour.astimezone(UTC), HourRow(hour, 0, 0))
                for hour in fair_hours(fair_days, zone)
            ),
            daily=tuple(days.get(day, DayRow(day, 0, 0, 0, 0)) for day in fair_days),
            devices=tuple(devices.get(d, DeviceRow(d, 0, 0)) for d in DEVICE_CLASSES),
        ),
    )


# The constraints ------------------------------------------------------------------------


def model(edition: Funnel, release: Release | None = None, below: int | None = None) -> lp.Model:
    """Every cell of the release and every sum and bound they obey (docs/metrics.md)."""
    m = lp.Model()
    issued = edition.stages[0].pins
    m.default_cap = issued
    _stage_rows(m, edition, release)
    _scans(m, edition)
    _stands(m, edition)
    _survey(m, edition)
    for name, count in edition.excluded.items():
        m.cell(("excluded", name), count)
    m.public.add(("excluded", "void_pins"))  # /batches tells every batch's void pins
    if below:
        _views_too_small(m, edition, release, below)
    return m


def _row(m: lp.Model, part, counts: StageCounts) -> None:
    for stage in STAGES:
        m.cell(stage_key(part, stage), counts[stage], cap=counts.issued)
    m.public.add(stage_key(part, "issued"))  # batch sizes and void pins are no secret
    for stage in STAGES[1:]:
        m.at_most([stage_key(part, stage)], [stage_key(part, "issued")])


def _stage_rows(m: lp.Model, edition: Funnel, release: Release | None) -> None:
    _row(m, EDITION, counts_of(row.pins for row in edition.stages))
    channels = edition.breakdowns.channels
    for row in channels:
        _row(m, ("channel", row.channel), row.reached)
    batches = release.batches if release else ()
    for row in batches:
        _row(m, ("batch", row.batch_id), row.reached)
    for stage in STAGES:
        if channels:
            m.equal(
                [stage_key(EDITION, stage)],
                [stage_key(("channel", row.channel), stage) for row in channels],
            )
        for channel in {row.channel for row in batches}:
            m.equal(
                [stage_key(("channel", channel), stage)],
                [stage_key(("batch", r.batch_id), stage) for r in batches if r.channel == channel],
            )
    days = release.days if release else ()
    for row in days:
        part = ("day", row.day.isoformat())
        for stage in STAGES[1:]:
            m.cell(stage_key(part, stage), row.reached[stage], cap=edition.stages[0].pins)
            m.at_most([stage_key(part, stage)], [stage_key(EDITION, stage)])
    # An answer is given once (the latest counts): the days' answers are the edition's at most.
    if days:
        answered = [stage_key(("day", row.day.isoformat()), "answered_survey") for row in days]
        m.at_most(answered, [stage_key(EDITION, "answered_survey")])


def _scans(m: lp.Model, edition: Funnel) -> None:
    """Hours add up to days, days and devices to the scans; pins are bounded by scans."""
    parts, zone = edition.breakdowns, ZoneInfo(edition.timezone)
    human, repeats = ("excluded", "human_scans"), ("excluded", "repeat_scans")
    scanned = stage_key(EDITION, "scanned")
    m.cell(human, edition.excluded.human_scans)
    m.cell(repeats, edition.excluded.repeat_scans)
    m.at_most([repeats], [human])
    m.at_most([scanned, repeats], [human])  # a pin's first scan is never a repeat
    day_scans, day_pins = [], []
    for row in parts.daily:
        keys = _day_keys(row.day)
        for name, key in keys.items():
            m.cell(key, getattr(row, name))
        m.at_most([keys["pins"]], [keys["scans"]])
        for name in ("pins", "landed", "visited_stand"):
            stage = {"pins": "scanned"}.get(name, name)
            m.at_most([keys[name]], [stage_key(EDITION, stage)])
        hours = [h for h in parts.hourly if h.hour.astimezone(zone).date() == row.day]
        hour_scans = [m.cell(_hour_key(h.hour, "scans"), h.scans) for h in hours]
        hour_pins = [m.cell(_hour_key(h.hour, "pins"), h.pins) for h in hours]
        m.equal([keys["scans"]], hour_scans)
        m.at_most([keys["pins"]], hour_pins)
        for pins in hour_pins:
            m.at_most([pins], [keys["pins"]])
        day_scans.append(keys["scans"])
        day_pins.append(keys["pins"])
    for h in parts.hourly:
        pins, scans = _hour_key(h.hour, "pins"), _hour_key(h.hour, "scans")
        m.cell(scans, h.scans)
        m.cell(pins, h.pins)
        m.at_most([pins], [scans])
    # Scans on other days than the fair's are counted, never shown by day.
    counted = sum(row.scans for row in parts.daily)
    outside = m.hidden_cell(("outside", "scans"), max(0, edition.excluded.human_scans - counted))
    outside_pins = m.hidden_cell(("outside", "pins"), 0)
    m.equal([human], [*day_scans, outside])
    m.at_most([outside_pins], [outside])
    m.at_most([scanned], [*day_pins, outside_pins])
    if parts.devices:
        device_pins = []
        for row in parts.devices:
            scans = m.cell(("device", row.device_class, "scans"), row.scans)
            pins = m.cell(("device", row.device_class, "pins"), row.pins)
            m.at_most([pins], [scans])
            m.at_most([pins], [scanned])
            device_pins.append(pins)
        m.equal([human], [("device", row.device_class, "scans") for row in parts.devices])
        m.at_most([scanned], device_pins)


def _stands(m: lp.Model, edition: Funnel) -> None:
    visited = stage_key(EDITION, "visited_stand")
    pins = []
    for row in edition.breakdowns.stands:
        keys = {name: ("stand", row.stand_id, name) for name in _STAND_COUNTS}
        for name, key in keys.items():
            m.cell(key, getattr(row, name))
        m.equal([keys["registrations"]], [keys["pins"]])  # one visit per pin and stand
        m.equal([keys["by_self"], keys["by_staff"]], [keys["registrations"]])
        m.at_most([keys["pins"]], [visited])
        pins.append(keys["pins"])
    if pins:
        m.at_most([visited], pins)


_STAND_COUNTS = ("pins", "registrations", "by_self", "by_staff")


def _survey(m: lp.Model, edition: Funnel) -> None:
    aw = edition.awareness
    answers = [m.cell(("answer", row.answer), row.respondents) for row in aw.named_before]
    m.cell(UNEXPOSED, aw.respondents)
    m.equal([UNEXPOSED], answers)
    exposed = [
        m.cell(("exposed_answer", row.answer), row.respondents) for row in aw.exposed.named_before
    ]
    m.cell(EXPOSED, aw.exposed.respondents)
    m.equal([EXPOSED], exposed)
    m.equal([stage_key(EDITION, "answered_survey")], [UNEXPOSED, EXPOSED])
    knew, knew_not = [], []
    for row in aw.companies:
        key = ("knew", row.company_id)
        if key in m.values:
            continue  # a company with two plaza stands is one row of Q2
        m.cell(key, row.respondents_knew)
        missing = m.hidden_cell(
            ("knew_not", row.company_id), aw.respondents - row.respondents_knew, protect=True
        )
        m.equal([UNEXPOSED], [key, missing])
        knew.append(key)
        knew_not.append(missing)
    m.cell(VISITS, aw.discovery.stand_visits_by_respondents)
    m.cell(UNKNOWN, aw.discovery.by_respondents_who_did_not_know)
    m.at_most([UNKNOWN], [VISITS])
    if aw.companies:
        m.at_most([VISITS], [UNKNOWN, *knew])  # a known company's visit: one who knew it
        m.at_most([UNKNOWN], knew_not)
    plaza = [
        ("stand", r.stand_id, "pins") for r in edition.breakdowns.stands if r.zone == TWENTE_PLAZA
    ]
    m.at_most([VISITS], plaza)
    m.at_most([VISITS], [UNEXPOSED], times=len(plaza))
    follow = aw.follow_up
    m.cell(PAIRS, follow.pairs)
    m.cell(NONE_BEFORE_ONLY, follow.none_before_only)
    m.cell(NONE_NOW_ONLY, follow.none_now_only)
    before = [m.cell(("before", row.answer), row.before) for row in follow.shift]
    now = [m.cell(("now", row.answer), row.now) for row in follow.shift]
    m.equal([PAIRS], before)
    m.equal([PAIRS], now)
    m.at_most([PAIRS], [UNEXPOSED])
    for answer in NAMED_BEFORE:
        m.at_most([("before", answer)], [("answer", answer)])
    none_before, none_now = ("before", "0"), ("now", "0")
    m.at_most([NONE_BEFORE_ONLY], [none_before])
    m.at_most([NONE_NOW_ONLY], [none_now])
    m.equal([none_before, NONE_NOW_ONLY], [none_now, NONE_BEFORE_ONLY])  # both none
    m.at_most([NONE_BEFORE_ONLY, none_now], [PAIRS])
    m.at_most([NONE_NOW_ONLY, none_before], [PAIRS])


def _views_too_small(m: lp.Model, edition: Funnel, release: Release | None, below: int) -> None:
    """A view of 1 to ``below - 1`` active pins shows no count (rule 4): all its cells hidden."""
    if small(edition.stages[0].pins, below):
        m.forced |= set(m.values)
        return
    batches = release.batches if release else ()
    for row in edition.breakdowns.channels:
        if small(row.reached.issued, below):
            m.forced |= {stage_key(("channel", row.channel), s) for s in STAGES}
            for batch in batches:
                if batch.channel == row.channel:
                    m.forced |= {stage_key(("batch", batch.batch_id), s) for s in STAGES}
    for batch in batches:
        if small(batch.reached.issued, below):
            m.forced |= {stage_key(("batch", batch.batch_id), s) for s in STAGES}


# Reading a view from the decision -------------------------------------------------------


@dataclass
class _Shown:
    """Counts as the decision leaves them, and the tally of counts a view shows hidden."""

    hidden: frozenset
    cells: int = field(default=0)

    def __call__(self, key: tuple, value: int | None) -> int | None:
        if key in self.hidden or value is None:
            return self.none()
        return value

    def none(self, *_) -> None:
        self.cells += 1
        return None


def _made_of(value, *parts):
    """A figure made of counts (a share, an interval, a verdict): hidden with any of them."""
    return None if any(part is None for part in parts) else value


def for_viewer(release: Release, view: View = View(), filters: Filters | None = None) -> Funnel:
    """One view of the release as a viewer sees it (organisers get exact figures)."""
    return view_of(release, view, SUPPRESS_BELOW, filters)


def view_of(release: Release, view: View, below: int, filters: Filters | None = None) -> Funnel:
    edition = shaped(release.edition, release.fair_days)
    hidden = lp.decide(model(edition, release, below), below)
    filters = filters or Filters(channel=view.channel, batch_id=view.batch_id)
    part = view.part
    if part is EDITION:
        figures, issued = edition, edition.stages[0].pins
    else:
        figures = _part(edition, release, view)
        issued = figures.stages[0].pins
    figures = replace(figures, filters=filters)
    if small(issued, below):
        return _nothing(figures, below)
    return _render(figures, part, hidden, below)


def _part(edition: Funnel, release: Release, view: View) -> Funnel:
    """A channel's, batch's or day's view: its stages (and a day's hours), exact."""
    zone = ZoneInfo(edition.timezone)
    parts = edition.breakdowns
    channels, hourly, daily = (), (), ()
    if view.batch_id is not None:
        row = next((r for r in release.batches if r.batch_id == view.batch_id), None)
        counts = row.reached if row else counts_of([0] * len(STAGES))
        channels = (ChannelRow(row.channel, counts),) if row else ()
    elif view.channel is not None:
        row = next((r for r in parts.channels if r.channel == view.channel), None)
        counts = row.reached if row else counts_of([0] * len(STAGES))
        channels = (row,) if row else ()
    else:
        row = next(r for r in release.days if r.day == view.day)
        counts = replace(row.reached, issued=edition.stages[0].pins)
        hourly = tuple(h for h in parts.hourly if h.hour.astimezone(zone).date() == view.day)
        daily = tuple(d for d in parts.daily if d.day == view.day)
    return replace(
        edition,
        stages=stage_rows(counts),
        breakdowns=Breakdowns(channels, hourly, daily, (), ()),
    )


def _render(figures: Funnel, part, hidden: frozenset, below: int) -> Funnel:
    show = _Shown(hidden)
    stages, previous = [], None
    issued = show(stage_key(part, "issued"), figures.stages[0].pins)
    for row in figures.stages:
        pins = show(stage_key(part, row.stage), row.pins) if row.stage != "issued" else issued
        stages.append(
            StageRow(
                row.stage,
                pins,
                None if previous is None else _made_of(row.from_previous, pins, previous[0]),
                _made_of(row.from_issued, pins, issued),
            )
        )
        previous = (pins,)
    by_stage = {row.stage: row.pins for row in stages}
    parts = figures.breakdowns
    channels = tuple(
        ChannelRow(
            row.channel,
            counts_of(
                by_stage[s]
                if part is not EDITION
                else show(stage_key(("channel", row.channel), s), row.reached[s])
                for s in STAGES
            ),
        )
        for row in parts.channels
    )
    breakdowns = Breakdowns(
        channels=channels,
        hourly=tuple(
            HourRow(
                h.hour,
                show(_hour_key(h.hour, "scans"), h.scans),
                show(_hour_key(h.hour, "pins"), h.pins),
            )
            for h in parts.hourly
        ),
        daily=tuple(
            DayRow(d.day, *(show(key, getattr(d, name)) for name, key in _day_keys(d.day).items()))
            for d in parts.daily
        ),
        stands=tuple(
            replace(
                row,
                **{
                    name: show(("stand", row.stand_id, name), getattr(row, name))
                    for name in _STAND_COUNTS
                },
            )
            for row in parts.stands
        ),
        devices=tuple(
            DeviceRow(
                row.device_class,
                show(("device", row.device_class, "scans"), row.scans),
                show(("device", row.device_class, "pins"), row.pins),
            )
            for row in parts.devices
        ),
    )
    if part is EDITION:
        excluded = Excluded(*(show(("excluded", name), n) for name, n in figures.excluded.items()))
        awareness = _awareness(figures.awareness, show)
    else:  # by channel, batch or day only the stages (and a day's hours) are released
        excluded = Excluded(*(show.none() for _ in figures.excluded.items()))
        awareness = _no_awareness(figures.awareness, show)
    answered, landed = by_stage["answered_survey"], by_stage["landed"]
    rates = figures.awareness.response_rates
    if rates is not None:
        rates = ResponseRates(
            show.none() if answered is None else answered,  # the survey stage, shown twice
            _made_of(rates.of_landed, answered, landed),
            _made_of(rates.of_issued, answered, by_stage["issued"]),
        )
    return replace(
        figures,
        stages=tuple(stages),
        excluded=excluded,
        breakdowns=breakdowns,
        awareness=replace(awareness, response_rates=rates),
        suppressed=Suppressed(below, show.cells),
    )


def _awareness(aw: Awareness, show: _Shown) -> Awareness:
    respondents = show(UNEXPOSED, aw.respondents)
    answers = {row.answer: show(("answer", row.answer), row.respondents) for row in aw.named_before}
    none = answers.get("0")
    companies = []
    for row in aw.companies:
        knew = show(("knew", row.company_id), row.respondents_knew)
        companies.append(
            replace(row, respondents_knew=knew, share=_made_of(row.share, knew, respondents))
        )
    visits = show(VISITS, aw.discovery.stand_visits_by_respondents)
    unknown = show(UNKNOWN, aw.discovery.by_respondents_who_did_not_know)
    exposed_n = show(EXPOSED, aw.exposed.respondents)
    exposed_answers = {
        row.answer: show(("exposed_answer", row.answer), row.respondents)
        for row in aw.exposed.named_before
    }
    return replace(
        aw,
        respondents=respondents,
        named_before=tuple(
            AnswerRow(
                row.answer,
                answers[row.answer],
                _made_of(row.share, answers[row.answer], respondents),
            )
            for row in aw.named_before
        ),
        named_none_share=_made_of(aw.named_none_share, none, respondents),
        named_none_interval=_made_of(aw.named_none_interval, none, respondents),
        difference_from_baseline=_made_of(aw.difference_from_baseline, none, respondents),
        difference_interval=_made_of(aw.difference_interval, none, respondents),
        verdict=_made_of(aw.verdict, none, respondents),
        companies=tuple(companies),
        discovery=Discovery(visits, unknown, _made_of(aw.discovery.rate, visits, unknown)),
        exposed=ExposedAnswers(
            exposed_n,
            tuple(
                AnswerRow(
                    row.answer,
                    exposed_answers[row.answer],
                    _made_of(row.share, exposed_answers[row.answer], exposed_n),
                )
                for row in aw.exposed.named_before
            ),
            _made_of(aw.exposed.named_none_share, exposed_answers.get("0"), exposed_n),
        ),
        follow_up=_follow_up(aw.follow_up, show),
    )


def _follow_up(follow: FollowUp, show: _Shown) -> FollowUp:
    pairs = show(PAIRS, follow.pairs)
    before = {row.answer: show(("before", row.answer), row.before) for row in follow.shift}
    now = {row.answer: show(("now", row.answer), row.now) for row in follow.shift}
    only_before = show(NONE_BEFORE_ONLY, follow.none_before_only)
    only_now = show(NONE_NOW_ONLY, follow.none_now_only)
    return FollowUp(
        pairs=pairs,
        named_none_before=_made_of(follow.named_none_before, before.get("0"), pairs),
        named_none_now=_made_of(follow.named_none_now, now.get("0"), pairs),
        none_before_only=only_before,
        none_now_only=only_now,
        mcnemar_p=_made_of(follow.mcnemar_p, only_before, only_now),
        shift=tuple(
            ShiftRow(row.answer, before[row.answer], now[row.answer]) for row in follow.shift
        ),
    )


def _no_awareness(aw: Awareness, show: _Shown) -> Awareness:
    """No survey figures by channel, batch or day: they add up to the edition's."""
    none = show.none
    return replace(
        aw,
        respondents=none(),
        named_before=tuple(AnswerRow(row.answer, none(), None) for row in aw.named_before),
        named_none_share=None,
        named_none_interval=None,
        difference_from_baseline=None,
        difference_interval=None,
        verdict=None,
        companies=tuple(replace(row, respondents_knew=none(), share=None) for row in aw.companies),
        discovery=Discovery(none(), none(), None),
        exposed=ExposedAnswers(
            none(),
            tuple(AnswerRow(row.answer, none(), None) for row in aw.exposed.named_before),
            None,
        ),
        follow_up=FollowUp(
            none(),
            None,
            None,
            none(),
            none(),
            None,
            tuple(ShiftRow(row.answer, none(), none()) for row in aw.follow_up.shift),
        ),  # fmt: skip
    )


def _nothing(figures: Funnel, below: int) -> Funnel:
    """A view of 1 to ``below - 1`` active pins: no count at all, no rows of hours or days."""
    show = _Shown(frozenset())
    none = show.none
    parts = figures.breakdowns
    rates = figures.awareness.response_rates
    return replace(
        figures,
        stages=tuple(StageRow(row.stage, none(), None, None) for row in figures.stages),
        excluded=Excluded(*(none() for _ in figures.excluded.items())),
        breakdowns=Breakdowns(
            channels=tuple(
                ChannelRow(row.channel, counts_of(none() for _ in STAGES)) for row in parts.channels
            ),
            hourly=(),
            daily=(),
            stands=tuple(
                replace(row, **{n: none() for n in _STAND_COUNTS}) for row in parts.stands
            ),
            devices=(),
        ),
        awareness=replace(
            _no_awareness(figures.awareness, show),
            response_rates=None if rates is None else ResponseRates(none(), None, None),
        ),
        suppressed=Suppressed(below, show.cells, too_small=True),
    )


def suppress(figures: Funnel, below: int | None) -> Funnel:
    """``figures`` alone as a release of its own tables, for ``below`` (None: exact)."""
    if not below:
        return replace(figures, suppressed=Suppressed(None, 0))
    if small(figures.stages[0].pins, below):
        return _nothing(figures, below)
    hidden = lp.decide(model(figures, None, below), below)
    return _render(figures, EDITION, hidden, below)


def suppress_comparison(
    comparison: Comparison, releases: dict[str, Release] | None, below: int | None
) -> Comparison:
    """Each edition as a viewer's view of its release shows it (organisers: exact)."""
    if not below:
        return replace(comparison, suppressed=Suppressed(None, 0))
    show = _Shown(frozenset())
    editions = []
    for edition in comparison.editions:
        release = releases[edition.event]
        figures = shaped(release.edition, release.fair_days)
        show.hidden = lp.decide(model(figures, release, below), below)
        if small(edition.reached.issued, below):
            show.hidden = frozenset(model(figures, release, below).values)
        editions.append(_edition(edition, show))
    return replace(comparison, editions=tuple(editions), suppressed=Suppressed(below, show.cells))


def comparison_for_viewer(comparison: Comparison, releases: dict[str, Release]) -> Comparison:
    return suppress_comparison(comparison, releases, SUPPRESS_BELOW)


def _edition(edition: Edition, show: _Shown) -> Edition:
    reached = counts_of(show(stage_key(EDITION, s), edition.reached[s]) for s in STAGES)
    respondents = show(UNEXPOSED, edition.respondents)
    # Counts the comparison does not show, only what is made of them.
    none = None if ("answer", "0") in show.hidden else 0
    visits = None if VISITS in show.hidden else 0
    unknown = None if UNKNOWN in show.hidden else 0
    return replace(
        edition,
        reached=reached,
        scan_rate=_made_of(edition.scan_rate, reached.issued, reached.scanned),
        respondents=respondents,
        named_none_share=_made_of(edition.named_none_share, none, respondents),
        named_none_interval=_made_of(edition.named_none_interval, none, respondents),
        difference_from_baseline=_made_of(edition.difference_from_baseline, none, respondents),
        difference_interval=_made_of(edition.difference_interval, none, respondents),
        verdict=_made_of(edition.verdict, none, respondents),
        discovery_rate=_made_of(edition.discovery_rate, visits, unknown),
        follow_up=_follow_up(edition.follow_up, show),
    )
