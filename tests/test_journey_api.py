"""The companion app's and stand staff's JSON API."""

import pytest
from sqlalchemy import select

from backend.models import StandVisit, SurveyResponse
from backend.services import pins


@pytest.fixture
def fair(make):
    event, stands = make.plaza(stands=3)
    return event, stands, make.pin_codes(event, size=3)


def test_public_event_shows_plaza_stands_without_codes(client, fair):
    event, stands, _ = fair
    response = client.get(f"/api/v1/events/{event.slug}/public")
    assert response.status_code == 200
    assert [s["label"] for s in response.json["stands"]] == sorted(s.label for s in stands)
    assert all("code" not in s for s in response.json["stands"])
    assert response.json["starts_on"] == "2026-02-18"


def test_pin_state_tells_only_about_that_pin(client, auth, fair):
    event, stands, codes = fair
    client.post(
        f"/api/v1/stands/{stands[0].id}/visits",
        json={"pin": codes[1]},
        headers=auth("stand", stands[0]),
    )
    mine = client.get(f"/api/v1/pins/{codes[0].lower()}")
    assert mine.status_code == 200
    assert mine.json == {
        "code": codes[0],
        "status": "active",
        "event": event.slug,
        "stands_stamped": [],
        "twente_plaza_stamped": 0,
        "twente_plaza_total": 3,
        "survey_answered": False,
        "survey_due": True,
        "follow_up_due": False,
        "follow_up_answered": False,
    }


@pytest.mark.parametrize("code", ["ZZZZZZZZZ", "x" * 300, "caf\u00e9", "0"])
def test_unknown_or_malformed_pin_is_a_json_404(client, fair, code):
    response = client.get(f"/api/v1/pins/{code}")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "pin_not_found"


def test_survey_over_the_api_replaces_the_previous_answer(client, fair, db):
    _, stands, codes = fair
    url = f"/api/v1/pins/{codes[0]}/survey"
    first = client.post(
        url,
        json={
            "named_before": "0",
            "known_before": [stands[1].company_id],
            "company_names_shown": False,
        },
    )
    assert first.status_code == 200
    assert first.json["known_before"] == [stands[1].company_id]
    second = client.post(url, json={"named_before": "3-5", "company_names_shown": False})
    assert second.json["known_before"] == []
    assert db.session.scalar(select(SurveyResponse.named_before)) == "3-5"
    assert db.session.query(SurveyResponse).count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"named_before": "7"},
        {"named_before": 0},
        {"named_before": "0", "known_before": ["1"]},
        {"named_before": "0", "known_before": "all"},
        {"named_before": "0", "company_names_shown": False, "extra": True},
        {"named_before": "0"},
        {"named_before": "0", "company_names_shown": "false"},
        {"named_before": "0", "company_names_shown": 0},
        {"named_before": "0", "company_names_shown": None},
        {},
    ],
)
def test_bad_survey_answers_are_422_and_change_nothing(client, fair, db, body):
    _, _, codes = fair
    response = client.post(f"/api/v1/pins/{codes[0]}/survey", json=body)
    assert response.status_code == 422
    assert response.json["error"]["fields"]
    assert db.session.query(SurveyResponse).count() == 0


def test_survey_naming_a_company_of_another_event_is_refused(client, make, fair, db):
    _, _, codes = fair
    elsewhere = make.stand()
    response = client.post(
        f"/api/v1/pins/{codes[0]}/survey",
        json={
            "named_before": "0",
            "known_before": [elsewhere.company_id],
            "company_names_shown": False,
        },
    )
    assert response.status_code == 422
    assert "known_before" in response.json["error"]["fields"]
    assert db.session.query(SurveyResponse).count() == 0


def test_staff_registers_a_visit_once(client, auth, fair, db):
    _, stands, codes = fair
    headers = auth("stand", stands[0])
    url = f"/api/v1/stands/{stands[0].id}/visits"
    first = client.post(
        url, json={"pin": f"https://pins.example.org/P/{codes[0]}"}, headers=headers
    )
    assert first.status_code == 201
    assert first.json["created"] is True and first.json["method"] == "staff"
    again = client.post(url, json={"pin": codes[0].lower()}, headers=headers)
    assert again.status_code == 200 and again.json["created"] is False
    assert db.session.query(StandVisit).count() == 1


def test_stand_token_of_another_stand_is_forbidden(client, auth, fair, db):
    _, stands, codes = fair
    response = client.post(
        f"/api/v1/stands/{stands[1].id}/visits",
        json={"pin": codes[0]},
        headers=auth("stand", stands[0]),
    )
    assert response.status_code == 403
    assert (
        client.post(
            f"/api/v1/stands/{stands[1].id}/visits", json={"pin": codes[0]}, headers=auth("viewer")
        ).status_code
        == 403
    )
    assert db.session.query(StandVisit).count() == 0


def test_visit_for_a_void_unknown_or_foreign_pin_is_refused(client, auth, make, fair, db):
    _, stands, codes = fair
    pins.void_pin(codes[2], "misprint")
    foreign = make.pin_codes(size=1)[0]
    headers = auth("organiser")
    url = f"/api/v1/stands/{stands[0].id}/visits"
    expected = {codes[2]: 409, "ZZZZZZZZZ": 404, foreign: 422}
    for pin, status in expected.items():
        assert client.post(url, json={"pin": pin}, headers=headers).status_code == status
    bad_time = client.post(url, json={"pin": codes[0], "scanned_at": "yesterday"}, headers=headers)
    assert bad_time.status_code == 422
    naive = client.post(
        url, json={"pin": codes[0], "scanned_at": "2026-02-18T10:00:00"}, headers=headers
    )
    assert naive.status_code == 422
    assert db.session.query(StandVisit).count() == 0


def test_offline_batch_replayed_twice_with_duplicates_counts_each_pair_once(client, auth, fair, db):
    _, stands, codes = fair
    headers = auth("stand", stands[0])
    url = f"/api/v1/stands/{stands[0].id}/visits/batch"
    visits = [
        {"pin": codes[0], "scanned_at": "2026-02-18T10:00:00+01:00", "nonce": "a"},
        {"pin": codes[1], "scanned_at": "2026-02-18T10:01:00+01:00", "nonce": "b"},
        {"pin": codes[0], "scanned_at": "2026-02-18T10:02:00+01:00", "nonce": "c"},
        {"pin": codes[2], "scanned_at": "2025-01-01T10:00:00+01:00", "nonce": "d"},
        {"pin": codes[1], "nonce": 5},
    ]
    first = client.post(url, json={"visits": visits}, headers=headers)
    assert first.status_code == 200
    statuses = [r["status"] for r in first.json["results"]]
    assert statuses == ["created", "created", "exists", "created", "refused"]
    # A scan outside the fair's days is a rehearsal: accepted, not counted.
    assert [r.get("rehearsal") for r in first.json["results"]] == [False] * 3 + [True, None]
    assert (first.json["created"], first.json["exists"], first.json["refused"]) == (3, 1, 1)
    second = client.post(url, json={"visits": visits}, headers=headers)
    assert [r["status"] for r in second.json["results"]] == [
        "exists",
        "exists",
        "exists",
        "exists",
        "refused",
    ]
    rows = db.session.execute(
        select(StandVisit.pin_id, StandVisit.stand_id, StandVisit.is_test, StandVisit.is_rehearsal)
    ).all()
    assert len(rows) == len(set(rows)) == 3
    assert sorted(row[2:] for row in rows) == [(False, False), (False, False), (True, True)]


def test_offline_batch_over_500_is_refused_whole(client, auth, fair, db):
    _, stands, codes = fair
    visits = [{"pin": codes[0], "nonce": str(i)} for i in range(501)]
    response = client.post(
        f"/api/v1/stands/{stands[0].id}/visits/batch",
        json={"visits": visits},
        headers=auth("organiser"),
    )
    assert response.status_code == 422
    assert db.session.query(StandVisit).count() == 0


def test_a_refused_batch_item_carries_the_error_body_a_single_visit_gets(client, auth, fair):
    _, stands, codes = fair
    headers = auth("stand", stands[0])
    base = f"/api/v1/stands/{stands[0].id}/visits"
    refused = [
        {"pin": codes[0], "scanned_at": "2026-02-18T10:00:00"},  # a time without its zone
        {"pin": codes[1], "nonce": 5},  # a field of the wrong type
        {"pin": "ZZZZZZZZZ"},  # no such pin
    ]
    batch = client.post(f"{base}/batch", json={"visits": refused}, headers=headers)
    assert batch.status_code == 200
    assert set(batch.json) == {"results", "created", "exists", "refused"}
    assert batch.json["refused"] == 3
    for visit, result in zip(refused, batch.json["results"], strict=True):
        single = client.post(base, json=visit, headers=headers)
        assert single.status_code >= 400
        assert set(single.json) == {"error"}
        assert set(single.json["error"]) == {"code", "message", "fields"}
        assert result["status"] == "refused"
        assert result["error"] == single.json["error"]
    assert batch.json["results"][1]["error"]["fields"] == {"nonce": ["Not a valid string."]}
