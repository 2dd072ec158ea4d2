"""Use cases for editions and companies."""

import re

from sqlalchemy import func, select

from backend.errors import CompanyNotFound, EventNotFound, InvalidInput
from backend.extensions import db
from backend.models import Company, Event
from backend.models.types import SLUG_PATTERN
from backend.services import audit, rules
from backend.services.commit import commit_or_conflict
from backend.services.paging import Page, paginate

EVENT_FIELDS = (
    "slug",
    "name",
    "starts_on",
    "ends_on",
    "timezone",
    "portal_url",
    "baseline_share",
    "baseline_size",
)
COMPANY_FIELDS = ("name", "is_twente", "portal_url")


def get_event(slug: str) -> Event:
    event = None
    if isinstance(slug, str) and len(slug) <= 40 and re.fullmatch(SLUG_PATTERN, slug):
        event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise EventNotFound()
    return event


# Paths under /dashboard/ and /console/ that are pages of their own, not editions.
RESERVED_SLUGS = frozenset(
    {
        *("sign-in", "sign-out", "events", "years"),
        *("companies", "stands", "batches", "pins", "tokens", "audit"),
    }
)


def _clean_event(fields: dict) -> dict:
    """Every edition field through its one rule; unknown fields are refused."""
    rules.known_fields(fields, EVENT_FIELDS)
    checks = {
        "slug": rules.slug,
        "name": rules.name,
        "timezone": rules.timezone,
        "portal_url": rules.url,
        "baseline_share": rules.baseline_share,
        "baseline_size": rules.baseline_size,
    }
    return {k: checks[k](v) if k in checks else v for k, v in fields.items()}


def create_event(**fields) -> Event:
    """Create an edition; its slug is fixed for good (it names exports and URLs)."""
    fields = _clean_event(fields)
    if fields.get("slug") in RESERVED_SLUGS:
        raise InvalidInput(fields={"slug": ["Is reserved for a page of the dashboard or console."]})
    event = Event(**fields)
    rules.dates(event.starts_on, event.ends_on)
    db.session.add(event)
    audit.record("event.create", f"event {event.slug}", None, audit.snapshot(event, EVENT_FIELDS))
    commit_or_conflict("slug_taken")
    return event


def update_event(slug: str, **changes) -> Event:
    """Change an edition's name, dates, time zone or portal URL."""
    event = get_event(slug)
    if "slug" in changes:
        raise InvalidInput(fields={"slug": ["An edition's slug cannot change."]})
    changes = _clean_event(changes)
    rules.dates(changes.get("starts_on", event.starts_on), changes.get("ends_on", event.ends_on))
    before = audit.snapshot(event, EVENT_FIELDS)
    for name, value in changes.items():
        setattr(event, name, value)
    old, new = audit.changes(before, audit.snapshot(event, EVENT_FIELDS))
    if new:
        audit.record("event.update", f"event {event.slug}", old, new)
    commit_or_conflict("slug_taken")
    return event


def list_events(page: int, per_page: int) -> Page:
    return paginate(select(Event).order_by(Event.starts_on.desc(), Event.id), page, per_page)


def get_company(company_id: int) -> Company:
    company = db.session.get(Company, company_id)
    if company is None:
        raise CompanyNotFound()
    return company


def clean_company(fields: dict) -> dict:
    """Company fields through their rules (the import uses this too)."""
    cleaned = dict(rules.known_fields(fields, COMPANY_FIELDS))
    if "name" in cleaned:
        cleaned["name"] = rules.name(cleaned["name"])
    if "portal_url" in cleaned:
        cleaned["portal_url"] = rules.optional_url(cleaned["portal_url"])
    if "is_twente" in cleaned and not isinstance(cleaned["is_twente"], bool):
        raise InvalidInput(fields={"is_twente": ["Must be yes or no."]})
    return cleaned


def create_company(**fields) -> Company:
    company = Company(**clean_company(fields))
    db.session.add(company)
    audit.record("company.create", f"company {company.name}", None, _company_state(company))
    commit_or_conflict("company_name_taken")
    return company


def _company_state(company: Company) -> dict:
    state = audit.snapshot(company, COMPANY_FIELDS)
    state["is_twente"] = bool(company.is_twente)  # None until the column default applies
    return state


def update_company(company_id: int, **changes) -> Company:
    company = get_company(company_id)
    changes = clean_company(changes)
    before = _company_state(company)
    for name, value in changes.items():
        setattr(company, name, value)
    old, new = audit.changes(before, _company_state(company))
    if new:
        audit.record("company.update", f"company #{company.id} {company.name}", old, new)
    commit_or_conflict("company_name_taken")
    return company


def list_companies(
    page: int, per_page: int, is_twente: bool | None = None, search: str | None = None
) -> Page:
    statement = select(Company).order_by(Company.name, Company.id)
    if is_twente is not None:
        statement = statement.where(Company.is_twente == is_twente)
    if search:
        statement = statement.where(
            func.lower(Company.name).contains(search.lower(), autoescape=True)
        )
    return paginate(statement, page, per_page)
