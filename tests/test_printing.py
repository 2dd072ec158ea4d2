"""Batches and print outputs over HTTP, decoded with an independent QR decoder.

Every QR on every printed sheet, poster and per-pin image must decode to exactly
the URL in the manifest, one for one.
"""

import csv
import io
import re
import zipfile

import pikepdf
import pytest
from sqlalchemy import select

from backend.config import ConfigError, print_settings
from backend.models import Batch, Pin
from qr import PRESETS, SheetLayout
from qr.branding import cmyk
from tests.qr.decode import (
    IMAGE_OBJECT,
    filled_square_paths_mm,
    label_texts,
    pdf_object_types,
    pdf_pages,
    pdf_text,
    png_image,
    svg_image,
    texts,
)
from tests.qr.looks import LOGO_SVG
from tests.qr.preflight import paints

ORGANISER_ONLY = ["sheets.pdf", "manifest.csv", "bundle.zip", "pins"]


@pytest.fixture
def batch(client, auth, make):
    event, _ = make.plaza(stands=2)
    response = client.post(
        f"/api/v1/events/{event.slug}/batches",
        json={"label": "Day 1", "channel": "ut-desk", "size": 30},
        headers=auth("organiser"),
    )
    assert response.status_code == 201, response.json
    return response.json


def manifest_rows(client, auth, batch_id):
    response = client.get(f"/api/v1/batches/{batch_id}/manifest.csv", headers=auth("organiser"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_batch_is_minted_whole_with_counts_and_print_geometry(batch, db):
    assert (batch["issued"], batch["void"], batch["size"]) == (30, 0, 30)
    assert batch["qr_version"] == 2  # https://pins.example.org is 24 characters
    assert batch["module_mm"] >= 0.5
    assert db.session.query(Pin).count() == 30


def test_manifest_lists_every_pin_with_its_url_and_qr_version(client, auth, batch, db):
    rows = manifest_rows(client, auth, batch["id"])
    codes = set(db.session.scalars(select(Pin.code)))
    assert {row["code"] for row in rows} == codes and len(rows) == 30
    row = rows[0]
    assert row["url"] == f"HTTPS://PINS.EXAMPLE.ORG/P/{row['code']}"
    assert (row["batch"], row["channel"], row["qr_version"]) == ("Day 1", "ut-desk", "2")


def test_every_qr_on_the_sheets_decodes_to_the_manifest(client, auth, batch):
    response = client.get(f"/api/v1/batches/{batch['id']}/sheets.pdf", headers=auth("organiser"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = pdf_pages(response.data, scale=600 / 72)
    decoded = [t for page in pages for t in label_texts(page, SheetLayout(), 600 / 72)]
    manifest = [row["url"] for row in manifest_rows(client, auth, batch["id"])]
    assert sorted(decoded) == sorted(manifest)
    assert IMAGE_OBJECT not in pdf_object_types(response.data)  # vector, not a raster


def test_default_sheet_gives_modules_of_at_least_half_a_millimetre(client, auth, batch):
    pdf = client.get(f"/api/v1/batches/{batch['id']}/sheets.pdf", headers=auth("organiser")).data
    # Each QR is drawn as one filled path the size of its 25 modules (version 2).
    symbols = filled_square_paths_mm(pdf)
    assert len(symbols) == 30
    assert all(0.5 <= side / 25 < 0.6 for side in symbols)


def test_bundle_holds_pdf_manifest_and_decodable_svg_and_png_per_pin(client, auth, batch):
    response = client.get(f"/api/v1/batches/{batch['id']}/bundle.zip", headers=auth("organiser"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert "sheets.pdf" in names and len(manifest) == 30
    for row in manifest:
        assert texts(png_image(archive.read(f"png/{row['code']}.png"))) == [row["url"]]
        assert texts(svg_image(archive.read(f"svg/{row['code']}.svg"), 400)) == [row["url"]]


def test_posters_decode_to_the_stand_urls(client, auth, make, db):
    event, stands = make.plaza(stands=2)
    response = client.get(f"/api/v1/events/{event.slug}/posters.pdf", headers=auth("organiser"))
    assert response.status_code == 200
    decoded = sorted(t for page in pdf_pages(response.data, scale=2) for t in texts(page))
    expected = sorted(
        f"HTTPS://PINS.EXAMPLE.ORG/S/{s.code}"
        for s in db.session.scalars(
            select(type(stands[0])).where(type(stands[0]).event_id == event.id)
        )
    )
    assert decoded == expected and len(decoded) == 3  # two plaza stands and one in the main hall
    one = client.get(f"/api/v1/stands/{stands[0].id}/poster.pdf", headers=auth("organiser"))
    assert [t for page in pdf_pages(one.data, scale=2) for t in texts(page)] == [
        f"HTTPS://PINS.EXAMPLE.ORG/S/{stands[0].code}"
    ]


def test_single_pin_qr_in_svg_and_png(client, auth, batch, db):
    code = db.session.scalar(select(Pin.code))
    headers = auth("organiser")
    png = client.get(f"/api/v1/pins/{code.lower()}/qr.png?size_px=300", headers=headers)
    assert png.mimetype == "image/png"
    assert texts(png_image(png.data)) == [f"HTTPS://PINS.EXAMPLE.ORG/P/{code}"]
    svg = client.get(f"/api/v1/pins/{code}/qr.svg", headers=headers)
    assert svg.mimetype == "image/svg+xml"
    assert texts(svg_image(svg.data, 400)) == [f"HTTPS://PINS.EXAMPLE.ORG/P/{code}"]


def test_voiding_a_pin_counts_in_the_batch(client, auth, batch, db):
    code = db.session.scalar(select(Pin.code))
    headers = auth("organiser")
    voided = client.post(f"/api/v1/pins/{code}/void", json={"reason": "lost"}, headers=headers)
    assert voided.status_code == 200 and voided.json["status"] == "void"
    assert client.post(f"/api/v1/pins/{code}/void", json={}, headers=headers).status_code == 409
    summary = client.get(f"/api/v1/batches/{batch['id']}", headers=auth("viewer")).json
    assert (summary["issued"], summary["void"]) == (30, 1)
    reprint = client.get(f"/api/v1/pins/{code}/qr.png", headers=headers)
    assert reprint.status_code == 409 and reprint.json["error"]["code"] == "pin_void"


def test_pins_list_is_paginated_and_organiser_only(client, auth, batch):
    url = f"/api/v1/batches/{batch['id']}/pins?per_page=10&page=3"
    listed = client.get(url, headers=auth("organiser"))
    assert listed.json["total"] == 30 and len(listed.json["items"]) == 10
    assert listed.json["items"][0]["url"].startswith("HTTPS://PINS.EXAMPLE.ORG/P/")
    for path in ORGANISER_ONLY:
        url = f"/api/v1/batches/{batch['id']}/{path}"
        assert client.get(url, headers=auth("viewer")).status_code == 403


@pytest.mark.parametrize(
    "body,status",
    [
        ({"label": "x", "channel": "ut-desk", "size": 0}, 422),
        ({"label": "x", "channel": "ut-desk", "size": 50_001}, 422),
        ({"label": "x", "channel": "ut-desk", "size": "10"}, 422),
        ({"label": "x", "channel": "UT/desk", "size": 10}, 422),  # "UT desk" would be ut-desk
        ({"label": "Day 1", "channel": "ut-desk", "size": 10}, 409),
    ],
)
def test_bad_batch_requests_create_nothing(client, auth, batch, db, body, status):
    response = client.post(
        f"/api/v1/events/{batch['event']}/batches", json=body, headers=auth("organiser")
    )
    assert response.status_code == status
    assert db.session.query(Batch).count() == 1 and db.session.query(Pin).count() == 30


@pytest.mark.parametrize(
    "path,status,code",
    [
        ("/batches/999999", 404, "batch_not_found"),
        ("/batches/999999/sheets.pdf", 404, "batch_not_found"),
        ("/batches/{id}/sheets.pdf?diameter_mm=500", 422, "invalid_input"),
        ("/batches/{id}/sheets.pdf?colour=red", 422, "invalid_input"),
        ("/batches/{id}/bundle.zip?columns=99", 422, "invalid_input"),
        ("/pins/ZZZZZZZZZ/qr.png", 404, "pin_not_found"),
        ("/pins/{code}/qr.png?ecc=X", 422, "invalid_input"),
        ("/pins/{code}/qr.svg?dark=%23ffffff", 422, "invalid_input"),
        ("/pins/{code}/qr.svg?size_px=abc", 422, "invalid_input"),
        ("/events/nope/batches", 404, "event_not_found"),
        ("/events/nope/posters.pdf", 404, "event_not_found"),
        ("/stands/999999/poster.pdf", 404, "stand_not_found"),
    ],
)
def test_bad_print_requests_are_clear_4xx(client, auth, batch, db, path, status, code):
    pin = db.session.scalar(select(Pin.code))
    response = client.get(
        "/api/v1" + path.format(id=batch["id"], code=pin), headers=auth("organiser")
    )
    assert response.status_code == status
    assert response.json["error"]["code"] == code


def test_sheets_take_a_badge_machine_preset_and_a_hairline(client, auth, batch, db):
    url = f"/api/v1/batches/{batch['id']}/sheets.pdf?preset=38&cut=hairline"
    response = client.get(url, headers=auth("organiser"))
    assert response.status_code == 200
    layout = SheetLayout.for_preset("38", cut="hairline")
    pages = list(pdf_pages(response.data, scale=4, printing=True))
    assert len(pages) == 2  # 20 pins of 38 mm a page
    decoded = [t for page in pages for t in label_texts(page, layout, 4)]
    assert sorted(decoded) == sorted(r["url"] for r in manifest_rows(client, auth, batch["id"]))


def test_edition_branding_comes_from_the_settings(app, client, auth, batch, monkeypatch, tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_bytes(LOGO_SVG)
    monkeypatch.setitem(app.config, "PRINT_BACKGROUND", "#fde8b0")
    monkeypatch.setitem(app.config, "PRINT_LOGO", str(logo))
    response = client.get(f"/api/v1/batches/{batch['id']}/sheets.pdf", headers=auth("organiser"))
    pdf = pikepdf.open(io.BytesIO(response.data))
    painted = paints(pdf, 0)
    assert {p.colour for p in painted if p.kind == "fill" and p.curved} == {
        ("DeviceCMYK", cmyk("#fde8b0"))
    }
    assert len([p for p in painted if p.kind == "image"]) == 30  # the logo in each wrap
    pages = pdf_pages(response.data, scale=4, printing=True)
    decoded = [t for page in pages for t in label_texts(page, SheetLayout(), 4)]
    assert sorted(decoded) == sorted(r["url"] for r in manifest_rows(client, auth, batch["id"]))


@pytest.mark.parametrize(
    "env,message",
    [
        ({"PRINT_BACKGROUND": "#222222"}, "too dark"),
        ({"PRINT_BACKGROUND": "navy"}, "colour"),
        ({"PRINT_LOGO": "/nonexistent/logo.svg"}, "existing"),
    ],
)
def test_print_settings_that_would_spoil_a_run_stop_the_start(env, message):
    with pytest.raises(ConfigError, match=message):
        print_settings(env)


def test_cli_prints_a_batch_for_a_preset_and_refuses_an_unknown_one(runner, make, tmp_path):
    event = make.event()
    base = ["speld", "batch", "create", "--event", event.slug, "--size", "3", "--channel", "roc"]
    made = runner.invoke(args=[*base, "--label", "A", "--preset", "44", "--out", str(tmp_path)])
    assert made.exit_code == 0, made.output
    page = next(pdf_pages((tmp_path / "sheets.pdf").read_bytes(), scale=3, printing=True))
    assert len(label_texts(page, SheetLayout.for_preset("44"), 3)) == 3
    refused = runner.invoke(args=[*base, "--label", "B", "--preset", "31", "--out", str(tmp_path)])
    assert refused.exit_code == 2 and "--preset" in refused.output


@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_preset_reports_the_machine_and_the_module_it_prints(
    client, auth, runner, make, tmp_path, db, preset
):
    event = make.event()
    args = ["speld", "batch", "create", "--event", event.slug, "--size", "2", "--channel", "roc"]
    made = runner.invoke(args=[*args, "--label", "Run", "--preset", preset, "--out", str(tmp_path)])
    assert made.exit_code == 0, made.output
    pdf = (tmp_path / "sheets.pdf").read_bytes()
    batch_id = db.session.scalar(select(Batch.id).where(Batch.label == "Run"))
    face, paper = PRESETS[preset].face_mm, PRESETS[preset].cut_mm
    answer = client.get(f"/api/v1/batches/{batch_id}?preset={preset}", headers=auth("organiser"))
    assert answer.status_code == 200, answer.json
    reported = answer.json
    assert (reported["preset"], reported["face_mm"], reported["paper_mm"]) == (preset, face, paper)
    # The module as the PDF draws it: each QR's dark area is the symbol, 4v + 17 modules wide.
    sides = filled_square_paths_mm(pdf)
    assert len(sides) == 2
    measured = [side / (4 * reported["qr_version"] + 17) for side in sides]
    assert all(m == pytest.approx(reported["module_mm"], abs=0.002) for m in measured)
    cli_module = float(re.search(r"modules ([0-9.]+) mm", made.output).group(1))
    assert all(m == pytest.approx(cli_module, abs=0.002) for m in measured)
    # The machine asked for is the one named, by the CLI and on the sheet's slug line.
    machine = f"{preset} mm machine: face {face:g} mm, paper {paper:g} mm"
    assert machine in made.output
    slug = " ".join(pdf_text(pdf)[0].split())
    assert machine in slug and slug.count("mm machine") == 1


def test_a_batch_reports_the_25_mm_machine_unless_a_layout_is_asked_for(client, auth, batch):
    default = client.get(f"/api/v1/batches/{batch['id']}", headers=auth("organiser")).json
    assert (default["preset"], default["face_mm"], default["paper_mm"]) == ("25", 25.0, 33.3)
    custom = client.get(
        f"/api/v1/batches/{batch['id']}?diameter_mm=30&bleed_mm=5", headers=auth("organiser")
    ).json
    assert (custom["preset"], custom["face_mm"], custom["paper_mm"]) == (None, 30.0, 40.0)
    assert custom["module_mm"] == pytest.approx(default["module_mm"] * 30 / 25, abs=0.001)
    refused = client.get(f"/api/v1/batches/{batch['id']}?preset=31", headers=auth("organiser"))
    assert refused.status_code == 422 and "preset" in refused.json["error"]["fields"]


def _docinfo(data: bytes) -> dict[str, str]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return {str(k): str(v) for k, v in pdf.docinfo.items()}


def test_print_files_name_the_edition_and_the_batch(client, auth, batch, db):
    batch_row = db.session.get(Batch, batch["id"])
    edition = batch_row.event.name
    sheets = client.get(f"/api/v1/batches/{batch['id']}/sheets.pdf", headers=auth("organiser"))
    info = _docinfo(sheets.data)
    assert edition in info["/Title"] and "Day 1" in info["/Title"]
    assert info["/Producer"].startswith("Speld ")
    posters = client.get(f"/api/v1/events/{batch['event']}/posters.pdf", headers=auth("organiser"))
    assert posters.status_code == 200
    info = _docinfo(posters.data)
    assert edition in info["/Title"] and info["/Creator"].startswith("Speld ")
