"""Visitor hashes: enough to spot a repeat scan, never enough to find a person.

A visitor is SHA-256(salt of the day, IP address, user agent). The salt is
random, kept for one day in ``visitor_salts`` and then deleted, so a hash
from yesterday can no longer be linked to anything. IP addresses are never
stored anywhere.
"""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from backend.extensions import db
from backend.models import VisitorSalt

# Per-process cache of today's salt: one row read per worker per day, not per request.
_cached: tuple[str, str] | None = None


def salt_for(day: str, engine=None) -> str:
    """Today's salt, created on first use; older salts are deleted as a new day starts.

    ``engine`` for callers outside an app context (the scan lane); else the app's.
    """
    global _cached
    if _cached and _cached[0] == day:
        return _cached[1]
    engine = engine or db.engine
    table = VisitorSalt.__table__
    with engine.begin() as connection:  # its own transaction: the salt outlives any request
        salt = connection.scalar(select(table.c.salt).where(table.c.day == day))
    if salt is None:
        try:
            with engine.begin() as connection:
                connection.execute(delete(table).where(table.c.day != day))
                connection.execute(insert(table).values(day=day, salt=secrets.token_hex(32)))
        except IntegrityError:
            pass  # another worker made today's salt first; read theirs below
        with engine.begin() as connection:
            salt = connection.scalar(select(table.c.salt).where(table.c.day == day))
    _cached = (day, salt)
    return salt


def visitor_hash(ip: str | None, user_agent: str | None, now: datetime, engine=None) -> str:
    """The hash of who sent a request, valid for comparisons within one UTC day."""
    salt = salt_for(now.date().isoformat(), engine)
    material = f"{salt}\x00{ip or ''}\x00{(user_agent or '')[:512]}"
    return hashlib.sha256(material.encode("utf-8", "replace")).hexdigest()
