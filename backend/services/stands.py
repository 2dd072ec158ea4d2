"""Use cases for stands: place, move (label, zone, company), remove or retire, reinstate.

A stand with visits is never deleted: its visits are figures. It is retired
instead (``retired_at``): it keeps its visits, label and company, and refuses
new visits (``stamps.stamp``). See ``docs/product.md``, "Words".
"""

from datetime import datetime

from sqlalchemy import delete, func, or_, select

from backend.errors import Conflict, StandInUse, StandNotFound
from backend.extensions import db
from backend.models import ApiToken, Stand, StandVisit, TabletState
from backend.models.types import utcnow
from backend.services import audit, rules
from backend.services.commit import commit_or_conflict
from backend.services.events import get_company, get_event
from backend.services.paging import Page, paginate
from backend.services.validation import check_text
from qr.codes import mint_stand_code

STAND_FIELDS = ("company_id", "label", "zone")


def get_stand(stand_id: int) -> Stand:
    stand = db.session.get(Stand, stand_id)
    if stand is None:
        raise StandNotFound()
    return stand


def _clean(changes: dict) -> dict:
    cleaned = dict(rules.known_fields(changes, STAND_FIELDS))
    if "label" in cleaned:
        cleaned["label"] = rules.stand_label(cleaned["label"])
    if "zone" in cleaned:
        cleaned["zone"] = rules.zone(cleaned["zone"])
    return cleaned


def _target(stand: Stand) -> str:
    return f"stand {stand.event.slug} {stand.label}"


def _refuse_taken(event_id: int, label: str, company_id: int, stand_id: int | None = None):
    """Say which field another stand of the edition holds (retired ones too), before writing.

    The unique constraints still decide a race (``commit_or_conflict``); this names the field.
    """
    fields = {}
    others = select(Stand).where(
        Stand.event_id == event_id, or_(Stand.label == label, Stand.company_id == company_id)
    )
    for other in db.session.scalars(others):
        if other.id == stand_id:
            continue
        if other.label == label:
            fields["label"] = [f"{label} is the stand of {other.company.name}."]
        if other.company_id == company_id:
            fields["company_id"] = [f"{other.company.name} has stand {other.label} already."]
    if fields:
        raise Conflict(fields=fields, reason="stand_taken")


def create_stand(event_slug: str, company_id: int, label: str, zone: str) -> Stand:
    """Place a company at an event; the stand gets its own unguessable poster code."""
    fields = _clean({"label": label, "zone": zone})
    event = get_event(event_slug)
    company = get_company(company_id)
    _refuse_taken(event.id, fields["label"], company.id)
    stand = Stand(event=event, company=company, code=mint_stand_code(), **fields)
    db.session.add(stand)
    after = {"company": company.name, "label": stand.label, "zone": stand.zone}
    audit.record("stand.create", _target(stand), None, after)
    commit_or_conflict("stand_taken")
    return stand


def update_stand(stand_id: int, **changes) -> Stand:
    """Move a stand: a new label, zone or company; its poster code and visits stay with it."""
    check_text(**changes)
    stand = get_stand(stand_id)
    changes = _clean(changes)
    if "company_id" in changes:
        get_company(changes["company_id"])
    label, company_id = (
        changes.get("label", stand.label),
        changes.get("company_id", stand.company_id),
    )
    _refuse_taken(stand.event_id, label, company_id, stand.id)
    before = audit.snapshot(stand, STAND_FIELDS)
    # No autoflush while the stand holds new values: a label another stand holds must
    # reach the commit (a 409), not a lazy load's flush (a 500).
    with db.session.no_autoflush:
        target = _target(stand)
        for name, value in changes.items():
            setattr(stand, name, value)
        old, new = audit.changes(before, audit.snapshot(stand, STAND_FIELDS))
        if new:
            audit.record("stand.update", target, old, new)
    commit_or_conflict("stand_taken")
    return stand


def visit_count(stand: Stand) -> int:
    """Visits registered at the stand, tests included: each one keeps the stand from deletion."""
    return db.session.scalar(
        select(func.count()).select_from(StandVisit).where(StandVisit.stand_id == stand.id)
    )


def _token_count(stand: Stand) -> int:
    return db.session.scalar(
        select(func.count()).select_from(ApiToken).where(ApiToken.stand_id == stand.id)
    )


def _described(stand: Stand) -> dict:
    return {"company": stand.company.name, "label": stand.label, "zone": stand.zone}


def delete_stand(stand_id: int) -> None:
    """Remove a stand that has no visits and no tokens; one that has is retired instead."""
    stand = get_stand(stand_id)
    if visit_count(stand) or _token_count(stand):
        raise StandInUse()
    audit.record("stand.delete", _target(stand), _described(stand), None)
    # What an organiser's tablet said while trying the stand goes with it: no figure reads it.
    db.session.execute(delete(TabletState).where(TabletState.stand_id == stand.id))
    db.session.delete(stand)
    # A visit registered meanwhile makes the database refuse the delete: a 409, nothing lost.
    commit_or_conflict("stand_in_use")


def retire_stand(stand_id: int, now: datetime | None = None) -> Stand:
    """Take a stand out of the fair: its visits stay counted, new visits are refused."""
    stand = get_stand(stand_id)
    if stand.retired_at is not None:
        raise Conflict(reason="stand_retired_already")
    stand.retired_at = now or utcnow()
    audit.record("stand.retire", _target(stand), _described(stand), {"retired": True})
    commit_or_conflict("stand_changed")
    return stand


def reinstate_stand(stand_id: int) -> Stand:
    """Bring a retired stand back: visits are registered there again."""
    stand = get_stand(stand_id)
    if stand.retired_at is None:
        raise Conflict(reason="stand_not_retired")
    stand.retired_at = None
    audit.record("stand.reinstate", _target(stand), {"retired": True}, _described(stand))
    commit_or_conflict("stand_changed")
    return stand


def list_stands(event_slug: str, page: int, per_page: int, zone: str | None = None) -> Page:
    event = get_event(event_slug)
    statement = select(Stand).where(Stand.event_id == event.id).order_by(Stand.label, Stand.id)
    if zone is not None:  # by slug or name, as the forms take it
        statement = statement.where(Stand.zone == rules.zone(zone))
    return paginate(statement, page, per_page)
