"""The brake on guessing codes: unknown-code lookups, counted per network in the database.

On venue Wi-Fi hundreds of students share one public address, so the brake
never refuses a valid code: a student's scan is always recorded and answered.
Only what enumeration looks like counts: a pin or stand code that is malformed
or unknown, at any door that answers "is this a pin". Past ``UNKNOWN_CODE_LIMIT``
in a window, a network's further unknown codes are answered 429 (and still
recorded, flagged ``refused``) until its count falls back under the limit.
Refused lookups count too, so a guesser who keeps going stays stopped.

The count lives in the database (``guess_counts``), so every worker and every
host sees the same one, on SQLite as on PostgreSQL, with nothing beside it to
run. A guesser's cost stays the guesser's:

- the check reads two rows per limit (this window and the one before), whatever
  the address did before: a sliding window estimated from two fixed ones;
- it reads them before taking the SQLite write turn, and the lookup's writes (one
  upsert per limit and the funnel's row) are one short transaction in that turn,
  so a valid scan waits at most for that, never for a count; on PostgreSQL that
  transaction does not wait for the disk (``synchronous_commit`` off for it alone);
- the key is the network, not the day: an IPv4 address, or an IPv6 address's /64
  (one household, one phone's privacy addresses), keyed with a secret derived from
  ``SECRET_KEY``, so the allowance does not start again at midnight UTC.

What the brake cannot do, and why that is acceptable, is in ``docs/architecture.md``
("The guessing brake").
"""

import ipaddress
import re
from datetime import datetime, timedelta

from sqlalchemy import and_, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from backend.models import GuessCount, UnknownCodeLookup
from backend.services.keys import GUESSING_BRAKE, derived_key, keyed_hash

# What a refused lookup is told: the shortest window is usually a minute.
REFUSED_RETRY_SECONDS = 60
_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_LIMIT = re.compile(r"\s*(\d+)\s*/\s*(second|minute|hour|day)\s*")
IPV6_PREFIX = 64


def parse_limits(spec: str) -> tuple[tuple[int, timedelta], ...]:
    """``"30/minute;300/hour"`` → ((30, 1 minute), (300, 1 hour)); refuses anything else."""
    limits = []
    for part in spec.split(";"):
        match = _LIMIT.fullmatch(part)
        if match is None or int(match[1]) < 1:
            raise ValueError(f"UNKNOWN_CODE_LIMIT: {part.strip()!r} is not like '30/minute'")
        limits.append((int(match[1]), timedelta(seconds=_UNITS[match[2]])))
    return tuple(limits)


def network(address: str | None) -> str:
    """What the brake counts by: an IPv4 address, or the /64 an IPv6 address is in.

    A /64 is one household or one phone (which picks new addresses inside it at
    will). An IPv4 address written as IPv6 (``::ffff:192.0.2.1``) is that IPv4
    address; anything else (a Unix socket, no address) is counted as it is.
    """
    text = (address or "").strip()
    try:
        ip = ipaddress.ip_address(text.split("%", 1)[0])  # a scope (fe80::1%eth0) is no network
    except ValueError:
        return text
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.version == 4:
        return str(ip)
    return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))


class GuessingBrake:
    def __init__(self, engine, limit_spec: str, write_turn, secret: str):
        self.engine = engine
        self.limits = tuple(
            (amount, int(w.total_seconds())) for amount, w in parse_limits(limit_spec)
        )
        self.write_turn = write_turn  # SQLite writers take turns (see ScanRecorder)
        # A key of its own, derived from SECRET_KEY: the same on every host, and a stored
        # count cannot be linked to a visitor hash or anything else keyed with the secret.
        self._secret = derived_key(secret, GUESSING_BRAKE)
        self._postgresql = engine.dialect.name == "postgresql"
        dialect = postgresql if self._postgresql else sqlite
        table = GuessCount.__table__
        upsert = dialect.insert(table)
        self._count = upsert.on_conflict_do_update(
            index_elements=[table.c.source_hash, table.c.window_seconds, table.c.window_start],
            set_={"lookups": table.c.lookups + 1},
        )

    def key(self, address: str | None) -> str:
        """The brake's key for a client address: its network, keyed with the brake's secret."""
        return keyed_hash(self._secret, network(address))

    def refuses(self, address: str | None, now: datetime) -> bool:
        """Count one unknown-code lookup from this address; True when it is over a limit."""
        key = self.key(address)
        epoch = now.timestamp()
        current = {seconds: int(epoch // seconds) * seconds for _, seconds in self.limits}
        table = GuessCount.__table__
        wanted = or_(
            *(
                and_(
                    table.c.window_seconds == seconds,
                    table.c.window_start.in_((start - seconds, start)),
                )
                for seconds, start in current.items()
            )
        )
        read = select(table.c.window_seconds, table.c.window_start, table.c.lookups).where(
            table.c.source_hash == key, wanted
        )
        # Read before the write turn: a count never holds up anybody's write.
        with self.engine.connect() as connection:
            counts = {(s, start): n for s, start, n in connection.execute(read)}
        over = False
        for amount, seconds in self.limits:
            start = current[seconds]
            # The window before, weighed by how much of it is still inside the last
            # ``seconds``: a sliding window from two fixed ones. Two workers reading at
            # the same moment may each let one more through: a brake, not a vault.
            earlier = counts.get((seconds, start - seconds), 0) * (1 - (epoch - start) / seconds)
            if earlier + counts.get((seconds, start), 0) >= amount:
                over = True
        rows = [
            {"source_hash": key, "window_seconds": s, "window_start": start, "lookups": 1}
            for s, start in current.items()
        ]
        with self.write_turn(), self.engine.begin() as connection:
            if self._postgresql:
                # A count is not worth waiting for the disk: a crash may lose the last
                # moment's counts, never a scan (the orphan scan was committed before).
                connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            connection.execute(self._count, rows)
            connection.execute(
                insert(UnknownCodeLookup.__table__).values(looked_up_at=now, refused=over)
            )
        return over
