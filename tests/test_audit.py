"""The audit log: every change through API or CLI, who made it, before and after."""

from sqlalchemy import select

from backend.models import AuditEntry, Pin
from backend.services import audit


def _entries(db):
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def test_an_api_change_names_the_token_and_keeps_only_what_changed(client, auth, make, db):
    event = make.event(name="Business Days")
    headers = auth("organiser")
    response = client.patch(
        f"/api/v1/events/{event.slug}",
        json={"name": "BDT", "timezone": "Europe/Amsterdam"},
        headers=headers,
    )
    assert response.status_code == 200
    entry = _entries(db)[-1]
    assert entry.action == "event.update" and entry.target == f"event {event.slug}"
    assert entry.before == {"name": "Business Days"} and entry.after == {"name": "BDT"}
    assert entry.actor_label.startswith("test organiser (#") and entry.actor_token_id is not None


def test_a_refused_change_writes_no_entry(client, auth, make, db):
    event = make.event()
    headers = auth("organiser")
    count = len(_entries(db))
    response = client.patch(
        f"/api/v1/events/{event.slug}", json={"ends_on": "2000-01-01"}, headers=headers
    )
    assert response.status_code == 422
    assert len(_entries(db)) == count


def test_a_cli_change_is_the_command_lines(runner, make, db):
    batch = make.batch(size=1)
    code = db.session.scalar(select(Pin.code).where(Pin.batch_id == batch.id))
    result = runner.invoke(args=["speld", "token", "create", "--role", "viewer", "--label", "Raad"])
    assert result.exit_code == 0
    entry = _entries(db)[-1]
    assert entry.action == "token.create" and entry.actor_label == audit.CLI.label
    assert entry.actor_token_id is None and entry.after["role"] == "viewer"
    assert code  # the batch was minted by the factory, as the system
    assert any(e.action == "batch.create" and e.actor_label == "system" for e in _entries(db))


def test_void_and_unvoid_are_logged_with_before_and_after(client, auth, make, db):
    batch = make.batch(size=1)
    code = db.session.scalar(select(Pin.code).where(Pin.batch_id == batch.id))
    response = client.post(
        f"/api/v1/pins/{code}/void", json={"reason": "lost"}, headers=auth("organiser")
    )
    assert response.status_code == 200
    entry = _entries(db)[-1]
    assert entry.action == "pin.void" and entry.after == {"status": "void", "void_reason": "lost"}


def test_entries_filter_by_action_and_actor(make, db):
    make.event()
    make.company(name="100% Twente_BV")
    assert audit.list_entries(1, 50, action="company").total == 1
    assert audit.list_entries(1, 50, target="100%").total == 1
    assert audit.list_entries(1, 50, target="_").total == 1
    assert audit.list_entries(1, 50, actor="nobody").total == 0
