"""The same answer again is no new answer: a double tap, Back and the same tap, or a retry.

A replacement that changes nothing must not move a clean answer out of the headline
(only the students who tap twice would leave it: not at random). A changed answer
after the names were shown is exposed, as is one after a stand visit.
"""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from backend.errors import SurveyNotStarted
from backend.models import Pin, SurveyResponse
from backend.models.types import NAMED_BEFORE
from backend.services import journey, pins, stamps, survey
from tests.conftest import empty_database
from tests.test_journey_pages import csrf_from

T0 = datetime(2026, 2, 18, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Row:
    """What a survey_responses row holds, as the model expects it."""

    named_before: str
    known: frozenset
    after_stand_visit: bool
    after_company_list: bool
    is_test: bool
    answered_at: datetime


@dataclass
class Model:
    """The rules in plain words: what the row must be after each step."""

    row: Row | None = None
    shown: bool = False  # the pin was shown the companies' names
    visited: bool = False  # the pin visited a stand

    def answer(self, named, known, is_test, names_shown, now):
        self.shown = self.shown or names_shown
        row = self.row
        if row is None:
            self.row = Row(named, frozenset(known or ()), self.visited, self.shown, is_test, now)
        elif named != row.named_before:
            # Changed: after the recognition list, which came with the first answer.
            self.row = Row(
                named,
                row.known if known is None else frozenset(known),
                row.after_stand_visit or self.visited,
                True,
                is_test,
                now,
            )
        elif known is not None and frozenset(known) != row.known:
            self.known(known, is_test, now)
        # else: the same answer again, nothing changes

    def known(self, known, is_test, now):
        row = self.row
        self.row = replace(
            row,
            known=frozenset(known),
            after_stand_visit=row.after_stand_visit or self.visited,
            after_company_list=row.after_company_list or self.shown,
            is_test=is_test,
            answered_at=now,
        )


subsets = st.frozensets(st.integers(0, 2))
answers = st.tuples(
    st.just("answer"),
    st.sampled_from(NAMED_BEFORE),
    st.none() | subsets,  # None: the page's Q1 alone; a set: the app's Q1 and Q2 together
    st.booleans(),  # is_test
    st.booleans(),  # the app's screen showed names
)
steps = st.lists(
    st.one_of(
        answers,
        # The same answer again, right after: what a double tap or a retry sends.
        st.just(("again",)),
        st.tuples(st.just("known"), subsets, st.booleans()),
        st.just(("names",)),  # a landing page or stand page listed the companies
        st.just(("visit",)),
    ),
    min_size=1,
    max_size=12,
)


def _stored(db, code) -> Row | None:
    db.session.expire_all()
    response = db.session.scalar(
        select(SurveyResponse).join(Pin, Pin.id == SurveyResponse.pin_id).where(Pin.code == code)
    )
    if response is None:
        return None
    return Row(
        response.named_before,
        frozenset(c.id for c in response.known_before),
        response.after_stand_visit,
        response.after_company_list,
        response.is_test,
        response.answered_at,
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_answers_follow_the_model_and_the_same_answer_again_changes_nothing(app, db, make, steps):
    empty_database(app)
    event, plaza = make.plaza(stands=3)
    (code,) = make.pin_codes(event, size=1)
    companies = [stand.company_id for stand in plaza]
    model = Model()
    last = None
    for minute, step in enumerate(steps, start=1):
        now = T0 + timedelta(minutes=minute)
        if step[0] == "again":
            step = last or ("answer", "0", None, False, False)
        kind = step[0]
        if kind == "answer":
            _, named, known, is_test, names_shown = step
            chosen = None if known is None else [companies[i] for i in sorted(known)]
            survey.answer_survey(code, named, chosen, is_test, now, company_names_shown=names_shown)
            model.answer(named, None if known is None else set(chosen), is_test, names_shown, now)
            last = step
        elif kind == "known":
            _, known, is_test = step
            chosen = [companies[i] for i in sorted(known)]
            try:
                survey.answer_known(code, chosen, is_test, now)
            except SurveyNotStarted:
                assert model.row is None
            else:
                model.known(chosen, is_test, now)
        elif kind == "names":
            journey.stamp_card(pins.find_pin(code), now)
            model.shown = True
        else:
            stand = plaza[sum(1 for s in steps[:minute] if s == ("visit",)) % len(plaza)]
            stamps.stamp(pins.find_pin(code), stand, "self", False, now)
            model.visited = True
        assert _stored(db, code) == model.row, (minute, step)


def test_a_double_tap_on_the_q1_page_keeps_the_answer_in_the_headline(phone, make, db):
    event, plaza = make.plaza(stands=1)
    (code,) = make.pin_codes(event, size=1)
    token = csrf_from(phone.get(f"/l/{code}"))
    tap = {"named_before": "1-2", "csrf_token": token}
    for _ in range(3):  # the tap, a second tap, and Back with the same tap
        page = phone.post(f"/l/{code}/survey", data=tap)
        assert page.status_code == 303
    stored = _stored(db, code)
    assert (stored.named_before, stored.after_company_list, stored.after_stand_visit) == (
        "1-2",
        False,
        False,
    )
    # Back and another answer is a changed answer: after the recognition list.
    phone.post(f"/l/{code}/survey", data={**tap, "named_before": "6+"})
    changed = _stored(db, code)
    assert (changed.named_before, changed.after_company_list) == ("6+", True)


def test_an_apps_retry_of_the_same_answer_stays_unexposed(client, make, db):
    event, plaza = make.plaza(stands=2)
    (code,) = make.pin_codes(event, size=1)
    body = {
        "named_before": "3-5",
        "known_before": [plaza[0].company_id],
        "company_names_shown": False,
    }
    first = client.post(f"/api/v1/pins/{code}/survey", json=body)
    retry = client.post(f"/api/v1/pins/{code}/survey", json=body)
    assert first.status_code == retry.status_code == 200
    assert retry.json["exposed"] is False
    assert retry.json["answered_at"] == first.json["answered_at"]
    changed = client.post(f"/api/v1/pins/{code}/survey", json={**body, "named_before": "6+"})
    assert (changed.json["named_before"], changed.json["exposed"]) == ("6+", True)
