"""The stand scanner's use cases: who may scan for which stand, today's count.

Sign-in cards (a stand's opens the scanner) are ``sign_in_cards.issue_card``.

Registering a visit is ``stamps.staff_stamp_batch``, the use case the API's
``/visits/batch`` calls too; this module only adds what the page needs around it.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from backend.errors import Forbidden, InvalidInput, Unauthorized
from backend.extensions import db
from backend.models import ApiToken, Event, Stand, StandVisit, TabletState
from backend.services.stands import get_stand

SCANNER_ROLES = ("organiser", "stand")
# The tablet's id is random (the scanner makes it once); its version a hash of the scanner's files.
TABLET_ID = re.compile(r"[A-Za-z0-9_-]{8,40}")
VERSION = re.compile(r"[A-Za-z0-9._-]{0,40}")
QUEUED_MAX = 1_000_000


def scanner_token(token: ApiToken | None) -> ApiToken:
    """The live token of a signed-in browser, if its role may scan; else ``Unauthorized``.

    ``token`` is what the session's sign-in vouched for (None once it was revoked).
    """
    if token is None or token.role not in SCANNER_ROLES:
        raise Unauthorized(reason="not_stand_staff")
    return token


def scanner_stand(token: ApiToken, stand_id: int) -> Stand:
    """The stand this token scans for: a stand token its own only, an organiser any."""
    if token.role == "stand" and token.stand_id != stand_id:
        raise Forbidden(reason="other_stand")
    return get_stand(stand_id)


@dataclass(frozen=True)
class TabletReport:
    """What a tablet says about itself when it syncs or beats: checked, not yet stored."""

    tablet: str
    queued: int
    version: str


def sync_request(visits: list, state) -> TabletReport | None:
    """The rules of a scanner sync's body beside its visits: its state, and not nothing at all.

    ``state`` is ``{"tablet", "queued", "version"}`` (``version`` may be left out): the
    tablet's random id, the scans it still holds for the network besides those sent now,
    and its scanner's version. A heartbeat sends no visits, so it must send a state.
    """
    if state is None:
        if not visits:
            raise InvalidInput(fields={"visits": ["Send at least one visit, or the state."]})
        return None
    problems: dict[str, list[str]] = {}
    if not isinstance(state, dict):
        raise InvalidInput(fields={"state": ["An object: tablet, queued, version."]})
    unknown = sorted(set(state) - {"tablet", "queued", "version"})
    if unknown:
        problems["_unknown"] = [f"Unknown field: {name}." for name in unknown]
    tablet, queued, version = state.get("tablet"), state.get("queued"), state.get("version", "")
    if not isinstance(tablet, str) or not TABLET_ID.fullmatch(tablet):
        problems["tablet"] = ["8 to 40 letters, digits, - or _."]
    if isinstance(queued, bool) or not isinstance(queued, int) or not 0 <= queued <= QUEUED_MAX:
        problems["queued"] = [f"A whole number from 0 to {QUEUED_MAX}."]
    if not isinstance(version, str) or not VERSION.fullmatch(version):
        problems["version"] = ["At most 40 letters, digits, ., - or _."]
    if problems:
        raise InvalidInput(fields={"state": problems})
    return TabletReport(tablet, queued, version)


def record_state(stand: Stand, report: TabletReport, now: datetime) -> TabletState:
    """Keep what the tablet said, heard at ``now``: one row per tablet at a stand, raised in place."""
    for attempt in range(2):
        row = db.session.scalar(
            select(TabletState).where(
                TabletState.stand_id == stand.id, TabletState.tablet == report.tablet
            )
        )
        if row is None:
            row = TabletState(stand_id=stand.id, tablet=report.tablet)
            db.session.add(row)
        row.last_heard_at, row.queued, row.version = now, report.queued, report.version
        try:
            db.session.commit()
            return row
        except IntegrityError:
            # Another request of the same tablet made its row first: raise that one instead.
            db.session.rollback()
            if attempt:
                raise
    raise AssertionError("unreachable")


def today_count(stand: Stand, now: datetime) -> int:
    """Visits at the stand (staff and self, tests excluded) on ``now``'s day in the event's zone."""
    zone = ZoneInfo(stand.event.timezone)
    start = datetime.combine(now.astimezone(zone).date(), time.min, tzinfo=zone)
    return db.session.scalar(
        select(func.count())
        .select_from(StandVisit)
        .where(
            StandVisit.stand_id == stand.id,
            StandVisit.is_test.is_(False),
            StandVisit.visited_at >= start,
            StandVisit.visited_at < start + timedelta(days=1),
        )
    )


def scannable_stands(limit: int = 500) -> list[Stand]:
    """The stands an organiser may pick at /scan (not retired): newest edition first, by label."""
    statement = (
        select(Stand)
        .join(Stand.event)
        .where(Stand.retired_at.is_(None))
        .options(contains_eager(Stand.event), joinedload(Stand.company))
        .order_by(Event.starts_on.desc(), Event.id, Stand.label)
        .limit(limit)
    )
    return list(db.session.scalars(statement))
