"""The catalogues hold every word the code says, each in Dutch and English, compiled as is."""

import io
import re
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from backend.services import words

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import catalogues  # noqa: E402  (scripts/ is not a package)

TEMPLATES = ROOT / "backend" / "pages" / "templates"
# Names, written the same in every language: never a msgid.
NAMES = {"Speld", "API"}


def read(lang: str):
    return read_po(catalogues.catalogue_path(lang).open("rb"), locale=lang)


@pytest.fixture(scope="module")
def template():
    return catalogues.extract()


@pytest.mark.parametrize("lang", words.LANGUAGES)
def test_the_catalogue_holds_exactly_what_the_code_says(template, lang):
    # A msgid the code says but the catalogue lacks would be shown in English on a Dutch
    # page; one the code no longer says is dead weight for a translator.
    said = {m.id for m in template if m.id}
    held = {m.id for m in read(lang) if m.id}
    assert said - held == set(), "run `make messages` and translate the new entries"
    assert held - said == set(), "run `make messages` to drop what the code no longer says"
    rewritten = catalogues.as_bytes(catalogues.updated(lang, template))
    assert rewritten == catalogues.catalogue_path(lang).read_bytes(), "run `make messages`"


@pytest.mark.parametrize("lang", words.LANGUAGES)
def test_every_message_is_translated_with_its_placeholders(lang):
    catalog = read(lang)
    messages = [m for m in catalog if m.id]
    assert len(messages) > 300
    for message in messages:
        assert not message.fuzzy, message.id
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(form.strip() for form in forms), f"{lang}: untranslated {message.id!r}"
        if message.pluralizable:
            assert len(forms) == catalog.num_plurals, message.id
    problems = [(m.id, errors) for m, errors in catalog.check() if errors]
    assert problems == []


@pytest.mark.parametrize("lang", words.LANGUAGES)
def test_the_compiled_catalogue_is_the_current_one(lang):
    # `make catalogues` (run by `make run` and `make test`) compiles; the app refuses to
    # start on a missing or stale file rather than speak English to a Dutch reader.
    compiled = io.BytesIO()
    write_mo(compiled, read(lang))
    assert words.compiled(lang).read_bytes() == compiled.getvalue()


def test_a_stale_catalogue_stops_the_start_with_the_command_that_fixes_it(tmp_path, monkeypatch):
    folder = tmp_path / "nl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_bytes(catalogues.catalogue_path("nl").read_bytes())
    monkeypatch.setattr(words, "CATALOGUES", tmp_path)
    words.catalogue.cache_clear()
    try:
        with pytest.raises(words.MissingCatalogue, match="make catalogues"):
            words.catalogue("nl")
    finally:
        words.catalogue.cache_clear()


def _words_outside_tags(source: str) -> list[str]:
    source = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    read = re.findall(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"', source)
    # Text between tags; an attribute a macro writes is not text, nor is a path.
    between = re.findall(r">([^<]+)<", re.sub(r"\s+", " ", source))
    read += [re.sub(r'[\w-]+="[^"]*"|\S*/\S*', " ", text) for text in between]
    found = []
    for text in read:
        for word in re.findall(r"[^\W\d_][\w'’-]*", text):
            # An example value (a slug, a stand label) is data, not a word.
            if word not in NAMES and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+|[A-Z]{2}-\d+", word):
                found.append(word)
    return found


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_a_template_says_no_word_outside_the_catalogue(path):
    assert _words_outside_tags(path.read_text()) == []


def test_the_template_check_sees_a_bare_word():
    assert _words_outside_tags('<p title="Stand">{{ t("x") }} Opslaan</p>') == ["Stand", "Opslaan"]


def test_each_request_chooses_its_own_language(client, db):
    # Flask-Babel keeps the locale on `g`; where an app context outlives one request (the
    # tests' database fixture, the CLI) the second request must not speak the first's language.
    dutch = client.get("/?lang=nl").get_data(as_text=True)
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Pins, stempels en de funnel voor Business Days Twente." in dutch
    assert "Pins, stamps and the funnel for Business Days Twente." in english
    assert "Pins, stempels" not in english


# Where code writes words for people: the pages and the funnel's files. The API's schemas
# (exports/schemas.py) describe fields to developers in the OpenAPI document, in English.
SPEAKING = [
    *sorted((ROOT / "backend" / "pages").glob("*.py")),
    *sorted(p for p in (ROOT / "exports").glob("*.py") if p.name != "schemas.py"),
]
# Calls whose string arguments are a msgid, or not words: keys, patterns, SQL, routes, logs.
NOT_WORDS = {
    *("N_", "N_plural", "_", "gettext", "ngettext", "say", "unformatted", "t"),
    *("get", "getattr", "startswith", "endswith", "split", "replace", "join", "strftime"),
    *("compile", "sub", "match", "search", "fullmatch", "findall", "execute", "text"),
    *("route", "post", "url_for", "Blueprint", "render_template", "setdefault", "pop"),
    *("warning", "info", "debug", "error", "exception", "Column", "format_date", "format_skeleton"),
}
PROSE = re.compile(r"[^\W\d_]{2,}[ ,:;()]+[^\W\d_]{2,}")
# Markup, a header, a Content-Security-Policy, a date pattern: like words, read by machines.
# (The scan lane's redirect body is markup too: a browser follows the 302 and never shows it.)
MACHINE = re.compile(r"<[a-z!/]|=\"|\w=[/\w]|'self'|-src |^[ymdhs: -]+$")


def _prose_outside_the_catalogue(source: str) -> list[tuple[int, str]]:
    import ast

    tree = ast.parse(source)
    skip = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.Dict):
            skip.update(id(key) for key in node.keys if key is not None)
        inside = None
        if isinstance(node, ast.Call):
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            inside = node if name in NOT_WORDS else None
        elif isinstance(node, ast.Raise | ast.Assert | ast.Compare | ast.Subscript):
            inside = node
        if inside is not None:
            skip.update(id(sub) for sub in ast.walk(inside))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and PROSE.search(node.value)
        and not MACHINE.search(node.value)
    ]


@pytest.mark.parametrize("path", SPEAKING, ids=lambda p: str(p.relative_to(ROOT)))
def test_code_that_speaks_says_no_word_outside_the_catalogue(path):
    assert _prose_outside_the_catalogue(path.read_text()) == []


def test_the_code_check_sees_a_bare_sentence():
    source = 'LABEL = "Scans per hour"\nOK = N_("Scans per hour")\nKEY = {"time zone": N_("x")}\n'
    assert _prose_outside_the_catalogue(source) == [(1, "Scans per hour")]
