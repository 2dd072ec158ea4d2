"""The attacker: no count a viewer is not shown comes back as a total minus the shown ones.

For random fairs (the generators of tests/test_funnel_property.py, with more and
bigger batches so that channels hold several), a viewer fetches through the API
every view a viewer can ask for without a time window: none, each channel, each
batch, and the comparison. The attacker then writes down every sum the figures
obey (a stage total is the sum of its channels, a channel's count the sum of its
batches, respondents the sum of Q1's answers and of those who knew a company
and those who did not; the same for companies, answers and discovery across
channels and batches), fills in what was shown, and solves whatever has one
unknown left (or a total already reached, whose other parts are then 0), again
and again. Nothing solved may be a count from 1 to the threshold - 1 that the
views did not show (a view with all of its parent's pins excepted: it shows
what its parent shows); and in the channel table no hidden count may equal its column's total minus the
shown counts. The threshold is 2, 3 or 5: small fairs play at 2 and 3 what big
fairs play at 5.
"""

from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.models.types import NAMED_BEFORE
from backend.services import pins
from exports import suppression
from exports.figures import STAGES
from tests.test_funnel_property import CHANNELS, actions, build, empty_tables, replay

DISCOVERY = ("stand_visits_by_respondents", "by_respondents_who_did_not_know")

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


def quantities(figures: dict) -> dict:
    """Every additive count of one view, keyed by what it counts; None where hidden."""
    awareness = figures["awareness"]
    found = {("stage", s["stage"]): s["pins"] for s in figures["stages"]}
    found |= {("answer", row["answer"]): row["respondents"] for row in awareness["named_before"]}
    found |= {
        ("knew", row["company_id"]): row["respondents_knew"] for row in awareness["companies"]
    }
    found |= {("discovery", key): awareness["discovery"][key] for key in DISCOVERY}
    # Since definitions 2 the headline counts unexposed answers; the exposed ones and the
    # follow-up's pairs are counted beside it, and all of them add up too.
    found[("survey", "unexposed")] = awareness["respondents"]
    exposed = awareness["exposed"]
    found[("survey", "exposed")] = exposed["respondents"]
    found |= {
        ("exposed answer", row["answer"]): row["respondents"] for row in exposed["named_before"]
    }
    follow_up = awareness["follow_up"]
    found[("follow", "pairs")] = follow_up["pairs"]
    found |= {("before", row["answer"]): row["before"] for row in follow_up["shift"]}
    found |= {("now", row["answer"]): row["now"] for row in follow_up["shift"]}
    return found


def equations(views: dict, channel_of: dict) -> list[tuple]:
    """(total, parts) of every sum the figures obey; a variable is (view, quantity)."""
    sums = []
    everything = set().union(*(quantities(v) for v in views.values()))
    for quantity in everything:
        channels = sorted(set(channel_of.values()))
        sums.append(((None, quantity), [(("channel", c), quantity) for c in channels]))
        for channel in channels:
            batches = [("batch", b) for b, c in channel_of.items() if c == channel]
            sums.append(((("channel", channel), quantity), [(b, quantity) for b in batches]))
    answered = ("stage", "answered_survey")
    unexposed, exposed = ("survey", "unexposed"), ("survey", "exposed")
    for view in views:
        sums.append(((view, unexposed), [(view, ("answer", a)) for a in NAMED_BEFORE]))
        sums.append(((view, exposed), [(view, ("exposed answer", a)) for a in NAMED_BEFORE]))
        sums.append(((view, answered), [(view, unexposed), (view, exposed)]))
        pairs = (view, ("follow", "pairs"))
        sums.append((pairs, [(view, ("before", a)) for a in NAMED_BEFORE]))
        sums.append((pairs, [(view, ("now", a)) for a in NAMED_BEFORE]))
        for quantity in quantities(views[view]):
            if quantity[0] == "knew":  # those who knew it and those who did not
                sums.append(
                    ((view, unexposed), [(view, quantity), (view, ("knew not",) + quantity)])
                )
    return sums


def published(views: dict, comparison: dict) -> dict:
    """What the viewer was shown: every view's counts, its channel table and the comparison."""
    shown = {}

    def note(variable, value):
        if value is not None:
            assert shown.setdefault(variable, value) == value, variable  # one figure, one value

    for view, figures in views.items():
        for quantity, value in quantities(figures).items():
            note((view, quantity), value)
        for row in figures["breakdowns"]["channels"]:
            # In a batch's view its channel's row is the batch's own counts.
            where = view if view is not None else ("channel", row["channel"])
            for stage in STAGES:
                note((where, ("stage", stage)), row[stage])
        rates = figures["awareness"]["response_rates"]
        note((view, ("stage", "answered_survey")), rates and rates["respondents"])
    (edition,) = comparison["editions"]
    for stage in STAGES:
        note((None, ("stage", stage)), edition[stage])
    note((None, ("survey", "unexposed")), edition["respondents"])
    note((None, ("follow", "pairs")), edition["follow_up"]["pairs"])
    return shown


def solve(sums: list[tuple], known: dict) -> dict:
    """Everything the sums give away from ``known``: one unknown left, or a total reached."""
    known = dict(known)
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            unknown = [p for p in parts if p not in known]
            if total in known and len(unknown) == 1:
                rest = sum(known[p] for p in parts if p in known)
                known[unknown[0]] = known[total] - rest
                changed = True
            elif total in known and unknown and known[total] == sum(known.get(p, 0) for p in parts):
                known |= dict.fromkeys(unknown, 0)  # counts are never negative
                changed = True
            elif total not in known and not unknown:
                known[total] = sum(known[p] for p in parts)
                changed = True
    return known


def same_pins(exact: dict, channel_of: dict, stage: str) -> set:
    """The views with all of their parent's pins at ``stage``: they show what the parent shows.

    (A viewer knows them: the batches' sizes and void pins are theirs to read, and the
    channel table shows each channel's respondents.)
    """
    count = {
        view: figures["stages"][STAGES.index(stage)]["pins"] for view, figures in exact.items()
    }
    same = {("channel", c) for c in channel_of.values() if count[("channel", c)] == count[None]}
    return same | {
        ("batch", b) for b, c in channel_of.items() if count[("batch", b)] == count[("channel", c)]
    }


def assert_shares_follow_counts(figures: dict) -> None:
    stages = figures["stages"]
    for before, row in zip([None, *stages], stages, strict=False):
        if row["pins"] is None or stages[0]["pins"] is None:
            assert row["from_issued"] is None, row
        if row["pins"] is None or (before and before["pins"] is None):
            assert row["from_previous"] is None, row
    awareness = figures["awareness"]
    for row in (*awareness["named_before"], *awareness["companies"]):
        count = row.get("respondents", row.get("respondents_knew"))
        assert count is not None or row["share"] is None, row
    if awareness["respondents"] is None:
        assert awareness["named_none_share"] is None and awareness["discovery"]["rate"] is None


def assert_no_counts(figures: dict) -> None:
    """A view too small to show carries no count at all."""
    assert all(value is None for value in quantities(figures).values())
    assert all(value is None for value in figures["excluded"].values())
    parts = figures["breakdowns"]
    assert parts["hourly"] == parts["daily"] == parts["devices"] == []
    for row in (*parts["channels"], *parts["stands"]):
        assert all(
            v is None
            for k, v in row.items()
            if k not in ("channel", "stand_id", "label", "company", "zone")
        )


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(log=fairs)
def test_no_hidden_count_comes_back_as_a_total_minus_the_shown_ones(db, make, client, auth, log):
    empty_tables(db)
    event, plaza, stands, batches, codes = build_fair(make, log)
    replay(db, log, plaza, stands, codes)
    viewer, organiser = auth("viewer"), auth("organiser")
    channel_of = {batch.id: batch.channel for batch in batches}
    queries = {None: {}} | {("channel", c): {"channel": c} for c in set(channel_of.values())}
    queries |= {("batch", b): {"batch": b} for b in channel_of}
    below = log["below"]
    with mock.patch.object(suppression, "SUPPRESS_BELOW", below):
        views = {view: fetch(client, viewer, event.slug, q) for view, q in queries.items()}
        comparison = client.get(f"/api/v1/funnel/compare?events={event.slug}", headers=viewer).json
    exact = {view: fetch(client, organiser, event.slug, q) for view, q in queries.items()}

    truth = {}
    for view, figures in exact.items():
        for quantity, value in quantities(figures).items():
            truth[(view, quantity)] = value
            if quantity[0] == "knew":
                answered = figures["awareness"]["respondents"]
                truth[(view, ("knew not",) + quantity)] = answered - value
    shown = published(views, comparison)
    for variable, value in shown.items():
        assert truth[variable] == value, variable  # what is shown is exact
    learned = solve(equations(views, channel_of), shown)
    same = same_pins(exact, channel_of, "issued")
    same_respondents = same_pins(exact, channel_of, "answered_survey")
    for variable, value in learned.items():
        assert value == truth[variable], variable  # the sums hold
        survey = variable[1][0] in (
            "answer", "knew", "knew not", "discovery", "survey", "exposed answer", "before", "now",
            "follow",
        )  # fmt: skip
        if variable not in shown and variable[0] not in (same_respondents if survey else same):
            assert not 0 < value < below, f"{variable} = {value} comes back from the shown figures"

    # Within the channel table: no hidden count is its column's total minus the shown ones.
    unfiltered, totals = views[None], {s["stage"]: s["pins"] for s in views[None]["stages"]}
    exact_rows = {row["channel"]: row for row in exact[None]["breakdowns"]["channels"]}
    for stage in STAGES:
        if totals[stage] is None:
            continue
        rows = unfiltered["breakdowns"]["channels"]
        rest = totals[stage] - sum(row[stage] for row in rows if row[stage] is not None)
        hidden = [exact_rows[row["channel"]][stage] for row in rows if row[stage] is None]
        assert rest == 0 or rest not in hidden, (stage, rest, hidden)

    for figures in views.values():
        assert_shares_follow_counts(figures)
        if figures["suppressed"]["too_small"]:
            assert_no_counts(figures)
    (edition,) = comparison["editions"]
    if None in (edition["issued"], edition["scanned"]):
        assert edition["scan_rate"] is None
    assert [edition[s] for s in STAGES] == [totals[s] for s in STAGES]
