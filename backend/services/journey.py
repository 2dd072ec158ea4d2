"""What a student sees and does after the scan: landing page, portal click-through."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import current_app
from sqlalchemy import insert, select

from backend.errors import CompanyNotFound
from backend.extensions import db
from backend.models import (
    Event,
    FollowUpResponse,
    LandingVisit,
    Pin,
    PortalClick,
    Stand,
    StandVisit,
    SurveyResponse,
)
from backend.models.types import TWENTE_PLAZA, utcnow
from backend.services.events import get_event
from backend.services.exposure import companies_shown, first_plaza_visit_at
from backend.services.pins import find_pin
from backend.services.scans import Visitor


def plaza_stands(event: Event) -> list[Stand]:
    """The Twente Plaza stands of an event, by label: what the stamp card counts."""
    return list(
        db.session.scalars(
            select(Stand)
            .where(
                Stand.event_id == event.id,
                Stand.zone == TWENTE_PLAZA,
                Stand.retired_at.is_(None),  # a retired stand left the fair
            )
            .order_by(Stand.label)
        )
    )


@dataclass(frozen=True)
class PublicEventView:
    event: Event
    stands: list[Stand]


def public_event(slug: str) -> PublicEventView:
    """What the companion app shows of an event: no codes, no figures."""
    event = get_event(slug)
    return PublicEventView(event, plaza_stands(event))


@dataclass(frozen=True)
class PinState:
    """A pin's own view of its progress: nothing about any other pin."""

    pin: Pin
    event: Event
    stands: list[Stand]
    stamped: set[int]
    survey: SurveyResponse | None
    follow_up: FollowUpResponse | None
    # Neither answered nor skipped: the questions come first, before any company name.
    survey_due: bool
    # A Twente Plaza stand visited long enough ago, and the follow-up not answered or skipped.
    follow_up_due: bool

    @property
    def plaza_stamped(self) -> int:
        return sum(1 for stand in self.stands if stand.id in self.stamped)


def follow_up_delay() -> timedelta:
    """How long after a pin's first Twente Plaza visit the follow-up question is asked."""
    return timedelta(minutes=current_app.config["FOLLOW_UP_AFTER_MINUTES"])


def pin_state(pin: Pin, now: datetime | None = None) -> PinState:
    """What the pin has done, and which questions are due for it at ``now`` (default: now)."""
    now = now or utcnow()
    event = pin.batch.event
    stamped = set(
        db.session.scalars(
            select(StandVisit.stand_id).where(StandVisit.pin_id == pin.id).distinct()
        )
    )
    survey = db.session.scalar(select(SurveyResponse).where(SurveyResponse.pin_id == pin.id))
    follow_up = db.session.scalar(select(FollowUpResponse).where(FollowUpResponse.pin_id == pin.id))
    follow_up_due = False
    if follow_up is None and pin.follow_up_skipped_at is None:
        plaza_at = first_plaza_visit_at(pin.id)
        follow_up_due = plaza_at is not None and now >= plaza_at + follow_up_delay()
    return PinState(
        pin,
        event,
        plaza_stands(event),
        stamped,
        survey,
        follow_up,
        survey_due=survey is None and pin.survey_skipped_at is None,
        follow_up_due=follow_up_due,
    )


def visit_landing(raw_code: str, visitor: Visitor, now: datetime) -> PinState:
    """Log a landing page view and return what the page shows.

    While the survey is due the page is its first question, with no company
    name; otherwise it is the landing page with the stamp card, which shows them.
    """
    pin = find_pin(raw_code)
    db.session.execute(
        insert(LandingVisit).values(pin_id=pin.id, visited_at=now, **visitor.columns())
    )
    state = pin_state(pin, now)
    if not state.survey_due and pin.status != "void":
        companies_shown(pin, now)
    db.session.commit()
    return state


def stamp_card(pin: Pin, now: datetime) -> PinState:
    """The pin's stamp card for a stand page, which lists the companies: noted as shown."""
    companies_shown(pin, now)
    db.session.commit()
    return pin_state(pin, now)


def with_utm(url: str, event_slug: str, channel: str) -> str:
    """Add the campaign parameters to whatever query the URL already has."""
    parts = urlsplit(url)
    utm = {
        "utm_source": "speld",
        "utm_medium": "qr-pin",
        "utm_campaign": event_slug,
        "utm_content": channel,
    }
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in utm]
    return urlunsplit(parts._replace(query=urlencode(query + list(utm.items()))))


def click_through(raw_code: str, company_id: int | None, visitor: Visitor, now: datetime) -> str:
    """Log a click to the portal (or a company's profile there); return where to send the student."""
    pin = find_pin(raw_code)
    event = pin.batch.event
    target = event.portal_url
    if company_id is not None:
        stand = db.session.scalar(
            select(Stand).where(Stand.event_id == event.id, Stand.company_id == company_id)
        )
        if stand is None:
            raise CompanyNotFound(reason="no_stand_here")
        target = stand.company.portal_url or event.portal_url
    db.session.execute(
        insert(PortalClick).values(
            pin_id=pin.id, company_id=company_id, clicked_at=now, **visitor.columns()
        )
    )
    db.session.commit()
    return with_utm(target, event.slug, pin.batch.channel)
