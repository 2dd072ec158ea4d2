"""The funnel's files in Dutch and English: other words, the very same figures.

The hand-built fair of tests/test_funnel.py, downloaded as a reader would
(the dashboard, signed in) and as a script would (the API, the CLI), read back
from the bytes with the csv module and openpyxl.
"""

import csv
import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from exports.tables import TABLES
from tests.test_dashboard import sign_in
from tests.test_funnel import build_fair

DUTCH_SHEETS = [
    "Over dit bestand",
    "Trechter",
    "Niet meegeteld",
    "Kanalen",
    "Per uur",
    "Per dag",
    "Stands",
    "Apparaten",
    "Bekendheid",
    "Bedrijven",
    "Vervolgvraag",
    "Uitleg",
]
ENGLISH_SHEETS = ["About", *[spec.title("en") for spec in TABLES.values()], "Explanation"]
FIGURES = (int, float, date, datetime, type(None))


@pytest.fixture
def fair(make):
    return build_fair(make).event


def dashboard(client, make, role: str):
    assert sign_in(client, make.token(role)).status_code == 303
    return client


def download(client, path: str, headers=None, **query):
    response = client.get(path, query_string=query, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Disposition"].startswith("attachment")
    return response


def book_of(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(response.data))


def label_columns(spec) -> set[int]:
    """Columns whose text is worded per language (a stage, a figure's name)."""
    return {index for index, column in enumerate(spec.columns) if column.kind == "label"}


def assert_same_figures(dutch: openpyxl.Workbook, english: openpyxl.Workbook) -> int:
    """Every table sheet: same shape, every number, date and blank equal cell by cell.

    Returns how many cells were compared. Text is equal too, except in the columns
    whose words are the language's own (``label``), where both are non-empty text.
    """
    compared = 0
    for spec in TABLES.values():
        nl, en = dutch[spec.title("nl")], english[spec.title("en")]
        assert [c.value for c in nl[1]] == spec.headers("nl")
        assert [c.value for c in en[1]] == spec.headers("en")
        assert (nl.max_row, nl.max_column) == (en.max_row, en.max_column), spec.title("en")
        worded = label_columns(spec)
        for nl_row, en_row in zip(nl.iter_rows(min_row=2), en.iter_rows(min_row=2), strict=True):
            for index, (a, b) in enumerate(zip(nl_row, en_row, strict=True)):
                where = f"{spec.title('en')}!{b.coordinate}"
                assert a.number_format == b.number_format, where
                if isinstance(b.value, FIGURES):
                    assert type(a.value) is type(b.value) and a.value == b.value, where
                elif index in worded:
                    assert isinstance(a.value, str) and a.value, where
                else:
                    assert a.value == b.value, where
                compared += 1
    return compared


def test_the_dashboards_workbook_is_dutch_by_default_with_the_english_figures(
    app, client, auth, make, fair
):
    reader = dashboard(client, make, "organiser")
    dutch = download(reader, f"/dashboard/{fair.slug}/funnel.xlsx")
    english = download(reader, f"/dashboard/{fair.slug}/funnel.xlsx", lang="en")
    assert "filename=fair-2026-trechter.xlsx" in dutch.headers["Content-Disposition"]
    assert "filename=fair-2026-funnel.xlsx" in english.headers["Content-Disposition"]
    nl, en = book_of(dutch), book_of(english)
    assert nl.sheetnames == DUTCH_SHEETS and en.sheetnames == ENGLISH_SHEETS
    assert [c.value for c in nl["Kanalen"][1]] == [
        "Kanaal",
        "Uitgegeven",
        "Gescand",
        "Landingspagina",
        "Doorgeklikt",
        "Stand bezocht",
        "Vragen beantwoord",
    ]
    assert [r[0].value for r in nl["Trechter"].iter_rows(min_row=2)][-1] == "Vragen beantwoord"
    assert [r[0].value for r in en["Funnel"].iter_rows(min_row=2)][-1] == "answered_survey"
    assert assert_same_figures(nl, en) > 150
    # The same figures as the API's English file, which scripts read.
    script = app.test_client()  # no session: a bearer token, like a script
    api = book_of(download(script, f"/api/v1/events/{fair.slug}/funnel.xlsx", auth("organiser")))
    assert assert_same_figures(nl, api) > 150
    about = {row[0].value: row[1].value for row in nl["Over dit bestand"].iter_rows()}
    assert about["evenement"] == fair.slug and about["kleine aantallen"] == "exacte aantallen"


def test_the_workbook_formats_counts_shares_and_dates(client, make, fair):
    english = book_of(
        download(
            dashboard(client, make, "organiser"), f"/dashboard/{fair.slug}/funnel.xlsx", lang="en"
        )
    )
    funnel = english["Funnel"]
    issued, scanned = funnel["B2"], funnel["D3"]
    assert type(issued.value) is int and issued.number_format == "#,##0"
    assert isinstance(scanned.value, float) and scanned.number_format == "0.0%"
    day = english["Daily"]["A2"]
    assert day.is_date and day.value == datetime(2026, 2, 18) and day.number_format == "yyyy-mm-dd"
    hour = english["Hourly"]["A2"]
    assert hour.is_date and hour.value == datetime(2026, 2, 18, 10)
    assert hour.number_format == "yyyy-mm-dd hh:mm"
    # The intervals and the difference from 2018 are percentages like the shares.
    awareness = {r[0].value: r[2] for r in english["Awareness"].iter_rows(min_row=2)}
    for label in ("could name none, 95% interval: low", "difference from baseline"):
        assert isinstance(awareness[label].value, float), label
        assert awareness[label].number_format == "0.0%", label


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_explanation_sheet_explains_every_column_of_every_sheet(client, make, fair, lang):
    book = book_of(
        download(
            dashboard(client, make, "viewer"), f"/dashboard/{fair.slug}/funnel.xlsx", lang=lang
        )
    )
    sheet = book[book.sheetnames[-1]]
    assert sheet.title == {"nl": "Uitleg", "en": "Explanation"}[lang]
    header, *rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert (
        header
        == {
            "nl": ["blad", "kolom", "inhoud", "uitleg"],
            "en": ["sheet", "column", "holds", "explanation"],
        }[lang]
    )
    explained = {(title, column): (kind, text) for title, column, kind, text in rows}
    assert len(explained) == len(rows)  # no column twice
    for title in book.sheetnames:  # every sheet says what it is, on a row without a column
        kind, text = explained.pop((title, None))
        assert kind is None and len(text) > 30, title
    tables = book.sheetnames[1:-1]
    assert len(tables) == len(TABLES)
    for title in tables:
        for cell in book[title][1]:
            kind, text = explained.pop((title, cell.value))
            assert kind and len(text) > 10, (title, cell.value)
    assert explained == {}  # nor a column that no sheet has


def csv_rows(response) -> list[list[str]]:
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_every_csv_in_the_zip_is_named_and_headed_in_its_language_with_the_same_cells(
    client, make, fair
):
    reader = dashboard(client, make, "organiser")
    nl = zipfile.ZipFile(io.BytesIO(download(reader, f"/dashboard/{fair.slug}/export.zip").data))
    en = zipfile.ZipFile(
        io.BytesIO(download(reader, f"/dashboard/{fair.slug}/export.zip", lang="en").data)
    )
    assert sorted(nl.namelist()) == sorted(
        [f"{spec.file('nl')}.csv" for spec in TABLES.values()]
        + ["trechter.xlsx", "funnel.json", "metrics.md"]
    )
    assert sorted(en.namelist()) == sorted(
        [f"{name}.csv" for name in TABLES] + ["funnel.xlsx", "funnel.json", "metrics.md"]
    )
    assert "kanalen.csv" in nl.namelist() and "per-uur.csv" in nl.namelist()
    # The JSON keeps its machine keys in both: the same bytes.
    assert nl.read("funnel.json") == en.read("funnel.json")
    for name, spec in TABLES.items():
        dutch = list(csv.reader(io.StringIO(nl.read(f"{spec.file('nl')}.csv").decode())))
        english = list(csv.reader(io.StringIO(en.read(f"{name}.csv").decode())))
        assert dutch[0] == spec.headers("nl") and english[0] == spec.headers("en")
        assert len(dutch) == len(english) > 1, name
        worded = label_columns(spec)
        for a, b in zip(dutch[1:], english[1:], strict=True):
            assert [x for i, x in enumerate(a) if i not in worded] == [
                y for i, y in enumerate(b) if i not in worded
            ], name
    assert_same_figures(
        openpyxl.load_workbook(io.BytesIO(nl.read("trechter.xlsx"))),
        openpyxl.load_workbook(io.BytesIO(en.read("funnel.xlsx"))),
    )


def blanks(book: openpyxl.Workbook, lang: str) -> dict[str, set[str]]:
    """The empty cells of every table sheet, by the sheet's key."""
    return {
        name: {
            cell.coordinate
            for row in book[spec.title(lang)].iter_rows(min_row=2)
            for cell in row
            if cell.value is None
        }
        for name, spec in TABLES.items()
    }


def test_a_viewer_finds_the_same_cells_hidden_in_both_languages(client, make, fair):
    viewer = dashboard(client, make, "viewer")
    nl = book_of(download(viewer, f"/dashboard/{fair.slug}/funnel.xlsx"))
    en = book_of(download(viewer, f"/dashboard/{fair.slug}/funnel.xlsx", lang="en"))
    hidden = blanks(nl, "nl")
    assert hidden == blanks(en, "en")
    # 12 channel counts and a stage total among them, as tests/test_funnel_files.py counts.
    assert len(hidden["channels"]) == 12 and {"B5", "B7"} <= hidden["funnel"]
    assert_same_figures(nl, en)
    assert {r[0].value: r[1].value for r in nl["Over dit bestand"].iter_rows()}[
        "kleine aantallen"
    ].endswith("(41 cellen)")
    # The CSVs alike, and as a viewer of one channel: a view too small, no count in either.
    for channel in (None, "roc"):
        query = {"channel": channel} if channel else {}
        dutch = csv_rows(download(viewer, f"/dashboard/{fair.slug}/funnel.csv", **query))
        english = csv_rows(
            download(viewer, f"/dashboard/{fair.slug}/funnel.csv", lang="en", **query)
        )
        assert [[x == "" for x in r] for r in dutch] == [[y == "" for y in r] for r in english]
        assert [r[1:] for r in dutch[1:]] == [r[1:] for r in english[1:]]
    assert all(row[1] == "" for row in dutch[1:])  # roc: too few pins to show any count


@pytest.mark.parametrize("path", ["funnel.csv", "funnel.xlsx", "export.zip"])
def test_the_api_speaks_english_unless_asked_and_refuses_another_language(client, auth, fair, path):
    url = f"/api/v1/events/{fair.slug}/{path}"
    default = client.get(url, headers=auth("viewer"))
    english = client.get(url, query_string={"lang": "en"}, headers=auth("viewer"))
    dutch = client.get(url, query_string={"lang": "nl"}, headers=auth("viewer"))
    assert (default.status_code, english.status_code, dutch.status_code) == (200, 200, 200)
    if path == "funnel.csv":
        assert default.data == english.data
        assert csv_rows(dutch)[0] == ["Fase", "Pins", "T.o.v. vorige fase", "T.o.v. uitgegeven"]
        assert dutch.headers["Content-Disposition"].endswith("fair-2026-trechter.csv")
    elif path == "funnel.xlsx":
        assert book_of(default).sheetnames == ENGLISH_SHEETS
        assert book_of(dutch).sheetnames == DUTCH_SHEETS
    for bad in ("de", "NL", "nl,en", "english"):
        refused = client.get(url, query_string={"lang": bad}, headers=auth("viewer"))
        assert refused.status_code == 422, bad
        assert refused.json["error"]["code"] == "invalid_input"
        assert refused.json["error"]["fields"] == {"lang": ["Use nl or en."]}


def test_the_cli_writes_either_language_and_refuses_another(runner, fair, tmp_path):
    def export(*options):
        out = tmp_path / "funnel.xlsx"
        args = ["speld", "export", "--event", fair.slug, "--out", str(out), *options]
        return runner.invoke(args=args), out

    result, out = export()
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames == ENGLISH_SHEETS
    result, out = export("--lang", "nl")
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames == DUTCH_SHEETS
    result, out = export("--lang", "nl", "--format", "csv", "--table", "channels")
    assert out.read_text().splitlines()[0].startswith("Kanaal,Uitgegeven,Gescand")
    out.unlink()
    refused, out = export("--lang", "fr")
    assert refused.exit_code == 1
    assert "lang: Use nl or en." in refused.output
    assert not out.exists()


# The English files' headers are keys scripts read: these, byte for byte, whatever the words.
ENGLISH_HEADERS = {
    "funnel": ["stage", "pins", "from previous stage", "from issued"],
    "excluded": ["kept out of the stages", "count"],
    "channels": [
        "channel",
        "issued",
        "scanned",
        "landed",
        "clicked",
        "visited stand",
        "answered survey",
    ],
    "hourly": ["hour (event time)", "scans", "pins"],
    "daily": ["day (event time)", "scans", "pins", "landed", "visited a stand"],
    "stands": ["stand", "company", "zone", "pins", "registrations", "self", "staff"],
    "devices": ["device", "scans", "pins"],
    "awareness": ["Q1: Twente companies named before", "respondents", "share"],
    "companies": ["company", "respondents who knew it before", "share of respondents"],
    "follow_up": ["Q1 answer (paired pins)", "before the fair", "at the follow-up"],
}


def test_the_english_files_keep_their_headers_and_names_while_the_words_move(client, auth, fair):
    url = f"/api/v1/events/{fair.slug}"
    book = book_of(download(client, f"{url}/funnel.xlsx", auth("viewer")))
    assert (
        book.sheetnames
        == ENGLISH_SHEETS
        == [
            "About",
            "Funnel",
            "Excluded",
            "Channels",
            "Hourly",
            "Daily",
            "Stands",
            "Devices",
            "Awareness",
            "Companies",
            "Follow-up",
            "Explanation",
        ]
    )
    archive = zipfile.ZipFile(
        io.BytesIO(download(client, f"{url}/export.zip", auth("viewer")).data)
    )
    for (table, headers), title in zip(ENGLISH_HEADERS.items(), ENGLISH_SHEETS[1:], strict=False):
        assert [cell.value for cell in book[title][1]] == headers, table
        csv_headers = csv_rows(download(client, f"{url}/funnel.csv", auth("viewer"), table=table))[
            0
        ]
        assert csv_headers == headers, table
        assert next(csv.reader(io.StringIO(archive.read(f"{table}.csv").decode()))) == headers
    # A stage's and an excluded figure's key, not its words, in the English rows.
    funnel = [row[0].value for row in book["Funnel"].iter_rows(min_row=2)]
    assert funnel == ["issued", "scanned", "landed", "clicked", "visited_stand", "answered_survey"]
