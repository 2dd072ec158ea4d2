"""What a pin had seen when its student answered: the rules that keep the survey unprimed.

Q1 asks how many Twente companies a student could name *before* the fair. An
answer given after the student saw the Twente Plaza companies' names, or after
they visited a stand, is primed: it is still stored, flagged ``exposed``, and
kept apart from the headline figures (``docs/metrics.md``).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, true, update

from backend.extensions import db
from backend.models import Pin, Stand, StandVisit, SurveyResponse
from backend.models.types import TWENTE_PLAZA


def companies_shown(pin: Pin, now: datetime) -> None:
    """Note that a page or app screen showed this pin the companies' names; the first time counts.

    The caller commits (it is part of the use case that showed them).
    """
    if pin.companies_shown_at is None or pin.companies_shown_at > now:
        pin.companies_shown_at = now


def first_stand_visit_at(pin_id: int) -> datetime | None:
    """When the pin first visited any stand (test stamps too: exposure errs on the safe side)."""
    return db.session.scalar(
        select(func.min(StandVisit.visited_at)).where(StandVisit.pin_id == pin_id)
    )


def first_plaza_visit_at(pin_id: int) -> datetime | None:
    """When the pin first visited a Twente Plaza stand: the follow-up counts from then."""
    return db.session.scalar(
        select(func.min(StandVisit.visited_at))
        .join(Stand, Stand.id == StandVisit.stand_id)
        .where(StandVisit.pin_id == pin_id, Stand.zone == TWENTE_PLAZA)
    )


@dataclass(frozen=True)
class Exposure:
    """What the student had seen at one moment."""

    after_stand_visit: bool
    after_company_list: bool


def exposure_at(pin: Pin, now: datetime) -> Exposure:
    """Whether ``now`` comes after the pin's first stand visit and after its first company list."""
    visited = first_stand_visit_at(pin.id)
    shown = pin.companies_shown_at
    return Exposure(
        after_stand_visit=visited is not None and visited <= now,
        after_company_list=shown is not None and shown <= now,
    )


def record_exposure(response: SurveyResponse, seen: Exposure) -> None:
    """Flag an answer with what was seen when it was (re)written; a flag once set stays set.

    An answer replaced after exposure is exposed, even if the first one was not.
    """
    response.after_stand_visit = bool(response.after_stand_visit) or seen.after_stand_visit
    response.after_company_list = bool(response.after_company_list) or seen.after_company_list


def visit_came_before_answer(pin_id: int, visited_at: datetime) -> None:
    """A visit recorded late (an offline staff scan) may predate an answer: flag that answer.

    The caller commits, with the visit.
    """
    db.session.execute(
        update(SurveyResponse)
        .where(SurveyResponse.pin_id == pin_id, SurveyResponse.answered_at >= visited_at)
        .values(after_stand_visit=true())
    )
