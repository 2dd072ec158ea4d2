"""Recording scans of pin URLs: the hot path of the whole product.

Every request is written before it is answered (no buffering a crash could
lose). The work per request is kept to one indexed lookup, at most one
repeat check and one insert, through SQLAlchemy Core rather than ORM objects.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, text

from backend.extensions import db
from backend.models import OrphanScan, Scan
from backend.models.types import UtcDateTime
from backend.services.useragents import classify
from backend.services.visitors import visitor_hash
from qr import codes

ORPHAN_PATH_LENGTH = 120
_VISITOR_COLUMNS = ("kind", "device_class", "os_family", "visitor_hash")


@dataclass(frozen=True)
class Visitor:
    """Who sent a request, reduced to what SPEC's privacy rules allow to keep."""

    kind: str  # human, bot or test
    device_class: str
    os_family: str | None
    hash: str | None

    def columns(self) -> dict:
        return {
            "kind": self.kind,
            "device_class": self.device_class,
            "os_family": self.os_family,
            "visitor_hash": self.hash,
        }


def visitor_from(ip: str | None, user_agent: str | None, method: str, is_test: bool, now):
    """Classify a request: organisers' test traffic, bots, or a human on some device."""
    client = classify(user_agent, method)
    kind = "test" if is_test else ("bot" if client.is_bot else "human")
    return Visitor(kind, client.device_class, client.os_family, visitor_hash(ip, user_agent, now))


@dataclass(frozen=True)
class ScanResult:
    status: str  # "active", "void" or "orphan"
    code: str | None = None
    is_repeat: bool = False


# Built once: per request only parameters are bound. Statement construction and
# ORM execution cost several times more than SQLite itself on this path.
_FIND_PIN = text(
    """
    SELECT pins.id, pins.status,
           EXISTS (SELECT 1 FROM scans
                   WHERE scans.pin_id = pins.id AND scans.visitor_hash = :visitor
                     AND scans.kind = 'human' AND scans.scanned_at >= :since) AS seen
    FROM pins WHERE pins.code = :code
    """
).bindparams(bindparam("since", type_=UtcDateTime))
_INSERT_SCAN = insert(Scan).values(
    {
        name: bindparam(name, type_=Scan.__table__.c[name].type)
        for name in ("pin_id", "scanned_at", "is_repeat", "pin_void", *_VISITOR_COLUMNS)
    }
)
_INSERT_ORPHAN = insert(OrphanScan).values(
    {
        name: bindparam(name, type_=OrphanScan.__table__.c[name].type)
        for name in ("scanned_at", "path", *_VISITOR_COLUMNS)
    }
)


def record_scan(
    raw_code: str, path: str, visitor: Visitor, now: datetime, repeat_window: timedelta
):
    """Log one request to a pin URL and say what it was; commits before returning.

    A repeat is the same visitor scanning the same pin (as a human) within the
    window before now; it is kept but not counted.
    """
    connection = db.session.connection()
    pin = None
    if codes.is_valid(raw_code):
        code = codes.normalize(raw_code)
        params = {"code": code, "visitor": visitor.hash, "since": now - repeat_window}
        pin = connection.execute(_FIND_PIN, params).first()
    if pin is None:
        connection.execute(
            _INSERT_ORPHAN,
            {"scanned_at": now, "path": path[:ORPHAN_PATH_LENGTH], **visitor.columns()},
        )
        db.session.commit()
        return ScanResult("orphan")
    is_repeat = visitor.kind == "human" and bool(pin.seen)
    connection.execute(
        _INSERT_SCAN,
        {
            "pin_id": pin.id,
            "scanned_at": now,
            "is_repeat": is_repeat,
            "pin_void": pin.status == "void",
            **visitor.columns(),
        },
    )
    db.session.commit()
    return ScanResult(pin.status, code, is_repeat)
