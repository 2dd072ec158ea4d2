"""The two survey questions: one response per pin, a new answer replaces the old."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.errors import InvalidInput
from backend.extensions import db
from backend.models import Company, SurveyResponse
from backend.models.types import NAMED_BEFORE
from backend.services.journey import plaza_stands
from backend.services.pins import find_pin


def answer_survey(
    raw_code: str, named_before: str, known_before: list[int], is_test: bool, now: datetime
) -> SurveyResponse:
    """Store (or replace) a pin's answers. Q2 may only name this event's Twente Plaza companies."""
    pin = find_pin(raw_code)
    if named_before not in NAMED_BEFORE:
        raise InvalidInput(fields={"named_before": [f"Must be one of {', '.join(NAMED_BEFORE)}."]})
    allowed = {stand.company_id for stand in plaza_stands(pin.batch.event)}
    chosen = set(known_before)
    if not chosen <= allowed:
        raise InvalidInput(fields={"known_before": ["Only this event's Twente Plaza companies."]})
    for attempt in range(2):
        response = db.session.scalar(select(SurveyResponse).where(SurveyResponse.pin_id == pin.id))
        if response is None:
            response = SurveyResponse(pin_id=pin.id)
            db.session.add(response)
        response.named_before = named_before
        response.is_test = is_test
        response.answered_at = now
        response.known_before = list(
            db.session.scalars(select(Company).where(Company.id.in_(chosen))) if chosen else []
        )
        try:
            db.session.commit()
            return response
        except IntegrityError:
            # The same pin's first answer arrived twice at once: replace the one that won.
            db.session.rollback()
            if attempt:
                raise
    raise AssertionError("unreachable")
