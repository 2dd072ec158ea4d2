"""Migration 0009 on a database already in use: what it says about earlier answers and pins."""

from datetime import UTC, datetime, timedelta

import flask_migrate
from sqlalchemy import select

from backend.models import Pin, SurveyResponse
from backend.services import journey, pins, stamps, survey
from backend.services.scans import Visitor

STUDENT = Visitor("human", "mobile", "iOS", "b" * 64)
T0 = datetime(2026, 2, 18, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_earlier_answers_are_after_the_list_and_after_a_visit_that_predates_them(db, make):
    event, plaza = make.plaza(stands=2)
    landed, visited_first, answered_first, untouched = make.pin_codes(event, size=4)
    journey.visit_landing(landed, STUDENT, at(1))
    survey.answer_survey(landed, "0", [], False, at(2))
    stamps.stamp(pins.find_pin(visited_first), plaza[0], "self", False, at(1))
    survey.answer_survey(visited_first, "1-2", [], False, at(2))
    survey.answer_survey(answered_first, "3-5", [], False, at(1))
    stamps.stamp(pins.find_pin(answered_first), plaza[0], "self", False, at(2))
    db.session.commit()
    db.session.close()

    flask_migrate.downgrade(revision="0002")  # as the database was before 0009
    flask_migrate.upgrade()  # one chain: a fork of heads fails here

    rows = db.session.execute(
        select(Pin.code, SurveyResponse.after_stand_visit, SurveyResponse.after_company_list).join(
            Pin, Pin.id == SurveyResponse.pin_id
        )
    ).all()
    assert sorted(rows) == sorted(
        [(landed, False, True), (visited_first, True, True), (answered_first, False, True)]
    )
    shown = dict(db.session.execute(select(Pin.code, Pin.companies_shown_at)).all())
    assert shown[landed] == at(1)
    assert shown[untouched] is None and shown[visited_first] is None
