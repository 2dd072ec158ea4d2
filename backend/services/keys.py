"""Keys derived from ``SECRET_KEY``, one per use, and the keyed hash made with them.

A value that could be guessed (a client's address, its user agent) is stored only
keyed with one of these: the same on every host (each has ``SECRET_KEY``), and
never in the database, so a dump or backup alone cannot be searched for an
address by hashing every possible one. Each use has its own key, so a value keyed
for one use cannot be matched against another's.
"""

import hashlib
import hmac

GUESSING_BRAKE = "guessing brake"
VISITOR_HASH = "visitor hash"


def derived_key(secret_key: str, purpose: str) -> bytes:
    """The key for one ``purpose``, from the app's ``SECRET_KEY``."""
    return hashlib.sha256(f"speld {purpose}\x00{secret_key}".encode()).digest()


def keyed_hash(key: bytes, *parts: str) -> str:
    """HMAC-SHA256 of ``parts`` (joined with NUL, which none of them holds) as 64 hex digits."""
    message = "\x00".join(parts).encode("utf-8", "replace")
    return hmac.new(key, message, hashlib.sha256).hexdigest()
