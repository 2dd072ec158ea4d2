"""The flask speld commands, run as an organiser would run them."""

import click
import pytest
from sqlalchemy import select

from backend.models import ApiToken, Event, Pin, Stand
from backend.models.types import TWENTE_PLAZA
from backend.services.tokens import hash_token


def test_token_create_prints_the_token_once_and_stores_only_its_hash(runner, client, db):
    result = runner.invoke(
        args=["speld", "token", "create", "--role", "viewer", "--label", "Gemeente"]
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    row = db.session.scalar(select(ApiToken))
    assert row.role == "viewer"
    assert row.token_hash == hash_token(token)
    assert token not in repr(db.session.execute(select(ApiToken.__table__)).all())
    assert (
        client.get("/api/v1/events", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )


def test_stand_token_needs_an_existing_stand(runner, make, db):
    missing = runner.invoke(args=["speld", "token", "create", "--role", "stand", "--label", "x"])
    assert missing.exit_code == 1
    assert "stand" in missing.output
    unknown = runner.invoke(
        args=["speld", "token", "create", "--role", "stand", "--stand", "9999", "--label", "x"]
    )
    assert unknown.exit_code == 1
    stand = make.stand()
    made = runner.invoke(
        args=[
            "speld",
            "token",
            "create",
            "--role",
            "stand",
            "--stand",
            str(stand.id),
            "--label",
            "x",
        ]
    )
    assert made.exit_code == 0
    assert db.session.scalar(select(ApiToken.stand_id)) == stand.id


def test_demo_creates_bdt_2026_with_16_twente_plaza_stands_and_refuses_twice(runner, db):
    first = runner.invoke(args=["speld", "demo"])
    assert first.exit_code == 0, first.output
    event = db.session.scalar(select(Event).where(Event.slug == "bdt-2026"))
    assert (event.starts_on.isoformat(), event.ends_on.isoformat()) == ("2026-02-18", "2026-02-19")
    assert event.timezone == "Europe/Amsterdam"
    zones = [s.zone for s in db.session.scalars(select(Stand).where(Stand.event_id == event.id))]
    assert zones.count(TWENTE_PLAZA) == 16
    assert len(zones) > 16
    second = runner.invoke(args=["speld", "demo"])
    assert second.exit_code == 1
    assert "exists" in second.output
    assert db.session.query(Stand).count() == len(zones)


def test_bootstrap_seeds_once_and_shows_a_working_token(runner, client, db, app, tmp_path):
    app.instance_path = str(tmp_path)
    first = runner.invoke(args=["speld", "bootstrap", "--students", "20"])
    assert first.exit_code == 0, first.output
    token = (tmp_path / "organiser-token").read_text().strip()
    assert token in first.output
    assert "Console: https://pins.example.org/console/" in first.output
    second = runner.invoke(args=["speld", "bootstrap", "--students", "20"])
    assert token in second.output
    assert db.session.query(Event).count() == 1
    assert db.session.query(ApiToken).count() == 1
    assert db.session.query(Pin).count() >= 20  # the simulated students' pins
    listed = client.get(
        "/api/v1/events/bdt-2026/stands?zone=twente-plaza",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert listed.json["total"] == 16


def test_batch_create_writes_the_print_set(runner, make, db, tmp_path):
    event = make.event()
    result = runner.invoke(
        args=[
            "speld",
            "batch",
            "create",
            "--event",
            event.slug,
            "--size",
            "12",
            "--label",
            "Day 1",
            "--channel",
            "ut-desk",
            "--out",
            str(tmp_path),
        ]
    )
    assert result.exit_code == 0, result.output
    assert {p.name for p in tmp_path.iterdir()} == {"sheets.pdf", "manifest.csv", "bundle.zip"}
    manifest = (tmp_path / "manifest.csv").read_text().splitlines()
    assert manifest[0] == "code,url,batch,channel,qr_version" and len(manifest) == 13
    assert db.session.query(Pin).count() == 12


def test_batch_create_for_an_unknown_event_fails_and_mints_nothing(runner, db, tmp_path):
    result = runner.invoke(
        args=[
            "speld",
            "batch",
            "create",
            "--event",
            "nope",
            "--size",
            "5",
            "--label",
            "x",
            "--channel",
            "ut-desk",
            "--out",
            str(tmp_path),
        ]
    )
    assert result.exit_code == 1 and "No edition" in result.output
    assert db.session.query(Pin).count() == 0


def test_posters_command_writes_one_page_per_stand(runner, make, tmp_path):
    event, stands = make.plaza(stands=2)
    out = tmp_path / "posters.pdf"
    result = runner.invoke(args=["speld", "posters", "--event", event.slug, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 posters" in result.output and out.read_bytes().startswith(b"%PDF")


def test_a_refused_use_case_ends_the_command_non_zero_with_its_message(runner, db, tmp_path):
    for args in (
        ["speld", "simulate", "--event", "nope", "--students", "3"],
        ["speld", "export", "--event", "nope", "--out", str(tmp_path / "funnel.xlsx")],
        ["speld", "posters", "--event", "nope", "--out", str(tmp_path / "posters.pdf")],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 1, args
        assert "Error: No edition with that short name." in result.output, args
        assert "Traceback" not in result.output


def test_every_command_of_the_speld_group_gets_the_one_error_path(db):
    from click.testing import CliRunner

    from backend.cli import SpeldGroup
    from backend.errors import InvalidInput

    @click.group(cls=SpeldGroup)
    def top():
        """A group like `speld`."""

    @top.group()
    def sub():
        """A subgroup, as `token` and `batch` are."""

    @sub.command("refuse")
    def refuse():
        """A command that catches nothing by hand."""
        raise InvalidInput(fields={"size": ["Must be at least 1."]})

    result = CliRunner().invoke(top, ["sub", "refuse"])
    assert result.exit_code == 1
    assert result.output == "Error: Some fields are not valid. size: Must be at least 1.\n"


def _batch_args(slug, out):
    return [
        *("speld", "batch", "create", "--event", slug, "--size", "2"),
        *("--label", "Day 1", "--channel", "ut-desk", "--out", str(out)),
    ]


@pytest.mark.parametrize("base", ["http://127.0.0.1:8000", "http://localhost:5000"])
def test_batch_and_posters_refuse_this_computers_address_outside_development(
    runner, app, make, db, tmp_path, monkeypatch, base
):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", base)
    event, _ = make.plaza(stands=1)
    refused = runner.invoke(args=_batch_args(event.slug, tmp_path))
    assert refused.exit_code == 1
    assert f"Error: PUBLIC_BASE_URL is {base} (the default when it is not set)" in refused.output
    assert "Set it to the address phones reach" in refused.output
    assert db.session.query(Pin).count() == 0 and not list(tmp_path.iterdir())
    posters = runner.invoke(
        args=["speld", "posters", "--event", event.slug, "--out", str(tmp_path / "p.pdf")]
    )
    assert posters.exit_code == 1 and "PUBLIC_BASE_URL is" in posters.output
    assert not list(tmp_path.iterdir())


def test_in_development_this_computers_address_is_printed_with_a_warning(
    runner, app, make, db, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "http://127.0.0.1:8000")
    monkeypatch.setitem(app.config, "SPELD_ENV", "development")
    event, _ = make.plaza(stands=1)
    result = runner.invoke(args=_batch_args(event.slug, tmp_path))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Warning: PUBLIC_BASE_URL is http://127.0.0.1:8000, this computer: these codes work only here."
    )
    manifest = (tmp_path / "manifest.csv").read_text()
    assert ",HTTP://127.0.0.1:8000/P/" in manifest  # upper case, for QR alphanumeric mode
