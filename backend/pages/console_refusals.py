"""Use cases' refusals as the console says them, in Dutch and English.

The use cases refuse in English (the API's messages stay as they are); the console says
it in the reader's language, looked up by the error's stable code. Where a code means
something more precise on one console page (a conflict is "that slug exists" on the
edition form, "void already" on a pin), the key is (code, endpoint). Anything not here
shows the use case's own English message.
"""

from dataclasses import dataclass

from backend.errors import DomainError
from backend.pages.console_strings import TEXT
from backend.services.company_import import Reason
from backend.services.words import say

LANGUAGES = ("nl", "en")  # the order of each pair below

_SLUG_TAKEN = ("Er is al een editie met die korte naam.", "An edition with that short name exists.")
_COMPANY_TAKEN = ("Er is al een bedrijf met die naam.", "A company with that name exists.")
REFUSALS = {
    "invalid_input": ("Niet alle velden kloppen.", "Some fields are not valid."),
    "conflict": ("Dat botst met wat er al is opgeslagen.", "That conflicts with what is stored."),
    ("conflict", "console.create_event"): _SLUG_TAKEN,
    ("conflict", "console.event"): _SLUG_TAKEN,
    ("conflict", "console.create_company"): _COMPANY_TAKEN,
    ("conflict", "console.company"): _COMPANY_TAKEN,
    ("conflict", "console.event_stands"): (
        "Deze editie heeft al een stand met dit label of voor dit bedrijf.",
        "That edition already has a stand with this label or for this company.",
    ),
    ("conflict", "console.stand"): (
        "Deze editie heeft al een stand met dit label of voor dit bedrijf.",
        "That edition already has a stand with this label or for this company.",
    ),
    ("conflict", "console.retire_stand"): (
        "Deze stand doet al niet meer mee.",
        "That stand is retired already.",
    ),
    ("conflict", "console.reinstate_stand"): (
        "Deze stand doet al mee.",
        "That stand is not retired.",
    ),
    "stand_in_use": (
        "Deze stand heeft bezoeken of inlogkaarten en kan niet worden verwijderd; "
        "neem hem uit de beurs.",
        "This stand has visits or sign-in cards and cannot be removed; retire it instead.",
    ),
    "stand_retired": (
        "Deze stand doet niet meer mee: nieuwe bezoeken worden niet geregistreerd.",
        "This stand is retired: new visits are not registered.",
    ),
    ("conflict", "console.batches"): (
        "Deze editie heeft al een batch met dit label.",
        "That edition already has a batch with this label.",
    ),
    ("conflict", "console.void_pin"): ("Deze pin is al ongeldig.", "That pin is void already."),
    ("conflict", "console.unvoid_pin"): ("Deze pin is niet ongeldig.", "That pin is not void."),
    ("conflict", "console.revoke_token"): (
        "Dit token is al ingetrokken.",
        "That token is revoked already.",
    ),
    ("conflict", "console.apply_import"): (
        "Iemand anders was net eerder met een wijziging; upload het bestand opnieuw.",
        "Another change got there first; upload the file again.",
    ),
    "last_organiser_token": (
        "Dit is het laatste actieve organisatortoken: zonder dit token kan niemand meer inloggen "
        "op de console of een token maken. Maak eerst een ander organisatortoken.",
        "That is the last live organiser token: without it nobody could sign in to the console "
        "or make a token. Make another organiser token first.",
    ),
    "own_token": (
        "Dit is het token waarmee je bent ingelogd. Trek het in vanaf de pagina die dat vraagt.",
        "That is the token you are signed in with. Revoke it from the page that asks you.",
    ),
    "unauthorized": (
        "Dat token is niet (meer) geldig; maak een nieuw token.",
        "That token is not live (any more); make a new one.",
    ),
    "not_found": ("Niet gevonden.", "Not found."),
    "event_not_found": (
        "Er is geen editie met die korte naam.",
        "No edition with that short name.",
    ),
    "company_not_found": ("Dat bedrijf bestaat niet (meer).", "That company does not exist."),
    "stand_not_found": ("Die stand bestaat niet (meer).", "That stand does not exist."),
    "batch_not_found": ("Die batch bestaat niet.", "That batch does not exist."),
    "pin_not_found": ("Geen pin met die code.", "No pin with that code."),
    "token_not_found": ("Dat token bestaat niet.", "That token does not exist."),
    "import_refused": ("Dit bestand kan niet worden geïmporteerd.", "The file cannot be imported."),
    "print_failed": (
        "Het maken van de printbestanden is mislukt; probeer het over een minuut opnieuw.",
        "Preparing the print files failed; try again in a minute.",
    ),
    "pin_void": ("Deze pin is ongeldig.", "This pin is void."),
    "local_public_base_url": (
        "PUBLIC_BASE_URL wijst naar deze computer: gedrukte codes zouden nergens anders werken.",
        "PUBLIC_BASE_URL points to this computer: printed codes would work nowhere else.",
    ),
}

# What a refused field must be: (label key in _KEYS, Dutch, English); (field, endpoint)
# where one name means different things on different pages; (field, code) where the
# field is refused for another reason than its rule (a label another stand holds).
FIELDS = {
    "slug": (
        "slug",
        "3 tot 40 tekens: kleine letters, cijfers en enkele streepjes (zoals bdt-2027); "
        "niet een naam die gereserveerd is voor een pagina van de console of het dashboard.",
        "3 to 40 characters: lower-case letters, digits and single hyphens (like bdt-2027); "
        "not a name reserved for a page of the console or the dashboard.",
    ),
    "name": (
        "name",
        "1 tot 120 tekens, zonder stuurtekens.",
        "1 to 120 characters, without control characters.",
    ),
    "starts_on": ("starts_on", "Een datum als JJJJ-MM-DD.", "A date as YYYY-MM-DD."),
    "ends_on": (
        "ends_on",
        "Een datum als JJJJ-MM-DD, niet vóór de eerste dag.",
        "A date as YYYY-MM-DD, not before the first day.",
    ),
    "timezone": (
        "timezone",
        "Een bestaande tijdzone, zoals Europe/Amsterdam.",
        "A time zone that exists, like Europe/Amsterdam.",
    ),
    "portal_url": (
        "portal_url",
        "Een webadres zonder spaties, zoals www.voorbeeld.nl of https://www.voorbeeld.nl/vacatures.",
        "A web address without spaces, like www.example.nl or https://www.example.nl/jobs.",
    ),
    "is_twente": ("twente", "Ja of nee.", "Yes or no."),
    "label": (
        "label",
        "1 tot 80 tekens, zonder stuurtekens.",
        "1 to 80 characters, without control characters.",
    ),
    ("label", "console.event_stands"): (
        "label",
        "1 tot 20 tekens: letters, cijfers en streepjes, zoals TP-01.",
        "1 to 20 characters: letters, digits and hyphens, like TP-01.",
    ),
    ("label", "console.stand"): (
        "label",
        "1 tot 20 tekens: letters, cijfers en streepjes, zoals TP-01.",
        "1 to 20 characters: letters, digits and hyphens, like TP-01.",
    ),
    ("label", "conflict"): (
        "label",
        "Een andere stand in deze editie heeft dit label al.",
        "Another stand in this edition has this label.",
    ),
    ("company_id", "conflict"): (
        "company",
        "Dit bedrijf heeft al een stand in deze editie.",
        "This company already has a stand in this edition.",
    ),
    "channel": (
        "channel",
        "1 tot 40 tekens: letters, cijfers, spaties en streepjes, zoals ut-desk; "
        "‘UT Balie’ wordt ut-balie.",
        "1 to 40 characters: letters, digits, spaces and hyphens, like ut-desk; "
        "‘UT Desk’ becomes ut-desk.",
    ),
    "zone": (
        "zone",
        "De naam of korte naam van een zone (zoals Twente Plaza, Grote zaal of main-hall), "
        "of een nieuwe zone in kleine letters, cijfers en enkele streepjes.",
        "A zone's name or short name (like Twente Plaza, Main hall or main-hall), "
        "or a new zone in lower-case letters, digits and single hyphens.",
    ),
    "size": ("size", "Een heel getal van 1 tot 50000.", "A whole number from 1 to 50000."),
    "diameter_mm": (
        "diameter",
        "Een diameter in millimeters die op een vel past, zoals 25.",
        "A diameter in millimetres that fits a sheet, like 25.",
    ),
    "company_id": ("company", "Kies een bedrijf uit de lijst.", "Choose a company from the list."),
    "role": ("role", "Kies organiser, viewer of stand.", "Choose organiser, viewer or stand."),
    "stand": (
        "stand",
        "Een token met de rol stand hoort bij een stand; andere rollen hebben er geen.",
        "A stand token needs a stand; other roles take none.",
    ),
    "stand_id": (
        "stand",
        "Kies een stand uit de lijst.",
        "Choose a stand from the list.",
    ),
    "expires_at": (
        "expires",
        "Een moment in de toekomst, als JJJJ-MM-DD UU:MM.",
        "A moment in the future, as YYYY-MM-DD HH:MM.",
    ),
    "reason": (
        "reason",
        "Hoogstens 200 tekens, zonder stuurtekens.",
        "At most 200 characters, without control characters.",
    ),
    "file": ("file", "Kies een .csv- of .xlsx-bestand.", "Choose a .csv or .xlsx file."),
    ("file", "console.print_status"): (
        "file",
        "Kies sheets.pdf of bundle.zip.",
        "Choose sheets.pdf or bundle.zip.",
    ),
    "rows": ("file", "Upload het bestand opnieuw.", "Upload the file again."),
}


@dataclass(frozen=True)
class Refusal:
    """A refusal as the console shows it: a sentence, the detail left untranslated, the fields."""

    message: str
    detail: str | None
    fields: list[tuple[str, str, str]]  # (field, label, what it must be)

    def about(self, field: str) -> str | None:
        """What ``field`` must be, to show beside it; None if it was not refused."""
        return next((text for name, _, text in self.fields if name == field), None)


def refusal(error: DomainError, lang: str, endpoint: str | None) -> Refusal:
    """The refusal in ``lang``; the use case's English message for anything unmapped."""
    index = LANGUAGES.index(lang)
    precise = REFUSALS.get((error.code, endpoint))
    entry = precise or REFUSALS.get(error.code)
    # A code-wide sentence is vaguer than the use case's own ("The file is empty."):
    # in English that one is shown, in Dutch it follows the translation as the detail.
    specific = error.message != type(error).message
    detail = None
    if entry is None or (precise is None and specific and lang == "en"):
        message = error.message
    else:
        message = entry[index]
        detail = error.message if precise is None and specific else None
    fields = []
    for name, messages in error.fields.items():
        known = FIELDS.get((name, error.code)) or FIELDS.get((name, endpoint)) or FIELDS.get(name)
        if known is None:
            text = messages if isinstance(messages, str) else " ".join(map(str, messages))
            fields.append((name, name, text))
        else:
            fields.append((name, say(lang, TEXT[known[0]]), known[1 + index]))
    return Refusal(message, detail, fields)


# The import's refusals beyond a column's own rule (whose sentence is in FIELDS above).
IMPORT_REASONS = {
    "needs_stand": ("Een zone hoort bij een standlabel.", "A zone needs a stand label."),
    "duplicate": ("Staat ook op regel {line}.", "Also on line {line}."),
    "taken": ("{stand} is de stand van {company}.", "{stand} is the stand of {company}."),
}
# The import's "stand" column holds a stand's label: the stand form's rule for it.
_IMPORT_RULES = {"stand": ("label", "console.event_stands")}
# The column's heading in the preview, where it differs from the column's name.
_IMPORT_HEADINGS = {"is_twente": "twente"}


def import_reason(reason: Reason, lang: str) -> str:
    """Why an import row is refused, in ``lang``: the column's heading, then the rule."""
    index = LANGUAGES.index(lang)
    if reason.rule == "invalid":
        said = FIELDS[_IMPORT_RULES.get(reason.field, reason.field)][1 + index]
    else:
        said = IMPORT_REASONS[reason.rule][index].format(
            line=reason.line, stand=reason.stand, company=reason.company
        )
    return f"{say(lang, TEXT[_IMPORT_HEADINGS.get(reason.field, reason.field)])}: {said}"
