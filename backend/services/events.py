"""Use cases for editions and companies."""

import re

from sqlalchemy import select

from backend.errors import CompanyNotFound, EventNotFound, InvalidInput
from backend.extensions import db
from backend.models import Company, Event
from backend.models.types import SLUG_PATTERN
from backend.services.commit import commit_or_conflict
from backend.services.paging import Page, paginate
from backend.services.validation import check_text


def get_event(slug: str) -> Event:
    event = None
    if len(slug) <= 40 and re.fullmatch(SLUG_PATTERN, slug):
        event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise EventNotFound()
    return event


def _check_dates(event: Event) -> None:
    if event.ends_on < event.starts_on:
        raise InvalidInput(fields={"ends_on": ["Must not be before starts_on."]})


# Paths under /dashboard/ that are pages of their own, not editions.
RESERVED_SLUGS = frozenset({"sign-in", "sign-out"})


def create_event(**fields) -> Event:
    """Create an edition; its slug is fixed for good (it names exports and URLs)."""
    if fields.get("slug") in RESERVED_SLUGS:
        raise InvalidInput(fields={"slug": ["Is reserved for a page of the dashboard."]})
    check_text(**fields)
    event = Event(**fields)
    _check_dates(event)
    db.session.add(event)
    commit_or_conflict("An event with that slug exists.")
    return event


def update_event(slug: str, **changes) -> Event:
    event = get_event(slug)
    check_text(**changes)
    for name, value in changes.items():
        setattr(event, name, value)
    try:
        _check_dates(event)
    except InvalidInput:
        db.session.rollback()
        raise
    db.session.commit()
    return event


def list_events(page: int, per_page: int) -> Page:
    return paginate(select(Event).order_by(Event.starts_on.desc(), Event.id), page, per_page)


def get_company(company_id: int) -> Company:
    company = db.session.get(Company, company_id)
    if company is None:
        raise CompanyNotFound()
    return company


def create_company(**fields) -> Company:
    check_text(**fields)
    company = Company(**fields)
    db.session.add(company)
    commit_or_conflict("A company with that name exists.")
    return company


def update_company(company_id: int, **changes) -> Company:
    company = get_company(company_id)
    check_text(**changes)
    for name, value in changes.items():
        setattr(company, name, value)
    commit_or_conflict("A company with that name exists.")
    return company


def list_companies(page: int, per_page: int, is_twente: bool | None = None) -> Page:
    statement = select(Company).order_by(Company.name, Company.id)
    if is_twente is not None:
        statement = statement.where(Company.is_twente == is_twente)
    return paginate(statement, page, per_page)
