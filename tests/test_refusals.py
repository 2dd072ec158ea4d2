"""One table of refusals: every code worded, every door says the same sentence in its language."""

import ast
import html
import importlib
import pkgutil
import re
from pathlib import Path

import flask_babel
import pytest
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape

import backend.services
from backend.error_responses import HTTP_CODES
from backend.errors import Conflict, DomainError, NotFound
from backend.pages import console
from backend.pages.refusals import REFUSALS, english, message, refusal
from backend.services import company_import
from backend.services.words import say
from tests.test_console import NEW_EVENT, post
from tests.test_dashboard import sign_in

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")

for module in pkgutil.iter_modules(backend.services.__path__):
    importlib.import_module(f"backend.services.{module.name}")  # their own DomainErrors too


def _subclasses(kind: type) -> list[type]:
    found = []
    for sub in kind.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


ERRORS = [DomainError, *_subclasses(DomainError)]
BY_NAME = {kind.__name__: kind for kind in ERRORS}
IMPORT_RULES = {"needs_stand", "duplicate", "taken"}  # company_import.Reason's, not a raise


def _raised_reasons() -> set[tuple[str, str, frozenset]]:
    """(code, reason, value names) of every ``reason=`` a use case or door raises with."""
    found = set()
    for path in [*ROOT.glob("backend/**/*.py"), *ROOT.glob("exports/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            keywords = {k.arg: k.value for k in node.keywords}
            reason = node.args[0] if name == "commit_or_conflict" else keywords.get("reason")
            if not isinstance(reason, ast.Constant):
                continue  # commit_or_conflict passing on its caller's reason
            if name == "commit_or_conflict":
                found.add(("conflict", reason.value, frozenset()))
            elif name in BY_NAME:
                values = keywords.get("values")
                names = frozenset(k.value for k in values.keys) if values is not None else ()
                found.add((BY_NAME[name].code, reason.value, frozenset(names)))
    return found


def test_every_error_code_has_its_wording_in_the_table():
    codes = {kind.code for kind in ERRORS} | set(HTTP_CODES.values()) | {"internal_error"}
    assert {"import_refused", "token_not_found", "pin_not_found"} <= codes
    assert sorted(code for code in codes if (code, None) not in REFUSALS) == []


def test_every_reason_a_use_case_gives_has_its_sentence_with_its_placeholders():
    raised = _raised_reasons()
    assert ("conflict", "slug_taken", frozenset()) in raised
    assert ("import_refused", "too_many_rows", frozenset({"rows"})) in raised
    for code, reason, values in raised:
        assert (code, reason) in REFUSALS, (code, reason)
        assert set(PLACEHOLDER.findall(REFUSALS[(code, reason)])) == values, (code, reason)
    # Every reason in the table is one a use case gives (or an import row's rule).
    given_reasons = {(code, reason) for code, reason, _ in raised}
    for key in REFUSALS:
        if len(key) == 2 and PLACEHOLDER.search(REFUSALS[key]):
            assert key in given_reasons or key[1] in IMPORT_RULES, key


def _catalogue(lang: str) -> dict[str, str]:
    path = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    return {m.id: m.string for m in read_po(path.open("rb"), locale=lang) if m.id}


DUTCH = _catalogue("nl")
# Sentences that read differently in the two languages: a page in one must show none of
# the other's. Those with placeholders are left out (their fixed parts are checked whole).
ONLY_ENGLISH = sorted(
    i for i, s in DUTCH.items() if isinstance(i, str) and s != i and " " in i and "%(" not in i
)
ONLY_DUTCH = sorted(
    s for i, s in DUTCH.items() if isinstance(i, str) and s != i and " " in s and "%(" not in s
)


def _text(page: str) -> str:
    body = page.split("<main>", 1)[1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _error_for(key: tuple, said: str) -> DomainError:
    """A refusal the table's ``key`` says: the code, with the field or reason it names.

    ``said`` is what the use case put in a field's message, in English: never shown.
    """
    code, name = key[0], key[1]
    kind = next((k for k in ERRORS if k.code == code), None)
    if kind is None:  # an HTTP status's code: no DomainError of its own
        kind = type("Refused", (DomainError,), {"code": code})
    if name is None:
        return kind()
    if name == "*" or not _is_reason(code, name):
        return kind(fields={("other" if name == "*" else name): [said]})
    return kind(reason=name, values={v: "7" for v in PLACEHOLDER.findall(REFUSALS[key])})


REASONS = {(code, reason) for code, reason, _ in _raised_reasons()}


def _is_reason(code: str, name: str) -> bool:
    return (code, name) in REASONS or name in IMPORT_RULES


@pytest.mark.parametrize("key", sorted(REFUSALS, key=repr), ids=repr)
@settings(max_examples=4, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lang=st.sampled_from(["nl", "en"]), said=st.sampled_from(ONLY_ENGLISH))
@example(lang="en", said="That did not work")  # the page's heading
@example(lang="en", said="Short name")  # a field's label
def test_every_entry_reads_on_a_console_page_in_its_language_only(app, key, lang, said):
    error = _error_for(key, said)
    places = key[2:] or ()
    with app.test_request_context(f"/console/?lang={lang}"):
        flask_babel.refresh()
        shown = refusal(error, lang, *places)
        page, _ = console.page("console_problem.html", error.status, refusal=shown)
    text = _text(page)
    values = {v: "7" for v in PLACEHOLDER.findall(REFUSALS[key])}
    assert say(lang, REFUSALS[key], **values) in text
    others = ONLY_ENGLISH if lang == "nl" else ONLY_DUTCH
    assert [sentence for sentence in others if sentence in text] == []
    if lang == "en" and said != say("en", REFUSALS[key]):
        # The use case's own words are not what the page says: neither the refusal nor a
        # field's message is them. The drawn sentence may well be on the page as something
        # else (its heading "That did not work", a field's label "Short name"): both drawn by CI.
        messages = [shown.message, *(text for _, _, text in shown.fields)]
        assert said not in messages
        for field, label, text in shown.fields:
            item = f'<li data-field="{field}"><strong>{escape(label)}</strong>: {escape(text)}</li>'
            assert item in page  # what the page shows, whole


def test_a_refusal_with_no_entry_says_its_parent_s_or_its_status_s_sentence_in_dutch():
    class Gone(NotFound):
        code = "gone_somewhere"

    class Odd(DomainError):
        code, status, message = "odd", 409, "An English sentence nobody translated."

    assert message(Gone("An English sentence."), "nl") == "Niet gevonden."
    assert message(Odd(), "nl") == "Dat botst met wat er al is opgeslagen."
    assert english(Odd()) == "That conflicts with what is stored."
    # A reason the table lacks, or one raised without its values: the code's own sentence.
    assert message(Conflict(reason="no_such_reason"), "nl") == DUTCH[REFUSALS[("conflict", None)]]
    refused = company_import.ImportRefused(reason="too_many_rows")
    assert english(refused) == "The file cannot be imported."


@pytest.mark.parametrize(
    "request_kind",
    ["invalid", "unknown_event", "revoked_twice", "void_twice", "unknown_pin", "unauthorized"],
)
def test_the_api_s_message_is_the_table_s_english(client, auth, make, request_kind):
    headers = auth("organiser")
    if request_kind == "invalid":
        response = client.post("/api/v1/events", json={**NEW_EVENT, "slug": "X"}, headers=headers)
        key = ("invalid_input", None)
    elif request_kind == "unknown_event":
        response = client.get("/api/v1/events/no-such-edition", headers=headers)
        key = ("event_not_found", None)
    elif request_kind == "revoked_twice":
        made = client.post("/api/v1/tokens", json={"role": "viewer", "label": "x"}, headers=headers)
        path = f"/api/v1/tokens/{made.json['id']}/revoke"
        client.post(path, headers=headers)
        response = client.post(path, headers=headers)
        key = ("conflict", "token_revoked_already")
    elif request_kind == "void_twice":
        code = make.pin_codes(size=1)[0]
        client.post(f"/api/v1/pins/{code}/void", json={"reason": "lost"}, headers=headers)
        response = client.post(
            f"/api/v1/pins/{code}/void", json={"reason": "lost"}, headers=headers
        )
        key = ("conflict", "pin_void_already")
    elif request_kind == "unknown_pin":
        response = client.get("/api/v1/pins/ZZZZZZZZ/qr.svg", headers=headers)
        key = ("pin_not_found", None)
    else:
        response = client.get("/api/v1/events", headers={"Authorization": "Bearer nonsense"})
        key = ("unauthorized", None)
    error = response.json["error"]
    assert response.status_code in (401, 404, 409, 422), response.json
    assert error["message"] == REFUSALS[key]
    assert set(error) == {"code", "message", "fields"}


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=30),
    lang=st.sampled_from(["nl", "en"]),
)
def test_the_error_page_for_an_unknown_address_is_in_the_reader_s_language(client, path, lang):
    response = client.get(f"/nowhere/{path}", headers={"Accept-Language": lang})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    text = _text(page) if "<main>" in page else html.unescape(re.sub(r"<[^>]+>", " ", page))
    assert say(lang, REFUSALS[("not_found", None)]) in text
    others = ONLY_ENGLISH if lang == "nl" else ONLY_DUTCH
    assert [sentence for sentence in others if sentence in text] == []


def test_the_console_s_dutch_refusal_has_no_english_after_it(client, make):
    assert sign_in(client, make.token("organiser")).status_code == 303
    response = client.get("/console/pins?code=ZZ&lang=nl")
    text = _text(response.get_data(as_text=True))
    assert response.status_code == 404
    assert "Geen pin met die code." in text
    assert [sentence for sentence in ONLY_ENGLISH if sentence in text] == []


def test_the_import_names_its_columns_in_words_with_the_headers_to_type(client, make):
    assert sign_in(client, make.token("organiser")).status_code == 303
    event = make.event()
    page = client.get(f"/console/{event.slug}/import?lang=nl").get_data(as_text=True)
    columns = re.search(r'<ul data-testid="import-columns">(.*?)</ul>', page).group(1)
    assert re.findall(r"<code>([^<]+)</code>", columns) == [
        "name",
        "twente",
        "portal_url",
        "stand",
        "zone",
    ]
    assert "de naam van het bedrijf" in columns and "ja of nee" in columns
    assert "Kolommen: name" not in page


def test_a_conflict_names_what_conflicts_at_every_door(client, auth, make):
    headers = auth("organiser")
    assert client.post("/api/v1/events", json=NEW_EVENT, headers=headers).status_code == 201
    again = client.post("/api/v1/events", json=NEW_EVENT, headers=headers)
    assert again.status_code == 409
    assert again.json["error"]["message"] == "An edition with that short name exists."
    assert sign_in(client, make.token("organiser")).status_code == 303
    console_page = post(client, "/console/events?lang=nl", NEW_EVENT)
    assert console_page.status_code == 409
    assert "Er is al een editie met die korte naam." in console_page.get_data(as_text=True)
