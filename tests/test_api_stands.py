"""Stands over HTTP, including who may see the poster code."""

from backend.models import Stand


def test_organiser_places_a_company_and_gets_a_poster_code(client, auth, make, db):
    event, company = make.event(), make.company(name="Kotten Kunststof")
    response = client.post(
        f"/api/v1/events/{event.slug}/stands",
        json={"company_id": company.id, "label": "TP-07"},
        headers=auth("organiser"),
    )
    assert response.status_code == 201
    body = response.json
    assert (body["label"], body["zone"], body["event"]) == ("TP-07", "twente-plaza", event.slug)
    assert body["company"]["name"] == "Kotten Kunststof"
    assert db.session.get(Stand, body["id"]).code == body["code"]
    assert len(body["code"]) >= 12


def test_same_label_twice_at_one_event_is_a_conflict(client, auth, make, db):
    stand = make.stand(label="TP-01")
    other = make.company()
    response = client.post(
        f"/api/v1/events/{stand.event.slug}/stands",
        json={"company_id": other.id, "label": "TP-01"},
        headers=auth("organiser"),
    )
    assert response.status_code == 409
    assert db.session.query(Stand).count() == 1


def test_viewer_sees_stands_without_poster_codes(client, auth, make):
    stand = make.stand()
    listed = client.get(f"/api/v1/events/{stand.event.slug}/stands", headers=auth("viewer"))
    assert listed.status_code == 200
    assert listed.json["total"] == 1
    assert "code" not in listed.json["items"][0]
    one = client.get(f"/api/v1/stands/{stand.id}", headers=auth("viewer"))
    assert "code" not in one.json


def test_stand_token_reads_its_own_stand_only(client, auth, make):
    own = make.stand()
    other = make.stand(event=own.event)
    headers = auth("stand", own)
    assert client.get(f"/api/v1/stands/{own.id}", headers=headers).json["code"] == own.code
    refused = client.get(f"/api/v1/stands/{other.id}", headers=headers)
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "forbidden"


def test_zone_filter_lists_only_that_zone(client, auth, make):
    stand = make.stand(zone="twente-plaza")
    make.stand(event=stand.event, zone="main-hall")
    response = client.get(
        f"/api/v1/events/{stand.event.slug}/stands?zone=twente-plaza", headers=auth("viewer")
    )
    assert [s["id"] for s in response.json["items"]] == [stand.id]


def test_patch_moves_a_stand_to_another_zone(client, auth, make, db):
    stand = make.stand()
    response = client.patch(
        f"/api/v1/stands/{stand.id}", json={"zone": "main-hall"}, headers=auth("organiser")
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Stand, stand.id).zone == "main-hall"


def test_handing_a_stand_to_a_company_placed_elsewhere_at_the_event_is_a_conflict(
    client, auth, make, db
):
    event = make.event()
    first, second = make.stand(event=event, label="TP-01"), make.stand(event=event, label="TP-02")
    headers = auth("organiser")
    response = client.patch(
        f"/api/v1/stands/{first.id}", json={"company_id": second.company_id}, headers=headers
    )
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"
    db.session.expire_all()
    assert db.session.get(Stand, first.id).company_id != second.company_id
