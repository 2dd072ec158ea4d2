"""The unprimed survey through the pages: Q1 first, a skip remembered, the follow-up once."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.models import FollowUpResponse, Pin, SurveyResponse
from backend.models.types import utcnow
from backend.services import pins, stamps
from tests.test_journey_pages import csrf_from


@pytest.fixture
def fair(make):
    event, plaza = make.plaza(stands=3)
    return event, plaza, make.pin_codes(event, size=2)[0]


def pin_of(db, code) -> Pin:
    db.session.expire_all()
    return db.session.scalar(select(Pin).where(Pin.code == code))


def names(plaza) -> list[str]:
    return [stand.company.name for stand in plaza]


def test_first_landing_is_q1_alone_without_any_company_name(phone, fair, db):
    _, plaza, code = fair
    response = phone.get(f"/l/{code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Hoeveel Twentse bedrijven kon je noemen vóór Business Days?" in html
    assert not any(name in html for name in names(plaza))
    for option in ("0", "1-2", "3-5", "6+"):
        assert f'<button type="submit" name="named_before" value="{option}">' in html
    assert 'name="skip"' in html and "Overslaan" in html
    assert "<script" not in html
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert pin_of(db, code).companies_shown_at is None


def test_one_tap_on_q1_stores_it_unexposed_then_q2_lists_the_companies(phone, fair, db):
    _, plaza, code = fair
    token = csrf_from(phone.get(f"/l/{code}"))
    tapped = phone.post(f"/l/{code}/survey", data={"named_before": "0", "csrf_token": token})
    assert tapped.status_code == 303
    answer = db.session.scalar(select(SurveyResponse))
    assert (answer.named_before, answer.exposed) == ("0", False)
    q2 = phone.get(tapped.headers["Location"]).get_data(as_text=True)
    assert "Welke van deze Twente Plaza-bedrijven kende je al?" in q2
    assert all(name in q2 for name in names(plaza))
    done = phone.post(
        f"/l/{code}/survey/known",
        data={"known_before": [plaza[1].company_id], "csrf_token": token},
    )
    landing = phone.get(done.headers["Location"]).get_data(as_text=True)
    assert "Bedankt! Je antwoord is opgeslagen." in landing
    assert "0 van 3 Twentse stands bezocht" in landing
    db.session.expire_all()
    answer = db.session.scalar(select(SurveyResponse))
    assert ([c.id for c in answer.known_before], answer.exposed) == ([plaza[1].company_id], False)


def test_skip_stores_nothing_and_the_next_visits_show_the_landing_page(phone, fair, db):
    _, plaza, code = fair
    token = csrf_from(phone.get(f"/l/{code}"))
    skipped = phone.post(f"/l/{code}/survey", data={"skip": "1", "csrf_token": token})
    assert skipped.status_code == 303 and skipped.headers["Location"].endswith(f"/l/{code}")
    for _ in range(2):
        html = phone.get(f"/l/{code}").get_data(as_text=True)
        assert "0 van 3 Twentse stands bezocht" in html
        assert all(name in html for name in names(plaza))
        assert f'href="/l/{code}/survey"' in html and "Beantwoord de twee vragen" in html
    assert db.session.query(SurveyResponse).count() == 0
    pin = pin_of(db, code)
    assert pin.survey_skipped_at is not None and pin.companies_shown_at is not None


def test_survey_from_the_landing_page_after_a_skip_is_stored_exposed(phone, fair, db):
    _, _, code = fair
    token = csrf_from(phone.get(f"/l/{code}"))
    phone.post(f"/l/{code}/survey", data={"skip": "1", "csrf_token": token})
    phone.get(f"/l/{code}")
    assert "vóór Business Days" in phone.get(f"/l/{code}/survey").get_data(as_text=True)
    phone.post(f"/l/{code}/survey", data={"named_before": "1-2", "csrf_token": token})
    answer = db.session.scalar(select(SurveyResponse))
    assert (answer.after_company_list, answer.exposed) == (True, True)


def test_stand_page_notes_the_companies_as_shown(phone, fair, db):
    _, plaza, code = fair
    phone.get(f"/p/{code}")
    assert "Gestempeld!" in phone.get(f"/s/{plaza[0].code}").get_data(as_text=True)
    assert pin_of(db, code).companies_shown_at is not None
    # The survey is still asked first, and the answer is exposed by the visit.
    token = csrf_from(phone.get(f"/l/{code}"))
    phone.post(f"/l/{code}/survey", data={"named_before": "0", "csrf_token": token})
    answer = db.session.scalar(select(SurveyResponse))
    assert (answer.after_stand_visit, answer.after_company_list) == (True, True)


def test_q2_before_q1_goes_back_to_q1(phone, fair, db):
    _, _, code = fair
    response = phone.get(f"/l/{code}/survey/known")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/l/{code}/survey")


def plaza_visit_hours_ago(code, stand, hours=3):
    stamps.stamp(pins.find_pin(code), stand, "self", False, utcnow() - timedelta(hours=hours))


def test_follow_up_appears_after_a_plaza_visit_and_the_delay_and_is_asked_once(
    app, phone, fair, db, monkeypatch
):
    _, plaza, code = fair
    token = csrf_from(phone.get(f"/l/{code}"))
    phone.post(f"/l/{code}/survey", data={"skip": "1", "csrf_token": token})
    plaza_visit_hours_ago(code, plaza[0], hours=1)
    assert app.config["FOLLOW_UP_AFTER_MINUTES"] == 120
    assert "Hoeveel Twentse bedrijven kun je nu noemen?" not in phone.get(f"/l/{code}").text
    monkeypatch.setitem(app.config, "FOLLOW_UP_AFTER_MINUTES", 30)
    html = phone.get(f"/l/{code}").get_data(as_text=True)
    assert "Hoeveel Twentse bedrijven kun je nu noemen?" in html
    assert 'name="named_now" value="3-5"' in html
    answered = phone.post(f"/l/{code}/follow-up", data={"named_now": "3-5", "csrf_token": token})
    assert answered.status_code == 303 and "thanks=follow-up" in answered.headers["Location"]
    assert "Bedankt voor je antwoord!" in phone.get(answered.headers["Location"]).text
    assert "kun je nu noemen" not in phone.get(f"/l/{code}").text
    again = phone.post(f"/l/{code}/follow-up", data={"named_now": "0", "csrf_token": token})
    assert again.status_code == 303 and "thanks" not in again.headers["Location"]
    assert db.session.scalars(select(FollowUpResponse.named_now)).all() == ["3-5"]


def test_follow_up_skip_stores_no_answer_and_is_not_asked_again(phone, fair, db):
    _, plaza, code = fair
    token = csrf_from(phone.get(f"/l/{code}"))
    phone.post(f"/l/{code}/survey", data={"skip": "1", "csrf_token": token})
    plaza_visit_hours_ago(code, plaza[0])
    assert "kun je nu noemen" in phone.get(f"/l/{code}").text
    phone.post(f"/l/{code}/follow-up", data={"skip": "1", "csrf_token": token})
    assert "kun je nu noemen" not in phone.get(f"/l/{code}").text
    assert db.session.query(FollowUpResponse).count() == 0


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/survey", {"named_before": "7"}),
        ("/survey", {}),
        ("/survey/known", {"known_before": "999999"}),
        ("/follow-up", {"named_now": "veel"}),
        ("/follow-up", {}),
    ],
)
def test_bad_answers_get_a_friendly_422_and_change_nothing(phone, fair, db, path, data):
    _, plaza, code = fair
    token = csrf_from(phone.get(f"/l/{code}"))
    if path == "/survey/known":
        phone.post(f"/l/{code}/survey", data={"named_before": "0", "csrf_token": token})
    plaza_visit_hours_ago(code, plaza[0])
    before = db.session.scalars(select(SurveyResponse.named_before)).all()
    refused = phone.post(f"/l/{code}{path}", data={**data, "csrf_token": token})
    assert refused.status_code == 422 and refused.mimetype == "text/html"
    assert f'href="/l/{code}"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(select(SurveyResponse.named_before)).all() == before
    assert db.session.query(FollowUpResponse).count() == 0


@pytest.mark.parametrize("path", ["/survey", "/survey/known", "/follow-up"])
def test_survey_posts_need_the_csrf_token(phone, fair, db, path):
    _, plaza, code = fair
    plaza_visit_hours_ago(code, plaza[0])
    refused = phone.post(f"/l/{code}{path}", data={"named_before": "0", "named_now": "0"})
    assert refused.status_code == 400
    assert db.session.query(SurveyResponse).count() == 0
    assert db.session.query(FollowUpResponse).count() == 0


@pytest.mark.parametrize("path", ["/survey", "/survey/known"])
def test_survey_pages_of_an_unknown_pin_are_a_friendly_404(phone, fair, path):
    response = phone.get(f"/l/ZZZZZZZZZ{path}")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_english_survey_pages(phone, fair, db):
    _, _, code = fair
    q1 = phone.get(f"/l/{code}?lang=en").get_data(as_text=True)
    assert "How many Twente companies could you name before Business Days?" in q1
    assert ">None</button>" in q1 and ">Skip</button>" in q1
