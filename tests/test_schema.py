"""The schema: migrations agree with the models, and the database itself enforces the rules."""

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from backend.extensions import db as _db
from backend.models import ApiToken, Batch, Pin, StandVisit
from backend.task_queue import include_migration_name


def _differences():
    with _db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_migration_name}
        )
        return compare_metadata(context, _db.metadata)


def test_migrations_build_exactly_the_models(db):
    assert _differences() == []


def test_migrations_downgrade_to_nothing_and_back(db):
    flask_migrate.downgrade(revision="base")
    with db.engine.connect() as connection:
        assert not db.inspect(connection).has_table("events")
    flask_migrate.upgrade()  # one chain: a fork of heads fails here
    assert _differences() == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only apply to SQLite (this run is on PostgreSQL)")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
        assert connection.execute(text("PRAGMA cache_size")).scalar() == -32000  # 32 MB


def _insert_fails(db, row):
    db.session.add(row)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_database_refuses_duplicate_pin_codes(db, make):
    event = make.event()
    batch = Batch(event_id=event.id, label="Day 1", channel="ut-desk", size=2)
    db.session.add_all([batch, Pin(code="ABCDEFGHJ", batch=batch)])
    db.session.commit()
    _insert_fails(db, Pin(code="ABCDEFGHJ", batch_id=batch.id))


def test_database_refuses_unknown_foreign_keys(db):
    _insert_fails(db, Pin(code="ZZZZZZZZZ", batch_id=424242))


def test_database_refuses_a_status_outside_the_list(db, make):
    event = make.event()
    batch = Batch(event_id=event.id, label="Day 1", channel="ut-desk", size=1)
    db.session.add(batch)
    db.session.commit()
    _insert_fails(db, Pin(code="YYYYYYYYY", batch_id=batch.id, status="lost"))


def test_database_refuses_a_stand_token_without_a_stand(db):
    _insert_fails(db, ApiToken(label="x", role="stand", token_hash="0" * 64))


def test_database_refuses_a_rehearsal_that_would_count(db, make):
    stand = make.stand()
    pin_id = db.session.scalar(select(Pin.id).where(Pin.code == make.pin_codes(stand.event, 1)[0]))
    visit = dict(pin_id=pin_id, stand_id=stand.id, method="staff", is_rehearsal=True)
    _insert_fails(db, StandVisit(**visit, is_test=False))
    db.session.add(StandVisit(**visit, is_test=True))
    db.session.commit()
