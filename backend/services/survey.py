"""The survey: two questions before any company name, and one follow-up after a Plaza visit.

One response per pin; a new answer replaces the old and keeps the honest
exposure flags (``backend/services/exposure.py``); the same answer again is no
new answer. A skip records no answer, only that the student does not want to be
asked again.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.errors import FollowUpNotDue, InvalidInput, SurveyNotStarted
from backend.extensions import db
from backend.models import Company, FollowUpResponse, Pin, SurveyResponse
from backend.models.types import NAMED_BEFORE
from backend.services.exposure import Exposure, companies_shown, exposure_at, record_exposure
from backend.services.journey import PinState, pin_state, plaza_stands
from backend.services.pins import find_pin


def _check_named(field: str, value) -> None:
    if value not in NAMED_BEFORE:
        raise InvalidInput(fields={field: [f"Must be one of {', '.join(NAMED_BEFORE)}."]})


def _known_companies(pin: Pin, known_before: list[int]) -> list[Company]:
    """Q2 may only name this event's Twente Plaza companies."""
    allowed = {stand.company_id for stand in plaza_stands(pin.batch.event)}
    chosen = set(known_before)
    if not chosen <= allowed:
        raise InvalidInput(fields={"known_before": ["Only this event's Twente Plaza companies."]})
    if not chosen:
        return []
    return list(db.session.scalars(select(Company).where(Company.id.in_(chosen))))


def _response(pin_id: int) -> SurveyResponse | None:
    return db.session.scalar(select(SurveyResponse).where(SurveyResponse.pin_id == pin_id))


def answer_survey(
    raw_code: str,
    named_before: str,
    known_before: list[int] | None,
    is_test: bool,
    now: datetime,
    *,
    company_names_shown: bool = False,
) -> SurveyResponse:
    """Store (or replace) a pin's answer to Q1, and to Q2 unless ``known_before`` is None.

    ``company_names_shown``: the screen showed company names before Q1 (the app
    says so; our own Q1 page never does). A changed Q1 answer is always after the
    company list: the recognition list (Q2) came with the first answer. The same
    answer again (a double tap, Back and the same tap, an app's retry) changes
    nothing: it is the first answer, given when it was, so it keeps its flags.
    """
    pin = find_pin(raw_code)
    _check_named("named_before", named_before)
    companies = None if known_before is None else _known_companies(pin, known_before)
    for attempt in range(2):
        if company_names_shown:
            companies_shown(pin, now)
        response = _response(pin.id)
        seen = exposure_at(pin, now)
        if response is None:
            response = SurveyResponse(pin_id=pin.id, known_before=[])
            db.session.add(response)
            _write(response, named_before, companies, is_test, now, seen)
        elif response.named_before != named_before:
            seen = Exposure(seen.after_stand_visit, after_company_list=True)
            _write(response, named_before, companies, is_test, now, seen)
        elif companies is not None and set(companies) != set(response.known_before):
            # Q1 as it was, a new recognition list: Q2 alone changed, as in answer_known.
            _write(response, named_before, companies, is_test, now, seen)
        try:
            db.session.commit()
            return response
        except IntegrityError:
            # The same pin's first answer arrived twice at once: the second finds the first.
            db.session.rollback()
            if attempt:
                raise
    raise AssertionError("unreachable")


def _write(
    response: SurveyResponse,
    named_before: str,
    companies: list[Company] | None,
    is_test: bool,
    now: datetime,
    seen: Exposure,
) -> None:
    """(Re)write the answer, flagged with what was ``seen`` (a flag once set stays set)."""
    record_exposure(response, seen)
    response.named_before = named_before
    response.is_test = is_test
    response.answered_at = now
    if companies is not None:
        response.known_before = companies


def answer_known(raw_code: str, known_before: list[int], is_test: bool, now: datetime):
    """Store Q2, the recognition list, after Q1 (the page asks them one after the other).

    The list itself is the question, so it does not expose the answer; a stand
    visit or the landing page in between does.
    """
    pin = find_pin(raw_code)
    response = _response(pin.id)
    if response is None:
        raise SurveyNotStarted()
    response.known_before = _known_companies(pin, known_before)
    record_exposure(response, exposure_at(pin, now))
    response.is_test = is_test
    response.answered_at = now
    db.session.commit()
    return response


def skip_survey(raw_code: str, now: datetime) -> PinState:
    """The student skipped the questions: store no answer, and do not ask first again."""
    pin = find_pin(raw_code)
    if pin.survey_skipped_at is None:
        pin.survey_skipped_at = now
    db.session.commit()
    return pin_state(pin, now)


def answer_follow_up(
    raw_code: str, named_now: str | None, is_test: bool, now: datetime
) -> PinState:
    """Answer the follow-up question (Q1 with "now"), or skip it with None; asked once."""
    pin = find_pin(raw_code)
    if named_now is not None:
        _check_named("named_now", named_now)
    if not pin_state(pin, now).follow_up_due:
        raise FollowUpNotDue()
    if named_now is None:
        pin.follow_up_skipped_at = now
    else:
        db.session.add(
            FollowUpResponse(pin_id=pin.id, named_now=named_now, is_test=is_test, answered_at=now)
        )
    try:
        db.session.commit()
    except IntegrityError:
        # Answered twice at once (a double tap): the first answer stands.
        db.session.rollback()
        raise FollowUpNotDue() from None
    return pin_state(pin, now)
