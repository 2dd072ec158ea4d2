"""The funnel's files: CSV, XLSX and ZIP carry the JSON's figures, for the API and the CLI alike."""

import csv
import io
import json
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from backend.services import journey, scans, stamps, survey
from backend.services.scans import Visitor
from exports.tables import TABLES

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(hour, minute=0, day=18):
    return datetime(2026, 2, day, hour, minute, tzinfo=AMSTERDAM)


def student(n):
    return Visitor("human", "mobile", "iOS", f"visitor-{n}")


@pytest.fixture
def fair(make, db):
    """Six students of one channel and two of another, at a fair with a company named like a formula."""
    event, stands = make.plaza(stands=2)
    stands[0].company.name = '=HYPERLINK("http://evil")'
    db.session.commit()
    main = make.pin_codes(event, size=6, channel="ut-desk")
    small = make.pin_codes(event, size=2, channel="roc")
    for n, code in enumerate(main + small):
        scans.recorder().record(code, f"/p/{code}", student(n), at(10 + n % 5))
        journey.visit_landing(code, student(n), at(10 + n % 5, 1))
    for code in main[:4]:
        stamps.self_stamp(stands[0].code, code, False, at(13))
    survey.answer_survey(main[0], "0", [], False, at(14))
    survey.answer_survey(main[1], "1-2", [stands[0].company_id], False, at(14))
    return event


def get(client, auth, role, path):
    response = client.get(path, headers=auth(role))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def test_json_funnel_counts_the_students(client, auth, fair):
    figures = get(client, auth, "organiser", f"/api/v1/events/{fair.slug}/funnel").json
    stages = {s["stage"]: s["pins"] for s in figures["stages"]}
    assert stages["issued"] == 8 and stages["scanned"] == 8 and stages["landed"] == 8
    assert stages["visited_stand"] == 4 and stages["answered_survey"] == 2
    assert figures["definitions_version"]


def test_csv_has_the_same_stage_figures_as_the_json(client, auth, fair):
    figures = get(client, auth, "organiser", f"/api/v1/events/{fair.slug}/funnel").json
    body = get(client, auth, "organiser", f"/api/v1/events/{fair.slug}/funnel.csv")
    assert body.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(body.get_data(as_text=True))))
    assert [(r["stage"], int(r["pins"])) for r in rows] == [
        (s["stage"], s["pins"]) for s in figures["stages"]
    ]


def test_csv_neutralises_cells_that_would_run_as_formulas(client, auth, fair):
    body = get(client, auth, "organiser", f"/api/v1/events/{fair.slug}/funnel.csv?table=stands")
    text = body.get_data(as_text=True)
    assert "'=HYPERLINK" in text
    assert not any(line.startswith("=") or ",=" in line for line in text.splitlines())


def test_xlsx_keeps_a_company_name_that_looks_like_a_formula_as_text(client, auth, fair):
    body = get(client, auth, "organiser", f"/api/v1/events/{fair.slug}/funnel.xlsx").data
    stands = openpyxl.load_workbook(io.BytesIO(body))["Stands"]
    (cell,) = [row[1] for row in stands.iter_rows(min_row=2) if "HYPERLINK" in str(row[1].value)]
    assert cell.value == '=HYPERLINK("http://evil")'
    assert cell.data_type == "s"  # a string, not a formula Excel would run


def test_xlsx_has_a_sheet_per_table_with_the_json_figures(client, auth, fair):
    figures = get(client, auth, "organiser", f"/api/v1/events/{fair.slug}/funnel").json
    body = get(client, auth, "organiser", f"/api/v1/events/{fair.slug}/funnel.xlsx").data
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["About", *[t.title("en") for t in TABLES.values()], "Explanation"]
    funnel = book["Funnel"]
    assert funnel.freeze_panes == "A2"
    assert [c.value for c in funnel[1]] == TABLES["funnel"].headers()
    read = [(row[0].value, row[1].value, row[3].value) for row in funnel.iter_rows(min_row=2)]
    assert read == [(s["stage"], s["pins"], s["from_issued"]) for s in figures["stages"]]
    assert funnel["D3"].number_format == "0.0%"
    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert (
        about["event"] == fair.slug
        and about["definitions version"] == figures["definitions_version"]
    )


def test_zip_bundles_every_csv_the_workbook_the_json_and_the_definitions(client, auth, fair):
    body = get(client, auth, "viewer", f"/api/v1/events/{fair.slug}/export.zip").data
    archive = zipfile.ZipFile(io.BytesIO(body))
    names = set(archive.namelist())
    assert {f"{name}.csv" for name in TABLES} <= names
    assert {"funnel.xlsx", "funnel.json", "metrics.md"} <= names
    figures = json.loads(archive.read("funnel.json"))
    assert figures["event"] == fair.slug


def test_viewers_get_small_channel_counts_suppressed_organisers_exact(client, auth, fair):
    def roc(role):
        figures = get(client, auth, role, f"/api/v1/events/{fair.slug}/funnel").json
        return next(c for c in figures["breakdowns"]["channels"] if c["channel"] == "roc")

    assert roc("organiser")["issued"] == 2
    assert roc("viewer")["issued"] is None
    csv_text = get(client, auth, "viewer", f"/api/v1/events/{fair.slug}/funnel.csv?table=channels")
    roc_row = next(
        r
        for r in csv.DictReader(io.StringIO(csv_text.get_data(as_text=True)))
        if r["channel"] == "roc"
    )
    assert roc_row["issued"] == ""


def test_filters_narrow_the_figures(client, auth, fair):
    url = f"/api/v1/events/{fair.slug}/funnel?channel=roc"
    figures = get(client, auth, "organiser", url).json
    assert figures["stages"][0]["pins"] == 2
    assert figures["filters"]["channel"] == "roc"
    early = get(
        client, auth, "organiser", f"/api/v1/events/{fair.slug}/funnel?until=2026-02-18T11:00"
    ).json
    assert {s["stage"]: s["pins"] for s in early["stages"]}["scanned"] == 2  # 10:00 only


@pytest.mark.parametrize(
    "query,status",
    [
        ("?since=yesterday", 422),
        ("?until=2026-02-30", 422),
        ("?since=2026-02-19&until=2026-02-18", 422),
        ("?channel=UT%2Fdesk", 422),  # "UT desk" is ut-desk; no channel holds a slash
        ("?batch=999999", 404),
        ("?batch=abc", 422),
        ("?colour=blue", 422),
    ],
)
def test_bad_filters_are_clear_4xx(client, auth, fair, query, status):
    response = client.get(f"/api/v1/events/{fair.slug}/funnel{query}", headers=auth("viewer"))
    assert response.status_code == status
    assert response.json["error"]["code"]


def test_compare_puts_editions_side_by_side(client, auth, fair, make):
    later = make.event(
        slug="bdt-2027",
        starts_on=datetime(2027, 2, 17).date(),
        ends_on=datetime(2027, 2, 18).date(),
    )
    body = get(
        client, auth, "viewer", f"/api/v1/funnel/compare?events={fair.slug},{later.slug}"
    ).json
    assert [e["event"] for e in body["editions"]] == [fair.slug, later.slug]
    assert body["editions"][0]["issued"] == 8 and body["editions"][1]["issued"] == 0
    unknown = client.get("/api/v1/funnel/compare?events=nope", headers=auth("viewer"))
    assert unknown.status_code == 404


def test_stand_tokens_may_not_read_the_funnel(client, auth, fair, make):
    response = client.get(f"/api/v1/events/{fair.slug}/funnel", headers=auth("stand"))
    assert response.status_code == 403


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json", "zip"])
def test_cli_export_writes_the_same_files_as_the_api(runner, client, auth, fair, tmp_path, kind):
    out = tmp_path / f"export.{kind}"
    result = runner.invoke(
        args=["speld", "export", "--event", fair.slug, "--format", kind, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    if kind == "csv":
        api = get(client, auth, "organiser", f"/api/v1/events/{fair.slug}/funnel.csv").data
        assert out.read_bytes() == api
    elif kind == "json":
        api = get(client, auth, "organiser", f"/api/v1/events/{fair.slug}/funnel").json
        assert json.loads(out.read_bytes())["stages"] == api["stages"]
    else:
        assert out.stat().st_size > 1000


def test_cli_simulate_generates_traffic_through_the_use_cases(runner, make, db):
    event, _ = make.plaza(stands=4)
    result = runner.invoke(args=["speld", "simulate", "--event", event.slug, "--students", "40"])
    assert result.exit_code == 0, result.output
    from backend.models import Pin, Scan, StandVisit

    assert db.session.query(Pin).count() == 40
    assert db.session.query(Scan).count() > 20
    assert db.session.query(StandVisit).count() > 0
    assert result.output.splitlines()[-1].startswith("Seed 2026: ")


def test_cli_simulate_again_adds_a_crowd_and_a_used_seed_is_refused(runner, make, db):
    from backend.models import Batch, Pin

    event, _ = make.plaza(stands=4)
    args = ["speld", "simulate", "--event", event.slug, "--students", "10"]
    first = runner.invoke(args=args)
    again = runner.invoke(args=args)
    assert (first.exit_code, again.exit_code) == (0, 0), again.output
    assert again.output.splitlines()[-1].startswith("Seed 2027: ")
    assert db.session.query(Pin).count() == 20
    replay = runner.invoke(args=[*args, "--seed", "2026"])
    assert replay.exit_code == 1
    assert "already simulated with that seed" in replay.output
    assert "2026 is taken for " + event.slug in replay.output
    assert db.session.query(Pin).count() == 20
    assert db.session.query(Batch).count() == 6
