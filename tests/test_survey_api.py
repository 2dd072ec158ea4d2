"""The unprimed survey in the companion app's API: what the screen showed, skips, the follow-up."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.models import FollowUpResponse, Pin, SurveyResponse
from backend.models.types import utcnow
from backend.services import pins, stamps


@pytest.fixture
def fair(make):
    event, plaza = make.plaza(stands=3)
    return event, plaza, make.pin_codes(event, size=2)


def answer(client, code, **fields):
    body = {"named_before": "0", "company_names_shown": False, **fields}
    return client.post(f"/api/v1/pins/{code}/survey", json=body)


def test_answer_on_a_screen_without_names_is_unexposed(client, fair, db):
    _, _, (code, _) = fair
    assert client.get(f"/api/v1/pins/{code}").json["survey_due"] is True
    response = answer(client, code)
    assert response.status_code == 200
    assert (response.json["exposed"], response.json["after_company_list"]) == (False, False)
    state = client.get(f"/api/v1/pins/{code}").json
    assert (state["survey_due"], state["survey_answered"]) == (False, True)


def test_answer_after_the_app_showed_names_is_exposed(client, fair, db):
    _, _, (code, _) = fair
    response = answer(client, code, company_names_shown=True)
    assert (response.json["exposed"], response.json["after_company_list"]) == (True, True)
    assert db.session.scalar(select(Pin.companies_shown_at).where(Pin.code == code)) is not None


def test_answer_after_a_staff_registered_visit_is_exposed(client, auth, fair, db):
    _, plaza, (code, _) = fair
    client.post(
        f"/api/v1/stands/{plaza[0].id}/visits", json={"pin": code}, headers=auth("stand", plaza[0])
    )
    response = answer(client, code)
    assert (response.json["after_stand_visit"], response.json["exposed"]) == (True, True)
    assert db.session.scalar(select(SurveyResponse.after_stand_visit)) is True


def test_re_answer_is_exposed(client, fair, db):
    _, _, (code, _) = fair
    assert answer(client, code).json["exposed"] is False
    again = answer(client, code, named_before="1-2")
    assert (again.json["named_before"], again.json["exposed"]) == ("1-2", True)


def test_skip_stores_nothing_and_ends_survey_due(client, fair, db):
    _, _, (code, _) = fair
    response = client.post(f"/api/v1/pins/{code}/survey/skip")
    assert response.status_code == 200
    assert (response.json["survey_due"], response.json["survey_answered"]) == (False, False)
    assert db.session.query(SurveyResponse).count() == 0


def test_follow_up_through_the_api(client, fair, db):
    _, plaza, (code, other) = fair
    url = f"/api/v1/pins/{code}/follow-up"
    early = client.post(url, json={"named_now": "1-2"})
    assert early.status_code == 409 and early.json["error"]["code"] == "follow_up_not_due"
    stamps.stamp(pins.find_pin(code), plaza[0], "self", False, utcnow() - timedelta(hours=3))
    stamps.stamp(pins.find_pin(other), plaza[0], "self", False, utcnow() - timedelta(hours=3))
    assert client.get(f"/api/v1/pins/{code}").json["follow_up_due"] is True
    answered = client.post(url, json={"named_now": "3-5"})
    assert answered.status_code == 200
    assert (answered.json["follow_up_due"], answered.json["follow_up_answered"]) == (False, True)
    assert client.post(url, json={"named_now": "6+"}).status_code == 409
    skipped = client.post(f"/api/v1/pins/{other}/follow-up", json={"named_now": None})
    assert skipped.status_code == 200
    assert (skipped.json["follow_up_due"], skipped.json["follow_up_answered"]) == (False, False)
    assert db.session.scalars(select(FollowUpResponse.named_now)).all() == ["3-5"]


@pytest.mark.parametrize(
    "body", [{}, {"named_now": "7"}, {"named_now": 3}, {"named_now": "0", "extra": 1}, []]
)
def test_bad_follow_up_bodies_are_422_and_change_nothing(client, fair, db, body):
    _, plaza, (code, _) = fair
    stamps.stamp(pins.find_pin(code), plaza[0], "self", False, utcnow() - timedelta(hours=3))
    response = client.post(f"/api/v1/pins/{code}/follow-up", json=body)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid_input"
    assert db.session.query(FollowUpResponse).count() == 0
    assert db.session.scalar(select(Pin.follow_up_skipped_at).where(Pin.code == code)) is None


def test_unknown_pin_follow_up_and_skip_are_json_404s(client, fair):
    for path in ("/follow-up", "/survey/skip"):
        response = client.post(f"/api/v1/pins/ZZZZZZZZZ{path}", json={"named_now": "0"})
        assert response.status_code == 404
        assert response.json["error"]["code"] == "pin_not_found"


def test_openapi_documents_what_the_screen_showed(client):
    document = client.get("/api/v1/openapi.json").json
    survey_in = document["components"]["schemas"]["SurveyIn"]
    assert "company_names_shown" in survey_in["required"]
    field = survey_in["properties"]["company_names_shown"]
    assert field["type"] == "boolean" and "before Q1" in field["description"]
    assert "named_now" in document["components"]["schemas"]["FollowUpIn"]["required"]
    assert "follow_up_due" in document["components"]["schemas"]["PinStateOut"]["properties"]
    assert "/api/v1/pins/{code}/follow-up" in document["paths"]
