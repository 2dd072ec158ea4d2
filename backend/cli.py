"""The ``flask speld`` commands: thin wrappers over the use cases."""

import functools
import logging
from datetime import UTC
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from backend import task_queue
from backend.config import check_print_base
from backend.errors import DomainError
from backend.extensions import db
from backend.models.types import utcnow
from backend.pages.refusals import english
from backend.services import (
    audit,
    demo,
    pins,
    printing,
    reports,
    retention,
    sign_in_cards,
    simulation,
    tokens,
)
from backend.services import backup as backups
from backend.services.events import get_event
from backend.services.validation import ID_MAX
from exports.formats import FORMATS
from exports.tables import API_LANGUAGE, DEFAULT_TABLE, TABLES
from qr import RenderOptionError, SheetLayout

# A row's number, as in URLs: a larger one names no row and overflowed the database.
ROW_ID = click.IntRange(1, ID_MAX)


def refusal(error: DomainError) -> click.ClickException:
    """The ClickException (exit code 1, message on stderr) a use case's refusal becomes."""
    fields = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in error.fields.items())
    return click.ClickException(f"{english(error)} {fields}".strip())


def domain_errors(callback):
    """Decorate a command: a DomainError from its use case ends it with the error's message."""

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except DomainError as error:
            raise refusal(error) from error

    return run


class SpeldCommand(click.Command):
    """A command whose DomainErrors leave through ``domain_errors``: the CLI's one error path."""

    def __init__(self, *args, callback=None, **kwargs):
        super().__init__(*args, callback=callback and domain_errors(callback), **kwargs)


class SpeldGroup(click.Group):
    """A group whose commands and subgroups are all Speld's, so no command catches by hand."""

    command_class = SpeldCommand
    group_class = type  # subgroups are SpeldGroups too


@click.group(cls=SpeldGroup)
def speld():
    """Speld: tokens, demo data, pins and exports."""
    # Changes made by these commands are audited as the command line's.
    audit.acting_as(audit.CLI)


@speld.group()
def token():
    """API tokens."""


@token.command("create")
@click.option("--role", required=True, type=click.Choice(["organiser", "viewer", "stand"]))
@click.option("--label", required=True, help="Who or what the token is for.")
@click.option("--stand", "stand_id", type=ROW_ID, help="The stand a stand token belongs to.")
@click.option(
    "--expires", type=click.DateTime(), help="UTC time it stops working, e.g. 2026-02-20."
)
@with_appcontext
def token_create(role, label, stand_id, expires):
    """Create a token and print it once; only its hash is kept."""
    expires_at = expires.replace(tzinfo=UTC) if expires else None
    row, secret = tokens.create_token(role, label, stand_id, expires_at)
    click.echo(f"Token #{row.id} ({row.role}, {row.label}) — shown once, keep it safe:")
    click.echo(secret)


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def _who(row) -> str:
    """The token's role, and a stand token's stand as the console shows it (label, company)."""
    return f"stand {tokens.stand_name(row)}" if row.stand_id else row.role


@token.command("list")
@click.option("--live", is_flag=True, help="Leave out revoked tokens.")
@with_appcontext
def token_list(live):
    """List tokens with their last use (never their secrets)."""
    page = tokens.list_tokens(1, 10_000, include_revoked=not live)
    for row in page.items:
        state = f"revoked {_when(row.revoked_at)}" if row.revoked_at else "live"
        click.echo(
            f"#{row.id}\t{_who(row)}\t{row.label}\tlast used {_when(row.last_used_at)}"
            f"\texpires {_when(row.expires_at)}\t{state}"
        )
    click.echo(f"{page.total} token(s)")


@token.command("revoke")
@click.option("--id", "token_id", required=True, type=ROW_ID, help="The token's number, from list.")
@with_appcontext
def token_revoke(token_id):
    """Revoke a token: its API use and browser sessions end at once."""
    row = tokens.revoke_token(token_id)
    click.echo(f"Revoked token #{row.id} ({row.role}, {row.label}).")


@token.command("card")
@click.option(
    "--role",
    type=click.Choice(["stand", "viewer", "organiser"]),
    default="stand",
    show_default=True,
    help="Whom the card is for: a stand's opens the scanner, a viewer's the dashboard, "
    "an organiser's the console.",
)
@click.option("--stand", "stand_id", type=ROW_ID, help="The stand a stand card signs in.")
@click.option("--event", "event_slug", help="A viewer's edition (default: the newest).")
@click.option("--label", required=True, help="Who or what the token is for, e.g. 'TP-07 tablet'.")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--expires", type=click.DateTime(), help="UTC time it stops working, e.g. 2026-02-20."
)
@with_appcontext
def token_card(role, stand_id, event_slug, label, out_file, expires):
    """Create a token and write its sign-in card (A6 PDF), the token's only copy.

    The token is kept only if the card was written: a failed write leaves no token.
    """
    expires_at = expires.replace(tzinfo=UTC) if expires else None
    written = []

    def deliver(data: bytes) -> None:
        _write_new(out_file, data)
        written.append(out_file)

    try:
        row = sign_in_cards.issue_card(
            role,
            label,
            current_app.config["PUBLIC_BASE_URL"],
            deliver,
            stand_id=stand_id,
            event_slug=event_slug,
            expires_at=expires_at,
        )
    except BaseException:
        for path in written:  # the token was not kept (its commit failed): nor is its card
            path.unlink(missing_ok=True)
        raise
    click.echo(f"Token #{row.id} ({_who(row)}, {row.label}): sign-in card in {out_file}")
    click.echo("The card is the only copy of the token: keep it safe, or revoke the token.")


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a temporary file, then a rename)."""
    part = path.with_name(f".{path.name}.part")
    try:
        part.write_bytes(data)
        part.replace(path)
    except OSError as error:
        part.unlink(missing_ok=True)
        raise click.ClickException(f"Cannot write {path}: {error.strerror}") from error


@speld.command("demo")
@with_appcontext
def demo_command():
    """Create the demo edition bdt-2026 (refuses if it exists)."""
    event = demo.seed_demo()
    click.echo(f"Created {event.slug} with {len(event.stands)} stands.")


DEMO_STUDENTS = 1000  # enough for a lively dashboard, about 20 s on first start


@speld.command("bootstrap")
@click.option(
    "--students", type=click.IntRange(0, 50_000), default=DEMO_STUDENTS, show_default=True
)
@with_appcontext
def bootstrap(students):
    """For `make run`: seed and simulate the demo on an empty database; keep a local organiser token.

    The token is written to the instance folder (mode 600) so a developer's
    next `make run` can show it again; production creates tokens with
    `flask speld token create` instead.
    """
    if demo.database_is_empty():
        event = demo.seed_demo()
        click.echo(f"Seeded the demo edition {event.slug}; simulating its visitors:")
        if students:
            with click.progressbar(length=students, label="Simulating students") as bar:
                simulation.simulate(event.slug, students, tick=bar.update)
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
    click.echo(f"Console: {base}/console/ (sign in with the token)")
    click.echo(f'Try: curl -H "Authorization: Bearer {token_text}" {stands_url}')
    click.echo(f"Dashboard: {base}/dashboard/{demo.DEMO_SLUG} (sign in with the token)")
    click.echo(f"API description: {base}/api/v1/openapi.json\n")


def _print_base() -> str:
    """PUBLIC_BASE_URL for printed codes, after ``check_print_base`` refused or warned."""
    base = current_app.config["PUBLIC_BASE_URL"]
    warning = check_print_base(base, current_app.config.get("SPELD_ENV") == "development")
    if warning:
        click.secho(f"Warning: {warning}", fg="yellow", err=True)
    return base


@speld.group()
def batch():
    """Pin batches."""


@batch.command("create")
@click.option("--event", "event_slug", required=True, help="Event slug, e.g. bdt-2026.")
@click.option("--size", required=True, type=click.IntRange(1, pins.MAX_BATCH))
@click.option("--label", required=True, help="Name of the print run, e.g. 'Day 1'.")
@click.option("--channel", required=True, help="Distribution channel, e.g. ut-desk.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--preset", help="Badge machine: 25, 32, 38, 44, 56 or 58 (mm). Default 25.")
@click.option("--diameter-mm", help="A custom pin face instead of a preset, in mm.")
@click.option("--bleed-mm", help="With --diameter-mm: paper that wraps round the edge (4).")
@click.option("--cut", help="contour (CutContour spot colour, default) or hairline.")
@with_appcontext
def batch_create(event_slug, size, label, channel, out_dir, preset, diameter_mm, bleed_mm, cut):
    """Mint a batch and write sheets.pdf, manifest.csv and bundle.zip into OUT."""
    base = _print_base()
    given = {"preset": preset, "diameter_mm": diameter_mm, "bleed_mm": bleed_mm, "cut": cut}
    try:
        layout = SheetLayout.from_params({k: v for k, v in given.items() if v is not None})
        made = pins.mint_batch(event_slug, label, channel, size)
    except RenderOptionError as error:
        hint = f"--{error.field.replace('_', '-')}"
        raise click.BadParameter(error.message, param_hint=hint) from error
    click.echo(f"Minted batch #{made.id}: {size} pins for {event_slug} ({made.channel}).")
    branding = printing.edition_look(current_app.config).branding
    with click.progressbar(length=size, label="Printing") as bar:
        info = printing.print_set(
            made.id, base, layout, out_dir, tick=bar.update, branding=branding
        )
    click.echo(
        f"{layout.machine}; {info.sheets.pages} pages, {info.sheets.per_page} pins a page, "
        f"QR version {info.sheets.max_version}, modules {info.sheets.module_mm:.3f} mm"
    )
    for path in info.files:
        click.echo(f"  {path}")


@speld.command("worker")
@with_appcontext
def worker():
    """Run the task queue's worker: large batches' print files (QUEUE_WORKERS at once)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    task_queue.consumer(current_app._get_current_object()).run()


@speld.command("posters")
@click.option("--event", "event_slug", required=True)
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def posters(event_slug, out_file):
    """Write an A4 poster for every stand of the event into one PDF."""
    base = _print_base()
    stands = printing.event_stands(get_event(event_slug))
    with out_file.open("wb") as out:
        look = printing.edition_look(current_app.config)
        count = printing.print_posters(stands, base, out, look.branding)
    click.echo(f"{count} posters written to {out_file}")


@speld.command("export")
@click.option("--event", "event_slug", required=True)
@click.option(
    "--format", "kind", type=click.Choice(list(FORMATS)), default="xlsx", show_default=True
)
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--table", type=click.Choice(list(TABLES)), default=DEFAULT_TABLE, help="For csv.")
@click.option("--viewer", is_flag=True, help="Suppress small numbers, as viewers see them.")
@click.option(
    "--lang",
    default=API_LANGUAGE,
    show_default=True,
    help="Column, sheet and file names in nl or en; the figures are the same.",
)
@with_appcontext
def export(event_slug, kind, out_file, table, viewer, lang):
    """Write the funnel of an event as csv, xlsx, json or zip (the API's very files)."""
    made = reports.export_file(event_slug, kind, exact=not viewer, lang=lang, table=table)
    out_file.write_bytes(made.body)
    click.echo(f"Wrote {out_file} ({len(made.body):,} bytes)")


@speld.command("report")
@click.option("--event", "event_slug", required=True, help="Event slug, e.g. bdt-2026.")
@click.option(
    "--format", "kind", type=click.Choice(["pdf", "docx"]), default="pdf", show_default=True
)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--viewer", is_flag=True, help="As a viewer sees it: small counts hidden.")
@with_appcontext
def report(event_slug, kind, lang, out_file, viewer):
    """Write an edition's report for the council (PDF or Word), Dutch unless --lang en."""
    made = reports.report_file(event_slug, kind, exact=not viewer, lang=lang)
    out_file.write_bytes(made.body)
    click.echo(f"Wrote {out_file} ({len(made.body):,} bytes)")


@speld.command("simulate")
@click.option("--event", "event_slug", required=True)
@click.option("--students", type=click.IntRange(1, 50_000), default=3000, show_default=True)
@click.option("--seed", type=int, help="Replay a fair; by default the event's next unused seed.")
@with_appcontext
def simulate(event_slug, students, seed):
    """Generate believable fair traffic through the same use cases real requests use.

    Each run adds a new crowd with its own batches; a seed runs once per event.
    """
    with click.progressbar(length=students, label="Simulating students") as bar:
        run = simulation.simulate(event_slug, students, seed, tick=bar.update)
    written = ", ".join(f"{value} {name}" for name, value in run.written.items())
    click.echo(f"Seed {run.seed}: {written}")


@speld.command("backup")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(out_file):
    """Copy the SQLite database to OUT while Speld keeps running (PostgreSQL: use pg_dump)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        raise click.ClickException(
            "This database is not a SQLite file; back PostgreSQL up with "
            "pg_dump --format=custom (docs/deploy.md, Backups)."
        )
    if out_file.resolve() == Path(url.database).resolve():
        raise click.ClickException("--out must not be the database itself.")
    info = backups.sqlite_backup(url.database, out_file)
    click.echo(f"Backed up {info.scans:,} scans to {info.path} ({info.size:,} bytes).")


@speld.command("retention")
@click.option("--apply/--dry-run", default=False, help="Change rows, or only count them.")
@with_appcontext
def retention_command(apply):
    """Remove what is kept no longer: salts, hashes, paths, brake counts, error counts."""
    report = retention.apply_retention(
        utcnow(), current_app.config["HASH_RETENTION_DAYS"], apply=apply
    )
    click.echo("Changed:" if apply else "Would change (dry run, nothing changed yet):")
    click.echo(f"  salts of past days deleted: {report.salts}")
    for table, count in report.hashes.items():
        click.echo(f"  visitor hashes blanked in {table}: {count}")
    click.echo(
        f"  orphan paths older than {retention.ORPHAN_PATH_DAYS} days cut: {report.orphan_paths}"
    )
    click.echo(
        f"  guessing brake counts older than {retention.GUESS_COUNT_DAYS} days deleted: "
        f"{report.guess_counts}"
    )
    click.echo(
        f"  scan path error counts older than {retention.SCAN_ERROR_DAYS} days deleted: "
        f"{report.scan_errors}"
    )
    if not apply:
        click.echo("Run with --apply to do it.")
