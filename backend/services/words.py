"""Every word a person reads comes from one gettext catalogue per language.

The catalogues are ``translations/<lang>/LC_MESSAGES/messages.po`` (msgids are the English
text; translators edit the ``.po`` files with their usual tools); ``make`` compiles them to
``.mo`` (``make catalogues``). Pages read them through Flask-Babel for the request's language;
this module reads the same files for code that says something in a language it is given
(exports, the CLI, tables a page passes on), with no Flask. How to add or change a word:
``docs/i18n.md``.
"""

from functools import cache
from pathlib import Path

from babel.numbers import format_decimal
from babel.support import Translations

LANGUAGES = ("nl", "en")
CATALOGUES = Path(__file__).resolve().parents[2] / "translations"
DOMAIN = "messages"


class MissingCatalogue(RuntimeError):
    """The compiled catalogue is absent or older than its ``.po`` file: run ``make catalogues``."""


def N_(message: str) -> str:
    """Mark ``message`` for ``pybabel extract`` where it is defined; it is translated where said."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a plural form, said with ``say(lang, pair, n=…)``."""
    return singular, plural


def compiled(lang: str) -> Path:
    return CATALOGUES / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


@cache
def catalogue(lang: str) -> Translations:
    """``lang``'s compiled catalogue; refuses a missing or stale one rather than speak English."""
    mo, po = compiled(lang), compiled(lang).with_suffix(".po")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        raise MissingCatalogue(f"{mo.name} for {lang!r} is missing or stale: run `make catalogues`")
    return Translations.load(str(CATALOGUES), [lang], DOMAIN)


def say(lang: str, message: str | tuple[str, str], **values) -> str:
    """``message`` in ``lang``, its ``%(name)s`` filled from ``values``.

    A ``(singular, plural)`` pair is chosen by ``values["n"]`` with the language's plural rule,
    and a whole ``n`` is written in the language's number format (``1.234``, ``1,234``): the
    pair's texts say it as ``%(n)s``.
    """
    if isinstance(message, tuple):
        said = catalogue(lang).ngettext(*message, values["n"])
        if isinstance(values["n"], int):
            values = {**values, "n": format_decimal(values["n"], locale=lang)}
    else:
        said = unformatted(lang, message)
    return said % values if values else said.replace("%%", "%")


def unformatted(lang: str, message: str) -> str:
    """``message`` in ``lang`` with its placeholders left for the caller (the scanner's script)."""
    return catalogue(lang).gettext(message)
