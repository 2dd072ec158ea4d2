"""Time the whole funnel and its XLSX export on a fair-sized database.

    .venv/bin/python bench/funnel.py [--scale 1.0]

Seeds 10,000 pins (three channels), 1,000,000 scans, 300,000 landing visits,
30,000 portal clicks, 100,000 stand visits (16 Twente Plaza stands) and 3,000 survey answers over the
two fair days, with bulk inserts on the driver's cursor (the use cases would
take hours for a million rows; `flask speld simulate` is the use-case path).
Then times funnel() with every breakdown, as organiser and as viewer, and the
XLSX export. SQLite in a temporary folder, or the PostgreSQL of DATABASE_URL
(name containing "bench" or "test": it is emptied). Targets: funnel under 2 s,
XLSX under 5 s, memory bounded.
"""

import argparse
import os
import random
import re
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CHUNK = 20_000


def timestamp(value: datetime, dialect: str):
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if dialect == "sqlite" else value


def insert_many(connection, dialect: str, sql: str, rows) -> int:
    if dialect != "sqlite":
        sql = re.sub(r":(\w+)", r"%(\1)s", sql)
    cursor, batch, count = connection.cursor(), [], 0
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            cursor.executemany(sql, batch)
            count, batch = count + len(batch), []
    if batch:
        cursor.executemany(sql, batch)
        count += len(batch)
    connection.commit()
    return count


def seed(scale: float, days: list[datetime] | None = None) -> dict:
    """Demo event, pins through mint_batch, then bulk activity rows.

    The rows fall in the first seven hours of each of ``days`` (the fair's two mornings;
    by default Business Days Twente 2026's, ``bench/live.py`` gives ones around now).
    """
    from sqlalchemy import select

    from backend.extensions import db
    from backend.models import Pin, Stand
    from backend.services import pins
    from bench.common import fresh_demo_database

    event = fresh_demo_database()
    n_pins = int(10_000 * scale)
    for channel, share in (("ut-desk", 0.6), ("saxion", 0.25), ("roc", 0.15)):
        pins.mint_batch(event.slug, f"Bench {channel}", channel, int(n_pins * share))
    pin_ids = list(db.session.scalars(select(Pin.id)))
    stand_ids = list(db.session.scalars(select(Stand.id).where(Stand.event_id == event.id)))
    plaza = list(
        db.session.scalars(
            select(Stand.company_id).where(Stand.event_id == event.id, Stand.zone == "twente-plaza")
        )
    )
    zone = ZoneInfo(event.timezone)
    days = days or [datetime(2026, 2, 18, 10, tzinfo=zone), datetime(2026, 2, 19, 10, tzinfo=zone)]
    rng = random.Random(1)
    dialect = db.engine.dialect.name

    def moment():
        return timestamp(rng.choice(days) + timedelta(seconds=rng.uniform(0, 7 * 3600)), dialect)

    def scans(count):
        for _ in range(count):
            kind = rng.choices(("human", "bot", "test"), (95, 4, 1))[0]
            yield {
                "pin_id": rng.choice(pin_ids),
                "at": moment(),
                "is_repeat": rng.random() < 0.15,
                "pin_void": False,
                "kind": kind,
                "device_class": "bot"
                if kind == "bot"
                else rng.choice(("mobile", "mobile", "desktop")),
                "os_family": "iOS",
                "visitor_hash": f"{rng.getrandbits(128):032x}",
            }

    def landings(count):
        for _ in range(count):
            yield {
                "pin_id": rng.choice(pin_ids),
                "at": moment(),
                "kind": "human",
                "device_class": "mobile",
                "os_family": "Android",
                "visitor_hash": None,
            }

    def clicks(count):
        for _ in range(count):
            yield {
                "pin_id": rng.choice(pin_ids),
                "at": moment(),
                "kind": "human",
                "device_class": "mobile",
                "os_family": "iOS",
            }

    def visits(count):
        pairs = set()
        while len(pairs) < count:
            pairs.add((rng.choice(pin_ids), rng.choice(stand_ids)))
        for pin_id, stand_id in pairs:
            at = moment()
            yield {
                "pin_id": pin_id,
                "stand_id": stand_id,
                "method": rng.choice(("self", "staff")),
                "is_test": False,
                "at": at,
                "recorded": at,
            }

    raw = db.engine.raw_connection()
    try:
        counts = {
            "scans": insert_many(
                raw,
                dialect,
                "INSERT INTO scans (pin_id, scanned_at, is_repeat, pin_void, kind, device_class,"
                " os_family, visitor_hash) VALUES (:pin_id, :at, :is_repeat, :pin_void, :kind,"
                " :device_class, :os_family, :visitor_hash)",
                scans(int(1_000_000 * scale)),
            ),
            "landing visits": insert_many(
                raw,
                dialect,
                "INSERT INTO landing_visits (pin_id, visited_at, kind, device_class, os_family,"
                " visitor_hash) VALUES (:pin_id, :at, :kind, :device_class, :os_family,"
                " :visitor_hash)",
                landings(int(300_000 * scale)),
            ),
            "portal clicks": insert_many(
                raw,
                dialect,
                "INSERT INTO portal_clicks (pin_id, clicked_at, kind, device_class, os_family)"
                " VALUES (:pin_id, :at, :kind, :device_class, :os_family)",
                clicks(int(30_000 * scale)),
            ),
            "stand visits": insert_many(
                raw,
                dialect,
                "INSERT INTO stand_visits (pin_id, stand_id, method, is_test, visited_at,"
                " recorded_at) VALUES (:pin_id, :stand_id, :method, :is_test, :at, :recorded)",
                visits(int(100_000 * scale)),
            ),
        }
    finally:
        raw.close()
    from backend.services import survey

    codes = list(db.session.scalars(select(Pin.code).limit(int(3_000 * scale))))
    for code in codes:
        known = [c for c in plaza if rng.random() < 0.2]
        survey.answer_survey(
            code, rng.choice(("0", "1-2", "3-5", "6+")), known, False, days[0] + timedelta(hours=2)
        )
    counts["survey answers"] = len(codes)
    counts["pins"] = len(pin_ids)
    if dialect == "postgresql":
        # A fair's rows arrive over two days and autovacuum keeps up with them; a bulk
        # load does not wait for it, and a vacuum running beside the timed queries (or
        # not yet run: no visibility map for index-only scans) would measure that instead.
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE")
    return counts


def timed(function, repeat: int = 3):
    best, result = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the sizes above")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="speld-funnel-"))
    database = os.environ.get("DATABASE_URL")
    if database and not re.search(r"bench|test", database.rsplit("/", 1)[-1]):
        sys.exit("DATABASE_URL must name a database containing 'bench' or 'test': it is emptied")
    os.environ.update(
        SPELD_ENV="development", DATABASE_URL=database or f"sqlite:///{work / 'f.sqlite'}"
    )

    from backend import create_app
    from backend.extensions import db
    from backend.services.events import get_event
    from exports import release as decided
    from exports.formats import to_xlsx
    from exports.funnel import funnel, release
    from exports.suppression import for_viewer

    def viewer(event):
        # The decision is cached by the exact figures; during a fair they change with every
        # scan, so time it undecided: gathering the release, then the linear programs.
        decided._DECIDED.clear()
        return for_viewer(release(db.session, event))

    app = create_app()
    with app.app_context():
        start = time.perf_counter()
        counts = seed(args.scale)
        seed_s = time.perf_counter() - start
        event = get_event("bdt-2026")
        organiser_s, figures = timed(lambda: funnel(db.session, event))
        viewer_s, _ = timed(lambda: viewer(event))
        xlsx_s, body = timed(lambda: to_xlsx(funnel(db.session, event)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    engine = "PostgreSQL" if database else "SQLite"
    print(f"## Funnel on {engine}: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    print(f"\nseeded in {seed_s:.0f} s\n")
    print("| step (best of 3) | seconds | target |\n|---|---:|---|")
    print(f"| funnel(), organiser (exact), every breakdown | {organiser_s:.2f} | < 2 |")
    print(f"| funnel(), viewer (release gathered and decided, no cache) | {viewer_s:.2f} | < 2 |")
    print(f"| funnel() + XLSX ({len(body) / 1024:.0f} KB) | {xlsx_s:.2f} | < 5 |")
    print(
        f"\npeak RSS {peak:.0f} MB; stages: "
        + ", ".join(f"{s.stage} {s.pins}" for s in figures.stages)
    )
    return 0 if organiser_s < 2 and xlsx_s < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
