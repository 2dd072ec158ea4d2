"""Retention: what the privacy page promises about how long things are kept, done.

Three rules, each an UPDATE or DELETE on rows past their time; running them
again changes nothing (idempotent). None of them touches what the funnel counts:
times, pins, kinds, devices and answers stay, so its figures are the same after.

1. Daily salts: a visitor hash is made with the salt of its UTC day. Scanning
   deletes older salts only when a new day's first scan arrives; after the fair
   no scan may come, so this removes every salt of a day before today.
2. Visitor hashes: needed only to tell a repeat scan within the repeat window.
   Blanked once the fair is over for good: the event's last day plus
   ``HASH_RETENTION_DAYS`` (rows of pins of that event), or for requests to
   unknown codes (not tied to an event) that many days after the request.
3. Orphan paths: the raw path of a request to an unknown code, kept to find a
   misprint, is cut after ``ORPHAN_PATH_DAYS``; the row itself is counted and stays.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, select, update

from backend.extensions import db
from backend.models import (
    Batch,
    Event,
    LandingVisit,
    OrphanScan,
    Pin,
    PortalClick,
    Scan,
    VisitorSalt,
)

ORPHAN_PATH_DAYS = 90
CUT_PATH = ""  # what a cut orphan path becomes


@dataclass(frozen=True)
class RetentionReport:
    """How many rows each rule changed (or, in a dry run, would change)."""

    salts: int
    hashes: dict[str, int]
    orphan_paths: int
    applied: bool

    @property
    def total(self) -> int:
        return self.salts + sum(self.hashes.values()) + self.orphan_paths


def _rules(now: datetime, hash_days: int):
    """Each rule as (name, model, condition, change) — change None means delete."""
    today = now.date()
    over = (
        select(Pin.id).join(Batch, Batch.id == Pin.batch_id).join(Event, Event.id == Batch.event_id)
    )
    over = over.where(Event.ends_on < today - timedelta(days=hash_days))
    rules = [("salts", VisitorSalt, VisitorSalt.day < today.isoformat(), None)]
    for model in (Scan, LandingVisit, PortalClick):
        condition = and_(model.visitor_hash.is_not(None), model.pin_id.in_(over))
        rules.append((model.__tablename__, model, condition, {"visitor_hash": None}))
    orphan_cut = now - timedelta(days=hash_days + 1)
    rules.append(
        (
            "orphan_scans",
            OrphanScan,
            and_(OrphanScan.visitor_hash.is_not(None), OrphanScan.scanned_at < orphan_cut),
            {"visitor_hash": None},
        )
    )
    path_cut = now - timedelta(days=ORPHAN_PATH_DAYS)
    rules.append(
        (
            "orphan_paths",
            OrphanScan,
            and_(OrphanScan.path != CUT_PATH, OrphanScan.scanned_at < path_cut),
            {"path": CUT_PATH},
        )
    )
    return rules


def apply_retention(now: datetime, hash_days: int, apply: bool) -> RetentionReport:
    """Count (dry run) or carry out the retention rules as of ``now``; one transaction."""
    counts = {}
    for name, model, condition, change in _rules(now, hash_days):
        counts[name] = db.session.scalar(select(func.count()).select_from(model).where(condition))
        if apply and counts[name]:
            statement = delete(model) if change is None else update(model).values(**change)
            db.session.execute(
                statement.where(condition), execution_options={"synchronize_session": False}
            )
    if apply:
        db.session.commit()
    else:
        db.session.rollback()
    return RetentionReport(
        salts=counts.pop("salts"),
        orphan_paths=counts.pop("orphan_paths"),
        hashes=counts,
        applied=apply,
    )
