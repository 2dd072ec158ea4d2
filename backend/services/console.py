"""Read models the organiser console shows: batch counts with scans, a pin's history, stands."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import distinct, func, select

from backend.extensions import db
from backend.models import (
    Batch,
    Company,
    LandingVisit,
    Pin,
    PortalClick,
    Scan,
    Stand,
    StandVisit,
    SurveyResponse,
)
from backend.services.events import get_event
from backend.services.pins import batch_counts, find_pin, list_batches
from backend.services.stamps import pin_code_from


@dataclass(frozen=True)
class BatchRow:
    batch: Batch
    pins: int
    void: int
    scanned: int

    @property
    def active(self) -> int:
        return self.pins - self.void


def batch_rows(event_slug: str) -> list[BatchRow]:
    """Every batch of an edition with its pins, active, void and scanned-so-far counts."""
    batches = list_batches(event_slug, 1, 1000).items
    ids = [b.id for b in batches]
    counts = batch_counts(ids)
    scanned = dict(
        db.session.execute(
            select(Pin.batch_id, func.count(distinct(Scan.pin_id)))
            .join(Scan, Scan.pin_id == Pin.id)
            .where(Pin.batch_id.in_(ids), Scan.kind == "human")
            .group_by(Pin.batch_id)
        ).all()
    )
    return [
        BatchRow(b, counts[b.id]["issued"], counts[b.id]["void"], scanned.get(b.id, 0))
        for b in batches
    ]


@dataclass(frozen=True)
class Happening:
    """One thing that happened to a pin, as data: the console words it in the reader's language."""

    at: datetime
    kind: str  # scan | landing | click | stamp | survey
    traffic: str | None = None  # scan, landing, click: human | bot | test
    repeat: bool = False  # scan: the same visitor again within the repeat window
    stand: str | None = None  # stamp: the stand's label
    method: str | None = None  # stamp: self | staff
    answer: str | None = None  # survey: how many companies named before (0, 1-2, 3-5, 6+)
    test: bool = False  # stamp, survey: by staff or a rehearsal, never counted


def pin_history(raw_code: str) -> tuple[Pin, list[Happening]]:
    """A pin and what happened to it, oldest first: times and kinds, nothing personal."""
    pin = find_pin(pin_code_from(raw_code.strip()))  # a code, or the whole URL pasted
    found: list[Happening] = []
    for at, kind, repeat in db.session.execute(
        select(Scan.scanned_at, Scan.kind, Scan.is_repeat).where(Scan.pin_id == pin.id)
    ):
        found.append(Happening(at, "scan", traffic=kind, repeat=bool(repeat)))
    for at, kind in db.session.execute(
        select(LandingVisit.visited_at, LandingVisit.kind).where(LandingVisit.pin_id == pin.id)
    ):
        found.append(Happening(at, "landing", traffic=kind))
    for at, kind in db.session.execute(
        select(PortalClick.clicked_at, PortalClick.kind).where(PortalClick.pin_id == pin.id)
    ):
        found.append(Happening(at, "click", traffic=kind))
    for at, label, method, test in db.session.execute(
        select(StandVisit.visited_at, Stand.label, StandVisit.method, StandVisit.is_test)
        .join(Stand, Stand.id == StandVisit.stand_id)
        .where(StandVisit.pin_id == pin.id)
    ):
        found.append(Happening(at, "stamp", stand=label, method=method, test=bool(test)))
    for at, named, test in db.session.execute(
        select(
            SurveyResponse.answered_at, SurveyResponse.named_before, SurveyResponse.is_test
        ).where(SurveyResponse.pin_id == pin.id)
    ):
        found.append(Happening(at, "survey", answer=named, test=bool(test)))
    return pin, sorted(found, key=lambda h: h.at)


def free_companies(event_slug: str, keep: int | None = None, limit: int = 1000) -> list[Company]:
    """Companies that may get a stand in the edition: those without one there, and ``keep``.

    A retired stand still holds its company, so that company is not offered twice either.
    """
    event = get_event(event_slug)
    placed = select(Stand.company_id).where(Stand.event_id == event.id)
    if keep is not None:
        placed = placed.where(Stand.company_id != keep)
    statement = select(Company).where(Company.id.not_in(placed)).order_by(Company.name, Company.id)
    return list(db.session.scalars(statement.limit(limit)))
