"""Stands change after they are placed: moved, relabelled, rezoned, removed or retired, audited.

A stand with visits is never deleted with them: it is retired, keeps its visits
in the figures and refuses new ones (a poster stamp, a staff scan, the API).
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from backend.errors import Conflict, InvalidInput, StandInUse, StandRetired
from backend.extensions import db as database
from backend.models import AuditEntry, Stand, StandVisit
from backend.models.types import utcnow
from backend.services import journey, stand_scanner, stands, tokens
from backend.services.stamps import self_stamp, staff_stamp, staff_stamp_batch
from exports.funnel import funnel


def _entries(action: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action)
    return list(database.session.scalars(query))


def _stand_actions() -> list[str]:
    """What was done to stands, in order (batches and tokens made on the way left out)."""
    query = select(AuditEntry.action).where(AuditEntry.action.like("stand.%"))
    return list(database.session.scalars(query.order_by(AuditEntry.id)))


@pytest.fixture
def fair(make):
    """An edition on today's date (staff scans are refused outside it) with two Plaza stands."""
    event = make.event(starts_on=date.today(), ends_on=date.today())
    return event, make.stand(event=event, label="TP-01"), make.stand(event=event, label="TP-02")


def test_a_stand_moves_to_a_free_label_and_zone_and_keeps_its_code_and_visits(fair, make, db):
    event, stand, _ = fair
    code = make.pin_codes(event, size=1)[0]
    staff_stamp(stand.id, code, utcnow())
    moved = stands.update_stand(stand.id, label="GZ-04", zone="Grote zaal")
    assert (moved.label, moved.zone, moved.code) == ("GZ-04", "main-hall", stand.code)
    assert db.session.scalar(select(func.count()).select_from(StandVisit)) == 1
    [entry] = _entries("stand.update")
    assert entry.before == {"label": "TP-01", "zone": "twente-plaza"}
    assert entry.after == {"label": "GZ-04", "zone": "main-hall"}
    assert entry.target == f"stand {event.slug} TP-01"


def test_a_stand_is_given_to_another_company(fair, make, db):
    _, stand, _ = fair
    other = make.company(name="Newcomer BV")
    stands.update_stand(stand.id, company_id=other.id)
    db.session.expire_all()
    assert db.session.get(Stand, stand.id).company.name == "Newcomer BV"
    assert _entries("stand.update")[0].after == {"company_id": other.id}


@pytest.mark.parametrize("change", ["label", "company"])
def test_a_label_or_company_another_stand_holds_is_a_conflict_and_nothing_changes(fair, db, change):
    _, first, second = fair
    value = {"label": "TP-02"} if change == "label" else {"company_id": second.company_id}
    with pytest.raises(Conflict) as refused:
        stands.update_stand(first.id, **value)
    assert refused.value.fields == (
        {"label": [f"TP-02 is the stand of {second.company.name}."]}
        if change == "label"
        else {"company_id": [f"{second.company.name} has stand TP-02 already."]}
    )
    db.session.expire_all()
    assert db.session.get(Stand, first.id).label == "TP-01"
    assert db.session.get(Stand, first.id).company_id == first.company_id
    assert _entries("stand.update") == []


def test_a_refused_zone_is_refused_not_guessed(fair, db):
    _, stand, _ = fair
    with pytest.raises(InvalidInput) as refused:
        stands.update_stand(stand.id, zone="Hoofdhal")
    assert list(refused.value.fields) == ["zone"]
    db.session.expire_all()
    assert db.session.get(Stand, stand.id).zone == "twente-plaza"


def test_a_stand_without_visits_is_removed_and_its_label_is_free_again(fair, make, db):
    event, stand, _ = fair
    company = stand.company
    stands.delete_stand(stand.id)
    assert db.session.get(Stand, stand.id) is None
    [entry] = _entries("stand.delete")
    assert entry.before == {"company": company.name, "label": "TP-01", "zone": "twente-plaza"}
    assert entry.after is None
    again = stands.create_stand(event.slug, company.id, "TP-01", "twente-plaza")
    assert again.label == "TP-01"


def test_a_stand_with_visits_or_a_token_is_not_removed(fair, make, db):
    event, with_visit, with_token = fair
    staff_stamp(with_visit.id, make.pin_codes(event, size=1)[0], utcnow())
    tokens.create_token("stand", "Tablet", with_token.id)
    for stand in (with_visit, with_token):
        with pytest.raises(StandInUse) as refused:
            stands.delete_stand(stand.id)
        assert refused.value.status == 409 and refused.value.code == "stand_in_use"
    assert db.session.scalar(select(func.count()).select_from(Stand)) == 2
    assert db.session.scalar(select(func.count()).select_from(StandVisit)) == 1
    assert _entries("stand.delete") == []


def test_a_retired_stand_keeps_its_visits_and_refuses_new_ones_at_every_door(fair, make, db):
    event, stand, other = fair
    first, second = make.pin_codes(event, size=2)
    staff_stamp(stand.id, first, utcnow())
    retired = stands.retire_stand(stand.id)
    assert retired.retired_at is not None
    [entry] = _entries("stand.retire")
    assert entry.after == {"retired": True}
    with pytest.raises(StandRetired):
        staff_stamp(stand.id, second, utcnow())
    with pytest.raises(StandRetired):
        self_stamp(stand.code, second, False, utcnow())
    replay = staff_stamp_batch(stand.id, [{"pin": second}], utcnow())
    assert replay.refused == 1 and replay.results[0]["error"].code == "stand_retired"
    assert db.session.scalar(select(func.count()).select_from(StandVisit)) == 1
    # Gone from what students and scanners are offered; still a stand with its visit.
    assert [s.label for s in journey.plaza_stands(event)] == [other.label]
    assert stand.id not in [s.id for s in stand_scanner.scannable_stands()]
    assert stands.visit_count(stand) == 1
    with pytest.raises(StandInUse):
        stands.delete_stand(stand.id)


def test_an_offline_scan_made_before_the_stand_was_retired_still_counts(fair, make, db):
    event, stand, _ = fair
    code = make.pin_codes(event, size=1)[0]
    now = utcnow()
    stands.retire_stand(stand.id, now)
    earlier = now - timedelta(minutes=5)
    replay = staff_stamp_batch(stand.id, [{"pin": code, "scanned_at": earlier}], now)
    assert replay.created == 1
    later = staff_stamp_batch(
        stand.id, [{"pin": code, "scanned_at": now + timedelta(seconds=1)}], now
    )
    assert later.refused == 1


def test_a_retired_stand_is_reinstated_and_takes_visits_again(fair, make, db):
    event, stand, _ = fair
    stands.retire_stand(stand.id)
    with pytest.raises(Conflict):
        stands.retire_stand(stand.id)
    stands.reinstate_stand(stand.id)
    with pytest.raises(Conflict):
        stands.reinstate_stand(stand.id)
    assert staff_stamp(stand.id, make.pin_codes(event, size=1)[0], utcnow()).created
    assert _stand_actions()[-2:] == ["stand.retire", "stand.reinstate"]


def test_a_retired_stand_s_poster_tells_the_student_in_their_language(fair, make, phone, db):
    event, stand, _ = fair
    code = make.pin_codes(event, size=1)[0]
    stands.retire_stand(stand.id)
    for lang, said in (("nl", "Deze stand doet niet meer mee"), ("en", "left the fair")):
        # Without a pin in the cookie: told at once, not after typing the pin's code.
        form = phone.get(f"/s/{stand.code}?lang={lang}")
        assert form.status_code == 409 and said in form.get_data(as_text=True)
        assert 'name="pin"' not in form.get_data(as_text=True)
        phone.set_cookie("speld_pin", code)
        answer = phone.get(f"/s/{stand.code}?lang={lang}")
        assert answer.status_code == 409 and said in answer.get_data(as_text=True)
        phone.delete_cookie("speld_pin")
    assert db.session.scalar(select(func.count()).select_from(StandVisit)) == 0


def test_the_api_moves_removes_retires_and_reinstates(client, auth, make, db):
    event = make.event(starts_on=date.today(), ends_on=date.today())
    a, b = make.stand(event=event, label="TP-01"), make.stand(event=event, label="TP-02")
    organiser = auth("organiser")
    clash = client.patch(f"/api/v1/stands/{a.id}", json={"label": "TP-02"}, headers=organiser)
    assert clash.status_code == 409 and clash.json["error"]["code"] == "conflict"
    named = client.patch(f"/api/v1/stands/{a.id}", json={"zone": "Main hall"}, headers=organiser)
    assert named.status_code == 200 and named.json["zone"] == "main-hall"
    code = make.pin_codes(event, size=1)[0]
    staff_stamp(a.id, code, utcnow())
    in_use = client.delete(f"/api/v1/stands/{a.id}", headers=organiser)
    assert in_use.status_code == 409 and in_use.json["error"]["code"] == "stand_in_use"
    retired = client.post(f"/api/v1/stands/{a.id}/retire", headers=organiser)
    assert retired.status_code == 200 and retired.json["retired_at"]
    visit = client.post(f"/api/v1/stands/{a.id}/visits", json={"pin": code}, headers=organiser)
    assert visit.status_code == 409 and visit.json["error"]["code"] == "stand_retired"
    back = client.post(f"/api/v1/stands/{a.id}/reinstate", headers=organiser)
    assert back.status_code == 200 and back.json["retired_at"] is None
    assert client.delete(f"/api/v1/stands/{b.id}", headers=organiser).status_code == 204
    assert client.delete(f"/api/v1/stands/{b.id}", headers=auth("viewer")).status_code == 403
    assert db.session.get(Stand, b.id) is None
    assert _stand_actions()[-4:] == [
        "stand.update",
        "stand.retire",
        "stand.reinstate",
        "stand.delete",
    ]


def test_retiring_keeps_the_stand_in_the_funnel_s_figures(fair, make, db):
    event, stand, _ = fair
    staff_stamp(stand.id, make.pin_codes(event, size=1)[0], utcnow())
    before = funnel(db.session, event)
    stands.retire_stand(stand.id)
    after = funnel(db.session, event)
    assert after == before
    assert [
        (row.label, row.registrations) for row in after.breakdowns.stands if row.registrations
    ] == [("TP-01", 1)]


@pytest.mark.parametrize("written", ["twente-plaza", "Twente Plaza", " twente PLAZA "])
def test_the_api_filters_stands_by_a_zone_s_slug_or_name(client, auth, make, written):
    event, plaza = make.plaza(stands=2)
    answer = client.get(
        f"/api/v1/events/{event.slug}/stands",
        query_string={"zone": written},
        headers=auth("viewer"),
    )
    assert answer.status_code == 200
    assert [s["id"] for s in answer.json["items"]] == [s.id for s in plaza]
    unknown = client.get(
        f"/api/v1/events/{event.slug}/stands",
        query_string={"zone": "Hoofdhal"},
        headers=auth("viewer"),
    )
    assert unknown.status_code == 422 and list(unknown.json["error"]["fields"]) == ["zone"]
