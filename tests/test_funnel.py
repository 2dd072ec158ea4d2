"""The funnel's figures, on a fair built by hand through the use cases.

Every expected number is counted by hand in the comments of ``fair`` below
(local time is Europe/Amsterdam, UTC+1 in February).
"""

import json
from dataclasses import FrozenInstanceError
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from backend.extensions import db
from backend.services import journey, pins, scans, stamps, survey
from backend.services.scans import Visitor
from exports.figures import DEFINITIONS_VERSION
from exports.figures import STAGES as STAGE_NAMES
from exports.funnel import compare, funnel, release
from exports.schemas import comparison_json, funnel_json
from exports.scope import NO_FILTERS, Filters
from exports.suppression import View, suppress, suppress_comparison, view_of
from exports.tables import TABLES

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BOT = Visitor("bot", "bot", None, "bot-hash")
ORGANISER = Visitor("test", "desktop", "Linux", "organiser-hash")


def read_funnel(event, filters: Filters = NO_FILTERS, suppress_below: int | None = None) -> dict:
    """The funnel as a user reads it: the API's JSON, exact or with small counts suppressed."""
    figures = funnel(db.session, event, filters)
    return funnel_json(figures if suppress_below is None else suppress(figures, suppress_below))


def read_compare(events, filters: Filters = NO_FILTERS, suppress_below: int | None = None) -> dict:
    """A comparison as a user reads it: the API's JSON."""
    comparison = compare(db.session, events, filters)
    if suppress_below is not None:
        releases = {event.slug: release(db.session, event) for event in events}
        comparison = suppress_comparison(comparison, releases, suppress_below)
    return comparison_json(comparison)


def null_counts(figures: dict) -> int:
    """The counts of a funnel's JSON shown as hidden (null), as ``suppressed.cells`` says."""
    parts, aw = figures["breakdowns"], figures["awareness"]
    counts = [s["pins"] for s in figures["stages"]] + list(figures["excluded"].values())
    counts += [row[s] for row in parts["channels"] for s in STAGE_NAMES]
    counts += [row[k] for row in parts["hourly"] for k in ("scans", "pins")]
    counts += [
        row[k] for row in parts["daily"] for k in ("scans", "pins", "landed", "visited_stand")
    ]
    counts += [
        row[k] for row in parts["stands"] for k in ("pins", "registrations", "self", "staff")
    ]
    counts += [row[k] for row in parts["devices"] for k in ("scans", "pins")]
    counts += [aw["respondents"], *[r["respondents"] for r in aw["named_before"]]]
    counts += [r["respondents_knew"] for r in aw["companies"]]
    counts += [aw["discovery"]["stand_visits_by_respondents"]]
    counts += [aw["discovery"]["by_respondents_who_did_not_know"]]
    counts += [
        aw["exposed"]["respondents"],
        *[r["respondents"] for r in aw["exposed"]["named_before"]],
    ]
    follow = aw["follow_up"]
    counts += [follow["pairs"], follow["none_before_only"], follow["none_now_only"]]
    counts += [row[k] for row in follow["shift"] for k in ("before", "now")]
    counts += [aw["response_rates"]["respondents"]] if aw["response_rates"] else []
    return sum(count is None for count in counts)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in February 2026, Amsterdam time."""
    return datetime(2026, 2, day, hour, minute, tzinfo=AMSTERDAM)


def student(name: str, device: str = "mobile") -> Visitor:
    return Visitor("human", device, "iOS", f"visitor-{name}")


def scan(code: str, visitor: Visitor, now: datetime):
    return scans.recorder().record(code, f"/p/{code}", visitor, now)


def codes_of(batch) -> list[str]:
    return list(pins.iter_pin_codes(batch.id))


def build_fair(make) -> SimpleNamespace:
    """Two channels, a bot, a repeat, a test scan, two void pins, orphans, stamps and answers.

    Pins: ut-desk batch "UT 1" a b c d, batch "UT 2" e f; roc batch "ROC" g h i.
    d is voided before the fair, f after it was scanned. Active: a b c e g h i.
    Another edition's pin z1 is scanned and answers too, and must count nowhere here.
    """
    event = make.event(slug="fair-2026", name="Fair 2026")  # 18-19 February 2026
    main_hall = make.stand(
        event, make.company(name="Main Hall Co"), label="MH-01", zone="main-hall"
    )
    alpha = make.stand(event, make.company(name="Alpha"), label="TP-01")
    beta = make.stand(event, make.company(name="Beta"), label="TP-02")
    gamma = make.stand(event, make.company(name="Gamma"), label="TP-03")
    ut1 = make.batch(event, size=4, channel="ut-desk", label="UT 1")
    ut2 = make.batch(event, size=2, channel="ut-desk", label="UT 2")
    roc = make.batch(event, size=3, channel="roc", label="ROC")
    a, b, c, d = codes_of(ut1)
    e, f = codes_of(ut2)
    g, h, i = codes_of(roc)
    old = make.event(slug="fair-2025", starts_on=date(2025, 2, 19), ends_on=date(2025, 2, 20))
    z1, _z2 = codes_of(make.batch(old, size=2, channel="ut-desk", label="UT old"))

    pins.void_pin(d, "lost before the fair", at(18, 9))
    scan(z1, student("z"), at(18, 10, 0))  # another edition's pin
    survey.answer_survey(z1, "1-2", [], False, at(18, 10, 2))
    # 18 Feb, 10:00-11:00: a twice (the second a repeat), a bot on a, b on a laptop, g.
    scan(a, student("a"), at(18, 10, 5))
    journey.visit_landing(a, student("a"), at(18, 10, 6))
    journey.click_through(a, None, student("a"), at(18, 10, 7))
    assert scan(a, student("a"), at(18, 10, 10)).is_repeat
    journey.visit_landing(a, student("a"), at(18, 10, 11))
    scan(a, BOT, at(18, 10, 12))
    scan(b, student("b", "desktop"), at(18, 10, 20))
    journey.visit_landing(b, student("b", "desktop"), at(18, 10, 21))
    scan(g, student("g"), at(18, 10, 30))
    journey.visit_landing(g, student("g"), at(18, 10, 31))
    journey.click_through(g, alpha.company_id, student("g"), at(18, 10, 32))
    # g answers on its first landing, before any stand or company list: unexposed.
    survey.answer_survey(g, "0", [beta.company_id], False, at(18, 10, 33))
    # An organiser tries pin c: test scan and test landing.
    scan(c, ORGANISER, at(18, 11, 0))
    journey.visit_landing(c, ORGANISER, at(18, 11, 1))
    scan("NOT-A-PIN", student("x"), at(18, 11, 15))  # orphan
    # Somebody guesses stand codes from one address: 30 answered "unknown", the 31st refused.
    for _ in range(31):
        scans.recorder().brake.refuses("a guesser's address hash", at(18, 11, 16))
    # f is scanned, lands and answers, then is voided (misprint) and scanned again.
    scan(f, student("f"), at(18, 11, 20))
    journey.visit_landing(f, student("f"), at(18, 11, 21))
    survey.answer_survey(f, "0", [], False, at(18, 11, 22))
    pins.void_pin(f, "misprint", at(18, 12))
    assert scan(f, student("f2"), at(18, 12, 30)).status == "void"
    scan(f, BOT, at(18, 12, 31))
    # Stamps on day 1: a by itself at Alpha and by Beta's staff (twice: one visit), g by
    # Alpha's staff, an organiser's test stamp of c at Alpha.
    stamps.self_stamp(alpha.code, a, False, at(18, 13, 0))
    stamps.staff_stamp(beta.id, a, at(18, 13, 10))
    assert not stamps.staff_stamp(
        beta.id, f"https://pins.example.org/P/{a}", at(18, 13, 20)
    ).created
    stamps.staff_stamp(alpha.id, g, at(18, 14, 0))
    stamps.self_stamp(alpha.code, c, True, at(18, 14, 10))
    survey.answer_survey(c, "0", [], True, at(18, 14, 40))  # test answer
    # a answers after its stamps: exposed (and replaced on day 2, exposed again).
    survey.answer_survey(a, "1-2", [alpha.company_id], False, at(18, 15, 0))
    # Around midnight: h at 23:30 on the 18th, i at 00:30 on the 19th (still the 18th in UTC).
    scan(h, student("h"), at(18, 23, 30))
    journey.visit_landing(h, student("h"), at(18, 23, 31))
    known = [alpha.company_id, beta.company_id, gamma.company_id]
    survey.answer_survey(h, "6+", known, False, at(18, 23, 35))  # unexposed, then the stamp
    stamps.self_stamp(gamma.code, h, False, at(18, 23, 40))
    scan(i, student("i", "tablet"), at(19, 0, 30))
    journey.visit_landing(i, student("i", "tablet"), at(19, 0, 31))
    journey.click_through(i, None, student("i", "tablet"), at(19, 0, 35))
    # Gamma's staff scanned i offline at 00:40 and uploaded at 09:00.
    stamps.staff_stamp(gamma.id, i, at(19, 9, 0), scanned_at=at(19, 0, 40))
    # Day 2: a answers again (replaces "1-2"/Alpha); b from a phone; e; c stamped, never scanned.
    survey.answer_survey(a, "0", [], False, at(19, 9, 30))
    assert not scan(b, student("b2"), at(19, 10, 0)).is_repeat
    journey.click_through(b, None, BOT, at(19, 10, 1))
    scan(e, student("e"), at(19, 10, 40))
    journey.visit_landing(e, BOT, at(19, 10, 41))
    stamps.self_stamp(main_hall.code, b, False, at(19, 11, 0))
    # b answers after its stamp in the main hall: exposed.
    survey.answer_survey(b, "3-5", [alpha.company_id, beta.company_id], False, at(19, 11, 5))
    stamps.staff_stamp(beta.id, c, at(19, 12, 0))
    # Orphans: the day before the fair counts, a week later does not.
    scan("NOPE", student("y"), at(17, 12))
    scan("NOPE", student("y"), at(25, 12))
    return SimpleNamespace(
        event=event,
        old=old,
        stands=SimpleNamespace(main_hall=main_hall, alpha=alpha, beta=beta, gamma=gamma),
        batches=SimpleNamespace(ut1=ut1, ut2=ut2, roc=roc),
    )


@pytest.fixture
def fair(make):
    """The fair of ``build_fair``."""
    return build_fair(make)


# The fair's figures without filters, counted by hand from the comments in ``build_fair``.
# tests/test_funnel_files.py expects the same figures in the CSV and XLSX files.
STAGES = [  # (stage, pins, from_previous, from_issued)
    ("issued", 7, None, 1.0),  # a b c e g h i; d and f are void
    ("scanned", 6, 0.8571, 0.8571),  # a b e g h i (c only by an organiser)
    ("landed", 5, 0.8333, 0.7143),  # a b g h i (e's landing was a bot)
    ("clicked", 3, 0.6, 0.4286),  # a g i (b's click was a bot)
    # c was stamped but never scanned: stages are independent, so 6/3 = 2.0.
    ("visited_stand", 6, 2.0, 0.8571),  # a b c g h i
    ("answered_survey", 4, 0.6667, 0.5714),  # a b g h (c's answer a test, f void)
]
EXCLUDED = {
    "human_scans": 8,  # a a b g h i b e
    "repeat_scans": 1,  # a's second scan within 30 minutes
    "bot_scans": 2,  # on a, and on f after it was void
    "test_scans": 1,  # the organiser on c
    "rehearsal_visits": 0,
    "void_pin_scans": 3,  # f before voiding (void now), f by a student and by the bot after
    "orphan_scans": 2,  # 17 Feb 12:00 and 18 Feb 11:15; not 25 Feb
    "refused_lookups": 1,  # the guesser's 31st unknown code on 18 Feb
    "void_pins": 2,  # d and f
}
CHANNELS = [
    # roc: g h i; g and i clicked; g and h answered.
    {"channel": "roc", "issued": 3, "scanned": 3, "landed": 3, "clicked": 2,
     "visited_stand": 3, "answered_survey": 2},
    # ut-desk: a b c e; a b e scanned; a b landed; a clicked; a b c stamped; a b answered.
    {"channel": "ut-desk", "issued": 4, "scanned": 3, "landed": 2, "clicked": 1,
     "visited_stand": 3, "answered_survey": 2},
]  # fmt: skip
HOURLY = [
    {"hour": "2026-02-18T10:00:00+01:00", "scans": 4, "pins": 3},  # a a b g
    {"hour": "2026-02-18T23:00:00+01:00", "scans": 1, "pins": 1},  # h
    {"hour": "2026-02-19T00:00:00+01:00", "scans": 1, "pins": 1},  # i (23:30 UTC on the 18th)
    {"hour": "2026-02-19T10:00:00+01:00", "scans": 2, "pins": 2},  # b e
]
DAILY = [
    # scans a a b g h; pins a b g h; landed a b g h; stamped a g h.
    {"day": "2026-02-18", "scans": 5, "pins": 4, "landed": 4, "visited_stand": 3},
    # scans i b e; landed i; stamped i (00:40) b c.
    {"day": "2026-02-19", "scans": 3, "pins": 3, "landed": 1, "visited_stand": 3},
]
STANDS = {  # label: (pins, registrations, self, staff)
    "MH-01": (1, 1, 1, 0),  # b by itself
    "TP-01": (2, 2, 1, 1),  # a by itself, g by staff; c's test stamp left out
    "TP-02": (2, 2, 0, 2),  # a (registered twice: one visit), c, both by staff
    "TP-03": (2, 2, 1, 1),  # h by itself, i by staff
}
DEVICES = [
    {"device_class": "mobile", "scans": 6, "pins": 5},  # a a g h b e
    {"device_class": "tablet", "scans": 1, "pins": 1},  # i
    {"device_class": "desktop", "scans": 1, "pins": 1},  # b on day 1
]
# The headline reads unexposed answers: g "0" and h "6+", given before any stand visit or
# company list. a "0" (its "1-2" replaced) and b "3-5" came after stamps: exposed, beside.
# c's answer is a test, f is void, z1 is another edition's.
RESPONDENTS = 2
NAMED_BEFORE = [
    {"answer": "0", "respondents": 1, "share": 0.5},
    {"answer": "1-2", "respondents": 0, "share": 0.0},
    {"answer": "3-5", "respondents": 0, "share": 0.0},
    {"answer": "6+", "respondents": 1, "share": 0.5},
]
NAMED_NONE_SHARE = 0.5
DIFFERENCE_FROM_BASELINE = 0.15  # 0.5 - 0.35
EXPOSED = {
    "respondents": 2,
    "named_before": [
        {"answer": "0", "respondents": 1, "share": 0.5},
        {"answer": "1-2", "respondents": 0, "share": 0.0},
        {"answer": "3-5", "respondents": 1, "share": 0.5},
        {"answer": "6+", "respondents": 0, "share": 0.0},
    ],
    "named_none_share": 0.5,
}
# Knew before (unexposed): g Beta, h all three. Main hall not asked.
COMPANIES = [(1, 0.5), (2, 1.0), (1, 0.5)]  # (respondents_knew, share): Alpha, Beta, Gamma
# Plaza visits by unexposed respondents: g@Alpha (g knew Beta), h@Gamma (known).
DISCOVERY = {
    "stand_visits_by_respondents": 2,
    "by_respondents_who_did_not_know": 1,
    "rate": 0.5,
}


def stages(figures: dict) -> list[tuple]:
    return [
        (s["stage"], s["pins"], s["from_previous"], s["from_issued"]) for s in figures["stages"]
    ]


def stand_rows(fair, counts: dict) -> list[dict]:
    """Expected stand rows by label, from {label: (pins, registrations, self, staff)}."""
    rows = []
    for stand in (fair.stands.main_hall, fair.stands.alpha, fair.stands.beta, fair.stands.gamma):
        pins_, registrations, by_self, by_staff = counts.get(stand.label, (0, 0, 0, 0))
        rows.append(
            {
                "stand_id": stand.id,
                "label": stand.label,
                "company": stand.company.name,
                "zone": stand.zone,
                "pins": pins_,
                "registrations": registrations,
                "self": by_self,
                "staff": by_staff,
            }
        )
    return rows


def company_rows(fair, counts: list) -> list[dict]:
    plaza = (fair.stands.alpha, fair.stands.beta, fair.stands.gamma)
    return [
        {"company_id": s.company_id, "company": s.company.name, "respondents_knew": n, "share": r}
        for s, (n, r) in zip(plaza, counts, strict=True)
    ]


def test_stages_count_distinct_active_pins_each_on_its_own(fair):
    figures = read_funnel(fair.event)
    assert figures["event"] == "fair-2026" and figures["event_name"] == "Fair 2026"
    assert figures["timezone"] == "Europe/Amsterdam"
    assert figures["definitions_version"] == DEFINITIONS_VERSION == "2"
    assert figures["filters"] == {"channel": None, "batch_id": None, "since": None, "until": None}
    assert stages(figures) == STAGES
    assert figures["suppressed"] == {"threshold": None, "cells": 0, "too_small": False}


def test_bots_repeats_tests_void_pins_and_orphans_are_reported_beside_the_stages(fair):
    assert read_funnel(fair.event)["excluded"] == EXCLUDED


def test_channels_split_every_stage(fair):
    assert read_funnel(fair.event)["breakdowns"]["channels"] == CHANNELS


def test_hours_and_days_are_those_of_the_event_time_zone(fair):
    breakdowns = read_funnel(fair.event)["breakdowns"]
    assert breakdowns["hourly"] == HOURLY
    assert breakdowns["daily"] == DAILY


def test_stands_count_pins_and_registrations_by_method(fair):
    assert read_funnel(fair.event)["breakdowns"]["stands"] == stand_rows(fair, STANDS)


def test_devices_count_scans_and_pins(fair):
    assert read_funnel(fair.event)["breakdowns"]["devices"] == DEVICES


def test_awareness_counts_the_latest_answers_beside_the_baseline(fair):
    awareness = read_funnel(fair.event)["awareness"]
    assert awareness["respondents"] == RESPONDENTS
    assert awareness["named_before"] == NAMED_BEFORE
    assert awareness["named_none_share"] == NAMED_NONE_SHARE
    assert (awareness["baseline"], awareness["baseline_size"]) == (0.35, 450)
    assert awareness["difference_from_baseline"] == DIFFERENCE_FROM_BASELINE
    assert awareness["companies"] == company_rows(fair, COMPANIES)
    # Two answers say little: Wilson for 1 of 2, Newcombe against 157.5 of 450.
    assert awareness["named_none_interval"] == {"low": 0.0945, "high": 0.9055}
    assert awareness["difference_interval"] == {"low": -0.258, "high": 0.5577}
    assert awareness["verdict"] == "not_distinguishable"
    assert awareness["exposed"] == EXPOSED
    # All respondents, exposed or not (a b g h), of the 5 pins that landed and the 7 issued.
    assert awareness["response_rates"] == {"respondents": 4, "of_landed": 0.8, "of_issued": 0.5714}
    assert awareness["follow_up"]["pairs"] == 0 and awareness["follow_up"]["mcnemar_p"] is None


def test_discovery_counts_plaza_visits_to_companies_unknown_before(fair):
    assert read_funnel(fair.event)["awareness"]["discovery"] == DISCOVERY


def test_figures_are_plain_json(fair):
    figures = read_funnel(fair.event, Filters(since=at(18, 0)), suppress_below=5)
    assert json.loads(json.dumps(figures)) == figures
    assert figures["filters"]["since"] == "2026-02-18T00:00:00+01:00"


def test_channel_filter_narrows_every_figure_but_orphans(fair):
    figures = read_funnel(fair.event, Filters(channel="roc"))
    assert figures["filters"]["channel"] == "roc"
    assert stages(figures) == [
        ("issued", 3, None, 1.0),
        ("scanned", 3, 1.0, 1.0),
        ("landed", 3, 1.0, 1.0),
        ("clicked", 2, 0.6667, 0.6667),
        ("visited_stand", 3, 1.5, 1.0),
        ("answered_survey", 2, 0.6667, 0.6667),
    ]
    assert figures["excluded"] == {
        "human_scans": 3,  # g h i
        "repeat_scans": 0,
        "bot_scans": 0,
        "test_scans": 0,
        "rehearsal_visits": 0,
        "void_pin_scans": 0,
        "orphan_scans": 2,  # orphans belong to no channel
        "refused_lookups": 1,  # nor do guesses
        "void_pins": 0,
    }
    breakdowns = figures["breakdowns"]
    assert [row["channel"] for row in breakdowns["channels"]] == ["roc"]
    assert breakdowns["hourly"] == [
        {"hour": "2026-02-18T10:00:00+01:00", "scans": 1, "pins": 1},
        {"hour": "2026-02-18T23:00:00+01:00", "scans": 1, "pins": 1},
        {"hour": "2026-02-19T00:00:00+01:00", "scans": 1, "pins": 1},
    ]
    assert breakdowns["daily"] == [
        {"day": "2026-02-18", "scans": 2, "pins": 2, "landed": 2, "visited_stand": 2},
        {"day": "2026-02-19", "scans": 1, "pins": 1, "landed": 1, "visited_stand": 1},
    ]
    assert breakdowns["stands"] == stand_rows(fair, {"TP-01": (1, 1, 0, 1), "TP-03": (2, 2, 1, 1)})
    assert breakdowns["devices"] == [
        {"device_class": "mobile", "scans": 2, "pins": 2},
        {"device_class": "tablet", "scans": 1, "pins": 1},
    ]
    awareness = figures["awareness"]
    assert awareness["respondents"] == 2  # g "0", h "6+"
    assert [r["respondents"] for r in awareness["named_before"]] == [1, 0, 0, 1]
    assert awareness["named_none_share"] == 0.5
    assert awareness["companies"] == company_rows(fair, [(1, 0.5), (2, 1.0), (1, 0.5)])
    assert awareness["discovery"] == {  # g@Alpha unknown, h@Gamma known
        "stand_visits_by_respondents": 2,
        "by_respondents_who_did_not_know": 1,
        "rate": 0.5,
    }


def test_batch_filter_keeps_one_print_run(fair):
    figures = read_funnel(fair.event, Filters(batch_id=fair.batches.ut2.id))  # e, and f (void)
    assert stages(figures) == [
        ("issued", 1, None, 1.0),
        ("scanned", 1, 1.0, 1.0),
        ("landed", 0, 0.0, 0.0),
        ("clicked", 0, None, 0.0),
        ("visited_stand", 0, None, 0.0),
        ("answered_survey", 0, None, 0.0),
    ]
    assert figures["excluded"] == {
        "human_scans": 1,
        "repeat_scans": 0,
        "bot_scans": 1,  # on f, after it was void
        "test_scans": 0,
        "rehearsal_visits": 0,
        "void_pin_scans": 3,
        "orphan_scans": 2,
        "refused_lookups": 1,
        "void_pins": 1,
    }
    assert figures["breakdowns"]["channels"] == [
        {"channel": "ut-desk", "issued": 1, "scanned": 1, "landed": 0, "clicked": 0,
         "visited_stand": 0, "answered_survey": 0},
    ]  # fmt: skip
    awareness = figures["awareness"]  # f answered, but f is void: nobody
    assert awareness["respondents"] == 0
    assert [r["share"] for r in awareness["named_before"]] == [None] * 4
    assert awareness["named_none_share"] is None
    assert awareness["difference_from_baseline"] is None
    assert awareness["companies"] == company_rows(fair, [(0, None)] * 3)
    assert awareness["discovery"]["rate"] is None


def test_time_window_includes_since_and_excludes_until(fair):
    window = Filters(since=at(19, 0), until=at(19, 12))
    figures = read_funnel(fair.event, window)
    assert figures["filters"]["until"] == "2026-02-19T12:00:00+01:00"
    assert stages(figures) == [
        ("issued", 7, None, 1.0),  # the window does not apply to issued
        ("scanned", 3, 0.4286, 0.4286),  # i b e
        ("landed", 1, 0.3333, 0.1429),  # i
        ("clicked", 1, 1.0, 0.1429),  # i
        ("visited_stand", 2, 2.0, 0.2857),  # i (00:40) b; c at 12:00 is outside
        ("answered_survey", 2, 1.0, 0.2857),  # a (09:30) b (11:05)
    ]
    assert figures["excluded"] == {
        "human_scans": 3,
        "repeat_scans": 0,
        "bot_scans": 0,
        "test_scans": 0,
        "rehearsal_visits": 0,
        "void_pin_scans": 0,
        "orphan_scans": 0,  # the window, not the fair's days, decides
        "refused_lookups": 0,
        "void_pins": 2,
    }
    breakdowns = figures["breakdowns"]
    assert breakdowns["channels"] == [
        {"channel": "roc", "issued": 3, "scanned": 1, "landed": 1, "clicked": 1,
         "visited_stand": 1, "answered_survey": 0},
        {"channel": "ut-desk", "issued": 4, "scanned": 2, "landed": 0, "clicked": 0,
         "visited_stand": 1, "answered_survey": 2},
    ]  # fmt: skip
    assert breakdowns["hourly"] == [
        {"hour": "2026-02-19T00:00:00+01:00", "scans": 1, "pins": 1},
        {"hour": "2026-02-19T10:00:00+01:00", "scans": 2, "pins": 2},
    ]
    assert breakdowns["daily"] == [
        {"day": "2026-02-19", "scans": 3, "pins": 3, "landed": 1, "visited_stand": 2}
    ]
    assert breakdowns["stands"] == stand_rows(fair, {"MH-01": (1, 1, 1, 0), "TP-03": (1, 1, 0, 1)})
    assert breakdowns["devices"] == [
        {"device_class": "mobile", "scans": 2, "pins": 2},
        {"device_class": "tablet", "scans": 1, "pins": 1},
    ]
    awareness = figures["awareness"]
    # a "0" and b "3-5" answered in the window, both after stamps: exposed, none in the headline.
    assert awareness["respondents"] == 0
    assert awareness["exposed"]["respondents"] == 2
    assert [r["share"] for r in awareness["exposed"]["named_before"]] == [0.5, 0.0, 0.5, 0.0]
    assert awareness["difference_from_baseline"] is None
    assert awareness["named_none_interval"] is None and awareness["verdict"] is None
    assert awareness["companies"] == company_rows(fair, [(0, None), (0, None), (0, None)])
    # a's plaza visits were on day 1; b's visit was in the main hall.
    assert awareness["discovery"] == {
        "stand_visits_by_respondents": 0,
        "by_respondents_who_did_not_know": 0,
        "rate": None,
    }


def test_viewers_get_small_counts_blanked_organisers_exact(fair):
    organiser = read_funnel(fair.event)
    viewer = read_funnel(fair.event, suppress_below=5)
    roc = next(row for row in organiser["breakdowns"]["channels"] if row["channel"] == "roc")
    assert roc["issued"] == 3
    # roc's 3 pins and ut-desk's 4 are too few to show any count of theirs, zeros included.
    for row in viewer["breakdowns"]["channels"]:
        assert [row[stage] for stage in STAGE_NAMES] == [None] * 6
    assert viewer["awareness"]["companies"] == company_rows(fair, [(None, None)] * 3)
    # Every stage total after issued is hidden: clicked 3 and answered 4 are small, and the
    # channels' pins are no secret (/batches: 3 and 4), so scanned 6 would say that at least
    # 2 of roc's 3 scanned (6 - 4); landed 5 and visited 6 the same.
    assert [s["pins"] for s in viewer["stages"]] == [7, None, None, None, None, None]
    assert [(s["from_previous"], s["from_issued"]) for s in viewer["stages"]] == [
        (None, 1.0),
        *[(None, None)] * 5,
    ]
    assert viewer["awareness"]["respondents"] is None
    assert viewer["awareness"]["named_none_share"] is None
    assert viewer["awareness"]["response_rates"] == {
        "respondents": None,
        "of_landed": None,
        "of_issued": None,
    }
    # Scans are counts too: 1 to 4 hidden; 8 counted scans, 0 and the public void pins shown.
    assert viewer["excluded"] == {
        name: None if 0 < n < 5 and name != "void_pins" else n
        for name, n in organiser["excluded"].items()
    }
    assert all(row["scans"] is None for row in viewer["breakdowns"]["hourly"])
    assert viewer["suppressed"] == {
        "threshold": 5,
        "cells": null_counts(viewer),
        "too_small": False,
    }


def test_only_counts_below_the_threshold_are_blanked_and_zero_is_shown(fair):
    figures = read_funnel(fair.event, Filters(since=at(19, 0), until=at(19, 12)), suppress_below=3)
    assert figures["breakdowns"]["channels"] == [
        {"channel": "roc", "issued": 3, "scanned": None, "landed": None, "clicked": None,
         "visited_stand": None, "answered_survey": 0},
        {"channel": "ut-desk", "issued": 4, "scanned": None, "landed": 0, "clicked": 0,
         "visited_stand": None, "answered_survey": None},
    ]  # fmt: skip
    # No unexposed answer in the window (a and b answered after stamps): zero respondents is
    # no small number, so the companies' zeros stay; the two exposed answers are hidden.
    assert figures["awareness"]["companies"] == company_rows(
        fair, [(0, None), (0, None), (0, None)]
    )
    assert figures["awareness"]["respondents"] == 0
    assert figures["awareness"]["exposed"]["respondents"] is None
    # 7 channel counts; the totals landed 1, clicked 1, visited 2, answered 2.
    assert [s["pins"] for s in figures["stages"]] == [7, 3, None, None, None, None]
    assert figures["suppressed"] == {
        "threshold": 3,
        "cells": null_counts(figures),
        "too_small": False,
    }


def test_compare_puts_editions_side_by_side_oldest_first(fair):
    result = read_compare([fair.event, fair.old])
    assert result["definitions_version"] == "2"
    no_pairs = {
        "pairs": 0,
        "named_none_before": None,
        "named_none_now": None,
        "none_before_only": 0,
        "none_now_only": 0,
        "mcnemar_p": None,
        "shift": [{"answer": a, "before": 0, "now": 0} for a in ("0", "1-2", "3-5", "6+")],
    }
    assert result["filters"] == {"channel": None, "batch_id": None, "since": None, "until": None}
    assert result["editions"] == [
        {
            "event": "fair-2025",
            "event_name": fair.old.name,
            "starts_on": "2025-02-19",
            "issued": 2,
            "scanned": 1,  # z1
            "landed": 0,
            "clicked": 0,
            "visited_stand": 0,
            "answered_survey": 1,
            "scan_rate": 0.5,
            "named_none_share": 0.0,  # z1 answered "1-2"
            "named_none_interval": {"low": 0.0, "high": 0.7935},
            "baseline": 0.35,
            "baseline_size": 450,
            "difference_from_baseline": -0.35,
            "difference_interval": {"low": -0.3952, "high": 0.4446},
            "verdict": "not_distinguishable",  # one answer cannot tell
            "respondents": 1,
            "discovery_rate": None,
            "follow_up": no_pairs,
        },
        {
            "event": "fair-2026",
            "event_name": "Fair 2026",
            "starts_on": "2026-02-18",
            "issued": 7,
            "scanned": 6,
            "landed": 5,
            "clicked": 3,
            "visited_stand": 6,
            "answered_survey": 4,
            "scan_rate": 0.8571,
            "named_none_share": 0.5,
            "named_none_interval": {"low": 0.0945, "high": 0.9055},
            "baseline": 0.35,
            "baseline_size": 450,
            "difference_from_baseline": 0.15,
            "difference_interval": {"low": -0.258, "high": 0.5577},
            "verdict": "not_distinguishable",
            "respondents": 2,  # g h; a and b answered exposed
            "discovery_rate": 0.5,
            "follow_up": no_pairs,
        },
    ]


def test_compare_applies_the_filters_to_each_edition(fair):
    editions = read_compare([fair.event, fair.old], Filters(channel="roc"))["editions"]
    assert [(e["event"], e["issued"], e["scanned"]) for e in editions] == [
        ("fair-2025", 0, 0),
        ("fair-2026", 3, 3),
    ]
    assert editions[0]["scan_rate"] is None


def test_an_event_without_pins_has_zeros_and_no_ratios(make):
    figures = read_funnel(make.event())
    assert stages(figures) == [
        (stage, 0, None, None)
        for stage in ("issued", "scanned", "landed", "clicked", "visited_stand", "answered_survey")
    ]
    assert figures["excluded"] == dict.fromkeys(
        ("human_scans", "repeat_scans", "bot_scans", "test_scans", "rehearsal_visits",
         "void_pin_scans", "orphan_scans", "refused_lookups", "void_pins"), 0,
    )  # fmt: skip
    assert figures["breakdowns"] == {
        "channels": [],
        "hourly": [],
        "daily": [],
        "stands": [],
        "devices": [],
    }
    assert figures["awareness"]["respondents"] == 0
    assert figures["awareness"]["companies"] == []
    assert figures["awareness"]["discovery"]["rate"] is None


def test_the_night_summer_time_ends_has_two_local_hours_two(make):
    event = make.event(starts_on=date(2026, 10, 24), ends_on=date(2026, 10, 25))
    codes = make.pin_codes(event, size=4)
    moments = [
        datetime(2026, 10, 24, 23, 30, tzinfo=AMSTERDAM),  # summer time, 21:30 UTC
        datetime(2026, 10, 25, 2, 30, tzinfo=AMSTERDAM),  # 02:30 summer time, 00:30 UTC
        datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=AMSTERDAM),  # 02:30 winter time, 01:30 UTC
        datetime(2026, 10, 25, 23, 30, tzinfo=AMSTERDAM),  # winter time, 22:30 UTC
    ]
    for n, (code, moment) in enumerate(zip(codes, moments, strict=True)):
        scan(code, student(f"dst-{n}"), moment)
        journey.visit_landing(code, student(f"dst-{n}"), moment + timedelta(minutes=1))
    breakdowns = read_funnel(event)["breakdowns"]
    assert [(h["hour"], h["scans"]) for h in breakdowns["hourly"]] == [
        ("2026-10-24T23:00:00+02:00", 1),
        ("2026-10-25T02:00:00+02:00", 1),
        ("2026-10-25T02:00:00+01:00", 1),
        ("2026-10-25T23:00:00+01:00", 1),
    ]
    assert breakdowns["daily"] == [
        {"day": "2026-10-24", "scans": 1, "pins": 1, "landed": 1, "visited_stand": 0},
        {"day": "2026-10-25", "scans": 3, "pins": 3, "landed": 3, "visited_stand": 0},
    ]


def test_a_pin_scanned_again_a_year_later_adds_that_hour_and_day_only(make):
    event = make.event(starts_on=date(2026, 2, 18), ends_on=date(2026, 2, 19))
    code = make.pin_codes(event, size=1)[0]
    scan(code, student("keeper"), datetime(2026, 2, 18, 10, 15, tzinfo=AMSTERDAM))
    journey.visit_landing(code, student("keeper"), datetime(2026, 2, 18, 10, 16, tzinfo=AMSTERDAM))
    scan(code, student("keeper"), datetime(2027, 2, 17, 9, 5, tzinfo=AMSTERDAM))
    breakdowns = read_funnel(event)["breakdowns"]
    assert breakdowns["hourly"] == [
        {"hour": "2026-02-18T10:00:00+01:00", "scans": 1, "pins": 1},
        {"hour": "2027-02-17T09:00:00+01:00", "scans": 1, "pins": 1},
    ]
    assert breakdowns["daily"] == [
        {"day": "2026-02-18", "scans": 1, "pins": 1, "landed": 1, "visited_stand": 0},
        {"day": "2027-02-17", "scans": 1, "pins": 1, "landed": 0, "visited_stand": 0},
    ]


def test_filters_refuse_naive_moments():
    with pytest.raises(ValueError, match="timezone-aware"):
        Filters(since=datetime(2026, 2, 18))


def test_suppression_returns_new_figures_and_leaves_the_exact_ones_alone(fair):
    exact = funnel(db.session, fair.event)
    before = funnel_json(exact)
    viewer = suppress(exact, 5)
    assert viewer is not exact and funnel_json(exact) == before
    assert exact.breakdowns.channels[0].reached.issued == 3  # roc, exact
    assert viewer.breakdowns.channels[0].reached.issued is None
    assert viewer.suppressed.threshold == 5
    assert viewer.suppressed.cells == null_counts(funnel_json(viewer)) > 0
    assert (exact.suppressed.threshold, exact.suppressed.cells) == (None, 0)
    assert viewer.stages[0] == exact.stages[0]
    assert viewer.excluded.human_scans == exact.excluded.human_scans == 8
    assert funnel_json(suppress(exact, None)) == before


def test_the_figures_are_frozen(fair):
    figures = funnel(db.session, fair.event)
    with pytest.raises(FrozenInstanceError):
        figures.stages[0].pins = 0
    with pytest.raises(FrozenInstanceError):
        figures.breakdowns.channels[0].reached.issued = 0
    assert isinstance(figures.breakdowns.channels, tuple)


def test_the_stages_keep_one_order_in_the_rows_the_json_and_the_tables(fair):
    figures = funnel(db.session, fair.event)
    assert STAGE_NAMES == (
        "issued",
        "scanned",
        "landed",
        "clicked",
        "visited_stand",
        "answered_survey",
    )
    assert tuple(row.stage for row in figures.stages) == STAGE_NAMES
    channel = funnel_json(figures)["breakdowns"]["channels"][0]
    assert tuple(channel)[1:] == STAGE_NAMES
    headers = TABLES["channels"].headers()[1:]
    assert headers == [stage.replace("_", " ") for stage in STAGE_NAMES]


def test_a_viewers_comparison_hides_what_the_funnel_hides(fair):
    exact = read_compare([fair.event, fair.old])["editions"]
    viewer = read_compare([fair.event, fair.old], suppress_below=5)
    old, new = viewer["editions"]
    # fair-2025 has 2 pins: too few to show any count, zeros included.
    assert [old[s] for s in ("issued", "scanned", "landed", "respondents")] == [None] * 4
    assert old["scan_rate"] is None and exact[0]["issued"] == 2
    # fair-2026: as a viewer's funnel without filters shows it (every stage after issued
    # hidden, see above), and with 2 unexposed respondents nothing of the survey.
    funnel = funnel_json(view_of(release(db.session, fair.event), View(), 5))
    assert [new[s["stage"]] for s in funnel["stages"]] == [s["pins"] for s in funnel["stages"]]
    assert (new["clicked"], new["answered_survey"], new["respondents"]) == (None, None, None)
    assert new["named_none_share"] is None and new["scan_rate"] is None
    assert viewer["suppressed"]["threshold"] == 5 and viewer["suppressed"]["cells"] > 0
