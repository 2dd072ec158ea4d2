"""Column types and enumerations shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite has no time zones; keeping every value in UTC on both databases
    means the funnel's hour and day buckets mean the same everywhere.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; pass an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def one_of(column: str, values) -> str:
    """SQL for a CHECK constraint that ``column`` holds one of ``values``."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


# Who caused a recorded request. Bots and tests are kept, flagged, and never counted.
TRAFFIC_KINDS = ("human", "bot", "test")
DEVICE_CLASSES = ("mobile", "tablet", "desktop", "bot", "other")
ROLES = ("organiser", "viewer", "stand")
PIN_STATUSES = ("active", "void")
VISIT_METHODS = ("self", "staff")
NAMED_BEFORE = ("0", "1-2", "3-5", "6+")
TWENTE_PLAZA = "twente-plaza"
# Slugs of events, channels and zones: lower-case words joined by single hyphens.
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
