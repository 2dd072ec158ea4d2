"""A stand's zone as people read it: the one mapping from zone slug to display name.

Zones are stored as slugs (``twente-plaza``): they name filters and files and
never change. People read a name, in Dutch or English. The zones of Business
Days Twente are named here; any other slug is shown as its words
(``food-court`` becomes "Food court"), so a new zone never shows a slug.
"""

from backend.models.types import TWENTE_PLAZA

ZONE_NAMES: dict[str, dict[str, str]] = {
    TWENTE_PLAZA: {"nl": "Twente Plaza", "en": "Twente Plaza"},
    "main-hall": {"nl": "Grote zaal", "en": "Main hall"},
    "career-lounge": {"nl": "Carrièrelounge", "en": "Career lounge"},
}


def zone_name(zone: str, lang: str = "nl") -> str:
    """The zone's display name in ``lang`` (``nl`` or ``en``); an unknown slug as words."""
    names = ZONE_NAMES.get(zone)
    if names is not None:
        return names.get(lang, names["en"])
    words = zone.replace("-", " ").strip()
    return words[:1].upper() + words[1:]
