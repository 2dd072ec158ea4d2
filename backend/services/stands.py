"""Use cases for stands."""

from sqlalchemy import select

from backend.errors import StandNotFound
from backend.extensions import db
from backend.models import Stand
from backend.services.commit import commit_or_conflict
from backend.services.events import get_company, get_event
from backend.services.paging import Page, paginate
from backend.services.validation import check_text
from qr.codes import mint_stand_code


def get_stand(stand_id: int) -> Stand:
    stand = db.session.get(Stand, stand_id)
    if stand is None:
        raise StandNotFound()
    return stand


def create_stand(event_slug: str, company_id: int, label: str, zone: str) -> Stand:
    """Place a company at an event; the stand gets its own unguessable poster code."""
    check_text(label=label, zone=zone)
    event = get_event(event_slug)
    company = get_company(company_id)
    stand = Stand(event=event, company=company, label=label, zone=zone, code=mint_stand_code())
    db.session.add(stand)
    commit_or_conflict("That event already has a stand with this label or company.")
    return stand


def update_stand(stand_id: int, **changes) -> Stand:
    check_text(**changes)
    stand = get_stand(stand_id)
    if "company_id" in changes:
        get_company(changes["company_id"])
    for name, value in changes.items():
        setattr(stand, name, value)
    commit_or_conflict("That event already has a stand with this label or company.")
    return stand


def list_stands(event_slug: str, page: int, per_page: int, zone: str | None = None) -> Page:
    event = get_event(event_slug)
    statement = select(Stand).where(Stand.event_id == event.id).order_by(Stand.label, Stand.id)
    if zone is not None:
        statement = statement.where(Stand.zone == zone)
    return paginate(statement, page, per_page)
