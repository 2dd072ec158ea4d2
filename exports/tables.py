"""The funnel as named tables of rows: one registry that CSV, XLSX and ZIP all read.

A column names an attribute of a row of ``exports.figures`` (dotted for a
nested one), its kind, and beside it its header and what it means, in Dutch
and English (``Words``): the one place a file's words live. Kinds: ``pct`` a
share from 0 to 1 (a percentage cell in Excel), ``int`` a count, ``day`` a
date, ``hour`` a local date-time with its offset, ``text`` anything else,
``label`` text that is the same key in both languages but read in the file's
language (a stage, an excluded figure, the awareness table's own rows).
``None`` is an empty cell: a share with no denominator, or a count suppressed
as too small to publish. The figures are the same in every language; only
words change.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from operator import attrgetter

from exports.figures import STAGES, Funnel
from exports.rows import (
    API_LANGUAGE,
    EXCLUDED_WORDS,
    LANGUAGES,
    STAGE_KEYS,
    STAGE_WORDS,
    Words,
    awareness_rows,
    excluded_rows,
    follow_up_rows,
)

W = Words
__all__ = ["API_LANGUAGE", "LANGUAGES", "TABLES", "Words"]


@dataclass(frozen=True)
class Column:
    attribute: str
    kind: str
    header: Words
    about: Words  # one sentence for the explanation sheet
    names: Mapping[str, Words] | None = None  # for ``label``: a key's words


@dataclass(frozen=True)
class Table:
    title: Words  # the sheet's name (at most 31 characters)
    file: Words  # the CSV's name in the ZIP; in English the table's key
    columns: tuple[Column, ...]
    rows: Callable[[Funnel], Iterable[object]]

    def headers(self, lang: str = API_LANGUAGE) -> list[str]:
        return [column.header(lang) for column in self.columns]

    def values(self, figures: Funnel, lang: str = API_LANGUAGE) -> Iterable[list]:
        """Each row's cells as Python values (dates stay dates; the format writes them)."""
        cells = [(attrgetter(column.attribute), column.names) for column in self.columns]
        for row in self.rows(figures):
            yield [_words(get(row), names, lang) for get, names in cells]


def _words(value, names: Mapping[str, Words] | None, lang: str):
    if isinstance(value, Words):
        return value(lang)
    if names is not None and value in names:
        return names[value](lang)
    return value


SCANS = W("scans", "scans")
PINS = W("pins", "pins")
ABOUT_SCANS = W(
    "Scans door mensen van actieve pins, herhalingen meegeteld.",
    "Human scans of active pins, repeats included.",
)
COMPANY = W("bedrijf", "company")
SCAN_COUNT = Column("scans", "int", SCANS, ABOUT_SCANS)
PINS_AMONG_SCANS = Column(
    "pins", "int", PINS, W("Unieke pins onder die scans.", "Distinct pins among those scans.")
)
STAGE_COUNTS = tuple(
    Column(
        f"reached.{stage}",
        "int",
        STAGE_WORDS[stage],
        W(
            f"Unieke actieve pins van dit kanaal in de fase ‘{STAGE_WORDS[stage].nl}’.",
            f"Distinct active pins of this channel at the stage {stage}.",
        ),
    )
    for stage in STAGES
)

TABLES: dict[str, Table] = {
    "funnel": Table(
        W("Trechter", "Funnel"),
        W("trechter", "funnel"),
        (
            Column(
                "stage",
                "label",
                W("fase", "stage"),
                W(
                    "De fase. Fasen zijn onafhankelijk: elke telt de pins die dat deden.",
                    "The stage (docs/metrics.md). Stages are independent: each counts the pins "
                    "that did that thing.",
                ),
                STAGE_KEYS,
            ),
            Column(
                "pins",
                "int",
                PINS,
                W("Unieke actieve pins in deze fase.", "Distinct active pins at this stage."),
            ),
            Column(
                "from_previous",
                "pct",
                W("t.o.v. vorige fase", "from previous stage"),
                W(
                    "Pins in deze fase gedeeld door die in de vorige; kan boven 100% komen.",
                    "Pins at this stage divided by those at the one before; can exceed 100%.",
                ),
            ),
            Column(
                "from_issued",
                "pct",
                W("t.o.v. uitgegeven", "from issued"),
                W(
                    "Pins in deze fase gedeeld door de uitgegeven pins.",
                    "Pins at this stage divided by the issued pins.",
                ),
            ),
        ),
        lambda f: f.stages,
    ),
    "excluded": Table(
        W("Niet meegeteld", "Excluded"),
        W("niet-meegeteld", "excluded"),
        (
            Column(
                "figure",
                "label",
                W("buiten de fasen gehouden", "kept out of the stages"),
                W(
                    "Scans, standbezoeken en pins die niet in de fasen tellen (ze overlappen).",
                    "Scans, stand visits and pins kept out of the stages (they overlap).",
                ),
                EXCLUDED_WORDS,
            ),
            Column(
                "count",
                "int",
                W("aantal", "count"),
                W(
                    "Hoeveel scans of pins (definities in docs/metrics.md).",
                    "How many scans or pins (definitions in docs/metrics.md).",
                ),
            ),
        ),
        excluded_rows,
    ),
    "channels": Table(
        W("Kanalen", "Channels"),
        W("kanalen", "channels"),
        (
            Column(
                "channel",
                "text",
                W("kanaal", "channel"),
                W("Kanaal van de batches.", "The batches' channel."),
            ),
            *STAGE_COUNTS,
        ),
        lambda f: f.breakdowns.channels,
    ),
    "hourly": Table(
        W("Per uur", "Hourly"),
        W("per-uur", "hourly"),
        (
            Column(
                "hour",
                "hour",
                W("uur (tijd van het evenement)", "hour (event time)"),
                W(
                    "Begin van het uur in de tijdzone van het evenement.",
                    "Start of the hour in the event's time zone.",
                ),
            ),
            SCAN_COUNT,
            PINS_AMONG_SCANS,
        ),
        lambda f: f.breakdowns.hourly,
    ),
    "daily": Table(
        W("Per dag", "Daily"),
        W("per-dag", "daily"),
        (
            Column(
                "day",
                "day",
                W("dag (tijd van het evenement)", "day (event time)"),
                W(
                    "Kalenderdag in de tijdzone van het evenement.",
                    "Calendar day in the event's time zone.",
                ),
            ),
            SCAN_COUNT,
            Column(
                "pins",
                "int",
                PINS,
                W("Unieke pins die die dag gescand zijn.", "Distinct pins scanned that day."),
            ),
            Column(
                "landed",
                "int",
                W("landingspagina", "landed"),
                W(
                    "Unieke pins die die dag de landingspagina bezochten.",
                    "Distinct pins that landed that day.",
                ),
            ),
            Column(
                "visited_stand",
                "int",
                W("stand bezocht", "visited a stand"),
                W(
                    "Unieke pins met een standbezoek die dag.",
                    "Distinct pins with a stand visit that day.",
                ),
            ),
        ),
        lambda f: f.breakdowns.daily,
    ),
    "stands": Table(
        W("Stands", "Stands"),
        W("stands", "stands"),
        (
            Column("label", "text", W("stand", "stand"), W("Standnummer.", "The stand's label.")),
            Column(
                "company", "text", COMPANY, W("Bedrijf op de stand.", "The company at the stand.")
            ),
            Column("zone", "text", W("zone", "zone"), W("Zone van de stand.", "The stand's zone.")),
            Column(
                "pins",
                "int",
                PINS,
                W("Unieke actieve pins met een bezoek.", "Distinct active pins with a visit."),
            ),
            Column(
                "registrations",
                "int",
                W("registraties", "registrations"),
                W(
                    "Geregistreerde bezoeken (één per pin en stand).",
                    "Registered visits (one per pin and stand).",
                ),
            ),
            Column(
                "by_self",
                "int",
                W("zelf", "self"),
                W("Bezoeken die de student zelf stempelde.", "Visits the student stamped."),
            ),
            Column(
                "by_staff",
                "int",
                W("standpersoneel", "staff"),
                W("Bezoeken gescand door standpersoneel.", "Visits scanned by stand staff."),
            ),
        ),
        lambda f: f.breakdowns.stands,
    ),
    "devices": Table(
        W("Apparaten", "Devices"),
        W("apparaten", "devices"),
        (
            Column(
                "device_class",
                "text",
                W("apparaat", "device"),
                W(
                    "Soort apparaat: mobile, tablet, desktop, other.",
                    "Device class: mobile, tablet, desktop, other.",
                ),
            ),
            SCAN_COUNT,
            PINS_AMONG_SCANS,
        ),
        lambda f: f.breakdowns.devices,
    ),
    "awareness": Table(
        W("Bekendheid", "Awareness"),
        W("bekendheid", "awareness"),
        (
            Column(
                "answer",
                "label",
                W("vraag 1: Twentse bedrijven vooraf genoemd", "Q1: Twente companies named before"),
                W(
                    "Een antwoord op vraag 1 (0, 1-2, 3-5, 6+), daarna de kerncijfers; alleen "
                    "ongeprimede antwoorden, de geprimede apart.",
                    "An answer to Q1 (0, 1-2, 3-5, 6+), then the headline figures; unexposed "
                    "answers only, the exposed ones apart.",
                ),
            ),
            Column(
                "respondents",
                "int",
                W("respondenten", "respondents"),
                W(
                    "Respondenten; bij de referentie de omvang van de meting van 2018.",
                    "Respondents; on the baseline's row the size of the 2018 survey.",
                ),
            ),
            Column(
                "share",
                "pct",
                W("aandeel", "share"),
                W(
                    "Aandeel van de respondenten, of het cijfer van de rij (interval, verschil).",
                    "Share of the respondents, or the row's figure (interval, difference).",
                ),
            ),
        ),
        awareness_rows,
    ),
    "companies": Table(
        W("Bedrijven", "Companies"),
        W("bedrijven", "companies"),
        (
            Column(
                "company",
                "text",
                COMPANY,
                W("Bedrijf op het Twente Plaza.", "A Twente Plaza company."),
            ),
            Column(
                "respondents_knew",
                "int",
                W("respondenten die het al kenden", "respondents who knew it before"),
                W(
                    "Respondenten die het bij vraag 2 aanvinkten.",
                    "Respondents who ticked it in Q2.",
                ),
            ),
            Column(
                "share",
                "pct",
                W("aandeel van de respondenten", "share of respondents"),
                W(
                    "Die respondenten gedeeld door alle respondenten.",
                    "Those respondents divided by all respondents.",
                ),
            ),
        ),
        lambda f: f.awareness.companies,
    ),
    "follow_up": Table(
        W("Vervolgvraag", "Follow-up"),
        W("vervolgvraag", "follow_up"),
        (
            Column(
                "answer",
                "label",
                W("antwoord vraag 1 (gepaarde pins)", "Q1 answer (paired pins)"),
                W(
                    "Antwoord van pins die vooraf en na een Twente Plaza-bezoek antwoordden.",
                    "Answer of pins that answered before and after a Twente Plaza visit.",
                ),
            ),
            Column(
                "before",
                "int",
                W("vooraf", "before the fair"),
                W("Gepaarde pins met dit antwoord vooraf.", "Paired pins with this answer before."),
            ),
            Column(
                "now",
                "int",
                W("bij de vervolgvraag", "at the follow-up"),
                W("Gepaarde pins met dit antwoord nu.", "Paired pins with this answer now."),
            ),
        ),
        follow_up_rows,
    ),
}
DEFAULT_TABLE = "funnel"
