"""Import 170 companies with their stands from an XLSX file, as the console does.

    .venv/bin/python bench/import.py [--companies 170] [--rounds 3]

Builds the spreadsheet an organiser keeps (name, Twente, portal URL, stand, zone),
then times, on a fresh edition each round: the upload (read the file and preview
every row) and the confirm (read again, re-check and apply in one transaction),
and a second import of the same file (all unchanged, nothing written). SQLite in
a temporary folder, or the PostgreSQL of DATABASE_URL, whose name must contain
"bench" or "test": it is emptied. Target: upload + confirm under 2 s.
"""

import argparse
import io
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def spreadsheet(count: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Naam", "Twente", "Portal URL", "Stand", "Zone"])
    for n in range(1, count + 1):
        zone = "twente-plaza" if n <= 40 else "main-hall"
        sheet.append(
            [
                f"Bedrijf {n:03d} B.V.",
                "ja" if n <= 40 else "nee",
                f"https://portal.example.nl/bedrijf-{n}",
                f"S-{n:03d}",
                zone,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=170)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="speld-import-"))
    database = os.environ.get("DATABASE_URL")
    if database and not re.search(r"bench|test", database.rsplit("/", 1)[-1]):
        sys.exit("DATABASE_URL must name a database containing 'bench' or 'test': it is emptied")
    os.environ.update(
        SPELD_ENV="development",
        DATABASE_URL=database or f"sqlite:///{work / 'import.sqlite'}",
        PUBLIC_BASE_URL="https://pins.example.org",
    )
    from backend import create_app
    from backend.services import company_import, events
    from bench.common import fresh_demo_database

    data = spreadsheet(args.companies)
    app = create_app()
    upload, confirm, again = [], [], []
    with app.app_context():
        for round_ in range(args.rounds):
            fresh_demo_database()
            slug = f"bench-{round_}"
            events.create_event(
                slug=slug,
                name="Bench",
                starts_on=date(2027, 2, 17),
                ends_on=date(2027, 2, 18),
                portal_url="https://www.twente.com",
            )
            start = time.perf_counter()
            rows = company_import.read_table("bedrijven.xlsx", data)
            preview = company_import.preview(slug, rows)
            upload.append(time.perf_counter() - start)
            assert [r.status for r in preview] == ["new"] * args.companies
            start = time.perf_counter()
            result = company_import.apply_import(slug, company_import.read_table("b.xlsx", data))
            confirm.append(time.perf_counter() - start)
            assert result.created == args.companies
            start = time.perf_counter()
            second = company_import.apply_import(slug, company_import.read_table("b.xlsx", data))
            again.append(time.perf_counter() - start)
            assert second.unchanged == args.companies

    engine = "PostgreSQL" if database else "SQLite"
    print(
        f"{engine}, {args.companies} companies, {len(data) / 1024:.0f} KiB XLSX, {args.rounds} rounds"
    )
    for name, times in (
        ("upload (read + preview)", upload),
        ("confirm (read + apply)", confirm),
        ("same file again", again),
    ):
        runs = " / ".join(f"{t:.3f}" for t in times)
        print(f"  {name:26} median {statistics.median(times):.3f} s  ({runs})")
    total = statistics.median(upload) + statistics.median(confirm)
    print(f"  upload + confirm: {total:.3f} s (target < 2 s: {'met' if total < 2 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
