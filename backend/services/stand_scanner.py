"""The stand scanner's use cases: who may scan for which stand, today's count.

Sign-in cards (a stand's opens the scanner) are ``sign_in_cards.issue_card``.

Registering a visit is ``stamps.staff_stamp_batch``, the use case the API's
``/visits/batch`` calls too; this module only adds what the page needs around it.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from backend.errors import Forbidden, Unauthorized
from backend.extensions import db
from backend.models import ApiToken, Event, Stand, StandVisit
from backend.services.stands import get_stand

SCANNER_ROLES = ("organiser", "stand")


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
