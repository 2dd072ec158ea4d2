"""The ``flask speld`` commands: thin wrappers over the use cases."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from backend.errors import DomainError
from backend.services import demo, pins, printing, tokens
from backend.services.events import get_event
from qr import RenderOptionError, SheetLayout


@click.group()
def speld():
    """Speld: tokens, demo data, pins and exports."""


def _fail(error: DomainError):
    fields = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in error.fields.items())
    raise click.ClickException(f"{error.message} {fields}".strip()) from error


@speld.group()
def token():
    """API tokens."""


@token.command("create")
@click.option("--role", required=True, type=click.Choice(["organiser", "viewer", "stand"]))
@click.option("--label", required=True, help="Who or what the token is for.")
@click.option("--stand", "stand_id", type=int, help="The stand a stand token belongs to.")
@with_appcontext
def token_create(role, label, stand_id):
    """Create a token and print it once; only its hash is kept."""
    try:
        row, secret = tokens.create_token(role, label, stand_id)
    except DomainError as error:
        _fail(error)
    click.echo(f"Token #{row.id} ({row.role}, {row.label}) — shown once, keep it safe:")
    click.echo(secret)


@speld.command("demo")
@with_appcontext
def demo_command():
    """Create the demo edition bdt-2026 (refuses if it exists)."""
    try:
        event = demo.seed_demo()
    except DomainError as error:
        _fail(error)
    click.echo(f"Created {event.slug} with {len(event.stands)} stands.")


@speld.command("bootstrap")
@with_appcontext
def bootstrap():
    """For `make run`: seed the demo on an empty database and keep a local organiser token.

    The token is written to the instance folder (mode 600) so a developer's
    next `make run` can show it again; production creates tokens with
    `flask speld token create` instead.
    """
    if demo.database_is_empty():
        event = demo.seed_demo()
        click.echo(f"Seeded the demo edition {event.slug}.")
    path = Path(current_app.instance_path) / "organiser-token"
    if not (path.exists() and tokens.authenticate_or_none(path.read_text().strip())):
        _, secret = tokens.create_token("organiser", "make run (local development)")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secret + "\n")
        path.chmod(0o600)
    token_text = path.read_text().strip()
    base = current_app.config["PUBLIC_BASE_URL"]
    stands_url = f"{base}/api/v1/events/{demo.DEMO_SLUG}/stands"
    click.echo(f"\nSpeld is starting on {base}/")
    click.echo(f"Organiser token: {token_text}")
    click.echo(f'Try: curl -H "Authorization: Bearer {token_text}" {stands_url}')
    click.echo(f"API description: {base}/api/v1/openapi.json\n")


@speld.group()
def batch():
    """Pin batches."""


@batch.command("create")
@click.option("--event", "event_slug", required=True, help="Event slug, e.g. bdt-2026.")
@click.option("--size", required=True, type=click.IntRange(1, pins.MAX_BATCH))
@click.option("--label", required=True, help="Name of the print run, e.g. 'Day 1'.")
@click.option("--channel", required=True, help="Distribution channel, e.g. ut-desk.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--diameter-mm", type=float, default=25.0, show_default=True)
@with_appcontext
def batch_create(event_slug, size, label, channel, out_dir, diameter_mm):
    """Mint a batch and write sheets.pdf, manifest.csv and bundle.zip into OUT."""
    try:
        layout = SheetLayout(diameter_mm=diameter_mm)
        made = pins.mint_batch(event_slug, label, channel, size)
    except RenderOptionError as error:
        raise click.BadParameter(error.message, param_hint=f"--{error.field}") from error
    except DomainError as error:
        _fail(error)
    click.echo(f"Minted batch #{made.id}: {size} pins for {event_slug} ({channel}).")
    base = current_app.config["PUBLIC_BASE_URL"]
    with click.progressbar(length=size, label="Printing") as bar:
        info = printing.print_set(made.id, base, layout, out_dir, tick=bar.update)
    click.echo(
        f"{info.sheets.pages} pages, {info.sheets.per_page} pins a page, "
        f"QR version {info.sheets.max_version}, modules {info.sheets.module_mm:.3f} mm"
    )
    for path in info.files:
        click.echo(f"  {path}")


@speld.command("posters")
@click.option("--event", "event_slug", required=True)
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def posters(event_slug, out_file):
    """Write an A4 poster for every stand of the event into one PDF."""
    try:
        stands = printing.event_stands(get_event(event_slug))
    except DomainError as error:
        _fail(error)
    with out_file.open("wb") as out:
        count = printing.print_posters(stands, current_app.config["PUBLIC_BASE_URL"], out)
    click.echo(f"{count} posters written to {out_file}")
