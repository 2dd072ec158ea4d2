"""Bring the gettext catalogues up to date with the code: ``make messages`` runs this.

Extracts every msgid (``_``, ``gettext``, ``ngettext`` in templates and code, ``N_`` and
``N_plural`` in the tables of keys), adds the new ones to ``translations/nl`` and
``translations/en`` and drops those the code no longer says. English is the source language,
so its catalogue is written from the msgids; a new Dutch entry is left empty (and listed) for a
translator, and ``tests/test_catalogue.py`` fails until it is filled. See ``docs/i18n.md``.
"""

import io
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "translations"
KEYWORDS = ["-k", "N_", "-k", "N_plural:1,2"]
WRITE = {"width": 100, "no_location": True, "sort_output": True, "include_previous": False}


def extract():
    """The template of every message the code says (a babel ``Catalog``)."""
    with tempfile.TemporaryDirectory() as folder:
        pot = Path(folder) / "messages.pot"
        command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg"]
        command += [*KEYWORDS, "--no-location", "--sort-output", "-o", str(pot), "."]
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        return read_po(pot.open("rb"))


def catalogue_path(lang: str) -> Path:
    return CATALOGUES / lang / "LC_MESSAGES" / "messages.po"


def updated(lang: str, template):
    """``lang``'s catalogue with the template's msgids: new ones added, gone ones dropped."""
    catalog = read_po(catalogue_path(lang).open("rb"), locale=lang)
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    _settle_header(catalog)
    if lang == "en":
        for message in catalog:
            if (
                message.id
                and not message.string
                or (isinstance(message.string, tuple) and not all(message.string))
            ):
                message.string = message.id
    return catalog


def _settle_header(catalog) -> None:
    """A header that changes only with the project, so that a rerun rewrites nothing."""
    catalog.project, catalog.version = "Speld", "1"
    catalog.copyright_holder = "the Speld authors"
    catalog.msgid_bugs_address = catalog.last_translator = ""
    catalog.language_team = f"{catalog.locale_identifier} <>"
    catalog.creation_date = catalog.revision_date = datetime(2026, 12, 7, tzinfo=UTC)
    catalog.header_comment = f"# {catalog.locale.english_name} messages of Speld (docs/i18n.md)."


def as_bytes(catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, **WRITE)
    return out.getvalue()


def main() -> int:
    template = extract()
    for lang in ("nl", "en"):
        catalog = updated(lang, template)
        catalogue_path(lang).write_bytes(as_bytes(catalog))
        empty = [
            m.id for m in catalog if m.id and not (all(m.string) if m.pluralizable else m.string)
        ]
        for msgid in empty:
            print(f"{lang}: to translate: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
