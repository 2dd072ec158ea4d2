"""Fixtures: one app per session on a real database, emptied after every test.

The database is a SQLite file in a temporary folder, or the PostgreSQL server
named by DATABASE_URL (CI sets one). The schema is built by the migrations.
"""

import os
from urllib.parse import urlsplit

import flask_migrate
import pytest
from sqlalchemy import text

from backend import create_app
from backend.config import database_url
from backend.extensions import db as _db
from tests.factories import Factory

REQUIRE_ALL = os.environ.get("SPELD_REQUIRE_ALL") == "1"


def need(available: bool, reason: str) -> None:
    """Skip a test whose real part is missing here; under SPELD_REQUIRE_ALL=1 fail instead."""
    if available:
        return
    if REQUIRE_ALL:
        pytest.fail(f"SPELD_REQUIRE_ALL=1 and a real part is missing: {reason}")
    pytest.skip(reason)


def _test_database_url(tmp_path_factory) -> str:
    raw = os.environ.get("DATABASE_URL")
    if not raw:
        return database_url(None, str(tmp_path_factory.mktemp("db")))
    name = urlsplit(raw).path.lstrip("/")
    if "test" not in name:
        # The suite empties every table: never let it near a real database.
        pytest.exit(f"DATABASE_URL names database {name!r}; tests only run on one named *test*")
    return database_url(raw, "")


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": _test_database_url(tmp_path_factory),
            "PUBLIC_BASE_URL": "https://pins.example.org",
        }
    )
    with app.app_context():
        _db.drop_all()
        with _db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        flask_migrate.upgrade()
    return app


@pytest.fixture
def db(app):
    """The database inside an app context; every row is deleted afterwards."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def make(db):
    """Factories with sensible defaults: ``make.event()``, ``make.stand()`` ..."""
    return Factory()


@pytest.fixture
def auth(make):
    """``auth("organiser")`` -> headers with a fresh bearer token of that role."""

    def headers(role: str, stand=None) -> dict:
        return {"Authorization": f"Bearer {make.token(role, stand)}"}

    return headers
