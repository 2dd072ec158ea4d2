"""Speld's Flask application factory: it only wires the parts together."""

from pathlib import Path

import flask_babel
from flask import Flask, current_app, g
from werkzeug.middleware.proxy_fix import ProxyFix

from backend import config as speld_config
from backend import (
    health,
    models,  # noqa: F401  (every model must be known to the metadata)
)
from backend.api import register_api
from backend.auth import forget_actor
from backend.cli import speld
from backend.error_responses import register_error_handlers
from backend.extensions import (
    babel,
    csrf,
    db,
    migrate,
    register_liveness_check,
    register_sqlite_pragmas,
    render_migration_item,
)
from backend.pages import register_pages, scanlane
from backend.pages.i18n import current_language
from backend.services import scan_errors, scans, words
from backend.sessions import CachedSerializerSessionInterface
from backend.task_queue import include_migration_name

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    """Build the app from the environment, or from ``config`` (tests pass theirs)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(speld_config.DEFAULTS)
    if config is None:
        app.config.from_mapping(speld_config.from_environment(app.instance_path))
    else:
        app.config.from_mapping(config)
    app.session_interface = CachedSerializerSessionInterface()
    register_extensions(app)
    register_api(app)
    register_pages(app)
    app.register_blueprint(health.bp)
    register_error_handlers(app)
    app.before_request(forget_actor)
    scanlane.install(app)
    if app.config["TRUSTED_PROXIES"]:
        # Only then is X-Forwarded-For believed; otherwise anyone could spoof their address.
        # Outermost, so that the scan lane sees the client's address too.
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    app.cli.add_command(speld)
    return app


def _forget_the_last_request() -> None:
    """Flask-Babel's locale and Flask-WTF's CSRF token live on `g`, which outlives a request
    where an app context is held open (the CLI, tests): each request starts from neither."""
    flask_babel.refresh()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(MIGRATIONS),
        render_as_batch=True,  # SQLite can only alter tables by copying them
        compare_type=True,
        render_item=render_migration_item,
        include_name=include_migration_name,
    )
    csrf.init_app(app)
    # Templates get `_`, `ngettext` and Babel's formats in the request's language.
    babel.init_app(
        app,
        locale_selector=current_language,
        default_translation_directories=str(words.CATALOGUES),
    )
    app.before_request(_forget_the_last_request)
    for lang in words.LANGUAGES:
        words.catalogue(lang)  # a missing or stale catalogue stops the start, not a page
    with app.app_context():
        register_sqlite_pragmas(db.engine)
        register_liveness_check(db.engine)
        scans.install(app, db.engine)
        scan_errors.install(app, db.engine, app.extensions[scans.EXTENSION].write_turn)
