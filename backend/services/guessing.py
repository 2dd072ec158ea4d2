"""The brake on guessing codes: unknown-code lookups, counted per address in the database.

On venue Wi-Fi hundreds of students share one public address, so the brake
never refuses a valid code: a student's scan is always recorded and answered.
Only what enumeration looks like counts: a pin or stand code that is malformed
or unknown. Past ``UNKNOWN_CODE_LIMIT`` in a window, an address's further
unknown codes are answered 429 (and still recorded, flagged ``refused``) until
its lookups fall back under the limit. Refused lookups count too, so a guesser
who keeps going stays stopped.

The count lives in the database (``unknown_code_lookups``), so every worker and
every host sees the same one, on SQLite as on PostgreSQL, with nothing beside
it to run. What the brake cannot do, and why that is acceptable, is in
``docs/architecture.md`` ("The guessing brake").
"""

import re
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select

from backend.models import UnknownCodeLookup

# What a refused lookup is told: the shortest window is usually a minute.
REFUSED_RETRY_SECONDS = 60
_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_LIMIT = re.compile(r"\s*(\d+)\s*/\s*(second|minute|hour|day)\s*")


def parse_limits(spec: str) -> tuple[tuple[int, timedelta], ...]:
    """``"30/minute;300/hour"`` → ((30, 1 minute), (300, 1 hour)); refuses anything else."""
    limits = []
    for part in spec.split(";"):
        match = _LIMIT.fullmatch(part)
        if match is None or int(match[1]) < 1:
            raise ValueError(f"UNKNOWN_CODE_LIMIT: {part.strip()!r} is not like '30/minute'")
        limits.append((int(match[1]), timedelta(seconds=_UNITS[match[2]])))
    return tuple(limits)


class GuessingBrake:
    def __init__(self, engine, limit_spec: str, write_turn):
        self.engine = engine
        self.limits = parse_limits(limit_spec)
        self.write_turn = write_turn  # SQLite writers take turns (see ScanRecorder)

    def refuses(self, address_key: str, now: datetime) -> bool:
        """Record one unknown-code lookup from this address; True when it is over a limit."""
        table = UnknownCodeLookup.__table__
        recent = select(func.count()).where(table.c.source_hash == address_key)
        with self.write_turn(), self.engine.begin() as connection:
            # Two workers may both read 29 and let a 31st through: a brake, not a vault.
            over = any(
                connection.scalar(recent.where(table.c.looked_up_at > now - window)) >= amount
                for amount, window in self.limits
            )
            connection.execute(
                insert(table).values(looked_up_at=now, source_hash=address_key, refused=over)
            )
        return over
