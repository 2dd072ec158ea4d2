"""The funnel's SQL agrees with a plain-Python reading of docs/metrics.md on random fairs.

Hypothesis writes a small random event log through the use cases (scans by
students, bots and organisers, repeats, landings, clicks, stamps, answers,
voids, orphans; over two fair days and the nights around them), then the
reference below recounts every figure from the rows read back with simple
SELECTs, loop by loop, and the two must be equal.
"""

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from backend.errors import DomainError
from backend.models import (
    Batch,
    FollowUpResponse,
    LandingVisit,
    OrphanScan,
    Pin,
    PortalClick,
    Scan,
    Stand,
    StandVisit,
    SurveyResponse,
    UnknownCodeLookup,
    survey_known_companies,
)
from backend.models.types import DEVICE_CLASSES, NAMED_BEFORE
from backend.services import journey, pins, scans, stamps, survey
from backend.services.audit import SYSTEM, acting_as
from backend.services.scans import Visitor
from exports import stats
from exports.figures import STAGES
from exports.scope import Filters
from tests.test_funnel import read_funnel

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# From 22:00 two nights before the fair to 02:00 the night after it: the orphan
# slack's edges (17 Feb 00:00 and 21 Feb 00:00) fall inside.
START = datetime(2026, 2, 16, 22, 0, tzinfo=AMSTERDAM)
SPAN_MINUTES = 4 * 24 * 60 + 4 * 60
CHANNELS = ("alpha-ch", "beta-ch")

# Local midnights from 17 to 21 February (minutes after START), and a minute either side.
MIDNIGHTS = [120 + day * 24 * 60 + shift for day in range(5) for shift in (-1, 0, 1)]
minutes = st.one_of(st.integers(0, SPAN_MINUTES), st.sampled_from(MIDNIGHTS))
# An index into the event's pins (modulo their number); 9 is another event's pin.
pin_refs = st.integers(0, 9)
scan_actions = st.tuples(
    st.just("scan"),
    minutes,
    pin_refs,
    st.integers(0, 2),  # visitor, so that repeats happen
    st.sampled_from(["human", "human", "human", "bot", "test"]),
    st.sampled_from(["mobile", "mobile", "tablet", "desktop"]),
)
stamp_actions = st.tuples(
    st.just("stamp"),
    minutes,
    pin_refs,
    st.integers(0, 2),  # two plaza stands and one in the main hall
    st.sampled_from(["self", "self", "self-test", "staff", "staff-offline"]),
)
survey_actions = st.tuples(
    st.just("survey"),
    minutes,
    pin_refs,
    st.sampled_from(NAMED_BEFORE),
    st.sets(st.integers(0, 1)),
    st.sampled_from([False, False, False, True]),  # a test answer now and then
)
actions = st.one_of(
    scan_actions,
    scan_actions,
    st.tuples(
        st.just("landing"), minutes, pin_refs, st.sampled_from(["human", "human", "bot", "test"])
    ),
    st.tuples(
        st.just("click"),
        minutes,
        pin_refs,
        st.sampled_from(["human", "human", "bot"]),
        st.sampled_from([None, 0, 1]),  # the portal, or a plaza company's profile
    ),
    stamp_actions,
    stamp_actions,
    survey_actions,
    survey_actions,
)


logs = st.fixed_dictionaries(
    {
        "sizes": st.tuples(st.integers(1, 3), st.integers(0, 2)),
        "actions": st.lists(actions, min_size=15, max_size=60),
        "voids": st.lists(st.tuples(st.just("void"), minutes, pin_refs), max_size=1),
        "orphans": st.lists(
            st.tuples(st.just("orphan"), minutes, st.sampled_from(["human", "bot"])), max_size=4
        ),
        "channel": st.sampled_from([None, None, *CHANNELS]),
        "batch": st.sampled_from([None, None, 0, 1]),
        "since": st.one_of(st.none(), st.none(), minutes),
        "until": st.one_of(st.none(), st.none(), minutes),
        "suppress_below": st.sampled_from([None, 2, 5]),
    }
)


def moment(minute: int) -> datetime:
    return START + timedelta(minutes=minute)


def empty_tables(db) -> None:
    db.session.rollback()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    db.session.expire_all()
    # The last request's actor stays with this thread; its token went with the tables.
    acting_as(SYSTEM)


def build(make, log: dict):
    """The event, its stands and batches, and the pins (the other event's last)."""
    event = make.event()
    plaza = [make.stand(event), make.stand(event)]
    hall = make.stand(event, zone="main-hall")
    batches, codes = [], []
    for channel, size in zip(CHANNELS, log["sizes"], strict=True):
        if size:
            batch = make.batch(event, size=size, channel=channel)
            batches.append(batch)
            codes += list(pins.iter_pin_codes(batch.id))
    other = make.event(starts_on=event.starts_on, ends_on=event.ends_on)
    codes += make.pin_codes(other, size=1)
    return event, plaza, [*plaza, hall], batches, codes


def pick(codes: list[str], ref: int) -> str:
    """The event's pin number ``ref`` (modulo), or for 9 the other event's (last) pin."""
    return codes[-1] if ref == 9 else codes[ref % (len(codes) - 1)]


def replay(db, log: dict, plaza, stands, codes) -> None:
    """Write the log through the use cases, in time order; refusals are part of the game."""
    everything = log["actions"] + log["voids"] + log["orphans"]
    for action in sorted(everything, key=lambda a: a[1]):
        kind, now = action[0], moment(action[1])
        code = None if kind == "orphan" else pick(codes, action[2])
        try:
            if kind == "scan":
                _, _, _, visitor, who, device = action
                who_device = "bot" if who == "bot" else device
                client = Visitor(who, who_device, None, f"visitor-{visitor}")
                scans.recorder().record(code, f"/p/{code}", client, now)
            elif kind == "orphan":
                client = Visitor(action[2], "mobile", None, "stray")
                scans.recorder().record("NOT-A-PIN", "/p/NOT-A-PIN", client, now)
            elif kind == "landing":
                journey.visit_landing(code, Visitor(action[3], "mobile", None, None), now)
            elif kind == "click":
                company = None if action[4] is None else plaza[action[4]].company_id
                journey.click_through(code, company, Visitor(action[3], "mobile", None, None), now)
            elif kind == "stamp":
                stand, how = stands[action[3]], action[4]
                if how.startswith("self"):
                    stamps.self_stamp(stand.code, code, how == "self-test", now)
                else:
                    offline = now - timedelta(hours=3) if how == "staff-offline" else None
                    stamps.staff_stamp(stand.id, code, now, scanned_at=offline)
            elif kind == "survey":
                known = [plaza[n].company_id for n in action[4]]
                survey.answer_survey(code, action[3], known, action[5], now)
            elif kind == "void":
                pins.void_pin(code, "lost", now)
        except DomainError:
            db.session.rollback()


def share(part, whole):
    return None if part is None or not whole else round(part / whole, 4)


def reference(db, event, filters: Filters) -> dict:
    """docs/metrics.md, recounted in plain Python from every row of every table."""
    zone = ZoneInfo(event.timezone)

    def within(t):
        return (filters.since is None or t >= filters.since) and (
            filters.until is None or t < filters.until
        )

    def rows(model):
        return list(db.session.scalars(select(model)))

    batch_of = {b.id: b for b in rows(Batch)}
    scope = {}  # pin id -> pin, for the event's pins within the channel/batch filters
    for pin in rows(Pin):
        batch = batch_of[pin.batch_id]
        if batch.event_id != event.id:
            continue
        if filters.channel is not None and batch.channel != filters.channel:
            continue
        if filters.batch_id is not None and batch.id != filters.batch_id:
            continue
        scope[pin.id] = pin
    active = {pid for pid, pin in scope.items() if pin.status == "active"}
    channel_of = {pid: batch_of[pin.batch_id].channel for pid, pin in scope.items()}

    all_scans = [s for s in rows(Scan) if s.pin_id in scope and within(s.scanned_at)]
    counted = [s for s in all_scans if s.kind == "human" and not s.pin_void and s.pin_id in active]
    landings = [
        v for v in rows(LandingVisit)
        if v.kind == "human" and v.pin_id in active and within(v.visited_at)
    ]  # fmt: skip
    clicks = [
        c for c in rows(PortalClick)
        if c.kind == "human" and c.pin_id in active and within(c.clicked_at)
    ]  # fmt: skip

    def on_fair_day(moment) -> bool:
        return event.starts_on <= moment.astimezone(zone).date() <= event.ends_on

    # A visit outside the fair's days, by either door, is a rehearsal: a test, never counted.
    for v in rows(StandVisit):
        assert v.is_rehearsal == (not on_fair_day(v.visited_at)), v.visited_at
        assert v.is_test or not v.is_rehearsal
    rehearsals = [v for v in rows(StandVisit) if v.is_rehearsal]
    visits = [
        v for v in rows(StandVisit)
        if not v.is_test and v.pin_id in active and within(v.visited_at)
    ]  # fmt: skip
    responses = [
        r for r in rows(SurveyResponse)
        if not r.is_test and r.pin_id in active and within(r.answered_at)
    ]  # fmt: skip
    reached = {
        "issued": active,
        "scanned": {s.pin_id for s in counted},
        "landed": {v.pin_id for v in landings},
        "clicked": {c.pin_id for c in clicks},
        "visited_stand": {v.pin_id for v in visits},
        "answered_survey": {r.pin_id for r in responses},
    }
    stages, previous = [], None
    for stage in STAGES:
        n = len(reached[stage])
        stages.append(
            {
                "stage": stage,
                "pins": n,
                "from_previous": None if previous is None else share(n, previous),
                "from_issued": share(n, len(active)),
            }
        )
        previous = n

    channels = sorted(
        {
            b.channel
            for b in batch_of.values()
            if b.event_id == event.id
            and (filters.channel is None or b.channel == filters.channel)
            and (filters.batch_id is None or b.id == filters.batch_id)
        }
    )
    channel_rows = [
        {"channel": ch, **{s: sum(1 for p in reached[s] if channel_of[p] == ch) for s in STAGES}}
        for ch in channels
    ]

    lo = filters.since or datetime.combine(event.starts_on, time.min, zone) - timedelta(days=1)
    hi = filters.until or datetime.combine(event.ends_on, time.min, zone) + timedelta(days=2)
    void_now = {pid for pid, pin in scope.items() if pin.status == "void"}
    excluded = {
        "human_scans": len(counted),
        "repeat_scans": sum(1 for s in counted if s.is_repeat),
        "bot_scans": sum(1 for s in all_scans if s.kind == "bot"),
        "test_scans": sum(1 for s in all_scans if s.kind == "test"),
        "rehearsal_visits": sum(
            1 for v in rehearsals if v.pin_id in scope and within(v.visited_at)
        ),
        "void_pin_scans": sum(1 for s in all_scans if s.pin_void or s.pin_id in void_now),
        "orphan_scans": sum(1 for o in rows(OrphanScan) if lo <= o.scanned_at < hi),
        "refused_lookups": sum(
            1 for g in rows(UnknownCodeLookup) if g.refused and lo <= g.looked_up_at < hi
        ),
        "void_pins": len(void_now),
    }

    hours = defaultdict(list)
    for s in counted:
        hours[s.scanned_at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)].append(s)
    hourly = [
        {
            "hour": hour.astimezone(zone).isoformat(),
            "scans": len(hours[hour]),
            "pins": len({s.pin_id for s in hours[hour]}),
        }
        for hour in sorted(hours)
    ]

    days = defaultdict(lambda: {"scans": 0, "pins": set(), "landed": set(), "visited": set()})
    for s in counted:
        day = days[s.scanned_at.astimezone(zone).date()]
        day["scans"] += 1
        day["pins"].add(s.pin_id)
    for v in landings:
        days[v.visited_at.astimezone(zone).date()]["landed"].add(v.pin_id)
    for v in visits:
        days[v.visited_at.astimezone(zone).date()]["visited"].add(v.pin_id)
    daily = [
        {
            "day": day.isoformat(),
            "scans": days[day]["scans"],
            "pins": len(days[day]["pins"]),
            "landed": len(days[day]["landed"]),
            "visited_stand": len(days[day]["visited"]),
        }
        for day in sorted(days)
    ]

    event_stands = sorted((s for s in rows(Stand) if s.event_id == event.id), key=lambda s: s.label)
    stand_rows = []
    for stand in event_stands:
        here = [v for v in visits if v.stand_id == stand.id]
        stand_rows.append(
            {
                "stand_id": stand.id,
                "label": stand.label,
                "company": stand.company.name,
                "zone": stand.zone,
                "pins": len({v.pin_id for v in here}),
                "registrations": len(here),
                "self": sum(1 for v in here if v.method == "self"),
                "staff": sum(1 for v in here if v.method == "staff"),
            }
        )

    devices = []
    for device in DEVICE_CLASSES:
        these = [s for s in counted if s.device_class == device]
        if these:
            devices.append(
                {
                    "device_class": device,
                    "scans": len(these),
                    "pins": len({s.pin_id for s in these}),
                }
            )

    # The headline reads unexposed answers; exposed ones are reported beside it.
    exposed = [r for r in responses if r.after_stand_visit or r.after_company_list]
    responses = [r for r in responses if not (r.after_stand_visit or r.after_company_list)]
    respondents = len(responses)
    knew = defaultdict(set)  # response id -> companies ticked
    for response_id, company_id in db.session.execute(select(survey_known_companies)):
        knew[response_id].add(company_id)
    named = {
        answer: sum(1 for r in responses if r.named_before == answer) for answer in NAMED_BEFORE
    }
    named_exposed = {
        answer: sum(1 for r in exposed if r.named_before == answer) for answer in NAMED_BEFORE
    }
    plaza = [s for s in event_stands if s.zone == "twente-plaza"]
    companies = []
    for stand in plaza:
        n = sum(1 for r in responses if stand.company_id in knew[r.id])
        companies.append(
            {
                "company_id": stand.company_id,
                "company": stand.company.name,
                "respondents_knew": n,
                "share": share(n, respondents),
            }
        )
    response_of = {r.pin_id: r for r in responses}
    plaza_company = {s.id: s.company_id for s in plaza}
    discovered = [
        plaza_company[v.stand_id] not in knew[response_of[v.pin_id].id]
        for v in visits
        if v.stand_id in plaza_company and v.pin_id in response_of
    ]
    none_share = share(named["0"], respondents)
    follow_ups = [
        f for f in rows(FollowUpResponse)
        if not f.is_test and f.pin_id in response_of and within(f.answered_at)
    ]  # fmt: skip
    pairs = [(response_of[f.pin_id].named_before, f.named_now) for f in follow_ups]
    only_before = sum(1 for b, n in pairs if b == "0" and n != "0")
    only_now = sum(1 for b, n in pairs if b != "0" and n == "0")

    def interval(value):
        return None if value is None else {"low": round(value.low, 4), "high": round(value.high, 4)}

    difference = stats.newcombe(named["0"], respondents, 0.35 * 450, 450)
    awareness = {
        "respondents": respondents,
        "named_before": [
            {"answer": a, "respondents": n, "share": share(n, respondents)}
            for a, n in named.items()
        ],
        "named_none_share": none_share,
        "named_none_interval": interval(stats.wilson(named["0"], respondents)),
        "baseline": 0.35,
        "baseline_size": 450,
        "difference_from_baseline": (
            None if none_share is None else round(named["0"] / respondents - 0.35, 4)
        ),
        "difference_interval": interval(difference),
        "verdict": None
        if difference is None
        else "fewer_than_baseline"
        if difference.high < 0
        else "more_than_baseline"
        if difference.low > 0
        else "not_distinguishable",
        "response_rates": {
            "respondents": len(reached["answered_survey"]),
            "of_landed": share(len(reached["answered_survey"]), len(reached["landed"])),
            "of_issued": share(len(reached["answered_survey"]), len(reached["issued"])),
        },
        "companies": companies,
        "discovery": {
            "stand_visits_by_respondents": len(discovered),
            "by_respondents_who_did_not_know": sum(discovered),
            "rate": share(sum(discovered), len(discovered)),
        },
        "exposed": {
            "respondents": len(exposed),
            "named_before": [
                {"answer": a, "respondents": n, "share": share(n, len(exposed))}
                for a, n in named_exposed.items()
            ],
            "named_none_share": share(named_exposed["0"], len(exposed)),
        },
        "follow_up": {
            "pairs": len(pairs),
            "named_none_before": share(sum(1 for b, _ in pairs if b == "0"), len(pairs)),
            "named_none_now": share(sum(1 for _, n in pairs if n == "0"), len(pairs)),
            "none_before_only": only_before,
            "none_now_only": only_now,
            "mcnemar_p": round(stats.mcnemar_exact(only_before, only_now), 4) if pairs else None,
            "shift": [
                {
                    "answer": a,
                    "before": sum(1 for b, _ in pairs if b == a),
                    "now": sum(1 for _, n in pairs if n == a),
                }
                for a in NAMED_BEFORE
            ],
        },
    }

    return {
        "event": event.slug,
        "event_name": event.name,
        "timezone": event.timezone,
        "definitions_version": "2",
        "filters": {
            "channel": filters.channel,
            "batch_id": filters.batch_id,
            "since": filters.since.isoformat() if filters.since else None,
            "until": filters.until.isoformat() if filters.until else None,
        },
        "stages": stages,
        "excluded": excluded,
        "breakdowns": {
            "channels": channel_rows,
            "hourly": hourly,
            "daily": daily,
            "stands": stand_rows,
            "devices": devices,
        },
        "awareness": awareness,
        "suppressed": {"threshold": None, "cells": 0, "too_small": False},
    }


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(log=logs)
def test_funnel_agrees_with_a_plain_reading_of_the_definitions(db, make, log):
    empty_tables(db)
    event, plaza, stands, batches, codes = build(make, log)
    replay(db, log, plaza, stands, codes)
    since = None if log["since"] is None else moment(log["since"])
    until = None if log["until"] is None else moment(log["until"])
    if since is not None and until is not None and until <= since:
        since, until = until, since + timedelta(minutes=1)
    batch = (
        batches[log["batch"]].id
        if log["batch"] is not None and log["batch"] < len(batches)
        else None
    )
    filters = Filters(channel=log["channel"], batch_id=batch, since=since, until=until)
    db.session.expire_all()
    expected = reference(db, event, filters)
    below = log["suppress_below"]
    if below is None:
        assert read_funnel(event, filters) == expected
        return
    # Which counts a viewer's copy hides is exports/suppression.py's (and the attacker's test,
    # tests/test_suppression_attack.py); here: what it shows is exact, the small ones are gone.
    viewer = read_funnel(event, filters, suppress_below=below)
    blanked = shown_exactly(viewer, expected)
    assert viewer["suppressed"]["threshold"] == below
    assert viewer["suppressed"]["cells"] == blanked
    if not viewer["suppressed"]["too_small"]:  # only a view too small leaves rows out
        for rows_of in ("hourly", "daily", "devices"):
            assert len(viewer["breakdowns"][rows_of]) == len(expected["breakdowns"][rows_of])
    for seen, count in zip(small_counts(viewer), small_counts(expected), strict=True):
        assert seen is None or not 0 < count < below, "a small count is shown"


def shown_exactly(shown, exact) -> int:
    """Every figure ``shown`` is the exact one; the number of counts it blanks or leaves out."""
    if shown is None and isinstance(exact, dict):  # a whole part left out (an interval ...)
        return leaves(exact)
    if isinstance(exact, dict):
        keys = exact.keys() - {"suppressed"}
        return sum(shown_exactly(shown[key], exact[key]) for key in keys)
    if isinstance(exact, list):
        if not shown:  # hours, days and devices of a view too small to show: left out, and
            return 0  # not counted either (how many rows there were would say when pins were used)
        assert len(shown) == len(exact)
        return sum(shown_exactly(a, b) for a, b in zip(shown, exact, strict=True))
    if shown is None:
        return 1 if isinstance(exact, int) and not isinstance(exact, bool) else 0
    assert shown == exact
    return 0


def leaves(row: dict) -> int:
    return sum(1 for value in row.values() if isinstance(value, int))


def small_counts(figures: dict) -> list:
    """The counts no viewer may read when from 1 to the threshold - 1 (docs/metrics.md)."""
    return [
        *(s["pins"] for s in figures["stages"]),
        *(row[stage] for row in figures["breakdowns"]["channels"] for stage in STAGES),
        *(row["respondents_knew"] for row in figures["awareness"]["companies"]),
        figures["awareness"]["respondents"],
    ]
