"""Retention: what the privacy page promises about how long things are kept, done.

Five rules, each an UPDATE or DELETE on rows past their time; running them
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
4. The guessing brake's counts: a network's code and its lookups per window,
   deleted after ``GUESS_COUNT_DAYS``. The brake reads only a window and the one
   before it, a day at the longest, so nothing it decides changes; the funnel
   reads ``unknown_code_lookups`` (when, and whether refused: no address), which stays.
5. The scan path's server errors (``scan_path_errors``: a minute, a door, a status, a
   count; nothing about who), deleted after ``SCAN_ERROR_DAYS``. The live view reads the
   last hour; a month is kept to look back on a fair's trouble.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, select, update

from backend.extensions import db
from backend.models import (
    Batch,
    Event,
    GuessCount,
    LandingVisit,
    OrphanScan,
    Pin,
    PortalClick,
    Scan,
    ScanPathError,
    VisitorSalt,
)

ORPHAN_PATH_DAYS = 90
# The servers' logs (nginx's files, gunicorn's lines in the journal), which hold no client
# address: deleted by the host, not by this module. Debian's nginx package rotates
# /var/log/nginx/*.log daily and keeps 14; deploy/journald-speld.conf keeps the journal as
# long. tests/test_deploy_files.py holds both to this number.
LOG_DAYS = 14
# Two of the longest window UNKNOWN_CODE_LIMIT allows (a day): the brake reads no older row.
GUESS_COUNT_DAYS = 2
SCAN_ERROR_DAYS = 30
CUT_PATH = ""  # what a cut orphan path becomes


@dataclass(frozen=True)
class RetentionReport:
    """How many rows each rule changed (or, in a dry run, would change)."""

    salts: int
    hashes: dict[str, int]
    orphan_paths: int
    guess_counts: int
    scan_errors: int
    applied: bool

    @property
    def total(self) -> int:
        return (
            self.salts
            + sum(self.hashes.values())
            + self.orphan_paths
            + self.guess_counts
            + self.scan_errors
        )


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
    guess_cut = int((now - timedelta(days=GUESS_COUNT_DAYS)).timestamp())
    rules.append(("guess_counts", GuessCount, GuessCount.window_start < guess_cut, None))
    error_cut = now - timedelta(days=SCAN_ERROR_DAYS)
    rules.append(("scan_errors", ScanPathError, ScanPathError.minute < error_cut, None))
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
        guess_counts=counts.pop("guess_counts"),
        scan_errors=counts.pop("scan_errors"),
        hashes=counts,
        applied=apply,
    )
