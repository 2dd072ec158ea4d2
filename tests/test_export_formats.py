"""The formats are one registry: ``write`` looks a format up and calls its one writer."""

import io
import json
import zipfile

import pytest

from backend.services.reports import event_figures, export_file
from exports import formats
from exports.tables import LANGUAGES, TABLES
from tests.test_funnel import build_fair


@pytest.fixture
def figures(make):
    return event_figures(build_fair(make).event.slug, exact=True)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_zip_holds_the_very_bytes_of_each_download(figures, lang):
    archive = zipfile.ZipFile(io.BytesIO(formats.write(figures, "zip", lang)))
    for name, spec in TABLES.items():
        csv = formats.write(figures, "csv", lang, name)
        assert archive.read(f"{spec.file(lang)}.csv") == csv
    assert archive.read("funnel.json") == formats.write(figures, "json", lang)


def test_the_json_keeps_its_machine_keys_in_every_language_and_for_any_table(figures):
    written = {
        formats.write(figures, "json", lang, table) for lang in LANGUAGES for table in TABLES
    }
    assert len(written) == 1
    assert "stages" in json.loads(written.pop())


def test_a_format_added_to_the_registry_is_served_with_no_other_change(make, monkeypatch):
    slug = build_fair(make).event.slug

    def plain(figures, lang, table):
        return f"{figures.event} {lang} {table}".encode()

    monkeypatch.setitem(formats.FORMATS, "txt", formats.Format("text/plain", plain))
    download = export_file(slug, "txt", exact=True, lang="nl", table="channels")
    assert (download.mimetype, download.body) == ("text/plain", f"{slug} nl channels".encode())
