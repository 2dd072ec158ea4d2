"""Use cases for print runs: mint a batch of pins, read it, void a pin."""

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import case, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from backend.errors import BatchNotFound, Conflict, InvalidInput, PinNotFound
from backend.extensions import db
from backend.models import Batch, Pin
from backend.models.types import utcnow
from backend.services import audit, rules
from backend.services.events import get_event
from backend.services.paging import Page, paginate
from backend.services.validation import check_text
from qr import codes

MAX_BATCH = 50_000
CHUNK = 1_000  # rows per INSERT and per IN (...) lookup; well under every driver's limit
ATTEMPTS = 3


def _fresh_codes(count: int) -> list[str]:
    """``count`` codes unused in this batch and in the database.

    40 random bits make a clash rare but not impossible over many batches
    (about 1 in 1,000 for a batch of 50,000), so clashes are drawn again
    here; the unique constraint still decides if two batches race.
    """
    fresh: set[str] = set()
    while len(fresh) < count:
        wanted = {codes.mint_code() for _ in range(count - len(fresh))} - fresh
        taken = set()
        for chunk in _chunks(sorted(wanted)):
            taken |= set(db.session.scalars(select(Pin.code).where(Pin.code.in_(chunk))))
        fresh |= wanted - taken
    return list(fresh)


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def mint_batch(event_slug: str, label: str, channel: str, size: int) -> Batch:
    """Create a batch and all its pins in one transaction: all of them or none."""
    label = rules.name(label, "label", high=80)
    channel = rules.channel(channel)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_BATCH:
        raise InvalidInput(fields={"size": [f"Must be between 1 and {MAX_BATCH}."]})
    check_text(label=label, channel=channel)
    event = get_event(event_slug)
    if db.session.scalar(select(Batch.id).where(Batch.event_id == event.id, Batch.label == label)):
        raise Conflict(reason="batch_label_taken")
    for attempt in range(ATTEMPTS):
        batch = Batch(event=event, label=label, channel=channel, size=size)
        db.session.add(batch)
        try:
            db.session.flush()
            for chunk in _chunks(_fresh_codes(size)):
                rows = [{"code": code, "batch_id": batch.id, "status": "active"} for code in chunk]
                db.session.execute(insert(Pin), rows)
            after = {"label": label, "channel": channel, "size": size}
            audit.record("batch.create", f"batch #{batch.id} {event.slug} {label}", None, after)
            db.session.commit()
            return batch
        except IntegrityError:
            # Another batch took one of our codes (or our label) meanwhile: start again.
            db.session.rollback()
            if attempt == ATTEMPTS - 1:
                raise Conflict(reason="codes_not_unique") from None
    raise AssertionError("unreachable")


def get_batch(batch_id: int) -> Batch:
    batch = db.session.get(Batch, batch_id)
    if batch is None:
        raise BatchNotFound()
    return batch


def batch_counts(batch_ids: list[int]) -> dict[int, dict[str, int]]:
    """Issued and void pins per batch, in one query."""
    void = func.sum(case((Pin.status == "void", 1), else_=0))
    rows = db.session.execute(
        select(Pin.batch_id, func.count(), void)
        .where(Pin.batch_id.in_(batch_ids))
        .group_by(Pin.batch_id)
    )
    counts = {batch_id: {"issued": 0, "void": 0} for batch_id in batch_ids}
    for batch_id, issued, voided in rows:
        counts[batch_id] = {"issued": issued, "void": int(voided or 0)}
    return counts


def list_batches(event_slug: str, page: int, per_page: int) -> Page:
    event = get_event(event_slug)
    statement = select(Batch).where(Batch.event_id == event.id).order_by(Batch.id)
    return paginate(statement, page, per_page)


def list_pins(batch_id: int, page: int, per_page: int) -> Page:
    get_batch(batch_id)
    statement = select(Pin).where(Pin.batch_id == batch_id).order_by(Pin.id)
    return paginate(statement, page, per_page)


def iter_pin_codes(batch_id: int) -> Iterator[str]:
    """Every code of a batch in print order, streamed from the database."""
    statement = select(Pin.code).where(Pin.batch_id == batch_id).order_by(Pin.id)
    yield from db.session.scalars(statement.execution_options(yield_per=CHUNK))


def find_pin(raw_code: str) -> Pin:
    """The pin (with batch and event) for a typed or scanned code.

    A malformed code is refused by its check character, before any lookup.
    """
    if not isinstance(raw_code, str) or not codes.is_valid(raw_code):
        raise PinNotFound()
    pin = db.session.scalar(
        select(Pin)
        .options(joinedload(Pin.batch).joinedload(Batch.event))
        .where(Pin.code == codes.normalize(raw_code))
    )
    if pin is None:
        raise PinNotFound()
    return pin


def void_pin(code: str, reason: str | None, now: datetime | None = None) -> Pin:
    """Mark a pin lost or misprinted: its scans are kept but never counted."""
    if reason is not None and reason.strip() == "":
        reason = None
    if reason is not None:
        reason = rules.name(reason, "reason", high=200)
    pin = find_pin(code)
    if pin.status == "void":
        raise Conflict(reason="pin_void_already")
    pin.status, pin.voided_at, pin.void_reason = "void", now or utcnow(), reason
    audit.record("pin.void", f"pin {pin.code}", {"status": "active"}, _pin_state(pin))
    db.session.commit()
    return pin


def _pin_state(pin: Pin) -> dict:
    return {"status": pin.status, "void_reason": pin.void_reason}


def unvoid_pin(code: str) -> Pin:
    """Undo a void (the pin was found again); scans made while it was void stay flagged void."""
    pin = find_pin(code)
    if pin.status != "void":
        raise Conflict(reason="pin_not_void")
    before = _pin_state(pin)
    pin.status, pin.voided_at, pin.void_reason = "active", None, None
    audit.record("pin.unvoid", f"pin {pin.code}", before, _pin_state(pin))
    db.session.commit()
    return pin
