"""Tokens: created with the secret shown once, listed with their last use, expired, revoked."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.models import ApiToken
from backend.models.types import utcnow
from backend.services import tokens
from tests.test_dashboard import sign_in


def test_the_secret_is_in_the_create_response_and_nowhere_after(client, auth):
    organiser = auth("organiser")
    created = client.post(
        "/api/v1/tokens", json={"role": "viewer", "label": "Gemeente Enschede"}, headers=organiser
    )
    assert created.status_code == 201
    secret = created.json["token"]
    assert secret.startswith("spd_") and created.json["role"] == "viewer"
    listed = client.get("/api/v1/tokens", headers=organiser)
    assert secret not in listed.get_data(as_text=True)
    labels = [item["label"] for item in listed.json["items"]]
    assert "Gemeente Enschede" in labels
    assert (
        client.get("/api/v1/events", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 200
    )


def test_a_stand_token_needs_its_stand(client, auth, make):
    organiser = auth("organiser")
    refused = client.post("/api/v1/tokens", json={"role": "stand", "label": "x"}, headers=organiser)
    assert refused.status_code == 422 and "stand" in refused.json["error"]["fields"]
    stand = make.stand()
    made = client.post(
        "/api/v1/tokens",
        json={"role": "stand", "label": "Tablet 1", "stand_id": stand.id},
        headers=organiser,
    )
    assert made.status_code == 201 and made.json["stand_id"] == stand.id


@pytest.mark.parametrize(
    "body",
    [
        {"role": "admin", "label": "x"},
        {"role": "viewer", "label": ""},
        {"role": "viewer", "label": "x" * 81},
        {"role": "viewer", "label": "bell\x07"},
        {"role": "viewer", "label": "x", "expires_at": "2020-01-01T00:00:00+00:00"},
        {"role": "viewer", "label": "x", "expires_at": "2099-01-01T00:00:00"},
        {"role": "viewer", "label": "x", "secret": "mine"},
    ],
)
def test_bad_token_requests_are_refused_and_store_nothing(client, auth, db, body):
    organiser = auth("organiser")
    response = client.post("/api/v1/tokens", json=body, headers=organiser)
    assert response.status_code == 422, response.json
    assert db.session.scalar(select(ApiToken.id).where(ApiToken.label != "test organiser")) is None


def test_last_use_is_noted(client, make, db):
    secret = make.token("viewer")
    row = db.session.scalar(select(ApiToken).where(ApiToken.role == "viewer"))
    assert row.last_used_at is None
    client.get("/api/v1/events", headers={"Authorization": f"Bearer {secret}"})
    db.session.expire_all()
    assert utcnow() - db.session.get(ApiToken, row.id).last_used_at < timedelta(seconds=30)


def test_an_expired_token_is_refused(client, make, db):
    secret = make.token("organiser")
    row = db.session.scalar(select(ApiToken))
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/events", headers=headers).status_code == 200
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get("/api/v1/events", headers=headers)
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


def test_revoking_ends_api_use_and_browser_sessions_at_once(app, client, auth, make, db):
    fair = make.event()
    secret = make.token("viewer")
    viewer_id = db.session.scalar(select(ApiToken.id).where(ApiToken.role == "viewer"))
    browser = app.test_client()
    assert sign_in(browser, secret).status_code == 303
    assert browser.get(f"/dashboard/{fair.slug}").status_code == 200
    revoked = client.post(f"/api/v1/tokens/{viewer_id}/revoke", headers=auth("organiser"))
    assert revoked.status_code == 200 and revoked.json["revoked_at"]
    assert (
        client.get("/api/v1/events", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 401
    )
    assert browser.get(f"/dashboard/{fair.slug}").status_code == 302
    again = client.post(f"/api/v1/tokens/{viewer_id}/revoke", headers=auth("organiser"))
    assert again.status_code == 409


def test_revoking_an_unknown_token_is_404(client, auth):
    response = client.post("/api/v1/tokens/424242/revoke", headers=auth("organiser"))
    assert response.status_code == 404 and response.json["error"]["code"] == "token_not_found"


def test_cli_lists_and_revokes_tokens(runner, make, db):
    stand = make.stand()
    row, _ = tokens.create_token("stand", "Tablet ASML", stand.id)
    listed = runner.invoke(args=["speld", "token", "list"])
    assert (
        listed.exit_code == 0 and "Tablet ASML" in listed.output and "last used -" in listed.output
    )
    revoked = runner.invoke(args=["speld", "token", "revoke", "--id", str(row.id)])
    assert revoked.exit_code == 0 and f"Revoked token #{row.id}" in revoked.output
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).revoked_at is not None
    again = runner.invoke(args=["speld", "token", "revoke", "--id", str(row.id)])
    assert again.exit_code == 1 and "revoked already" in again.output
    live = runner.invoke(args=["speld", "token", "list", "--live"])
    assert "Tablet ASML" not in live.output


def test_cli_creates_a_token_that_expires(runner, db):
    made = runner.invoke(
        args=[
            "speld",
            "token",
            "create",
            "--role",
            "viewer",
            "--label",
            "Raad",
            "--expires",
            "2099-01-01",
        ]
    )
    assert made.exit_code == 0, made.output
    row = db.session.scalar(select(ApiToken).where(ApiToken.label == "Raad"))
    assert row.expires_at.year == 2099
    past = runner.invoke(
        args=[
            "speld",
            "token",
            "create",
            "--role",
            "viewer",
            "--label",
            "Oud",
            "--expires",
            "2001-01-01",
        ]
    )
    assert past.exit_code == 1 and "future" in past.output


def test_an_expired_token_ends_its_browser_session(app, make, db):
    fair = make.event()
    browser = app.test_client()
    sign_in(browser, make.token("organiser"))
    assert browser.get("/console/").status_code == 200
    assert browser.get(f"/dashboard/{fair.slug}").status_code == 200
    row = db.session.scalar(select(ApiToken))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert browser.get("/console/").status_code == 302
    assert browser.get(f"/dashboard/{fair.slug}").status_code == 302


def test_the_last_live_organiser_token_is_never_revoked(client, runner, db):
    from backend.errors import LastOrganiserToken

    only, secret = tokens.create_token("organiser", "Desk")
    expired, _ = tokens.create_token("organiser", "Old", expires_at=utcnow() + timedelta(seconds=1))
    db.session.execute(  # expired since: it signs nobody in, so it does not count
        ApiToken.__table__.update()
        .where(ApiToken.id == expired.id)
        .values(expires_at=utcnow() - timedelta(days=1))
    )
    db.session.commit()
    with pytest.raises(LastOrganiserToken):
        tokens.revoke_token(only.id)
    by_api = client.post(
        f"/api/v1/tokens/{only.id}/revoke", headers={"Authorization": f"Bearer {secret}"}
    )
    assert by_api.status_code == 409
    assert by_api.json["error"]["code"] == "last_organiser_token"
    by_cli = runner.invoke(args=["speld", "token", "revoke", "--id", str(only.id)])
    assert by_cli.exit_code == 1 and "last live organiser token" in by_cli.output
    db.session.expire_all()
    assert db.session.get(ApiToken, only.id).revoked_at is None
    second, _ = tokens.create_token("organiser", "Second desk")
    assert tokens.revoke_token(only.id).revoked_at is not None  # now another one is left
    with pytest.raises(LastOrganiserToken):
        tokens.revoke_token(second.id)
    assert tokens.revoke_token(expired.id).revoked_at is not None  # not live: no risk


def test_revoking_the_token_you_act_with_is_signalled_and_needs_your_word(db):
    from backend.errors import OwnToken
    from backend.services.audit import acting_as, actor_for_token

    mine, _ = tokens.create_token("organiser", "Mine")
    tokens.create_token("organiser", "Theirs")
    acting_as(actor_for_token(mine))
    assert tokens.revocation(mine.id).own is True
    with pytest.raises(OwnToken) as refused:
        tokens.revoke_token(mine.id)
    assert refused.value.code == "own_token" and refused.value.status == 409
    db.session.expire_all()
    assert db.session.get(ApiToken, mine.id).revoked_at is None
    assert tokens.revoke_token(mine.id, own=True).revoked_at is not None


def test_the_token_list_names_a_stand_token_s_stand(runner, make):
    stand = make.stand(company=make.company(name="Demcon"), label="TP-07")
    make.token("stand", stand)
    listed = runner.invoke(args=["speld", "token", "list"])
    assert listed.exit_code == 0
    assert f"stand {stand.event.slug} TP-07 · Demcon" in listed.output
    assert "stand #" not in listed.output  # a database id tells a person nothing
