"""The funnel as named tables of rows: one registry that CSV, XLSX and ZIP all read.

A column names an attribute of a row of ``exports.figures`` (dotted for a nested one), its
kind, its key, and beside it its header and what it means as msgids of the catalogue (said
in the file's language): the one place a file's words live. The key is the header of the
English files, a stable identifier scripts read (docs/i18n.md); every other language reads
the header's words. Kinds: ``pct`` a share from 0 to 1 (a percentage cell in Excel), ``int``
a count, ``day`` a date, ``hour`` a local date-time with its offset, ``text`` anything else,
``label`` text named in the file's language (a stage, an excluded figure, a zone, a device
class, the awareness table's own rows). ``None`` is an empty cell: a share with no
denominator, or a count suppressed as too small to publish. The figures are the same in
every language; only words change.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter

from backend.models.zones import zone_name
from backend.services.words import N_, say
from exports.figures import STAGES, Funnel
from exports.rows import (
    API_LANGUAGE,
    EXCLUDED_WORDS,
    LANGUAGES,
    STAGE_WORDS,
    Said,
    awareness_rows,
    device_name,
    excluded_rows,
    follow_up_rows,
    key_name,
)

__all__ = ["API_LANGUAGE", "LANGUAGES", "TABLES"]


@dataclass(frozen=True)
class Column:
    attribute: str
    kind: str
    key: str  # the English files' header: stable, scripts read it
    word: str  # msgid: the header people read
    meaning: str  # msgid: one sentence for the explanation sheet
    names: Callable[[str, str], str] | None = None  # for ``label``: (value, lang) -> words

    def header(self, lang: str = API_LANGUAGE) -> str:
        return self.key if lang == API_LANGUAGE else say(lang, self.word)

    def about(self, lang: str) -> str:
        return say(lang, self.meaning)


@dataclass(frozen=True)
class Table:
    key: str  # the English CSV's name in the ZIP
    word: str  # msgid: the sheet's name (at most 31 characters)
    meaning: str  # msgid: what the sheet shows, for the explanation sheet
    columns: tuple[Column, ...]
    rows: Callable[[Funnel], Iterable[object]]

    def title(self, lang: str) -> str:
        return say(lang, self.word)

    def file(self, lang: str) -> str:
        """The CSV's name in the ZIP: the key in English, else the sheet's name as a slug."""
        if lang == API_LANGUAGE:
            return self.key
        return re.sub(r"[^\w]+", "-", self.title(lang).lower()).strip("-")

    def about(self, lang: str) -> str:
        return say(lang, self.meaning)

    def headers(self, lang: str = API_LANGUAGE) -> list[str]:
        return [column.header(lang) for column in self.columns]

    def values(self, figures: Funnel, lang: str = API_LANGUAGE) -> Iterable[list]:
        """Each row's cells as Python values (dates stay dates; the format writes them)."""
        cells = [(attrgetter(column.attribute), column.names) for column in self.columns]
        for row in self.rows(figures):
            yield [_words(get(row), names, lang) for get, names in cells]


def _words(value, names: Callable[[str, str], str] | None, lang: str):
    if isinstance(value, Said):
        return value(lang)
    if names is not None and isinstance(value, str):
        return names(value, lang)
    return value


SCAN_COUNT = Column(
    "scans", "int", "scans", N_("Scans"), N_("Human scans of active pins, repeats included.")
)
PINS_AMONG_SCANS = Column("pins", "int", "pins", N_("Pins"), N_("Distinct pins among those scans."))
STAGE_COUNTS = tuple(
    Column(
        f"reached.{stage}",
        "int",
        stage.replace("_", " "),
        STAGE_WORDS[stage],
        N_("Distinct active pins of this channel at this stage."),
    )
    for stage in STAGES
)
COMPANY = N_("Company")

TABLES: dict[str, Table] = {
    table.key: table
    for table in (
        Table(
            "funnel",
            N_("Funnel"),
            N_(
                "The funnel: for each stage, how many distinct pins of students got that far, "
                "and how that compares with the stage before and with the pins issued."
            ),
            (
                Column(
                    "stage",
                    "label",
                    "stage",
                    N_("Stage"),
                    N_(
                        "The stage. Stages are independent: each counts the pins that did "
                        "that thing."
                    ),
                    key_name(STAGE_WORDS),
                ),
                Column(
                    "pins", "int", "pins", N_("Pins"), N_("Distinct active pins at this stage.")
                ),
                Column(
                    "from_previous",
                    "pct",
                    "from previous stage",
                    N_("From the previous stage"),
                    N_("Pins at this stage divided by those at the one before; can exceed 100%%."),
                ),
                Column(
                    "from_issued",
                    "pct",
                    "from issued",
                    N_("From issued"),
                    N_("Pins at this stage divided by the issued pins."),
                ),
            ),
            lambda f: f.stages,
        ),
        Table(
            "excluded",
            N_("Excluded"),
            N_(
                "Scans, stand visits and pins that count in no stage, such as bots, tests, "
                "repeats and void pins, reported so that nothing is left out unseen."
            ),
            (
                Column(
                    "figure",
                    "label",
                    "kept out of the stages",
                    N_("Kept out of the stages"),
                    N_("Scans, stand visits and pins kept out of the stages (they overlap)."),
                    key_name(EXCLUDED_WORDS),
                ),
                Column(
                    "count",
                    "int",
                    "count",
                    N_("Count"),
                    N_(
                        "How many scans, visits or pins; what each row counts is said on the "
                        "sheet About."
                    ),
                ),
            ),
            excluded_rows,
        ),
        Table(
            "channels",
            N_("Channels"),
            N_(
                "The funnel per channel: the stages counted for the pins of each channel's batches."
            ),
            (
                Column("channel", "text", "channel", N_("Channel"), N_("The batches' channel.")),
                *STAGE_COUNTS,
            ),
            lambda f: f.breakdowns.channels,
        ),
        Table(
            "hourly",
            N_("Hourly"),
            N_(
                "Scans by people per hour in which anyone scanned; hours without scans are left out."
            ),
            (
                Column(
                    "hour",
                    "hour",
                    "hour (event time)",
                    N_("Hour (event time)"),
                    N_("Start of the hour in the event's time zone."),
                ),
                SCAN_COUNT,
                PINS_AMONG_SCANS,
            ),
            lambda f: f.breakdowns.hourly,
        ),
        Table(
            "daily",
            N_("Daily"),
            N_(
                "Per calendar day: scans, pins scanned, pins on the landing page and pins with "
                "a stand visit. A pin active on two days counts on each, so days do not add up "
                "to the stages."
            ),
            (
                Column(
                    "day",
                    "day",
                    "day (event time)",
                    N_("Day (event time)"),
                    N_("Calendar day in the event's time zone."),
                ),
                SCAN_COUNT,
                Column("pins", "int", "pins", N_("Pins"), N_("Distinct pins scanned that day.")),
                Column(
                    "landed",
                    "int",
                    "landed",
                    STAGE_WORDS["landed"],
                    N_("Distinct pins that landed that day."),
                ),
                Column(
                    "visited_stand",
                    "int",
                    "visited a stand",
                    STAGE_WORDS["visited_stand"],
                    N_("Distinct pins with a stand visit that day."),
                ),
            ),
            lambda f: f.breakdowns.daily,
        ),
        Table(
            "stands",
            N_("Stands"),
            N_("Every stand of the event, with the visits registered there."),
            (
                Column("label", "text", "stand", N_("Stand"), N_("The stand's label.")),
                Column("company", "text", "company", COMPANY, N_("The company at the stand.")),
                Column("zone", "label", "zone", N_("Zone"), N_("The stand's zone."), zone_name),
                Column("pins", "int", "pins", N_("Pins"), N_("Distinct active pins with a visit.")),
                Column(
                    "registrations",
                    "int",
                    "registrations",
                    N_("Registrations"),
                    N_("Registered visits (one per pin and stand)."),
                ),
                Column("by_self", "int", "self", N_("Self"), N_("Visits the student stamped.")),
                Column(
                    "by_staff",
                    "int",
                    "staff",
                    N_("Stand staff"),
                    N_("Visits scanned by stand staff."),
                ),
            ),
            lambda f: f.breakdowns.stands,
        ),
        Table(
            "devices",
            N_("Devices"),
            N_(
                "Scans by people per kind of device; a pin scanned from two kinds of device "
                "counts under both."
            ),
            (
                Column(
                    "device_class",
                    "label",
                    "device",
                    N_("Device"),
                    N_("The kind of device: mobile, tablet, desktop or other."),
                    device_name,
                ),
                SCAN_COUNT,
                PINS_AMONG_SCANS,
            ),
            lambda f: f.breakdowns.devices,
        ),
        Table(
            "awareness",
            N_("Awareness"),
            N_(
                "The survey: how many Twente companies students could name before the fair "
                "(question 1), compared with 2018."
            ),
            (
                Column(
                    "answer",
                    "label",
                    "Q1: Twente companies named before",
                    N_("Question 1: Twente companies named before"),
                    N_(
                        "An answer to question 1 (0, 1-2, 3-5, 6+), then the headline figures; "
                        "unexposed answers only, the exposed ones apart."
                    ),
                ),
                Column(
                    "respondents",
                    "int",
                    "respondents",
                    N_("Respondents"),
                    N_("Respondents; on the baseline's row the size of the 2018 survey."),
                ),
                Column(
                    "share",
                    "pct",
                    "share",
                    N_("Share"),
                    N_("Share of the respondents, or the row's figure (interval, difference)."),
                ),
            ),
            awareness_rows,
        ),
        Table(
            "companies",
            N_("Companies"),
            N_(
                "The survey's question 2: for each Twente Plaza company, how many respondents "
                "knew it before the fair."
            ),
            (
                Column("company", "text", "company", COMPANY, N_("A Twente Plaza company.")),
                Column(
                    "respondents_knew",
                    "int",
                    "respondents who knew it before",
                    N_("Respondents who knew it before"),
                    N_("Respondents who ticked it in question 2."),
                ),
                Column(
                    "share",
                    "pct",
                    "share of respondents",
                    N_("Share of respondents"),
                    N_("Those respondents divided by all respondents."),
                ),
            ),
            lambda f: f.awareness.companies,
        ),
        Table(
            "follow_up",
            N_("Follow-up"),
            N_(
                "Students who answered question 1 again after a visit to the Twente Plaza: "
                "their answer before the fair and now, pin by pin."
            ),
            (
                Column(
                    "answer",
                    "label",
                    "Q1 answer (paired pins)",
                    N_("Question 1 answer (paired pins)"),
                    N_("Answer of pins that answered before and after a Twente Plaza visit."),
                ),
                Column(
                    "before",
                    "int",
                    "before the fair",
                    N_("Before the fair"),
                    N_("Paired pins with this answer before."),
                ),
                Column(
                    "now",
                    "int",
                    "at the follow-up",
                    N_("At the follow-up"),
                    N_("Paired pins with this answer now."),
                ),
            ),
            follow_up_rows,
        ),
    )
}
DEFAULT_TABLE = "funnel"
