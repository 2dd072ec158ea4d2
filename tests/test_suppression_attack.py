"""The attacker is a linear program: no hidden small count can be pinned down.

For random fairs (the generators of tests/test_funnel_property.py, with more and
bigger batches so that channels hold several), a viewer fetches through the API
every view of the release (docs/metrics.md, "Small numbers"): the edition, each
channel, each batch, each day of the fair, the comparison, and every batch's size
and void pins (``/batches``, public). The attacker writes every sum and bound the
figures obey (a stage total is the sum of its channels and a channel's of its
batches; every stage is at most the issued pins; a day's pins are the edition's at
most; hours add up to their day, days and devices to the scans; a pin counted in an
hour was counted that day; stands, Q1's answers, the companies known and not known,
discovery, the exposed answers and the follow-up add up as docs/metrics.md says),
fixes what was shown, and asks scipy's HiGHS for the smallest and largest value
each hidden count can take. Every hidden count from 1 to the threshold - 1 must
range from 0 to the threshold (or to the most that public facts alone allow).
The threshold is 2, 3 or 5: small fairs play at 2 and 3 what big fairs play at 5.

``SPELD_ATTACK_EXAMPLES`` sets Hypothesis' budget (default 6; shrinking with ``SPELD_ATTACK_SHRINK=1``).
"""

import os
from datetime import date
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from backend.models.types import NAMED_BEFORE
from backend.services import pins
from exports import suppression
from exports.figures import STAGES
from tests.test_funnel_property import CHANNELS, actions, build, empty_tables, replay

EXAMPLES = int(os.environ.get("SPELD_ATTACK_EXAMPLES", "6"))
FAIR_DAYS = (date(2026, 2, 18), date(2026, 2, 19))  # the factory's event
E = None  # the edition

fairs = st.fixed_dictionaries(
    {
        "sizes": st.tuples(st.integers(1, 6), st.integers(0, 6)),
        "extra": st.lists(st.tuples(st.integers(0, 1), st.integers(1, 5)), max_size=3),
        "actions": st.lists(actions, min_size=15, max_size=60),
        "voids": st.lists(
            st.tuples(st.just("void"), st.integers(0, 5000), st.integers(0, 9)), max_size=2
        ),
        "orphans": st.just([]),
        "below": st.sampled_from([2, 3, 5]),
    }
)


def build_fair(make, log):
    """build()'s fair, and more batches in its channels; the other event's pin stays last."""
    event, plaza, stands, batches, codes = build(make, log)
    for channel, size in log["extra"]:
        batch = make.batch(event, size=size, channel=CHANNELS[channel])
        batches.append(batch)
        codes[-1:-1] = list(pins.iter_pin_codes(batch.id))
    return event, plaza, stands, batches, codes


def fetch(client, headers, slug, query=None) -> dict:
    response = client.get(f"/api/v1/events/{slug}/funnel", query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def stage(view, name):
    """A stage's count in a view; a day's issued pins are the edition's (no window)."""
    return ("stage", E if (view and view[0] == "day" and name == "issued") else view, name)


def cells(view, figures: dict) -> dict:
    """Every count of one view, keyed by what it counts; None where hidden."""
    found = {stage(view, row["stage"]): row["pins"] for row in figures["stages"]}
    parts = figures["breakdowns"]
    for row in parts["channels"]:
        where = ("channel", row["channel"]) if view is E else view
        if view is E or view[0] != "day":
            found |= {stage(where, s): row[s] for s in STAGES}
    for row in parts["hourly"]:
        found[("hour", row["hour"], "scans")] = row["scans"]
        found[("hour", row["hour"], "pins")] = row["pins"]
    for row in parts["daily"]:
        day = ("day", row["day"])
        found[("day_scans", row["day"])] = row["scans"]
        found[stage(day, "scanned")] = row["pins"]
        found[stage(day, "landed")] = row["landed"]
        found[stage(day, "visited_stand")] = row["visited_stand"]
    if view is not E:
        return found
    for row in parts["devices"]:
        found[("device", row["device_class"], "scans")] = row["scans"]
        found[("device", row["device_class"], "pins")] = row["pins"]
    for row in parts["stands"]:
        for column in ("pins", "registrations", "self", "staff"):
            found[("stand", row["stand_id"], column)] = row[column]
    found |= {("excluded", name): n for name, n in figures["excluded"].items()}
    aw = figures["awareness"]
    found[("unexposed",)] = aw["respondents"]
    found |= {("answer", r["answer"]): r["respondents"] for r in aw["named_before"]}
    found |= {("knew", r["company_id"]): r["respondents_knew"] for r in aw["companies"]}
    found[("visits",)] = aw["discovery"]["stand_visits_by_respondents"]
    found[("unknown",)] = aw["discovery"]["by_respondents_who_did_not_know"]
    found[("exposed",)] = aw["exposed"]["respondents"]
    found |= {
        ("exposed_answer", r["answer"]): r["respondents"] for r in aw["exposed"]["named_before"]
    }
    follow = aw["follow_up"]
    found[("pairs",)] = follow["pairs"]
    found[("none before only",)] = follow["none_before_only"]
    found[("none now only",)] = follow["none_now_only"]
    found |= {("before", r["answer"]): r["before"] for r in follow["shift"]}
    found |= {("now", r["answer"]): r["now"] for r in follow["shift"]}
    return found


class Attacker:
    """Linear equalities and inequalities over the counts; hidden ones are unknowns >= 0."""

    def __init__(self):
        self.equalities, self.inequalities = [], []

    def equal(self, left, right):
        self.equalities.append((list(left), list(right)))

    def at_most(self, left, right, times=1):
        self.inequalities.append((list(left), list(right), times))

    def solve(self, known: dict, cell, directions=(1, -1)) -> list[float]:
        """The smallest and largest value of ``cell`` given the ``known`` counts."""
        names = sorted(
            {k for left, right, *_ in self.equalities + self.inequalities for k in left + right}
            | {cell},
            key=repr,
        )
        index = {k: i for i, k in enumerate(names)}

        def row(left, right, times=1):
            coefficients = np.zeros(len(names))
            for k in left:
                coefficients[index[k]] += 1
            for k in right:
                coefficients[index[k]] -= times
            return coefficients

        a_eq = [row(left, right) for left, right in self.equalities]
        a_ub = [row(*inequality) for inequality in self.inequalities]
        bounds = [(known[k], known[k]) if k in known else (0, None) for k in names]
        found = []
        for direction in directions:
            c = np.zeros(len(names))
            c[index[cell]] = direction
            result = linprog(
                c,
                A_eq=np.array(a_eq) if a_eq else None,
                b_eq=np.zeros(len(a_eq)) if a_eq else None,
                A_ub=np.array(a_ub) if a_ub else None,
                b_ub=np.zeros(len(a_ub)) if a_ub else None,
                bounds=bounds,
                method="highs",
            )
            assert result.status in (0, 3), result.message  # the figures shown are consistent
            found.append(float("inf") if result.status == 3 else direction * result.fun)
        return found


def constraints(views: dict, channel_of: dict, plaza: set, hours_of: dict) -> Attacker:
    """Every sum and bound the release's counts obey (docs/metrics.md)."""
    a = Attacker()
    channels = sorted(set(channel_of.values()))
    rows = [E, *[("channel", c) for c in channels], *[("batch", b) for b in channel_of]]
    days = [("day", d.isoformat()) for d in FAIR_DAYS]
    for s in STAGES:
        a.equal([stage(E, s)], [stage(("channel", c), s) for c in channels])
        for c in channels:
            a.equal(
                [stage(("channel", c), s)],
                [stage(("batch", b), s) for b, of in channel_of.items() if of == c],
            )
        for r in rows + days:
            a.at_most([stage(r, s)], [stage(r, "issued")])
        for d in days:
            a.at_most([stage(d, s)], [stage(E, s)])
    a.at_most([stage(d, "answered_survey") for d in days], [stage(E, "answered_survey")])
    human, repeats = ("excluded", "human_scans"), ("excluded", "repeat_scans")
    scanned = stage(E, "scanned")
    a.at_most([repeats], [human])
    a.at_most([scanned, repeats], [human])
    for d in days:
        if d[1] not in hours_of:
            continue  # a view too small to show has no hours
        hours = hours_of[d[1]]
        a.equal([("day_scans", d[1])], [("hour", h, "scans") for h in hours])
        a.at_most([stage(d, "scanned")], [("hour", h, "pins") for h in hours])
        a.at_most([stage(d, "scanned")], [("day_scans", d[1])])
        for h in hours:
            a.at_most([("hour", h, "pins")], [("hour", h, "scans")])
            a.at_most([("hour", h, "pins")], [stage(d, "scanned")])
    outside, outside_pins = ("scans on other days",), ("pins on other days",)
    a.equal([human], [*[("day_scans", d[1]) for d in days], outside])
    a.at_most([outside_pins], [outside])
    a.at_most([scanned], [*[stage(d, "scanned") for d in days], outside_pins])
    for d in days:
        a.at_most([stage(d, "scanned")], [("day_scans", d[1])])
    edition = views[E]
    devices = [row["device_class"] for row in edition["breakdowns"]["devices"]]
    a.equal([human], [("device", d, "scans") for d in devices])
    a.at_most([scanned], [("device", d, "pins") for d in devices])
    for d in devices:
        a.at_most([("device", d, "pins")], [("device", d, "scans")])
        a.at_most([("device", d, "pins")], [scanned])
    stands = [row["stand_id"] for row in edition["breakdowns"]["stands"]]
    visited = stage(E, "visited_stand")
    for s in stands:
        a.equal([("stand", s, "registrations")], [("stand", s, "pins")])
        a.equal([("stand", s, "self"), ("stand", s, "staff")], [("stand", s, "pins")])
        a.at_most([("stand", s, "pins")], [visited])
    a.at_most([visited], [("stand", s, "pins") for s in stands])
    unexposed = ("unexposed",)
    a.equal([unexposed], [("answer", x) for x in NAMED_BEFORE])
    a.equal([("exposed",)], [("exposed_answer", x) for x in NAMED_BEFORE])
    a.equal([stage(E, "answered_survey")], [unexposed, ("exposed",)])
    companies = sorted({row["company_id"] for row in edition["awareness"]["companies"]})
    for c in companies:
        a.equal([unexposed], [("knew", c), ("knew_not", c)])
    visits, unknown = ("visits",), ("unknown",)
    a.at_most([unknown], [visits])
    a.at_most([visits], [unknown, *[("knew", c) for c in companies]])
    a.at_most([unknown], [("knew_not", c) for c in companies])
    a.at_most([visits], [("stand", s, "pins") for s in plaza])
    a.at_most([visits], [unexposed], times=len(plaza))
    pairs = ("pairs",)
    a.equal([pairs], [("before", x) for x in NAMED_BEFORE])
    a.equal([pairs], [("now", x) for x in NAMED_BEFORE])
    a.at_most([pairs], [unexposed])
    for x in NAMED_BEFORE:
        a.at_most([("before", x)], [("answer", x)])
    only_before, only_now = ("none before only",), ("none now only",)
    a.at_most([only_before], [("before", "0")])
    a.at_most([only_now], [("now", "0")])
    a.equal([("before", "0"), only_now], [("now", "0"), only_before])
    a.at_most([only_before, ("now", "0")], [pairs])
    a.at_most([only_now, ("before", "0")], [pairs])
    return a


def published(views: dict, comparison: dict) -> dict:
    """What the viewer was shown, each count once (a count shown twice shows one value)."""
    shown = {}

    def note(variable, value):
        if value is not None:
            assert shown.setdefault(variable, value) == value, variable

    for view, figures in views.items():
        for variable, value in cells(view, figures).items():
            note(variable, value)
    (edition,) = comparison["editions"]
    for s in STAGES:
        note(stage(E, s), edition[s])
    note(("unexposed",), edition["respondents"])
    note(("pairs",), edition["follow_up"]["pairs"])
    return shown


def truth_of(exact: dict) -> dict:
    truth = {}
    for view, figures in exact.items():
        truth |= cells(view, figures)
    aw = exact[E]["awareness"]
    for row in aw["companies"]:
        truth[("knew_not", row["company_id"])] = aw["respondents"] - row["respondents_knew"]
    return truth


def assert_made_of_what_is_shown(figures: dict) -> None:
    """A share, rate, interval or verdict is hidden whenever a count it is made of is."""
    stages = figures["stages"]
    pins = {row["stage"]: row["pins"] for row in stages}
    for before, row in zip([None, *stages], stages, strict=False):
        if row["pins"] is None or pins["issued"] is None:
            assert row["from_issued"] is None, row
        if row["pins"] is None or (before and before["pins"] is None):
            assert row["from_previous"] is None, row
    aw = figures["awareness"]
    rates = aw["response_rates"]
    if rates is not None:
        assert rates["respondents"] == pins["answered_survey"]
        if None in (pins["answered_survey"], pins["landed"]):
            assert rates["of_landed"] is None  # 38 / 12.6667 would be 3 landed
        if None in (pins["answered_survey"], pins["issued"]):
            assert rates["of_issued"] is None
    respondents = aw["respondents"]
    for row in (*aw["named_before"], *aw["companies"]):
        count = row.get("respondents", row.get("respondents_knew"))
        if None in (count, respondents):
            assert row["share"] is None, row
    none = aw["named_before"][0]["respondents"]
    if None in (none, respondents):
        for key in ("named_none_share", "named_none_interval", "difference_from_baseline"):
            assert aw[key] is None, key
        assert aw["difference_interval"] is None and aw["verdict"] is None
    discovery = aw["discovery"]
    if None in (
        discovery["stand_visits_by_respondents"],
        discovery["by_respondents_who_did_not_know"],
    ):
        assert discovery["rate"] is None
    follow = aw["follow_up"]
    if None in (follow["none_before_only"], follow["none_now_only"]):
        assert follow["mcnemar_p"] is None
    hidden = sum(
        value is None
        for value in (
            *[row["pins"] for row in stages],
            *figures["excluded"].values(),
            *[row[s] for row in figures["breakdowns"]["channels"] for s in STAGES],
        )
    )
    assert figures["suppressed"]["cells"] >= hidden


def attack(client, auth, event, batches, plaza, below):
    viewer, organiser = auth("viewer"), auth("organiser")
    channel_of = {batch.id: batch.channel for batch in batches}
    queries = {E: {}} | {("channel", c): {"channel": c} for c in set(channel_of.values())}
    queries |= {("batch", b): {"batch": b} for b in channel_of}
    queries |= {
        ("day", d.isoformat()): {"since": d.isoformat(), "until": d.isoformat()} for d in FAIR_DAYS
    }
    with mock.patch.object(suppression, "SUPPRESS_BELOW", below):
        views = {view: fetch(client, viewer, event.slug, q) for view, q in queries.items()}
        comparison = client.get(f"/api/v1/funnel/compare?events={event.slug}", headers=viewer).json
        listed = client.get(f"/api/v1/events/{event.slug}/batches?per_page=100", headers=viewer)
    exact = {view: fetch(client, organiser, event.slug, q) for view, q in queries.items()}
    for view, figures in views.items():
        assert_made_of_what_is_shown(figures)
        if view is not E:  # by channel, batch or day: no survey, nothing beside the stages
            assert all(v is None for v in figures["excluded"].values())
            assert figures["awareness"]["respondents"] is None
            assert figures["breakdowns"]["stands"] == figures["breakdowns"]["devices"] == []
    # Public: every batch's active pins (issued minus void), so every row's issued.
    public = {}
    for item in listed.json["items"]:
        active = item["issued"] - item["void"]
        public[stage(("batch", item["id"]), "issued")] = active
        channel = stage(("channel", item["channel"]), "issued")
        public[channel] = public.get(channel, 0) + active
        public[stage(E, "issued")] = public.get(stage(E, "issued"), 0) + active
    hours_of = {}
    for row in views[E]["breakdowns"]["hourly"]:
        hours_of.setdefault(row["hour"][:10], []).append(row["hour"])
    assert set(hours_of) <= {d.isoformat() for d in FAIR_DAYS}
    if not views[E]["suppressed"]["too_small"]:
        assert len(views[E]["breakdowns"]["hourly"]) == 48  # every hour of the fair
    a = constraints(views, channel_of, {s.id for s in plaza}, hours_of)
    shown = published(views, comparison)
    truth = truth_of(exact)
    for variable in shown:  # the organiser's rows leave out hours, days, devices without any
        if variable[0] in ("hour", "day_scans", "device") or (
            len(variable) > 1 and isinstance(variable[1], tuple) and variable[1][0] == "day"
        ):
            truth.setdefault(variable, 0)
    for variable, value in shown.items():
        assert truth[variable] == value, variable  # what is shown is exact
    known = shown | {k: v for k, v in public.items()}
    for variable, value in truth.items():
        if variable in known or not 0 < value < below:
            continue
        low, high = a.solve(known, variable)
        _, most = a.solve(public, variable)  # what public facts alone allow
        need = min(below, most)
        assert low <= 1e-6 and high >= need - 1e-6, f"{variable} = {value}: {low}..{high}"
    return views, exact


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate]
    + ([Phase.shrink] if os.environ.get("SPELD_ATTACK_SHRINK") else []),
)
@given(log=fairs)
def test_no_hidden_small_count_can_be_pinned_down_by_a_linear_program(db, make, client, auth, log):
    empty_tables(db)
    event, plaza, stands, batches, codes = build_fair(make, log)
    replay(db, log, plaza, stands, codes)
    attack(client, auth, event, batches, plaza, log["below"])
