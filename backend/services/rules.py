"""One rule per value: what a slug, channel, zone, label, name, URL, date range or language may be.

The use cases call these, and the API's schemas wrap the same functions, so
API, CLI, console and import accept and refuse exactly the same values.
Each check returns the value as stored or raises ``InvalidInput`` for its field.
"""

import re
import unicodedata
from datetime import date
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from backend.errors import InvalidInput
from backend.models.types import SLUG_PATTERN
from backend.models.zones import ZONE_NAMES
from backend.services.validation import free_text
from exports.tables import LANGUAGES

SLUG_MESSAGE = "Use lower-case letters, digits and single hyphens."
LABEL_PATTERN = r"[A-Za-z0-9][A-Za-z0-9-]*"
# A web address without its scheme: a dotted host, maybe a port, then a path or nothing.
BARE_HOST = r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:[0-9]{1,5})?([/?#]|$)"


def _refuse(field: str, message: str):
    raise InvalidInput(fields={field: [message]})


def _text(value, field: str, low: int, high: int) -> str:
    if not isinstance(value, str):
        _refuse(field, "Must be text.")
    if "\x00" in value:
        _refuse(field, "Text must not contain NUL characters.")
    if not low <= len(value) <= high:
        _refuse(field, f"Give {low} to {high} characters.")
    return value


def _slug_like(value, field: str, low: int, high: int) -> str:
    value = _text(value, field, low, high)
    if not re.fullmatch(SLUG_PATTERN, value):
        _refuse(field, SLUG_MESSAGE)
    return value


def slug(value, field: str = "slug") -> str:
    """An edition's slug: it names URLs and exports, e.g. ``bdt-2026``."""
    return _slug_like(value, field, 3, 40)


def channel(value, field: str = "channel") -> str:
    """A distribution channel, e.g. ``ut-desk``: the dashboard filters on it.

    People type the desk's name ("UT Balie"): it is turned into its code ("ut-balie") —
    lower case, spaces and underscores as single hyphens — and then held to the code's rule,
    so "UT Balie" and "ut-balie" are one channel wherever they were typed.
    """
    if isinstance(value, str) and "\x00" not in value:
        value = re.sub(r"[\s_-]+", "-", value.strip().lower()).strip("-")
    return _slug_like(value, field, 1, 40)


def _folded(text: str) -> str:
    """Text as a person means it: composed accents, single spaces, no case."""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


# Every way a known zone is written: its slug, its Dutch and its English name.
_KNOWN_ZONES = {
    _folded(written): slug
    for slug, names in ZONE_NAMES.items()
    for written in (slug, *names.values())
}
ZONE_MESSAGE = (
    "Give a zone's name or slug (e.g. Twente Plaza, Grote zaal, main-hall), or a new zone "
    "in lower-case letters, digits and single hyphens."
)


def zone(value, field: str = "zone") -> str:
    """A stand's zone, returned as its slug (``twente-plaza``).

    A known zone is taken by its slug or by its Dutch or English name, in any case
    and spacing ("Grote zaal", " twente PLAZA"), as the console shows it; any other
    value must be a new zone's slug. Nothing is guessed: "Hoofdhal" is refused.
    """
    value = _text(value, field, 1, 80)
    known = _KNOWN_ZONES.get(_folded(value))
    if known is not None:
        return known
    value = value.strip()
    if not 1 <= len(value) <= 40 or not re.fullmatch(SLUG_PATTERN, value):
        _refuse(field, ZONE_MESSAGE)
    return value


def stand_label(value, field: str = "label") -> str:
    """A stand's printed label, e.g. ``TP-01``."""
    value = _text(value, field, 1, 20)
    if not re.fullmatch(LABEL_PATTERN, value):
        _refuse(field, "Use letters, digits and hyphens.")
    return value


def name(value, field: str = "name", high: int = 120) -> str:
    """A name or label people type: trimmed, 1 to ``high`` characters of clean text."""
    value = free_text(_text(value, field, 0, 10_000).strip(), field)
    return _text(value, field, 1, high)


def url(value, field: str = "portal_url") -> str:
    """An http(s) URL with a host, at most 500 characters.

    An address typed without its scheme (``www.example.nl``, as people copy it from a
    letterhead) gets ``https://``; any other scheme is refused.
    """
    value = _text(value, field, 1, 500).strip()
    if re.match(BARE_HOST, value):
        value = _text("https://" + value, field, 1, 500)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        _refuse(field, "Give a web address starting with http:// or https://.")
    if any(ord(c) < 33 or ord(c) == 127 for c in value):
        _refuse(field, "Give a web address starting with http:// or https://.")
    return value


def optional_url(value, field: str = "portal_url") -> str | None:
    return None if value is None or value == "" else url(value, field)


def timezone(value, field: str = "timezone") -> str:
    value = _text(value, field, 1, 64)
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", value):
        _refuse(field, "Not a time zone name.")
    try:
        ZoneInfo(value)
    except (KeyError, ValueError, OSError):
        _refuse(field, "Unknown time zone, e.g. Europe/Amsterdam.")
    return value


def known_fields(fields: dict, allowed) -> dict:
    """``fields`` if every name in it is one of ``allowed``; a typo is refused, not ignored."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise InvalidInput(fields={name: ["Unknown field."] for name in sorted(unknown)})
    return fields


def baseline_share(value, field: str = "baseline_share") -> float:
    """The baseline's share that could name no Twente company: 0 to 1 (2018: 0.35)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        _refuse(field, "Give a share from 0 to 1.")
    return float(value)


def baseline_size(value, field: str = "baseline_size") -> int:
    """How many students the baseline asked (2018: 450)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1_000_000:
        _refuse(field, "Give a whole number from 1 to 1,000,000.")
    return value


def export_language(value, field: str = "lang") -> str:
    """The language of an export's words: ``nl`` or ``en`` (the figures are the same)."""
    if value not in LANGUAGES:
        _refuse(field, f"Use {' or '.join(LANGUAGES)}.")
    return value


def dates(starts_on: date, ends_on: date) -> None:
    """An edition ends on or after the day it starts."""
    if ends_on < starts_on:
        _refuse("ends_on", "Must not be before starts_on.")


def marshmallow_validator(check):
    """The same rule as a marshmallow validator, for the API's schemas."""
    from marshmallow import ValidationError

    def validator(value):
        try:
            check(value)
        except InvalidInput as error:
            raise ValidationError(next(iter(error.fields.values()))) from None

    return validator
