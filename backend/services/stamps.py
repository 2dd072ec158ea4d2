"""Stand visits: stamped by the student at the poster, or registered by stand staff.

A visit is unique per pin and stand (and per test flag), so registering the
same pin twice is harmless and counted once. Offline staff scans arrive in
batches with a nonce per item, so a batch sent twice changes nothing.

Both doors (the poster and the stand scanner) meet in ``stamp``, which holds the
one rule for when: a visit outside the fair's days, in the event's time zone, is
a rehearsal. It is accepted and answered like any other, and kept as a test
(``is_test`` and ``is_rehearsal``) so the funnel never counts it.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.errors import (
    DomainError,
    InvalidInput,
    NonceReused,
    PinOfOtherEvent,
    PinVoid,
    StandCodeNotFound,
    StandRetired,
)
from backend.extensions import db
from backend.models import Event, Pin, Stand, StandVisit
from backend.services.exposure import visit_came_before_answer
from backend.services.pins import find_pin
from backend.services.stands import get_stand
from backend.services.validation import check_text
from qr import codes

MAX_OFFLINE_BATCH = 500


def find_stand_by_code(raw_code: str) -> Stand:
    """The stand of a poster code; a malformed code is refused by its check character first."""
    stand = None
    if isinstance(raw_code, str) and codes.is_valid_stand(raw_code):
        stand = db.session.scalar(select(Stand).where(Stand.code == codes.normalize(raw_code)))
    if stand is None:
        raise StandCodeNotFound()
    return stand


def poster_stand(raw_code: str) -> Stand:
    """The stand whose poster the student scanned, to stamp at; a retired one says so at once."""
    stand = find_stand_by_code(raw_code)
    if stand.retired_at is not None:
        raise StandRetired()
    return stand


def during_the_fair(event: Event, moment: datetime) -> bool:
    """Whether ``moment`` falls on one of the fair's days, in the event's time zone."""
    day = moment.astimezone(ZoneInfo(event.timezone)).date()
    return event.starts_on <= day <= event.ends_on


@dataclass(frozen=True)
class StampResult:
    visit: StandVisit
    created: bool

    @property
    def rehearsal(self) -> bool:
        """Outside the fair's days: accepted, kept as a test, not counted."""
        return self.visit.is_rehearsal


def _check(pin: Pin, stand: Stand, visited_at: datetime | None) -> None:
    # A retired stand takes no new visit; an offline scan made before it was retired
    # still counts when the tablet sends it later.
    if stand.retired_at is not None and (visited_at is None or visited_at >= stand.retired_at):
        raise StandRetired()
    if pin.status == "void":
        raise PinVoid()
    if pin.batch.event_id != stand.event_id:
        raise PinOfOtherEvent()


def _existing(pin_id: int, stand_id: int, is_test: bool) -> StandVisit | None:
    return db.session.scalar(
        select(StandVisit).where(
            StandVisit.pin_id == pin_id,
            StandVisit.stand_id == stand_id,
            StandVisit.is_test == is_test,
        )
    )


def stamp(
    pin: Pin, stand: Stand, method: str, is_test: bool, now: datetime, **extra
) -> StampResult:
    """Register one visit; an existing one is returned unchanged; a retired stand refuses.

    Outside the fair's days the visit is a rehearsal: a test, whoever made it.
    """
    _check(pin, stand, extra.get("visited_at"))
    visited_at = extra.get("visited_at") or now
    rehearsal = not during_the_fair(stand.event, visited_at)
    is_test = is_test or rehearsal
    nonce = extra.get("nonce")
    if nonce is not None:
        earlier = db.session.scalar(
            select(StandVisit).where(StandVisit.stand_id == stand.id, StandVisit.nonce == nonce)
        )
        if earlier is not None and earlier.pin_id != pin.id:
            raise NonceReused()
        if earlier is not None:
            return StampResult(earlier, False)
    existing = _existing(pin.id, stand.id, is_test)
    if existing is not None:
        return StampResult(existing, False)
    visit = StandVisit(
        pin_id=pin.id,
        stand_id=stand.id,
        method=method,
        is_test=is_test,
        is_rehearsal=rehearsal,
        visited_at=visited_at,
        recorded_at=now,
        nonce=nonce,
    )
    db.session.add(visit)
    try:
        # Inside the try: the update flushes the visit, which a parallel stamp may refuse.
        visit_came_before_answer(pin.id, visit.visited_at)
        db.session.commit()
    except IntegrityError:
        # The same pin was stamped here a moment ago by a parallel request.
        db.session.rollback()
        existing = _existing(pin.id, stand.id, is_test)
        if existing is None:
            raise NonceReused() from None
        return StampResult(existing, False)
    return StampResult(visit, True)


@dataclass(frozen=True)
class PosterStamp:
    """A student's stamp at a stand poster (the page then shows ``journey.stamp_card``)."""

    stand: Stand
    pin: Pin
    created: bool
    rehearsal: bool


def self_stamp(stand_code: str, pin_code: str, is_test: bool, now: datetime) -> PosterStamp:
    """The student scanned the stand poster (pin from the cookie or typed)."""
    stand = find_stand_by_code(stand_code)
    pin = find_pin(pin_code)
    result = stamp(pin, stand, "self", is_test, now)
    return PosterStamp(stand, pin, result.created, result.rehearsal)


def staff_stamp(stand_id: int, pin_ref: str, now: datetime, scanned_at=None, nonce=None):
    """Stand staff scanned a student's pin (a code or a full pin URL), at ``scanned_at`` or now."""
    check_text(nonce=nonce)
    stand = get_stand(stand_id)
    pin = find_pin(pin_code_from(pin_ref))
    return stamp(pin, stand, "staff", False, now, visited_at=scanned_at, nonce=nonce)


def pin_code_from(pin_ref: str) -> str:
    """Accept a bare code or what the pin's QR holds: ``https://host/P/CODE``."""
    if not isinstance(pin_ref, str):
        raise InvalidInput(fields={"pin": ["Give a pin code or pin URL."]})
    return pin_ref.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class BatchReplay:
    """An offline batch replayed: one result per item and how many ended which way."""

    results: list[dict]

    def _count(self, status: str) -> int:
        return sum(result["status"] == status for result in self.results)

    @property
    def created(self) -> int:
        return self._count("created")

    @property
    def exists(self) -> int:
        return self._count("exists")

    @property
    def refused(self) -> int:
        return self._count("refused")


def staff_stamp_batch(stand_id: int, items: list[dict], now: datetime) -> BatchReplay:
    """Replay offline scans; each item succeeds or fails on its own.

    ``items`` are parsed visits, or the ``DomainError`` an item was refused with.
    Each result is ``created`` or ``exists`` with the visit's id, or ``refused``
    with the ``DomainError`` (the API shows it as its one error body).
    """
    if len(items) > MAX_OFFLINE_BATCH:
        raise InvalidInput(fields={"visits": [f"At most {MAX_OFFLINE_BATCH} per batch."]})
    get_stand(stand_id)
    results = []
    for index, item in enumerate(items):
        try:
            if isinstance(item, DomainError):
                raise item
            result = staff_stamp(
                stand_id, item["pin"], now, item.get("scanned_at"), item.get("nonce")
            )
            outcome = {
                "status": "created" if result.created else "exists",
                "visit_id": result.visit.id,
                "rehearsal": result.rehearsal,
            }
        except DomainError as error:
            db.session.rollback()
            outcome = {"status": "refused", "error": error}
        nonce = None if isinstance(item, DomainError) else item.get("nonce")
        results.append({"index": index, "nonce": nonce, **outcome})
    return BatchReplay(results)
