"""The workbook a civil servant opens: plain sentences, names as on the dashboard, all explained.

Random fairs (tests/test_funnel_property.py writes their logs through the use cases) are
downloaded from the dashboard in Dutch and English, as an organiser and as a viewer, and read
back with openpyxl and the csv module: no Markdown and no source path anywhere, the zones and
device classes named exactly as the dashboard's page shows them, every sheet and every column
of every table said on the explanation sheet, every row of the sheet Excluded said on About.
"""

import csv
import html
import io
import re
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings

from backend.models.zones import zone_name
from backend.pages.dashboard_strings import TEXT
from backend.pages.i18n import translator
from exports.rows import DEVICE_WORDS, device_name
from exports.tables import TABLES
from tests.test_dashboard import sign_in
from tests.test_funnel_property import build, empty_tables, logs, replay

# What a reader without the source and the docs must never meet.
MARKDOWN = re.compile(r"\*\*|`|\]\(|^\s*#", re.MULTILINE)
SOURCE = re.compile(r"\.py\b|docs/|exports/|backend/|metrics\.md")


def texts(book: openpyxl.Workbook):
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    yield f"{sheet.title}!{cell.coordinate}", cell.value


def assert_plain(book: openpyxl.Workbook) -> None:
    for where, text in texts(book):
        assert not MARKDOWN.search(text), (where, text)
        assert not SOURCE.search(text), (where, text)


def shown_on_the_dashboard(page: str) -> tuple[dict[str, str], dict[str, str]]:
    """The zones (slug: name) and device classes (class: name) as the dashboard's page says them."""
    zones = dict(re.findall(r'data-zone="([^"]+)" data-label="[^"]*">([^<]*)<', page))
    devices = dict(re.findall(r'data-device="([^"]+)"><th scope="row">([^<]*)<', page))
    unescape = lambda found: {k: html.unescape(v) for k, v in found.items()}  # noqa: E731
    return unescape(zones), unescape(devices)


def rows_of(book: openpyxl.Workbook, table: str, lang: str) -> list[dict]:
    header, *rows = book[TABLES[table].title(lang)].iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def assert_explained(book: openpyxl.Workbook, lang: str) -> None:
    """Every sheet has a sentence, and every column of every table its own, on the last sheet."""
    header, *rows = book.worksheets[-1].iter_rows(values_only=True)
    explained = {(sheet, column): text for sheet, column, _holds, text in rows}
    assert len(explained) == len(rows)
    for sheet in book.sheetnames:
        assert len(explained.pop((sheet, None)) or "") > 30, sheet
    for spec in TABLES.values():
        for column in spec.headers(lang):
            assert len(explained.pop((spec.title(lang), column)) or "") > 10, column
    assert explained == {}
    # Each row of the sheet Excluded is a figure named on About with what it counts.
    about = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    for row in book[TABLES["excluded"].title(lang)].iter_rows(min_row=2, values_only=True):
        assert len(about.get(row[0]) or "") > 30, row[0]


def assert_named_as_on_the_dashboard(book, lang, stands, zones, devices) -> None:
    named = {row[TABLES["stands"].headers(lang)[0]]: row for row in rows_of(book, "stands", lang)}
    zone = TABLES["stands"].headers(lang)[2]
    assert set(named) == set(stands)
    for label, slug in stands.items():
        assert named[label][zone] == zone_name(slug, lang), label
        if slug in zones:  # the dashboard lists a stand only with the figures it shows
            assert named[label][zone] == zones[slug], label
    say = translator(lang, TEXT)  # the dashboard's own words for a device class
    device = TABLES["devices"].headers(lang)[0]
    shown = [row[device] for row in rows_of(book, "devices", lang)]
    assert shown == [devices[key] for key in devices]
    assert all(name == say(key) == device_name(key, lang) for key, name in devices.items())


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_explanation_is_written_for_its_reader_and_points_to_no_file(app, client, make, lang):
    from tests.test_funnel import build_fair

    event = build_fair(make).event
    assert sign_in(client, make.token("viewer")).status_code == 303
    body = client.get(f"/dashboard/{event.slug}/funnel.xlsx", query_string={"lang": lang})
    book = openpyxl.load_workbook(io.BytesIO(body.data))
    assert_plain(book)
    assert_explained(book, lang)
    about = [row for row in book.worksheets[0].iter_rows(values_only=True)]
    assert len(about) < 60  # sentences for a person, not a document pasted line by line
    said = " ".join(str(value) for row in about for value in row if value)
    words = {
        "nl": ("bot", "test", "herhaal", "oefening", "ingetrokken", "kleine aantallen", "geprimed",
               "2018", "interval"),
        "en": ("bot", "test", "repeat", "rehearsal", "void", "small counts", "exposed", "2018",
               "interval"),
    }[lang]  # fmt: skip
    for word in words:
        assert word in said.lower(), word


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(log=logs)
def test_every_file_names_zones_and_devices_as_the_dashboard_does(db, make, client, log):
    empty_tables(db)
    event, _plaza, stands, _batches, _codes = build(make, log)
    replay(db, log, _plaza, stands, _codes)
    labels = {stand.label: stand.zone for stand in stands}
    role = "organiser" if log["suppress_below"] is None else "viewer"
    assert sign_in(client, make.token(role)).status_code == 303
    for lang in ("nl", "en"):
        page = client.get(f"/dashboard/{event.slug}", query_string={"lang": lang})
        assert page.status_code == 200
        zones, devices = shown_on_the_dashboard(page.get_data(as_text=True))
        assert set(devices) <= set(DEVICE_WORDS)
        assert not zones or set(zones) == set(labels.values())
        export = client.get(f"/dashboard/{event.slug}/export.zip", query_string={"lang": lang})
        assert export.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(export.data))
        book = openpyxl.load_workbook(
            io.BytesIO(archive.read(f"{TABLES['funnel'].file(lang)}.xlsx"))
        )
        assert_plain(book)
        assert_explained(book, lang)
        assert_named_as_on_the_dashboard(book, lang, labels, zones, devices)
        # The CSVs of the same ZIP name them alike.
        for table, column in (("stands", 2), ("devices", 0)):
            spec = TABLES[table]
            read = list(csv.reader(io.StringIO(archive.read(f"{spec.file(lang)}.csv").decode())))
            assert read[0] == spec.headers(lang)
            assert [row[column] for row in read[1:]] == [
                row[spec.headers(lang)[column]] or "" for row in rows_of(book, table, lang)
            ]
