"""The hand-built fair of tests/test_funnel.py in the CSV and XLSX files, read back as a user would.

The expected figures are the ones tests/test_funnel.py counts by hand and asserts in the JSON;
here they are keyed by the files' column headers.
"""

import csv
import io
import json
import zipfile
from datetime import datetime

import openpyxl
import pytest

from backend.models.zones import zone_name
from exports.tables import TABLES
from tests.test_funnel import (
    CHANNELS,
    COMPANIES,
    DAILY,
    DEVICES,
    DIFFERENCE_FROM_BASELINE,
    DISCOVERY,
    EXCLUDED,
    EXPOSED,
    HOURLY,
    NAMED_BEFORE,
    NAMED_NONE_SHARE,
    RESPONDENTS,
    STAGES,
    STANDS,
    build_fair,
)

# Columns by header: shares (percentages in the workbook) and text; every other one is a count.
SHARES = {"from previous stage", "from issued", "share", "share of respondents"}
TEXT = {
    "stage",
    "kept out of the stages",
    "channel",
    "hour (event time)",
    "day (event time)",
    "stand",
    "company",
    "zone",
    "device",
    "Q1: Twente companies named before",
    "Q1 answer (paired pins)",
}
DATES = {"hour (event time)": "yyyy-mm-dd hh:mm", "day (event time)": "yyyy-mm-dd"}
Q1 = "Q1: Twente companies named before"
SHEETS = {  # table: its sheet in the workbook, in order
    "funnel": "Funnel",
    "excluded": "Excluded",
    "channels": "Channels",
    "hourly": "Hourly",
    "daily": "Daily",
    "stands": "Stands",
    "devices": "Devices",
    "awareness": "Awareness",
    "companies": "Companies",
    "follow_up": "Follow-up",
}
STAND_NAMES = {  # label: (company, zone), as build_fair makes them
    "MH-01": ("Main Hall Co", "main-hall"),
    "TP-01": ("Alpha", "twente-plaza"),
    "TP-02": ("Beta", "twente-plaza"),
    "TP-03": ("Gamma", "twente-plaza"),
}
PLAZA_COMPANIES = ("Alpha", "Beta", "Gamma")
STAGE_KEYS = ("issued", "scanned", "landed", "clicked", "visited_stand", "answered_survey")
STAGE_HEADERS = ("issued", "scanned", "landed", "clicked", "visited stand", "answered survey")


@pytest.fixture
def fair(make):
    """The event of tests/test_funnel.py's hand-built fair."""
    return build_fair(make).event


def organiser_tables() -> dict[str, list[dict]]:
    """The fair's exact figures, table by table, as rows keyed by the files' headers."""
    return {
        "funnel": [
            {"stage": stage, "pins": pins, "from previous stage": previous, "from issued": issued}
            for stage, pins, previous, issued in STAGES
        ],
        "excluded": [
            {"kept out of the stages": figure, "count": count} for figure, count in EXCLUDED.items()
        ],
        "channels": [
            {
                "channel": c["channel"],
                "issued": c["issued"],
                "scanned": c["scanned"],
                "landed": c["landed"],
                "clicked": c["clicked"],
                "visited stand": c["visited_stand"],
                "answered survey": c["answered_survey"],
            }
            for c in CHANNELS
        ],
        "hourly": [
            {"hour (event time)": h["hour"], "scans": h["scans"], "pins": h["pins"]} for h in HOURLY
        ],
        "daily": [
            {
                "day (event time)": d["day"],
                "scans": d["scans"],
                "pins": d["pins"],
                "landed": d["landed"],
                "visited a stand": d["visited_stand"],
            }
            for d in DAILY
        ],
        "stands": [
            {
                "stand": label,
                "company": STAND_NAMES[label][0],
                # Named as the dashboard names it; the JSON keeps the zone's slug.
                "zone": zone_name(STAND_NAMES[label][1], "en"),
                "pins": pins,
                "registrations": registrations,
                "self": by_self,
                "staff": by_staff,
            }
            for label, (pins, registrations, by_self, by_staff) in STANDS.items()
        ],
        "devices": [
            {"device": d["device_class"], "scans": d["scans"], "pins": d["pins"]} for d in DEVICES
        ],
        "awareness": [
            *(
                {Q1: r["answer"], "respondents": r["respondents"], "share": r["share"]}
                for r in NAMED_BEFORE
            ),
            *awareness_summary(
                RESPONDENTS,
                (NAMED_NONE_SHARE, 0.0945, 0.9055),
                (DIFFERENCE_FROM_BASELINE, -0.258, 0.5577),
                DISCOVERY["rate"],
                (4, 0.8, 0.5714),  # a b g h of 5 landed and 7 issued
            ),
            *exposed_rows(EXPOSED["named_before"], EXPOSED["respondents"], 0.5),
        ],
        "companies": [
            {"company": name, "respondents who knew it before": knew, "share of respondents": share}
            for name, (knew, share) in zip(PLAZA_COMPANIES, COMPANIES, strict=True)
        ],
        "follow_up": [  # nobody in this fair was asked the follow-up
            *({FOLLOW_UP: a, "before the fair": 0, "at the follow-up": 0} for a in ANSWERS),
            {FOLLOW_UP: "pairs", "before the fair": 0, "at the follow-up": 0},
            {
                FOLLOW_UP: "could name none before, some now",
                "before the fair": 0,
                "at the follow-up": None,
            },
            {
                FOLLOW_UP: "could name some before, none now",
                "before the fair": None,
                "at the follow-up": 0,
            },
        ],
    }


FOLLOW_UP = "Q1 answer (paired pins)"
ANSWERS = ("0", "1-2", "3-5", "6+")


def awareness_summary(respondents, none, difference, discovery, rates) -> list[dict]:
    """The awareness table's rows after Q1's answers: (share, low, high) and (n, landed, issued)."""
    rows = [
        ("respondents", respondents, None),
        ("could name none (share)", None, none[0]),
        ("could name none, 95% interval: low", None, none[1]),
        ("could name none, 95% interval: high", None, none[2]),
        ("2018 baseline (share of 450 students)", None, 0.35),
        ("difference from baseline", None, difference[0]),
        ("difference, 95% interval: low", None, difference[1]),
        ("difference, 95% interval: high", None, difference[2]),
        ("discovery rate", None, discovery),
        ("response rate of landed pins", rates[0], rates[1]),
        ("response rate of issued pins", rates[0], rates[2]),
    ]
    return [{Q1: label, "respondents": n, "share": share} for label, n, share in rows]


def exposed_rows(named_before, respondents, none_share) -> list[dict]:
    return [
        *(
            {Q1: f"exposed: {r['answer']}", "respondents": r["respondents"], "share": r["share"]}
            for r in named_before
        ),
        {Q1: "exposed: respondents", "respondents": respondents, "share": None},
        {Q1: "exposed: could name none (share)", "respondents": None, "share": none_share},
    ]


def viewer_tables() -> dict[str, list[dict]]:
    """As the organiser's, but every channel and company count is from 1 to 4: all blank.

    So are the stage totals 3 (clicked) and 4 (answered) with the shares made from them,
    and, with 4 respondents, every figure of the survey (Q1's answers add up to them).
    """
    hidden = {"clicked", "answered_survey"}
    funnel = [
        {
            "stage": stage,
            "pins": None if stage in hidden else pins,
            "from previous stage": None if {stage, before} & hidden else previous,
            "from issued": None if stage in hidden else issued,
        }
        for (stage, pins, previous, issued), (before, *_) in zip(
            STAGES, [("",), *STAGES], strict=False
        )
    ]
    awareness = [
        {**row, "respondents": None, "share": 0.35 if row["share"] == 0.35 else None}
        for row in organiser_tables()["awareness"]
    ]
    return {
        **organiser_tables(),
        "funnel": funnel,
        "awareness": awareness,
        "channels": [
            {"channel": "roc", **dict.fromkeys(STAGE_HEADERS, None)},
            {"channel": "ut-desk", **dict.fromkeys(STAGE_HEADERS, None)},
        ],
        "companies": [
            {"company": name, "respondents who knew it before": None, "share of respondents": None}
            for name in PLAZA_COMPANIES
        ],
        # Hidden with the survey's headline (2 unexposed answers): not even its zeros.
        "follow_up": [
            {**row, "before the fair": None, "at the follow-up": None}
            for row in organiser_tables()["follow_up"]
        ],
    }


def csv_cell(header: str, text: str):
    """A CSV cell as the figure it shows: empty, text, a share or a count."""
    if text == "":
        return None
    if header in TEXT:
        return text
    return float(text) if header in SHARES else int(text)


def read_csv(client, headers: dict, slug: str, table: str, **filters) -> list[dict]:
    """One CSV table of the API, as rows keyed by its header."""
    response = client.get(
        f"/api/v1/events/{slug}/funnel.csv",
        query_string={"table": table, **filters},
        headers=headers,
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    rows = csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    return [{header: csv_cell(header, text) for header, text in row.items()} for row in rows]


def read_xlsx(client, headers: dict, slug: str, **filters) -> openpyxl.Workbook:
    """The workbook of the API, as openpyxl reads it back."""
    response = client.get(
        f"/api/v1/events/{slug}/funnel.xlsx", query_string=filters, headers=headers
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return openpyxl.load_workbook(io.BytesIO(response.data))


def xlsx_cell(header: str, cell):
    """A workbook cell's value, once it is the right kind: text, a date, a count, a percentage.

    A date or hour comes back in ISO 8601 (an hour as its local wall time: Excel has no
    offsets), to compare with the CSV's text.
    """
    where = f"{cell.parent.title}!{cell.coordinate}"
    if cell.value is None:
        return None
    if header in DATES:
        assert cell.is_date and cell.number_format == DATES[header], where
        value = cell.value if header.startswith("hour") else cell.value.date()
        return value.isoformat()
    if header in TEXT:
        assert cell.data_type == "s", where
    elif header in SHARES:
        assert isinstance(cell.value, int | float), where
        assert cell.number_format == "0.0%", where
    else:
        assert type(cell.value) is int, where
        assert cell.number_format == "#,##0", where
    return cell.value


def in_workbook(rows: list[dict]) -> list[dict]:
    """Expected rows as the workbook holds them: an hour without its UTC offset."""
    hour = "hour (event time)"
    return [
        {**row, hour: datetime.fromisoformat(row[hour]).replace(tzinfo=None).isoformat()}
        if hour in row
        else row
        for row in rows
    ]


def read_sheet(book: openpyxl.Workbook, title: str) -> list[dict]:
    """One sheet as rows keyed by its header row."""
    header, *rows = book[title].iter_rows()
    names = [cell.value for cell in header]
    return [
        {name: xlsx_cell(name, cell) for name, cell in zip(names, row, strict=True)} for row in rows
    ]


def about(book: openpyxl.Workbook) -> dict:
    return {row[0].value: row[1].value for row in book["About"].iter_rows()}


def test_every_csv_table_has_the_hand_counted_figures(client, auth, fair):
    organiser, expected = auth("organiser"), organiser_tables()
    assert set(TABLES) == set(expected)
    for table, rows in expected.items():
        assert read_csv(client, organiser, fair.slug, table) == rows, table


def test_the_workbook_has_the_hand_counted_figures_on_a_sheet_per_table(client, auth, fair):
    book = read_xlsx(client, auth("organiser"), fair.slug)
    assert book.sheetnames == ["About", *SHEETS.values(), "Explanation"]
    for table, rows in organiser_tables().items():
        assert read_sheet(book, SHEETS[table]) == in_workbook(rows), table
    assert about(book)["event"] == "fair-2026"
    assert about(book)["small numbers"] == "exact counts"


def test_viewers_find_small_counts_blank_in_the_files_where_the_json_has_none(client, auth, fair):
    viewer = auth("viewer")
    figures = client.get(f"/api/v1/events/{fair.slug}/funnel", headers=viewer).json
    # 12 channel counts, 2 stage totals, and 10 of the survey (respondents, 4 answers,
    # 3 companies, 2 discovery counts): 4 respondents are too few to show.
    assert figures["suppressed"] == {"threshold": 5, "cells": 41, "too_small": False}
    assert figures["breakdowns"]["channels"] == [
        {"channel": "roc", **dict.fromkeys(STAGE_KEYS, None)},
        {"channel": "ut-desk", **dict.fromkeys(STAGE_KEYS, None)},
    ]
    companies = figures["awareness"]["companies"]
    assert [(c["respondents_knew"], c["share"]) for c in companies] == [(None, None)] * 3
    expected = viewer_tables()
    for table, rows in expected.items():
        assert read_csv(client, viewer, fair.slug, table) == rows, table
    book = read_xlsx(client, viewer, fair.slug)
    for table, rows in expected.items():
        assert read_sheet(book, SHEETS[table]) == in_workbook(rows), table
    assert about(book)["small numbers"] == (
        "counts from 1 to 4, and where needed one more of the same column so that none can be "
        "worked out from a total, are left empty (41 cells)"
    )


def test_a_negative_difference_from_baseline_is_a_number_in_the_files(client, auth, fair):
    # From 18 Feb 23:00 to midnight only h answered ("6+", unexposed), landed and then
    # stamped Gamma, which it knew.
    window = {"since": "2026-02-18T23:00", "until": "2026-02-19T00:00"}
    expected = [
        {Q1: "0", "respondents": 0, "share": 0.0},
        {Q1: "1-2", "respondents": 0, "share": 0.0},
        {Q1: "3-5", "respondents": 0, "share": 0.0},
        {Q1: "6+", "respondents": 1, "share": 1.0},
        *awareness_summary(1, (0.0, 0.0, 0.7935), (-0.35, -0.3952, 0.4446), 0.0, (1, 1.0, 0.1429)),
        *exposed_rows([{"answer": a, "respondents": 0, "share": None} for a in ANSWERS], 0, None),
    ]
    organiser = auth("organiser")
    assert read_csv(client, organiser, fair.slug, "awareness", **window) == expected
    book = read_xlsx(client, organiser, fair.slug, **window)
    assert read_sheet(book, "Awareness") == expected


def test_a_view_too_small_for_a_viewer_has_no_count_in_any_file(client, auth, fair):
    viewer = auth("viewer")
    # roc's 3 pins (and ut-desk's 4): both views are too small.
    for channel in ("roc", "ut-desk"):
        response = client.get(
            f"/api/v1/events/{fair.slug}/export.zip",
            query_string={"channel": channel},
            headers=viewer,
        )
        archive = zipfile.ZipFile(io.BytesIO(response.data))
        figures = json.loads(archive.read("funnel.json"))
        assert figures["suppressed"]["too_small"] is True
        for table, spec in TABLES.items():
            counts = [column.header("en") for column in spec.columns if column.kind == "int"]
            rows = list(csv.DictReader(io.StringIO(archive.read(f"{table}.csv").decode())))
            assert all(row[header] == "" for row in rows for header in counts), table
        book = openpyxl.load_workbook(io.BytesIO(archive.read("funnel.xlsx")))
        note = about(book)["small numbers"]
        assert note == "too few students in this view to show any count (threshold 5)"
        exact = read_csv(client, auth("organiser"), fair.slug, "funnel", channel=channel)
        assert exact[0]["pins"] in (3, 4)  # organisers still get the figures
