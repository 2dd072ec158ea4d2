"""Configuration from the environment."""

import pytest

from backend.config import (
    ConfigError,
    database_url,
    from_environment,
    is_local,
    public_base_url,
)


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        from_environment(str(tmp_path), {})


def test_development_keeps_one_generated_secret_key(tmp_path):
    first = from_environment(str(tmp_path), {"SPELD_ENV": "development"})
    second = from_environment(str(tmp_path), {"SPELD_ENV": "development"})
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) == 64


def test_default_database_is_a_sqlite_file_in_the_instance_folder(tmp_path):
    assert database_url(None, str(tmp_path)) == f"sqlite:///{tmp_path}/speld.sqlite"


@pytest.mark.parametrize("raw", ["postgres://u@h/db", "postgresql://u@h/db"])
def test_postgresql_urls_use_psycopg_3(raw):
    assert database_url(raw, "") == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize("raw", ["ftp://x.nl", "https://x.nl/speld", "x.nl", "https://"])
def test_public_base_url_must_be_scheme_and_host_only(raw):
    with pytest.raises(ConfigError):
        public_base_url(raw)


def test_public_base_url_drops_a_trailing_slash():
    assert public_base_url("https://pins.example.org/") == "https://pins.example.org"


@pytest.mark.parametrize(
    "base, local",
    [
        ("http://127.0.0.1:8000", True),
        ("http://127.8.0.1", True),
        ("http://[::1]:8000", True),
        ("http://localhost:8000", True),
        ("http://pins.localhost", True),
        ("http://0.0.0.0:8000", True),
        ("https://pins.example.org", False),
        ("http://192.168.1.20:8000", False),  # a laptop on the venue Wi-Fi: phones reach it
        ("https://localhost.example.org", False),
    ],
)
def test_a_base_url_of_this_computer_is_told_apart(base, local):
    assert is_local(base) is local


def test_follow_up_delay_is_read_from_the_environment(tmp_path):
    env = {"SPELD_ENV": "development"}
    assert from_environment(str(tmp_path), env)["FOLLOW_UP_AFTER_MINUTES"] == 120
    configured = from_environment(str(tmp_path), {**env, "FOLLOW_UP_AFTER_MINUTES": "1440"})
    assert configured["FOLLOW_UP_AFTER_MINUTES"] == 1440
    for bad in ("two hours", "-5"):
        with pytest.raises(ConfigError, match="FOLLOW_UP_AFTER_MINUTES"):
            from_environment(str(tmp_path), {**env, "FOLLOW_UP_AFTER_MINUTES": bad})


def test_the_worker_prints_one_batch_at_a_time_unless_told(tmp_path):
    env = {"SPELD_ENV": "development"}
    settings = from_environment(str(tmp_path), env)
    assert settings["QUEUE_WORKERS"] == 1
    assert (settings["QUEUE_SWEEP_SECONDS"], settings["PRINT_STALE_SECONDS"]) == (30, 60)
    told = {**env, "QUEUE_WORKERS": "2", "PRINT_STALE_SECONDS": "5"}
    settings = from_environment(str(tmp_path), told)
    assert (settings["QUEUE_WORKERS"], settings["PRINT_STALE_SECONDS"]) == (2, 5)
    for name, bad in [("QUEUE_WORKERS", "0"), ("PRINT_STALE_SECONDS", "soon")]:
        with pytest.raises(ConfigError, match=name):
            from_environment(str(tmp_path), {**env, name: bad})


def test_the_queue_lives_beside_a_sqlite_file_or_in_the_postgresql_database():
    from huey.storage import PostgresStorage, SqliteStorage

    from backend.task_queue import storage

    assert storage("sqlite:////srv/speld/instance/speld.sqlite") == {
        "storage_class": SqliteStorage,
        "filename": "/srv/speld/instance/speld-queue.sqlite",
    }
    assert storage("postgresql+psycopg://speld:s%40cret@db.example:5432/speld") == {
        "storage_class": PostgresStorage,
        "dsn": "postgresql://speld:s%40cret@db.example:5432/speld",
        "table_prefix": "speld_queue",
    }
    with pytest.raises(ValueError, match="no task queue"):
        storage("sqlite://")  # in memory: a worker could never reach it
