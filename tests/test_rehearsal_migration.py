"""Migration 0015 on a database already in use: visits stored outside the fair's days."""

from datetime import datetime
from zoneinfo import ZoneInfo

import flask_migrate
from sqlalchemy import select

from backend.models import Pin, StandVisit
from backend.services.pins import find_pin

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_visits_stored_outside_the_fair_s_days_become_rehearsals(db, make):
    event, (stand, other) = make.plaza(stands=2)  # 18-19 February 2026
    december, midnight, fair_day, taken = make.pin_codes(event, size=4)
    moments = {
        december: datetime(2025, 12, 3, 14, 0, tzinfo=AMSTERDAM),  # the poster, tried early
        midnight: datetime(2026, 2, 20, 0, 5, tzinfo=AMSTERDAM),  # 23:05 UTC on the last day
        fair_day: datetime(2026, 2, 19, 23, 55, tzinfo=AMSTERDAM),
        taken: datetime(2026, 2, 17, 12, 0, tzinfo=AMSTERDAM),
    }
    for code, moment in moments.items():
        visit = {"pin_id": find_pin(code).id, "stand_id": stand.id, "visited_at": moment}
        db.session.add(StandVisit(**visit, method="self", is_test=False))
    # taken's pin already has a test visit at that stand: the key leaves no room for another.
    test = {"pin_id": find_pin(taken).id, "stand_id": stand.id, "visited_at": moments[taken]}
    db.session.add(StandVisit(**test, method="staff", is_test=True))
    db.session.commit()
    db.session.close()

    flask_migrate.downgrade(revision="0012")  # as the database was before 0015
    flask_migrate.upgrade()

    rows = db.session.execute(
        select(Pin.code, StandVisit.method, StandVisit.is_test, StandVisit.is_rehearsal).join(
            Pin, Pin.id == StandVisit.pin_id
        )
    ).all()
    assert sorted(rows) == sorted(
        [
            (december, "self", True, True),
            (midnight, "self", True, True),
            (fair_day, "self", False, False),
            (taken, "self", False, False),
            (taken, "staff", True, True),
        ]
    )
