"""Events and companies over HTTP: what an organiser's client sees."""

from backend.models import Company, Event

EVENT = {
    "slug": "bdt-2027",
    "name": "Business Days Twente 2027",
    "starts_on": "2027-02-17",
    "ends_on": "2027-02-18",
    "portal_url": "https://www.twente.com",
}


def test_organiser_creates_an_event_and_reads_it_back(client, auth, db):
    response = client.post("/api/v1/events", json=EVENT, headers=auth("organiser"))
    assert response.status_code == 201
    assert response.json["slug"] == "bdt-2027"
    assert response.json["timezone"] == "Europe/Amsterdam"
    assert db.session.query(Event).filter_by(slug="bdt-2027").one().name == EVENT["name"]

    got = client.get("/api/v1/events/bdt-2027", headers=auth("viewer"))
    assert got.status_code == 200
    assert got.json["starts_on"] == "2027-02-17"


def test_duplicate_slug_is_a_conflict_and_keeps_the_first(client, auth, db):
    client.post("/api/v1/events", json=EVENT, headers=auth("organiser"))
    again = client.post(
        "/api/v1/events", json={**EVENT, "name": "Other"}, headers=auth("organiser")
    )
    assert again.status_code == 409
    assert again.json["error"]["code"] == "conflict"
    assert db.session.query(Event).one().name == EVENT["name"]


def test_slugs_that_name_dashboard_pages_are_refused(client, auth, db):
    for slug in ("sign-in", "sign-out"):
        response = client.post(
            "/api/v1/events", json={**EVENT, "slug": slug}, headers=auth("organiser")
        )
        assert response.status_code == 422
        assert "slug" in response.json["error"]["fields"]
    assert db.session.query(Event).count() == 0


def test_patch_changes_only_given_fields(client, auth, make):
    event = make.event(name="Old name")
    response = client.patch(
        f"/api/v1/events/{event.slug}", json={"name": "New name"}, headers=auth("organiser")
    )
    assert response.status_code == 200
    assert response.json["name"] == "New name"
    assert response.json["portal_url"] == "https://www.twente.com"


def test_patch_that_puts_end_before_start_is_refused(client, auth, make, db):
    event = make.event()
    response = client.patch(
        f"/api/v1/events/{event.slug}", json={"ends_on": "2026-01-01"}, headers=auth("organiser")
    )
    assert response.status_code == 422
    assert "ends_on" in response.json["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(Event, event.id).ends_on.isoformat() == "2026-02-19"


def test_event_list_uses_the_page_wrapper(client, auth, make):
    for _ in range(3):
        make.event()
    response = client.get("/api/v1/events?per_page=2&page=2", headers=auth("viewer"))
    assert response.status_code == 200
    assert set(response.json) == {"items", "page", "per_page", "total", "pages"}
    assert (response.json["page"], response.json["total"], response.json["pages"]) == (2, 3, 2)
    assert len(response.json["items"]) == 1


def test_companies_can_be_created_filtered_and_patched(client, auth, make, db):
    organiser = auth("organiser")
    made = client.post(
        "/api/v1/companies",
        json={"name": "Lonneker Labs", "is_twente": True, "portal_url": "https://twente.com/x"},
        headers=organiser,
    )
    assert made.status_code == 201
    make.company(name="Elsewhere BV", is_twente=False)
    twente = client.get("/api/v1/companies?is_twente=true", headers=organiser)
    assert [c["name"] for c in twente.json["items"]] == ["Lonneker Labs"]

    patched = client.patch(
        f"/api/v1/companies/{made.json['id']}", json={"portal_url": None}, headers=organiser
    )
    assert patched.status_code == 200
    assert db.session.get(Company, made.json["id"]).portal_url is None
