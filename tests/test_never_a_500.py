"""Never a 500, round two: each case of the issue on both databases, a 4xx and nothing lost.

Characters XML cannot hold, a stand changed into a collision, deep or broken input
outside /api, an empty query value, a POST to /healthz.
"""

import io
import json
import re
import unicodedata
import xml.parsers.expat
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select, text

from backend.models import Company, Stand
from backend.pages.refusals import english
from backend.services import company_import
from backend.services.validation import text_problem
from tests.test_api_bad_input import snapshot
from tests.test_console import post
from tests.test_dashboard import sign_in
from tests.test_scanner import scan
from tests.test_scanner import send as send_scans
from tests.test_scanner import sign_in as scanner_sign_in

API = "/api/v1"

# 1: one rule for the characters XML cannot hold --------------------------------------------


def _xml_char(point: int) -> bool:
    """XML 1.0's production [2] Char, from the specification."""
    return (
        point in (0x9, 0xA, 0xD)
        or 0x20 <= point <= 0xD7FF
        or 0xE000 <= point <= 0xFFFD
        or 0x10000 <= point <= 0x10FFFF
    )


def _noncharacter(point: int) -> bool:
    return 0xFDD0 <= point <= 0xFDEF or point & 0xFFFE == 0xFFFE


def _refused(point: int) -> bool:
    """What the rule must refuse: not an XML Char, a control (but tab, LF, CR), a noncharacter."""
    control = unicodedata.category(chr(point)) == "Cc" and chr(point) not in "\t\n\r"
    return not _xml_char(point) or control or _noncharacter(point)


def test_the_text_rule_refuses_exactly_what_xml_cannot_hold_or_discourages():
    # Every code point, not a sample: 1,114,112 of them take about a second.
    wrong = [p for p in range(0x110000) if (text_problem(chr(p)) is not None) != _refused(p)]
    assert wrong == [], [f"U+{p:04X}" for p in wrong[:20]]


@settings(max_examples=300)
@given(
    before=st.text(max_size=20),
    point=st.integers(0, 0x10FFFF),
    after=st.text(max_size=20),
)
def test_text_is_refused_anywhere_it_holds_one_such_character(before, point, after):
    value = before + chr(point) + after
    clean = not any(_refused(ord(c)) for c in before + after)
    assert (text_problem(value) is None) is (clean and not _refused(point))
    if text_problem(value) is None:
        # What the rule lets through, XML holds: an independent parser reads it back.
        parser = xml.parsers.expat.ParserCreate("UTF-8")
        escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace("\r", "&#13;")
        parser.Parse(f"<a>{escaped}</a>".encode(), True)


@pytest.mark.parametrize("character", ["\ufffe", "\uffff", "\ufdd0", "\U0010ffff"])
def test_a_noncharacter_is_refused_by_the_api_and_nothing_is_stored(client, auth, db, character):
    response = client.post(
        f"{API}/companies",
        json={"name": f"Acme {character}", "is_twente": True},
        headers=auth("organiser"),
    )
    assert response.status_code == 422
    assert "noncharacters" in json.dumps(response.json["error"]["fields"])
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0


STORED = ["\ufffe", "\uffff", "\x06", "\U0001fffe", "\ufdd0"]


@pytest.fixture
def stored_bad_name(make, db, request):
    """A stand whose company name was stored before the rule: written past the use cases."""
    stand = make.stand()
    make.pin_codes(stand.event, size=2)
    db.session.execute(
        text("UPDATE companies SET name = :name WHERE id = :id"),
        {"name": f"Acme {request.param} BV", "id": stand.company_id},
    )
    db.session.commit()
    return stand, request.param


def _workbook_says_what_it_replaced(data: bytes, character: str, lang: str = "en") -> None:
    book = load_workbook(io.BytesIO(data))
    cells = [v for sheet in book for row in sheet.values for v in row if isinstance(v, str)]
    assert "Acme \ufffd BV" in cells
    assert not any(character in v for v in cells)
    about = {row[0]: row[1] for row in book.worksheets[0].values}
    key = "replaced characters" if lang == "en" else "vervangen tekens"
    # The count it gives is the replacements it made, wherever the name is shown.
    written = sum(v.count("\ufffd") for v in cells if "\u00d7" not in v)
    assert about[key].startswith(f"{written} × U+{ord(character):04X}: "), about[key]


@pytest.mark.parametrize("stored_bad_name", STORED, indirect=True)
def test_a_stored_character_xml_cannot_hold_takes_no_export_down(
    app, client, auth, runner, db, stored_bad_name, tmp_path
):
    stand, character = stored_bad_name
    slug = stand.event.slug
    headers = auth("viewer")
    xlsx = client.get(f"{API}/events/{slug}/funnel.xlsx", headers=headers)
    assert xlsx.status_code == 200
    _workbook_says_what_it_replaced(xlsx.data, character)
    bundle = client.get(f"{API}/events/{slug}/export.zip", headers=auth("organiser"))
    assert bundle.status_code == 200
    _workbook_says_what_it_replaced(
        zipfile.ZipFile(io.BytesIO(bundle.data)).read("funnel.xlsx"), character
    )
    browser = app.test_client()
    sign_in(browser, auth("organiser")["Authorization"].split()[1])
    for name in ("funnel.xlsx", "export.zip"):
        page = browser.get(f"/dashboard/{slug}/{name}")
        assert page.status_code == 200, name
    dutch = browser.get(f"/dashboard/{slug}/funnel.xlsx?lang=nl")
    _workbook_says_what_it_replaced(dutch.data, character, "nl")
    out = tmp_path / "funnel.xlsx"
    result = runner.invoke(
        args=["speld", "export", "--event", slug, "--format", "xlsx", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    _workbook_says_what_it_replaced(out.read_bytes(), character)
    # The CSV and the JSON hold every character: the stored name as it is.
    csv = client.get(f"{API}/events/{slug}/funnel.csv?table=stands", headers=headers)
    assert f"Acme {character} BV" in csv.get_data(as_text=True)


def test_a_clean_workbook_has_no_replacement_line(client, auth, make, db):
    stand = make.stand()
    response = client.get(f"{API}/events/{stand.event.slug}/funnel.xlsx", headers=auth("viewer"))
    about = [row[0] for row in load_workbook(io.BytesIO(response.data)).worksheets[0].values]
    assert "replaced characters" not in about


# 2: changing a stand into a collision --------------------------------------------------


@pytest.fixture
def two_stands(make):
    event = make.event()
    return make.stand(event=event, label="TP-01"), make.stand(event=event, label="TP-02")


@pytest.mark.parametrize("change", ["label", "company_id"])
def test_changing_a_stand_into_another_s_label_or_company_is_a_409(
    client, auth, db, two_stands, change
):
    first, second = two_stands
    body = {"label": "TP-01"} if change == "label" else {"company_id": first.company_id}
    headers = auth("organiser")
    before = snapshot()
    response = client.patch(f"{API}/stands/{second.id}", json=body, headers=headers)
    assert response.status_code == 409, response.get_data(as_text=True)
    assert response.json["error"]["code"] == "conflict"
    db.session.rollback()
    assert snapshot() == before
    assert db.session.get(Stand, second.id).label == "TP-02"


def test_a_stand_still_moves_to_a_free_label_and_is_audited(client, auth, db, two_stands):
    _, second = two_stands
    response = client.patch(
        f"{API}/stands/{second.id}", json={"label": "TP-03"}, headers=auth("organiser")
    )
    assert response.status_code == 200 and response.json["label"] == "TP-03"
    entries = client.get(f"{API}/events/{second.event.slug}/stands", headers=auth("viewer"))
    assert sorted(s["label"] for s in entries.json["items"]) == ["TP-01", "TP-03"]


# 5: deep or broken input outside /api ------------------------------------------------------


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture
def organiser_browser(app, make, db):
    browser = app.test_client()
    sign_in(browser, make.token("organiser"))
    return browser


def test_deep_json_to_the_scanner_is_a_400_in_its_envelope(app, make, db):
    stand = make.stand()
    browser = app.test_client()
    assert scanner_sign_in(browser, make.token("stand", stand)).status_code == 303
    csrf = re.search(r'"csrf": "([^"]+)"', browser.get("/scan").get_data(as_text=True))[1]
    body = '{"visits": ' + _deep(1000) + "}"
    response = browser.post(
        f"/scan/stands/{stand.id}/visits",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 400 and response.is_json
    assert response.json["error"]["code"] == "bad_request"
    assert "nested deeper" in response.json["error"]["message"]
    # The door still takes its own bodies.
    code = make.pin_codes(stand.event, size=1)[0]
    assert send_scans(browser, stand.id, [scan(code, "n-1")]).status_code == 200


def test_deep_rows_posted_back_to_the_import_are_a_422_page(organiser_browser, make, db):
    event = make.event()
    page = f"/console/{event.slug}/import"
    before = snapshot()
    for rows in ("[" + _deep(5000) + "]", _deep(21)):
        response = post(organiser_browser, f"{page}/apply", {"rows": rows}, page)
        assert response.status_code == 422 and response.mimetype == "text/html"
    assert snapshot() == before


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_sheet(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML changed by ``change``."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            part = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                part = change(part.decode()).encode()
            archive.writestr(item.filename, part)
    return out.getvalue()


LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY a{i + 1} "{f"&a{i};" * 10}">' for i in range(9)).replace("&a0;", "&a;")
    + "]><worksheet"
)
BROKEN_SHEETS = {
    "mismatched tag": lambda x: x.replace("</sheetData>", "</sheetDta>"),
    "invalid character reference": lambda x: x.replace("<t>Acme", "<t>&#x1;Acme", 1),
    "entity DTD": lambda x: x.replace(
        "<worksheet", '<!DOCTYPE worksheet [<!ENTITY n "Acme">]><worksheet', 1
    ).replace("<t>Acme", "<t>&n;", 1),
    "external entity": lambda x: x.replace(
        "<worksheet",
        '<!DOCTYPE worksheet [<!ENTITY n SYSTEM "file:///etc/hostname">]><worksheet',
        1,
    ).replace("<t>Acme", "<t>&n;", 1),
    "billion laughs": lambda x: x.replace("<worksheet", LAUGHS, 1).replace("<t>Acme", "<t>&a9;", 1),
}


@pytest.mark.parametrize("kind", BROKEN_SHEETS)
def test_a_workbook_with_broken_sheet_xml_is_refused_as_unreadable(
    organiser_browser, make, db, kind
):
    data = _with_sheet(_xlsx([["name", "twente"], ["Acme", "ja"]]), BROKEN_SHEETS[kind])
    with pytest.raises(company_import.ImportRefused) as refused:
        company_import.read_table("bedrijven.xlsx", data)
    assert "not an XLSX file that can be read" in english(refused.value)
    event = make.event()
    page = f"/console/{event.slug}/import?lang=en"
    response = post(organiser_browser, page, {"file": (io.BytesIO(data), "b.xlsx")}, page)
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_workbook_mangled_anywhere_is_read_or_refused_never_an_error(data):
    """Bytes of any part cut, doubled or replaced: rows or ImportRefused, nothing else."""
    clean = _xlsx([["name", "twente", "stand"], ["Acme", "ja", "TP-01"], ["Beta", "nee", ""]])
    source = zipfile.ZipFile(io.BytesIO(clean))
    names = source.namelist()
    target = data.draw(st.sampled_from(names))
    part = source.read(target)
    start = data.draw(st.integers(0, len(part)))
    end = data.draw(st.integers(start, min(len(part), start + 40)))
    insert = data.draw(
        st.binary(max_size=20) | st.sampled_from([b"<", b"&#x1;", b"<!DOCTYPE x>", b"\xff"])
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(
                name, part[:start] + insert + part[end:] if name == target else source.read(name)
            )
    try:
        rows = company_import.read_table("a.xlsx", out.getvalue())
    except company_import.ImportRefused:
        return
    assert isinstance(rows, list)


def test_a_100_000_row_workbook_is_refused_before_openpyxl_reads_it(monkeypatch):
    book = Workbook(write_only=True)  # no <dimension>: openpyxl would read every row to size it
    sheet = book.create_sheet()
    sheet.append(["name"])
    for n in range(100_000):
        sheet.append([n])
    out = io.BytesIO()
    book.save(out)
    assert len(out.getvalue()) < 1024 * 1024  # passes the upload limit

    def never(*args, **kwargs):
        raise AssertionError("the workbook was parsed before its size refused it")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    with pytest.raises(company_import.ImportRefused) as refused:
        company_import.read_table("big.xlsx", out.getvalue())
    assert "more than 1000 rows" in english(refused.value)


def test_a_workbook_of_1000_rows_is_still_read():
    rows = company_import.read_table(
        "a.xlsx", _xlsx([["name"], *[[f"Company {n}"] for n in range(1000)]])
    )
    assert len(rows) == 1000


@pytest.mark.parametrize("cell", [" =1+1", '\t=HYPERLINK("x")', "\u00a0=1+1", "=1+1"])
def test_a_formula_behind_whitespace_is_refused_like_any_formula(cell):
    with pytest.raises(company_import.ImportRefused) as refused:
        company_import.read_table("a.xlsx", _xlsx([["name", "twente"], [cell, "ja"]]))
    assert "formula" in english(refused.value)


@pytest.mark.parametrize(
    "stand", ["99999999999999999999", "2147483648", "0", "1_0", "\uff11", "abc", ""]
)
def test_an_odd_stand_number_in_the_scanner_address_is_a_404_page(organiser_browser_scan, stand):
    response = organiser_browser_scan.get("/scan", query_string={"stand": stand})
    assert response.status_code == 404 and response.mimetype == "text/html"


@pytest.fixture
def organiser_browser_scan(app, make, db):
    browser = app.test_client()
    assert scanner_sign_in(browser, make.token("organiser")).status_code == 303
    return browser


def test_the_scanner_still_opens_a_stand_by_its_number(organiser_browser_scan, make):
    stand = make.stand()
    response = organiser_browser_scan.get(f"/scan?stand={stand.id}")
    assert response.status_code == 200 and f"/scan/stands/{stand.id}/visits" in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_writing_to_a_health_check_is_a_405(client, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}


def test_a_post_to_no_route_is_a_404_not_a_csrf_refusal(client, db):
    assert client.post("/nowhere").status_code == 404


def test_a_page_form_without_csrf_is_still_refused(app, make, db):
    browser = app.test_client()
    sign_in(browser, make.token("organiser"))
    response = browser.post("/console/companies", data={"name": "No Token BV"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0


# 13: an empty query value is refused like any other invalid value -------------------------


def _query_parameters(client):
    document = client.get(f"{API}/openapi.json").json
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if get:
            for parameter in get.get("parameters", []):
                if parameter["in"] == "query":
                    yield path, parameter["name"]


def test_every_documented_query_parameter_refuses_an_empty_value(client, auth, make, db):
    stand = make.stand()
    batch = make.batch(stand.event, size=1)
    known = {
        "{slug}": stand.event.slug,
        "{batch_id}": str(batch.id),
        "{stand_id}": str(stand.id),
        "{company_id}": str(stand.company_id),
    }
    headers = auth("organiser")
    tried = []
    for path, name in _query_parameters(client):
        url = path
        for key, value in known.items():
            url = url.replace(key, value)
        response = client.get(f"{url}?{name}=", headers=headers)
        assert response.status_code == 422, (path, name, response.status_code)
        assert name in response.json["error"]["fields"], (path, name)
        tried.append(f"{path}?{name}")
    assert f"{API}/events/{{slug}}/funnel.csv?lang" in tried
    assert f"{API}/events/{{slug}}/export.zip?batch" in tried
    assert len(tried) >= 25


@pytest.mark.parametrize(
    "path,query",
    [
        ("/batches/{batch}/sheets.pdf", "columns="),
        ("/batches/{batch}/bundle.zip", "preset="),
        ("/pins/{code}/qr.svg", "size_px="),
        ("/pins/{code}/qr.png", "dpi="),
    ],
)
def test_print_and_qr_options_refuse_an_empty_value(client, auth, make, db, path, query):
    event = make.event()
    batch = make.batch(event, size=1)
    code = make.pin_codes(event, size=1)[0]
    url = API + path.format(batch=batch.id, code=code)
    response = client.get(f"{url}?{query}", headers=auth("organiser"))
    assert response.status_code == 422
    assert query.rstrip("=") in response.json["error"]["fields"]
    assert client.get(url, headers=auth("organiser")).status_code == 200


def test_the_dashboard_form_s_empty_fields_still_mean_all(app, make, db):
    event = make.event()
    browser = app.test_client()
    sign_in(browser, make.token("viewer"))
    query = "channel=&batch=&since=&until="
    assert browser.get(f"/dashboard/{event.slug}?{query}").status_code == 200
    download = browser.get(f"/dashboard/{event.slug}/funnel.csv?{query}&lang=en")
    assert download.status_code == 200 and download.mimetype == "text/csv"


# Found by the fuzzer against a real fair ---------------------------------------------------


def test_a_viewer_s_comparison_may_hide_respondents_and_the_document_says_so(
    client, auth, make, db
):
    event = make.event()
    code = make.pin_codes(event, size=1)[0]
    client.post(
        f"{API}/pins/{code}/survey",
        json={"named_before": "0", "company_names_shown": False},
    )
    answer = client.get(f"{API}/funnel/compare?events={event.slug}", headers=auth("viewer"))
    assert answer.status_code == 200
    assert answer.json["editions"][0]["respondents"] is None  # one respondent: suppressed
    document = client.get(f"{API}/openapi.json").json
    assert document["components"]["schemas"]["EditionOut"]["properties"]["respondents"]["nullable"]


@pytest.mark.parametrize(
    "args",
    [
        ["token", "revoke", "--id", "99999999999999999999"],
        ["token", "create", "--role", "stand", "--label", "x", "--stand", "2147483648"],
        ["token", "card", "--stand", "99999999999999999999", "--label", "x", "--out", "c.pdf"],
    ],
)
def test_a_row_number_too_large_for_the_database_is_a_usage_error(runner, db, args):
    result = runner.invoke(args=["speld", *args])
    assert result.exit_code == 2, (result.exception, result.output)
    assert "range" in result.output
