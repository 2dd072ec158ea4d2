"""Is this instance ready to serve? The checks behind ``/readyz``.

Each check is one cheap round trip: a load balancer asks every few seconds.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from backend.extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"


@dataclass(frozen=True)
class Readiness:
    """What each check found; ``ready`` only when all of them passed."""

    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        return all(value == "ok" for value in self.checks.values())


@cache
def migration_heads() -> frozenset[str]:
    """The revisions a current database is at (read once per process from the scripts)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def _database() -> tuple[str, str]:
    try:
        with db.engine.connect() as connection:
            applied = frozenset(connection.scalars(text("SELECT version_num FROM alembic_version")))
    except Exception as error:  # any failure to answer means not ready; say which kind
        return "unreachable: " + type(error).__name__, "unknown"
    if applied != migration_heads():
        return "ok", "behind: run flask db upgrade"
    return "ok", "ok"


def readiness() -> Readiness:
    """Database reachable and its migrations current: the only store Speld shares.

    The guessing brake counts in the database too, so there is no Redis to check.
    """
    database, migrations = _database()
    return Readiness({"database": database, "migrations": migrations})
