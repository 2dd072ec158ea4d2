"""Awareness the council can defend: unexposed headline, intervals, verdicts, paired follow-up."""

from sqlalchemy import select

from backend.extensions import db
from backend.models import Event
from backend.services import journey, stamps, survey
from exports.funnel import compare
from exports.stats import mcnemar_exact
from tests.test_funnel import at, read_compare, read_funnel, student


def answer(code: str, named: str, when) -> None:
    survey.answer_survey(code, named, [], False, when)


def test_the_follow_up_is_paired_pin_by_pin_with_mcnemars_exact_test(make):
    event, (plaza,) = make.plaza(stands=1)
    codes = make.pin_codes(event, size=12)
    plan = (
        [("0", "1-2")] * 6  # could name none before, some now
        + [("1-2", "0")]  # the other way round
        + [("3-5", "3-5")] * 3
        + [("6+", None)] * 2  # no follow-up: not a pair
    )
    for code, (before, now) in zip(codes, plan, strict=True):
        journey.visit_landing(code, student(code), at(18, 10))
        answer(code, before, at(18, 10, 1))  # first landing: unexposed
        stamps.self_stamp(plaza.code, code, False, at(18, 11))
        if now is not None:
            # FOLLOW_UP_AFTER_MINUTES (120 by default) after the first Plaza stamp.
            survey.answer_follow_up(code, now, False, at(18, 13, 30))

    follow_up = read_funnel(event)["awareness"]["follow_up"]
    assert follow_up == {
        "pairs": 10,
        "named_none_before": 0.6,
        "named_none_now": 0.1,
        "none_before_only": 6,
        "none_now_only": 1,
        "mcnemar_p": 0.125,  # 2 × (1 + 7) / 2⁷
        "shift": [
            {"answer": "0", "before": 6, "now": 1},
            {"answer": "1-2", "before": 1, "now": 6},
            {"answer": "3-5", "before": 3, "now": 3},
            {"answer": "6+", "before": 0, "now": 0},
        ],
    }
    assert follow_up["mcnemar_p"] == mcnemar_exact(6, 1)
    assert read_compare([event])["editions"][0]["follow_up"] == follow_up


def test_a_clear_difference_from_the_baseline_gets_a_verdict(make):
    event, _ = make.plaza(stands=1)
    codes = make.pin_codes(event, size=100)
    for n, code in enumerate(codes):
        answer(code, "0" if n < 10 else "3-5", at(18, 10))
    awareness = read_funnel(event)["awareness"]
    assert awareness["named_none_share"] == 0.1
    assert awareness["difference_interval"]["high"] < 0
    assert awareness["verdict"] == "fewer_than_baseline"


def test_the_baseline_is_the_editions_own(make):
    event, _ = make.plaza(stands=1)
    event.baseline_share, event.baseline_size = 0.05, 2000
    db.session.commit()
    codes = make.pin_codes(event, size=100)
    for n, code in enumerate(codes):
        answer(code, "0" if n < 10 else "3-5", at(18, 10))
    awareness = read_funnel(event)["awareness"]
    assert (awareness["baseline"], awareness["baseline_size"]) == (0.05, 2000)
    assert awareness["difference_from_baseline"] == 0.05
    # 10 of 100 against 5% of 2,000: more than that baseline, beyond its interval.
    assert awareness["difference_interval"]["low"] > 0
    assert awareness["verdict"] == "more_than_baseline"
    edition = compare(db.session, [db.session.scalar(select(Event))]).editions[0]
    assert (edition.baseline, edition.baseline_size) == (0.05, 2000)


def test_exposed_answers_are_reported_beside_the_headline_never_in_it(make):
    event, (plaza,) = make.plaza(stands=1)
    first, second = make.pin_codes(event, size=2)
    answer(first, "6+", at(18, 10))  # unexposed
    stamps.self_stamp(plaza.code, second, False, at(18, 10))
    answer(second, "0", at(18, 11))  # after a stand visit: exposed
    awareness = read_funnel(event)["awareness"]
    assert awareness["respondents"] == 1 and awareness["named_none_share"] == 0.0
    assert awareness["exposed"]["respondents"] == 1
    assert awareness["exposed"]["named_none_share"] == 1.0
    assert awareness["response_rates"]["respondents"] == 2


def test_an_editions_baseline_is_checked_by_the_use_case_as_by_the_api(client, auth, make):
    from backend.errors import InvalidInput
    from backend.services import events

    event = make.event()
    for bad in ({"baseline_share": 1.5}, {"baseline_size": 0}, {"baseline_share": True}):
        response = client.patch(f"/api/v1/events/{event.slug}", json=bad, headers=auth("organiser"))
        assert response.status_code == 422, bad
        try:
            events.update_event(event.slug, **bad)
        except InvalidInput as error:
            assert set(error.fields) == set(bad)
        else:
            raise AssertionError(f"the use case took {bad}")
    patched = client.patch(
        f"/api/v1/events/{event.slug}",
        json={"baseline_share": 0.3, "baseline_size": 500},
        headers=auth("organiser"),
    )
    assert patched.status_code == 200
    assert (patched.json["baseline_share"], patched.json["baseline_size"]) == (0.3, 500)
