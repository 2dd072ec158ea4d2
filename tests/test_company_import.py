"""Import of the organisers' company spreadsheet: preview, fix or skip, apply once, idempotent."""

import html as html_module
import io
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from backend.errors import InvalidInput
from backend.models import AuditEntry, Company, Stand
from backend.pages.refusals import english, import_reason
from backend.services import company_import
from backend.services.company_import import Reason
from tests.test_console import post
from tests.test_dashboard import sign_in

HEADER = ["Naam", "Twente", "Portal URL", "Stand", "Zone"]


def xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def companies(n: int, start: int = 1) -> list[list]:
    return [
        [
            f"Company {i:03d}",
            "ja" if i % 2 else "nee",
            f"https://c{i}.example.nl",
            f"TP-{i:02d}",
            "",
        ]
        for i in range(start, start + n)
    ]


def test_a_clean_file_is_new_then_unchanged_the_second_time(make, db):
    event = make.event()
    rows = company_import.read_table("bedrijven.xlsx", xlsx(companies(5)))
    preview = company_import.preview(event.slug, rows)
    assert [r.status for r in preview] == ["new"] * 5
    result = company_import.apply_import(event.slug, rows)
    assert (result.created, result.changed, result.unchanged) == (5, 0, 0)
    stands = db.session.scalars(select(Stand).order_by(Stand.label)).all()
    assert [s.label for s in stands] == [f"TP-{i:02d}" for i in range(1, 6)]
    assert {s.zone for s in stands} == {"twente-plaza"}
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
    again = company_import.apply_import(event.slug, rows)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 5)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == entries


def test_a_changed_row_says_what_changes(make, db):
    event = make.event()
    company_import.apply_import(event.slug, company_import.read_table("a.xlsx", xlsx(companies(2))))
    changed = companies(2)
    changed[1][1] = "ja"
    preview = company_import.preview(event.slug, company_import.read_table("a.xlsx", xlsx(changed)))
    assert [r.status for r in preview] == ["unchanged", "changed"]
    assert preview[1].changes == {"is_twente": True}


@pytest.mark.parametrize(
    "row,reason",
    [
        (["", "ja", "", "", ""], Reason("name", "invalid")),
        (["X BV", "misschien", "", "", ""], Reason("is_twente", "invalid")),
        (["X BV", "ja", "javascript:alert(1)", "", ""], Reason("portal_url", "invalid")),
        (["X BV", "ja", "", "TP 1", ""], Reason("stand", "invalid")),
        (["X BV", "ja", "", "TP-1", "Hoofdhal"], Reason("zone", "invalid")),
        (["X BV", "ja", "", "", "twente-plaza"], Reason("zone", "needs_stand")),
        (["N" * 121, "ja", "", "", ""], Reason("name", "invalid")),
        (["Company 001", "ja", "", "", ""], Reason("name", "duplicate", line=2)),
        (["Other BV", "ja", "", "TP-01", ""], Reason("stand", "duplicate", line=2)),
    ],
)
def test_a_bad_row_is_refused_with_its_reason_and_nothing_is_applied(make, db, row, reason):
    event = make.event()
    rows = company_import.read_table("a.xlsx", xlsx([*companies(1), row]))
    preview = company_import.preview(event.slug, rows)
    assert preview[1].status == "refused" and preview[1].reasons == [reason]
    with pytest.raises(company_import.ImportRefused) as refused:
        company_import.apply_import(event.slug, rows)
    assert refused.value.fields == {"3": [reason.code]}
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0


@pytest.mark.parametrize(
    "cell,stored",
    [
        ("Twente Plaza", "twente-plaza"),
        ("twente-plaza", "twente-plaza"),
        ("Grote zaal", "main-hall"),
        (" grote  ZAAL ", "main-hall"),
        ("Main hall", "main-hall"),
        ("Carrièrelounge", "career-lounge"),
        ("", "twente-plaza"),
        ("food-court", "food-court"),
    ],
)
def test_a_zone_cell_is_taken_by_the_name_the_console_shows(make, db, cell, stored):
    event = make.event()
    rows = company_import.read_table("a.xlsx", xlsx([["Zoned BV", "ja", "", "G-01", cell]]))
    assert company_import.preview(event.slug, rows)[0].status == "new"
    company_import.apply_import(event.slug, rows)
    assert db.session.scalar(select(Stand.zone)) == stored


@pytest.mark.parametrize("cell", ["Hoofdhal", "Food Court", "twente_plaza", "Grote-zaal"])
def test_a_refused_zone_keeps_the_file_s_text_and_nothing_lands_on_the_plaza(make, db, cell):
    event = make.event()
    rows = company_import.read_table(
        "a.xlsx",
        xlsx([["Good BV", "ja", "", "TP-01", "Twente Plaza"], ["Hall BV", "ja", "", "H-01", cell]]),
    )
    refused = company_import.preview(event.slug, rows)[1]
    assert refused.status == "refused" and refused.reasons == [Reason("zone", "invalid")]
    assert refused.values["zone"] == cell
    with pytest.raises(company_import.ImportRefused):
        company_import.apply_import(event.slug, rows)
    assert db.session.scalar(select(func.count()).select_from(Stand)) == 0


def test_the_console_s_correction_box_holds_the_refused_zone_as_the_file_said_it(client, make, db):
    event = make.event()
    sign_in(client, make.token("organiser"))
    data = xlsx(
        [["Plaza BV", "ja", "", "TP-01", "Twente Plaza"], ["Hall BV", "ja", "", "H-01", "Hoofdhal"]]
    )
    page = f"/console/{event.slug}/import?lang=en"
    preview = post(client, page, {"file": (io.BytesIO(data), "bedrijven.xlsx")}, page)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and html.count('data-status="refused"') == 1
    assert 'name="fix-3-zone" value="Hoofdhal"' in html
    assert "twente-plaza" not in html.split('data-line="3"')[1].split("</tr>")[0]
    rows = html_module.unescape(html.split('name="rows" value="')[1].split('"')[0])
    applied = post(
        client,
        f"/console/{event.slug}/import/apply",
        {"rows": rows, "fix-3-zone": "Grote zaal"},
        page,
    )
    assert applied.status_code == 200
    zones = dict(db.session.execute(select(Stand.label, Stand.zone)).all())
    assert zones == {"TP-01": "twente-plaza", "H-01": "main-hall"}


def test_a_stand_label_held_by_another_company_is_refused(make, db):
    stand = make.stand(label="TP-07")
    rows = [{"name": "Newcomer", "is_twente": "ja", "portal_url": "", "stand": "TP-07", "zone": ""}]
    preview = company_import.preview(stand.event.slug, rows)
    assert preview[0].status == "refused"
    assert preview[0].reasons == [
        Reason("stand", "taken", stand="TP-07", company=stand.company.name)
    ]


@pytest.mark.parametrize(
    "filename,data,message",
    [
        ("companies.pdf", b"%PDF-1.7", ".csv or .xlsx"),
        ("companies.xlsx", b"not a zip", "not an XLSX"),
        ("companies.xlsx", xlsx([['=HYPERLINK("x")', "ja", "", "", ""]]), "formula"),
        ("companies.csv", "naam;twente\nCafé;ja\n".encode("latin-1"), "UTF-8"),
        ("companies.csv", b"foo,bar\n1,2\n", "one of them name"),
        ("companies.csv", b"", "empty"),
        ("companies.csv", b"name\n" + b"x\n" * 1001, "more than 1000"),
    ],
)
def test_unreadable_files_are_refused_cleanly(filename, data, message):
    with pytest.raises(InvalidInput) as refused:
        company_import.read_table(filename, data)
    assert message in english(refused.value)  # what the API, CLI and console say


def test_an_xlsx_that_unpacks_to_a_huge_sheet_is_refused_unread():
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b" " * (25 * 1024 * 1024))
    assert len(packed.getvalue()) < 1024 * 1024  # passes the upload limit
    with pytest.raises(InvalidInput) as refused:
        company_import.read_table("big.xlsx", packed.getvalue())
    assert "too large" in english(refused.value)


def test_a_semicolon_csv_as_excel_writes_it(make):
    rows = company_import.read_table(
        "a.csv", "\ufeffnaam;twente;url\nDemcon;ja;https://demcon.com\n".encode()
    )
    assert rows == [
        {
            "name": "Demcon",
            "is_twente": "ja",
            "portal_url": "https://demcon.com",
            "stand": "",
            "zone": "",
        }
    ]


def test_the_console_import_previews_fixes_skips_and_applies_once(client, make, db):
    event = make.event()
    sign_in(client, make.token("organiser"))
    data = xlsx([*companies(3), ["Bad URL BV", "ja", "ftp://x", "", ""], ["", "nee", "", "", ""]])
    page = f"/console/{event.slug}/import"
    preview = post(client, page, {"file": (io.BytesIO(data), "bedrijven.xlsx")}, page)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and html.count('data-status="refused"') == 2
    payload = html.split('name="rows" value="')[1].split('"')[0]
    rows = html_module.unescape(payload)
    refused = post(client, f"{page}/apply", {"rows": rows}, page)
    assert refused.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0
    applied = post(
        client,
        f"{page}/apply",
        {"rows": rows, "fix-5-portal_url": "https://bad-url.example.nl", "skip-6": "1"},
        page,
    )
    assert applied.status_code == 200 and 'data-testid="imported"' in applied.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Company)) == 4


def test_a_huge_upload_is_refused_before_it_is_read(client, make):
    event = make.event()
    sign_in(client, make.token("organiser"))
    page = f"/console/{event.slug}/import"
    big = io.BytesIO(b"name\n" + b"x" * (2 * 1024 * 1024))
    response = post(client, page, {"file": (big, "big.csv")}, page)
    assert response.status_code == 413 and response.mimetype == "text/html"


@pytest.mark.parametrize(
    "lang,said",
    [
        (
            "nl",
            {
                3: "Portal-URL: Een webadres zonder spaties, zoals www.voorbeeld.nl of "
                "https://www.voorbeeld.nl/vacatures.",
                4: "Twents: Ja of nee.",
                5: "Naam: Staat ook op regel 2.",
                6: "Stand: TP-07 is de stand van Demcon.",
                7: "Zone: Een zone hoort bij een standlabel.",
            },
        ),
        (
            "en",
            {
                3: "Portal URL: A web address without spaces, like www.example.nl or "
                "https://www.example.nl/jobs.",
                4: "Twente: Yes or no.",
                5: "Name: Also on line 2.",
                6: "Stand: TP-07 is the stand of Demcon.",
                7: "Zone: A zone needs a stand label.",
            },
        ),
    ],
)
def test_the_console_preview_says_each_refused_row_s_reason_in_the_reader_s_language(
    client, make, lang, said
):
    stand = make.stand(label="TP-07", company=make.company(name="Demcon"))
    sign_in(client, make.token("organiser"))
    bad = [
        ["Bad URL BV", "ja", "ftp://x", "", ""],
        ["Maybe BV", "misschien", "", "", ""],
        ["Company 001", "nee", "", "", ""],
        ["Newcomer BV", "ja", "", "TP-07", ""],
        ["Zoned BV", "ja", "", "", "twente-plaza"],
    ]
    page = f"/console/{stand.event.slug}/import?lang={lang}"
    data = {"file": (io.BytesIO(xlsx([*companies(1), *bad])), "bedrijven.xlsx")}
    preview = post(client, page, data, page)
    html = html_module.unescape(preview.get_data(as_text=True))
    assert preview.status_code == 200 and html.count('data-status="refused"') == 5
    for line, reason in said.items():
        row = html.split(f'data-line="{line}"')[1].split("</tr>")[0]
        assert reason in row, row
    other_language = {"nl": "Also on line", "en": "Staat ook op regel"}[lang]
    assert other_language not in html


def test_every_reason_the_import_gives_has_its_own_dutch_and_english_sentence():
    reasons = [Reason(column, "invalid") for column in company_import.COLUMNS] + [
        Reason("zone", "needs_stand"),
        Reason("name", "duplicate", line=4),
        Reason("stand", "duplicate", line=4),
        Reason("stand", "taken", stand="TP-07", company="Demcon"),
    ]
    for reason in reasons:
        dutch, english = import_reason(reason, "nl"), import_reason(reason, "en")
        assert dutch != english and "{" not in dutch + english, (dutch, english)
    assert import_reason(Reason("stand", "invalid"), "nl") == (
        "Stand: 1 tot 20 tekens: letters, cijfers en streepjes, zoals TP-01."
    )
