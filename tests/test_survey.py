"""The unprimed survey as use cases: what each answer had seen, skips, and the follow-up."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import false, func, select, true

from backend.errors import FollowUpNotDue, InvalidInput, SurveyNotStarted
from backend.models import FollowUpResponse, Pin, SurveyResponse
from backend.services import journey, pins, stamps, survey
from backend.services.scans import Visitor

STUDENT = Visitor("human", "mobile", "iOS", "a" * 64)
T0 = datetime(2026, 2, 18, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def fair(make):
    """A fair with three Twente Plaza stands (and one elsewhere), and two pins."""
    event, plaza = make.plaza(stands=3)
    return event, plaza, make.pin_codes(event, size=2)


def stamp_at(code, stand, minutes):
    return stamps.stamp(pins.find_pin(code), stand, "self", False, at(minutes))


def response_of(db, code) -> SurveyResponse:
    db.session.expire_all()
    return db.session.scalar(
        select(SurveyResponse).join(Pin, Pin.id == SurveyResponse.pin_id).where(Pin.code == code)
    )


def test_first_landing_shows_no_names_and_its_answer_is_unexposed(db, fair):
    _, _, (code, _) = fair
    state = journey.visit_landing(code, STUDENT, at(0))
    assert state.survey_due
    assert pins.find_pin(code).companies_shown_at is None  # Q1 page: no company name
    survey.answer_survey(code, "0", None, False, at(1))
    survey.answer_known(code, [], False, at(2))
    answer = response_of(db, code)
    assert (answer.after_stand_visit, answer.after_company_list, answer.exposed) == (
        False,
        False,
        False,
    )
    # The same rule in SQL, as the funnel will read it.
    assert db.session.scalar(select(SurveyResponse.id).where(SurveyResponse.exposed == false()))
    assert not db.session.scalar(select(SurveyResponse.id).where(SurveyResponse.exposed == true()))


def test_answer_after_a_stand_visit_is_exposed(db, fair):
    _, plaza, (code, _) = fair
    stamp_at(code, plaza[0], 0)
    survey.answer_survey(code, "1-2", [], False, at(5))
    answer = response_of(db, code)
    assert (answer.after_stand_visit, answer.after_company_list, answer.exposed) == (
        True,
        False,
        True,
    )


def test_answer_after_the_landing_page_listed_the_companies_is_exposed(db, fair):
    _, _, (code, _) = fair
    survey.skip_survey(code, at(0))
    journey.visit_landing(code, STUDENT, at(1))  # the landing page with its stamp card
    assert pins.find_pin(code).companies_shown_at == at(1)
    survey.answer_survey(code, "3-5", [], False, at(2))
    answer = response_of(db, code)
    assert (answer.after_stand_visit, answer.after_company_list, answer.exposed) == (
        False,
        True,
        True,
    )


def test_a_stand_page_notes_the_companies_as_shown_once(db, fair):
    _, _, (code, _) = fair
    pin = pins.find_pin(code)
    journey.stamp_card(pin, at(3))
    journey.stamp_card(pin, at(9))
    assert pins.find_pin(code).companies_shown_at == at(3)


def test_app_screen_that_showed_names_makes_the_answer_exposed(db, fair):
    _, _, (code, other) = fair
    survey.answer_survey(code, "0", [], False, at(1), company_names_shown=True)
    survey.answer_survey(other, "0", [], False, at(1), company_names_shown=False)
    assert response_of(db, code).after_company_list is True
    assert pins.find_pin(code).companies_shown_at == at(1)
    assert response_of(db, other).exposed is False


def test_replaced_answer_keeps_the_honest_flag(db, fair):
    _, plaza, (code, other) = fair
    survey.answer_survey(code, "0", [], False, at(1))
    assert response_of(db, code).exposed is False
    stamp_at(code, plaza[1], 10)
    survey.answer_survey(code, "1-2", [], False, at(20))
    answer = response_of(db, code)
    assert (answer.named_before, answer.after_stand_visit, answer.exposed) == ("1-2", True, True)
    # Even with no visit: the recognition list (Q2) came with the first answer.
    survey.answer_survey(other, "0", [], False, at(1))
    survey.answer_survey(other, "6+", [], False, at(2))
    assert response_of(db, other).after_company_list is True
    assert db.session.query(SurveyResponse).count() == 2


def test_q2_right_after_q1_stays_unexposed_but_a_visit_in_between_exposes(db, fair):
    _, plaza, (code, other) = fair
    survey.answer_survey(code, "0", None, False, at(1))
    survey.answer_known(code, [plaza[0].company_id], False, at(2))
    answer = response_of(db, code)
    assert [c.id for c in answer.known_before] == [plaza[0].company_id]
    assert answer.exposed is False
    survey.answer_survey(other, "0", None, False, at(1))
    stamp_at(other, plaza[2], 2)
    survey.answer_known(other, [plaza[2].company_id], False, at(3))
    assert response_of(db, other).after_stand_visit is True


def test_q2_before_q1_is_refused(db, fair):
    _, plaza, (code, _) = fair
    with pytest.raises(SurveyNotStarted):
        survey.answer_known(code, [plaza[0].company_id], False, at(1))
    assert db.session.query(SurveyResponse).count() == 0


def test_offline_staff_scan_uploaded_after_the_answer_flags_the_answer_it_predates(db, fair):
    _, plaza, (code, other) = fair
    survey.answer_survey(code, "0", [], False, at(30))
    survey.answer_survey(other, "0", [], False, at(30))
    # Scanned at the stand at 09:10, uploaded at 10:00: the 09:30 answer came after the visit.
    stamps.staff_stamp(plaza[0].id, code, at(60), scanned_at=at(10))
    stamps.staff_stamp(plaza[0].id, other, at(60), scanned_at=at(45))
    assert response_of(db, code).after_stand_visit is True
    assert response_of(db, other).after_stand_visit is False


def test_skip_records_no_answer_and_is_not_asked_first_again(db, fair):
    _, _, (code, _) = fair
    assert journey.visit_landing(code, STUDENT, at(0)).survey_due
    state = survey.skip_survey(code, at(1))
    assert state.survey_due is False and state.survey is None
    assert db.session.query(SurveyResponse).count() == 0
    later = journey.visit_landing(code, STUDENT, at(90))
    assert later.survey_due is False
    pin = pins.find_pin(code)
    assert (pin.survey_skipped_at, pin.companies_shown_at) == (at(1), at(90))
    # Still reachable: an answer after the skip is stored, exposed by the landing page.
    survey.answer_survey(code, "0", [], False, at(95))
    assert response_of(db, code).after_company_list is True


def test_follow_up_is_due_only_after_a_plaza_stamp_and_the_configured_time(db, make, fair):
    event, plaza, (code, _) = fair
    pin = pins.find_pin(code)
    assert journey.pin_state(pin, at(600)).follow_up_due is False  # no visit at all
    elsewhere = make.stand(event=event, zone="main-hall")
    stamps.stamp(pin, elsewhere, "self", False, at(0))
    assert journey.pin_state(pin, at(600)).follow_up_due is False  # not a Plaza stand
    stamp_at(code, plaza[0], 10)
    stamp_at(code, plaza[1], 50)  # the first Plaza visit counts, not the latest
    assert journey.pin_state(pin, at(10 + 119)).follow_up_due is False
    assert journey.pin_state(pin, at(10 + 120)).follow_up_due is True
    with pytest.raises(FollowUpNotDue):
        survey.answer_follow_up(code, "1-2", False, at(100))
    assert db.session.query(FollowUpResponse).count() == 0


def test_follow_up_delay_is_the_setting(app, db, monkeypatch, fair):
    _, plaza, (code, _) = fair
    stamp_at(code, plaza[0], 0)
    monkeypatch.setitem(app.config, "FOLLOW_UP_AFTER_MINUTES", 24 * 60)
    assert journey.pin_state(pins.find_pin(code), at(23 * 60)).follow_up_due is False
    assert journey.pin_state(pins.find_pin(code), at(24 * 60)).follow_up_due is True


def test_follow_up_is_asked_once_and_pairs_with_the_before_answer(db, fair):
    _, plaza, (code, _) = fair
    survey.answer_survey(code, "0", [], False, at(0))
    stamp_at(code, plaza[0], 10)
    state = survey.answer_follow_up(code, "3-5", False, at(200))
    assert state.follow_up_due is False and state.follow_up.named_now == "3-5"
    with pytest.raises(FollowUpNotDue):
        survey.answer_follow_up(code, "6+", False, at(201))
    with pytest.raises(FollowUpNotDue):
        survey.answer_follow_up(code, None, False, at(202))
    paired = db.session.execute(
        select(
            SurveyResponse.named_before, FollowUpResponse.named_now, SurveyResponse.exposed
        ).join(FollowUpResponse, FollowUpResponse.pin_id == SurveyResponse.pin_id)
    ).all()
    assert paired == [("0", "3-5", False)]
    assert db.session.scalar(select(FollowUpResponse.answered_at)) == at(200)


def test_skipped_follow_up_stores_no_answer_and_is_not_asked_again(db, fair):
    _, plaza, (code, _) = fair
    stamp_at(code, plaza[0], 0)
    state = survey.answer_follow_up(code, None, False, at(500))
    assert state.follow_up_due is False and state.follow_up is None
    assert pins.find_pin(code).follow_up_skipped_at == at(500)
    assert db.session.query(FollowUpResponse).count() == 0
    assert journey.pin_state(pins.find_pin(code), at(5000)).follow_up_due is False


@pytest.mark.parametrize("named", ["", "7", "1–2", 0, None])
def test_answers_outside_the_options_change_nothing(db, fair, named):
    _, plaza, (code, _) = fair
    stamp_at(code, plaza[0], 0)
    with pytest.raises(InvalidInput):
        survey.answer_survey(code, named, [], False, at(300))
    if named is not None:  # None is the follow-up's skip
        with pytest.raises(InvalidInput):
            survey.answer_follow_up(code, named, False, at(300))
    assert db.session.query(SurveyResponse).count() == 0
    assert db.session.query(FollowUpResponse).count() == 0
    assert pins.find_pin(code).follow_up_skipped_at is None


def test_simulated_fair_has_unexposed_and_exposed_answers_and_follow_ups(db, make):
    from backend.services.simulation import simulate

    event, _ = make.plaza(stands=6)
    done = simulate(event.slug, students=150, seed=11).written
    exposed = dict(
        db.session.execute(
            select(SurveyResponse.exposed, func.count()).group_by(SurveyResponse.exposed)
        ).all()
    )
    assert exposed[False] > exposed[True] > 0
    assert sum(exposed.values()) == done["answers"]
    assert db.session.query(FollowUpResponse).count() == done["follow-ups"] > 0
