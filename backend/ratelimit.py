"""The brake on guessing codes: lookups of unknown codes, counted per client address.

On venue Wi-Fi hundreds of students share one public address, so a limit on
all lookups would lock out the fair. Only what enumeration looks like counts:
a pin or stand code that is malformed or unknown. Once an address has passed
``UNKNOWN_CODE_LIMIT``, its code lookups get 429 until the window ends (else a
guesser would still learn which codes exist). Valid scans never count.

Built on ``limits`` (the engine behind Flask-Limiter) directly: one storage
test per request, where Flask-Limiter's per-request machinery cost more than
the scan's own database work. Storage from ``RATELIMIT_STORAGE_URI``
(``memory://`` for one host; ``redis://…`` or ``memcached://…`` for several).
"""

from flask import current_app, request
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

SCOPE = "unknown-codes"


class UnknownCodeBrake:
    def __init__(self, storage_uri: str, limit_spec: str):
        self.storage = storage_from_string(storage_uri)
        self.strategy = MovingWindowRateLimiter(self.storage)
        self.items = tuple(parse_many(limit_spec))

    def allows(self, key: str) -> bool:
        return all(self.strategy.test(item, SCOPE, key) for item in self.items)

    def count(self, key: str) -> None:
        for item in self.items:
            self.strategy.hit(item, SCOPE, key)

    def reset(self) -> None:
        self.storage.reset()


def init_app(app) -> None:
    app.extensions["speld_brake"] = UnknownCodeBrake(
        app.config["RATELIMIT_STORAGE_URI"], app.config["UNKNOWN_CODE_LIMIT"]
    )


def _brake() -> UnknownCodeBrake:
    return current_app.extensions["speld_brake"]


def _key() -> str:
    return request.remote_addr or "unknown"


def refuse_if_guessing() -> None:
    """Raise 429 when this address has looked up too many unknown codes."""
    if not _brake().allows(_key()):
        raise TooManyRequests("Too many unknown codes from this address; try again later.")


def count_unknown_code() -> None:
    """Count one lookup of an unknown or malformed code against this address."""
    _brake().count(_key())
