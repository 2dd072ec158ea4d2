"""The five ways a viewer got small counts back, each as a fair of its own (threshold 5).

Each fair is played by the linear-programming attacker of tests/test_suppression_attack.py
over every view of the release, and checked for the figure that gave a count away before.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from backend.services import journey, pins, scans, stamps, survey
from backend.services.scans import Visitor
from tests.test_suppression_attack import attack

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(hour: int, day: int = 18, minute: int = 0) -> datetime:
    return datetime(2026, 2, day, hour, minute, tzinfo=AMSTERDAM)


def student(n, device="mobile") -> Visitor:
    return Visitor("human", device, "iOS", f"visitor-{n}")


def batch_codes(make, event, size, channel):
    batch = make.batch(event, size=size, channel=channel)
    return batch, list(pins.iter_pin_codes(batch.id))


def api(client, auth, slug, **query):
    response = client.get(f"/api/v1/events/{slug}/funnel", query_string=query, headers=auth)
    return response


def test_a_rate_made_of_a_hidden_landed_is_hidden(client, auth, make):
    """38 answered and 3 landed: 38 / of_landed gave the 3 back (JSON, files, dashboard)."""
    event, plaza = make.plaza(stands=1)
    batch, codes = batch_codes(make, event, 40, "ut-desk")
    for n, code in enumerate(codes[:38]):
        survey.answer_survey(code, "0" if n % 3 else "1-2", [], False, at(10))  # the app
    for n, code in enumerate(codes[:3]):
        journey.visit_landing(code, student(n), at(11))
    views, exact = attack(client, auth, event, [batch], plaza, 5)
    viewer = views[None]
    assert [s["pins"] for s in exact[None]["stages"]][2] == 3
    assert viewer["stages"][2]["pins"] is None  # landed 3
    assert viewer["awareness"]["response_rates"]["respondents"] == 38
    assert viewer["awareness"]["response_rates"]["of_landed"] is None
    assert viewer["breakdowns"]["daily"][0]["landed"] is None  # the day's landed is the total
    csv = client.get(
        f"/api/v1/events/{event.slug}/funnel.csv?table=awareness", headers=auth("viewer")
    ).get_data(as_text=True)
    assert "12.6667" not in csv and "1266" not in csv


def test_discovery_beside_a_hidden_company_count_gives_nothing_back(client, auth, make):
    """8 of 10 respondents knew TP-00, so 2 did not: discovery said exactly those 2."""
    event, plaza = make.plaza(stands=2)
    batch, codes = batch_codes(make, event, 12, "ut-desk")
    for n, code in enumerate(codes[:10]):
        known = [plaza[0].company_id] if n < 8 else []
        survey.answer_survey(code, "0" if n % 2 else "3-5", known, False, at(9))
    for code in codes[:10]:
        stamps.self_stamp(plaza[0].code, code, False, at(11))
    views, exact = attack(client, auth, event, [batch], plaza, 5)
    viewer = views[None]["awareness"]
    tp00 = next(c for c in viewer["companies"] if c["company_id"] == plaza[0].company_id)
    assert tp00["respondents_knew"] is None and tp00["share"] is None
    assert exact[None]["awareness"]["discovery"]["by_respondents_who_did_not_know"] == 2
    assert viewer["discovery"]["by_respondents_who_did_not_know"] is None
    assert viewer["discovery"]["rate"] is None


def test_a_too_small_view_says_as_many_cells_whatever_its_pin_did(client, auth, make):
    """Two one-pin batches differed by 8 cells exactly when the one pin scanned."""
    event, plaza = make.plaza(stands=1)
    big, big_codes = batch_codes(make, event, 10, "ut-desk")
    one, (one_code,) = batch_codes(make, event, 1, "roc")
    other, _ = batch_codes(make, event, 1, "roc")
    for n, code in enumerate([*big_codes, one_code]):
        scans.recorder().record(code, f"/p/{code}", student(n), at(10))
    views, _ = attack(client, auth, event, [big, one, other], plaza, 5)
    first, second = views[("batch", one.id)], views[("batch", other.id)]
    assert first["suppressed"] == second["suppressed"]
    assert first["suppressed"]["too_small"] is True
    assert first["breakdowns"] == second["breakdowns"]


def test_two_hidden_channels_are_not_their_total_minus_the_shown_one(client, auth, make):
    """53 scanned minus the shown 50 of the big channel gave 3 for two hidden ones together."""
    event, plaza = make.plaza(stands=1)
    big, big_codes = batch_codes(make, event, 60, "ut-desk")
    a, a_codes = batch_codes(make, event, 10, "roc")
    b, b_codes = batch_codes(make, event, 10, "saxion")
    scanned = big_codes[:50] + a_codes[:2] + b_codes[:1]
    for n, code in enumerate(scanned):
        scans.recorder().record(code, f"/p/{code}", student(n), at(10 + n % 6))
    views, exact = attack(client, auth, event, [big, a, b], plaza, 5)
    channels = {row["channel"]: row for row in views[None]["breakdowns"]["channels"]}
    total = views[None]["stages"][1]["pins"]
    shown = [row["scanned"] for row in channels.values() if row["scanned"] is not None]
    hidden = [
        r["scanned"] for r in exact[None]["breakdowns"]["channels"] if r["channel"] != "ut-desk"
    ]
    assert hidden == [2, 1]
    assert total is None or total - sum(shown) >= 5 or total - sum(shown) == 0


def test_breakdowns_do_not_exempt_a_count_from_the_rule(client, auth, make):
    """An hour and a device class gave a small channel's scans; a stand of 2, follow-up of 3."""
    event, plaza = make.plaza(stands=2)
    big, big_codes = batch_codes(make, event, 20, "ut-desk")
    few, few_codes = batch_codes(make, event, 6, "roc")
    for n, code in enumerate(big_codes):
        scans.recorder().record(code, f"/p/{code}", student(n), at(10))
        survey.answer_survey(code, "0" if n % 2 else "1-2", [], False, at(10, minute=5))
    for n, code in enumerate(few_codes[:3]):
        scans.recorder().record(code, f"/p/{code}", student(100 + n, "tablet"), at(15))
    for code in big_codes[:2]:
        stamps.self_stamp(plaza[1].code, code, False, at(11))  # a stand of 2 visits
    for code in big_codes[2:5]:
        stamps.self_stamp(plaza[0].code, code, False, at(11))
        survey.answer_follow_up(code, "3-5", False, at(14))  # 3 pairs
    views, exact = attack(client, auth, event, [big, few], plaza, 5)
    edition = views[None]
    stand = next(r for r in edition["breakdowns"]["stands"] if r["stand_id"] == plaza[1].id)
    assert (stand["pins"], stand["registrations"]) == (None, None)
    assert edition["awareness"]["follow_up"]["pairs"] is None
    assert edition["awareness"]["follow_up"]["mcnemar_p"] is None
    tablet = next(r for r in edition["breakdowns"]["devices"] if r["device_class"] == "tablet")
    assert tablet["pins"] is None and tablet["scans"] is None
    three = next(
        r for r in edition["breakdowns"]["hourly"] if r["hour"].startswith("2026-02-18T15")
    )
    assert three["pins"] is None
    assert exact[None]["awareness"]["follow_up"]["pairs"] == 3


def test_a_viewer_gets_whole_days_of_the_fair_only(client, auth, make):
    """A full window minus until=…T14:00 showed one student of a hidden batch after 14:00."""
    event, _ = make.plaza(stands=1)
    make.pin_codes(event, size=10)
    viewer, organiser = auth("viewer"), auth("organiser")
    for query in (
        {"until": "2026-02-18T14:00"},
        {"since": "2026-02-18T14:00", "until": "2026-02-19"},
        {"since": "2026-02-18"},
        {"since": "2026-02-18", "until": "2026-02-19"},
        {"since": "2026-02-20", "until": "2026-02-20"},
        {"channel": "ut-desk", "since": "2026-02-18", "until": "2026-02-18"},
    ):
        refused = api(client, viewer, event.slug, **query)
        assert refused.status_code == 422, query
        assert refused.json["error"]["code"] == "outside_release"
        assert set(refused.json["error"]["fields"]) <= {"since", "until", "batch"}
        assert api(client, organiser, event.slug, **query).status_code == 200
    for query in (
        {"since": "2026-02-18", "until": "2026-02-18"},
        {"since": "2026-02-19T00:00", "until": "2026-02-20T00:00"},
    ):
        day = api(client, viewer, event.slug, **query)
        assert day.status_code == 200, day.json
        assert len(day.json["breakdowns"]["hourly"]) == 24
        assert day.json["stages"][0]["pins"] == 10  # issued: the edition's
