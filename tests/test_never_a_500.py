"""Never a 500, round two: each case of the issue on both databases, a 4xx and nothing lost.

Characters XML cannot hold, a stand changed into a collision, deep or broken input
outside /api, an empty query value, a POST to /healthz.
"""

import pytest

from backend.models import Stand
from tests.test_api_bad_input import snapshot

API = "/api/v1"

# 2: changing a stand into a collision --------------------------------------------------


@pytest.fixture
def two_stands(make):
    event = make.event()
    return make.stand(event=event, label="TP-01"), make.stand(event=event, label="TP-02")


@pytest.mark.parametrize("change", ["label", "company_id"])
def test_changing_a_stand_into_another_s_label_or_company_is_a_409(
    client, auth, db, two_stands, change
):
    first, second = two_stands
    body = {"label": "TP-01"} if change == "label" else {"company_id": first.company_id}
    headers = auth("organiser")
    before = snapshot()
    response = client.patch(f"{API}/stands/{second.id}", json=body, headers=headers)
    assert response.status_code == 409, response.get_data(as_text=True)
    assert response.json["error"]["code"] == "conflict"
    db.session.rollback()
    assert snapshot() == before
    assert db.session.get(Stand, second.id).label == "TP-02"


def test_a_stand_still_moves_to_a_free_label_and_is_audited(client, auth, db, two_stands):
    _, second = two_stands
    response = client.patch(
        f"{API}/stands/{second.id}", json={"label": "TP-03"}, headers=auth("organiser")
    )
    assert response.status_code == 200 and response.json["label"] == "TP-03"
    entries = client.get(f"{API}/events/{second.event.slug}/stands", headers=auth("viewer"))
    assert sorted(s["label"] for s in entries.json["items"]) == ["TP-01", "TP-03"]
