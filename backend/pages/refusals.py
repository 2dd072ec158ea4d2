"""Every refusal as people and API clients read it: one table, in the catalogue.

A use case refuses with a ``DomainError``: a stable ``code``, the ``fields`` it refused and,
where a code covers several refusals, the ``reason`` it gave (with ``values`` for the
sentence's placeholders). ``REFUSALS`` says each of them once, as a msgid of the gettext
catalogues, keyed by ``(code, name)``, where the name is ``None`` for the refusal as a whole,
a field (what that field must be, or why it was refused) or the use case's reason. A page
that gives one field another meaning (the dashboard's ``channel`` is a filter) refines the
key with its endpoint or blueprint: ``(code, name, place)``.

Every door reads it: the console, the dashboard, the student pages and the error page in
the reader's language, the API and the CLI in English, so a client and a person read the
same sentence. A refusal with no entry of its own takes its parent error's (a
``stand_not_found`` is a ``not_found``), then a sentence for its HTTP status: never the use
case's English on a Dutch page. ``tests/test_refusals.py`` fails on a code with no entry.
"""

import re
from dataclasses import dataclass

from backend.pages.console_strings import TEXT as CONSOLE_TEXT
from backend.services.words import N_, say

# Read by ``backend.errors`` itself, so nothing of it is imported here (no import cycle):
# an error is a ``backend.errors.DomainError``, a reason a ``company_import.Reason``.
DomainError = Reason = object

_SHORT_NAME = N_(
    "3 to 40 characters: lower-case letters, digits and single hyphens (like bdt-2027); "
    "not a name reserved for a page of the console or the dashboard."
)
_STAND_LABEL = N_("1 to 20 characters: letters, digits and hyphens, like TP-01.")
_STAND_TAKEN = N_("That edition already has a stand with this label or for this company.")
_IN_USE = N_("This stand has visits or sign-in cards and cannot be removed; retire it instead.")

REFUSALS: dict[tuple, str] = {
    # The refusal as a whole, by code.
    ("error", None): N_("The request could not be handled."),
    ("bad_request", None): N_("The request was not right."),
    ("invalid_input", None): N_("Some fields are not valid."),
    ("import_refused", None): N_("The file cannot be imported."),
    ("unauthorized", None): N_("A live token is required: sign in with one."),
    ("forbidden", None): N_("Your role may not do this."),
    ("not_found", None): N_("Not found."),
    ("event_not_found", None): N_("No edition with that short name."),
    ("company_not_found", None): N_("That company does not exist."),
    ("stand_not_found", None): N_("That stand does not exist."),
    ("batch_not_found", None): N_("That batch does not exist."),
    ("pin_not_found", None): N_("No pin with that code."),
    ("token_not_found", None): N_("That token does not exist."),
    ("method_not_allowed", None): N_("This address does not take that kind of request."),
    ("conflict", None): N_("That conflicts with what is stored."),
    ("pin_void", None): N_("This pin is void."),
    ("pin_other_event", None): N_("This pin belongs to another edition."),
    ("nonce_reused", None): N_("That nonce was used for another pin."),
    ("survey_not_started", None): N_("Answer the first question first."),
    ("follow_up_not_due", None): N_(
        "The follow-up question is asked once, some time after a Twente Plaza visit."
    ),
    ("stand_retired", None): N_(
        "This stand has been retired: its visits are kept, new visits are not registered."
    ),
    ("stand_in_use", None): _IN_USE,
    ("last_organiser_token", None): N_(
        "That is the last live organiser token: without it nobody could sign in to the console "
        "or make a token. Make another organiser token first."
    ),
    ("own_token", None): N_(
        "That is the token you are signed in with. Revoke it from the page that asks you."
    ),
    ("local_public_base_url", None): N_(
        "PUBLIC_BASE_URL points to this computer: printed codes would work nowhere else."
    ),
    ("body_too_large", None): N_("What was sent is too large."),
    ("unsupported_media_type", None): N_("Send the body as application/json."),
    ("too_many_requests", None): N_(
        "Too many unknown codes from this address; try again in a minute."
    ),
    ("internal_error", None): N_("Something went wrong on our side."),
    ("print_failed", None): N_("Preparing the print files failed; try again in a minute."),
    ("database_unavailable", None): N_(
        "The database cannot be reached just now; try again in a moment."
    ),
    # A use case's reason, where one code covers several refusals.
    ("conflict", "slug_taken"): N_("An edition with that short name exists."),
    ("conflict", "company_name_taken"): N_("A company with that name exists."),
    ("conflict", "stand_taken"): _STAND_TAKEN,
    ("conflict", "stand_in_use"): _IN_USE,
    ("conflict", "stand_retired_already"): N_("That stand is retired already."),
    ("conflict", "stand_not_retired"): N_("That stand is not retired."),
    ("conflict", "stand_changed"): N_("This stand changed meanwhile; try again."),
    ("conflict", "batch_label_taken"): N_("That edition already has a batch with this label."),
    ("conflict", "codes_not_unique"): N_("Could not mint unique codes; try again."),
    ("conflict", "pin_void_already"): N_("That pin is void already."),
    ("conflict", "pin_not_void"): N_("That pin is not void."),
    ("conflict", "token_revoked_already"): N_("That token is revoked already."),
    ("conflict", "import_overtaken"): N_("Another change got there first; upload the file again."),
    ("conflict", "demo_exists"): N_("The demo edition %(slug)s exists already."),
    ("conflict", "seed_taken"): N_("This edition was already simulated with that seed."),
    ("pin_void", "reprint"): N_("This pin is void; print a new batch instead."),
    ("print_failed", "not_ready"): N_("The print files are not ready."),
    ("print_failed", "failed_with"): N_(
        "Preparing the print files failed (%(error)s); ask again in a minute to start over."
    ),
    ("unauthorized", "not_stand_staff"): N_(
        "This browser is not signed in as stand staff, or its card was revoked."
    ),
    ("unauthorized", "token_not_live"): N_("That token is not live (any more); make a new one."),
    ("forbidden", "other_stand"): N_("This sign-in card belongs to another stand."),
    ("company_not_found", "no_stand_here"): N_("That company has no stand at this edition."),
    ("batch_not_found", "other_event"): N_("That batch belongs to another edition."),
    ("local_public_base_url", "is_local"): N_(
        "PUBLIC_BASE_URL is %(base_url)s (the default when it is not set): printed codes "
        "would work on this computer only. Set it to the address phones reach, "
        "e.g. https://speld.example.nl."
    ),
    ("import_refused", "not_a_table"): N_("Upload a .csv or .xlsx file."),
    ("import_refused", "empty"): N_("The file is empty."),
    ("import_refused", "no_name_column"): N_(
        "The first row must hold the column headers, one of them name (or naam)."
    ),
    ("import_refused", "too_many_rows"): N_("The file has more than %(rows)s rows."),
    ("import_refused", "not_utf8"): N_("Save the CSV file as UTF-8."),
    ("import_refused", "unreadable"): N_("That is not an XLSX file that can be read."),
    ("import_refused", "too_large"): N_(
        "The spreadsheet is too large; keep only the companies' rows."
    ),
    ("import_refused", "formula"): N_(
        "Row %(row)s holds a formula; paste values only and upload again."
    ),
    ("import_refused", "rows_refused"): N_("Fix or skip the refused rows first."),
    # A row of the import, beyond its columns' own rules (backend.services.company_import.Reason).
    ("import_refused", "needs_stand"): N_("A zone needs a stand label."),
    ("import_refused", "duplicate"): N_("Also on line %(line)s."),
    ("import_refused", "taken"): N_("%(stand)s is the stand of %(company)s."),
    # What a refused field must be.
    ("invalid_input", "*"): N_("This value is not valid."),
    ("invalid_input", "slug"): _SHORT_NAME,
    ("invalid_input", "name"): N_("1 to 120 characters, without control characters."),
    ("invalid_input", "starts_on"): N_("A date as YYYY-MM-DD."),
    ("invalid_input", "ends_on"): N_("A date as YYYY-MM-DD, not before the first day."),
    ("invalid_input", "timezone"): N_("A time zone that exists, like Europe/Amsterdam."),
    ("invalid_input", "portal_url"): N_(
        "A web address without spaces, like www.example.nl or https://www.example.nl/jobs."
    ),
    ("invalid_input", "is_twente"): N_("Yes or no."),
    ("invalid_input", "label"): N_("1 to 80 characters, without control characters."),
    ("invalid_input", "label", "console.event_stands"): _STAND_LABEL,
    ("invalid_input", "label", "console.stand"): _STAND_LABEL,
    ("invalid_input", "stand"): N_("A stand token needs a stand; other roles take none."),
    ("invalid_input", "channel"): N_(
        "1 to 40 characters: letters, digits, spaces and hyphens, like ut-desk; "
        "‘UT Desk’ becomes ut-desk."
    ),
    ("invalid_input", "zone"): N_(
        "A zone's name or short name (like Twente Plaza, Main hall or main-hall), "
        "or a new zone in lower-case letters, digits and single hyphens."
    ),
    ("invalid_input", "size"): N_("A whole number from 1 to 50000."),
    ("invalid_input", "diameter_mm"): N_("A diameter in millimetres that fits a sheet, like 25."),
    ("invalid_input", "company_id"): N_("Choose a company from the list."),
    ("invalid_input", "role"): N_("Choose organiser, viewer or stand."),
    ("invalid_input", "stand_id"): N_("Choose a stand from the list."),
    ("invalid_input", "event"): N_("Only a viewer's card names an edition."),
    ("invalid_input", "expires_at"): N_("A moment in the future, as YYYY-MM-DD HH:MM."),
    ("invalid_input", "reason"): N_("At most 200 characters, without control characters."),
    ("invalid_input", "file"): N_("Choose a .csv or .xlsx file."),
    ("invalid_input", "file", "console.print_status"): N_("Choose sheets.pdf or bundle.zip."),
    ("invalid_input", "rows"): N_("Upload the file again."),
    ("import_refused", "*"): N_("Fix or skip this row in the preview."),
    ("conflict", "*"): N_("Another one has this value."),
    ("conflict", "label"): N_("Another stand in this edition has this label."),
    ("conflict", "company_id"): N_("This company already has a stand in this edition."),
    ("conflict", "seed"): N_("Give another seed, or none for the next free one."),
    # The dashboard's filters.
    ("invalid_input", "*", "dashboard"): N_("There is no such filter."),
    ("invalid_input", "channel", "dashboard"): N_("Pick a channel from the list."),
    ("invalid_input", "batch", "dashboard"): N_("Pick a batch of this edition."),
    ("invalid_input", "since", "dashboard"): N_(
        "Use a date (2026-02-18) or date and time (2026-02-18T13:00)."
    ),
    ("invalid_input", "until", "dashboard"): N_("Use a date or date and time, later than ‘from’."),
    ("invalid_input", "filters", "dashboard"): N_(
        "A filter holds something that is not allowed (such as a NUL character)."
    ),
}

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")

# What a refusal with no entry of its own says, by HTTP status.
BY_STATUS = {
    400: ("bad_request", None),
    401: ("unauthorized", None),
    403: ("forbidden", None),
    404: ("not_found", None),
    405: ("method_not_allowed", None),
    409: ("conflict", None),
    413: ("body_too_large", None),
    415: ("unsupported_media_type", None),
    422: ("invalid_input", None),
    429: ("too_many_requests", None),
    503: ("database_unavailable", None),
}


def _codes(error: DomainError) -> list[str]:
    """The error's code, then its parents' (a ``stand_not_found`` is a ``not_found``)."""
    codes = [error.code]
    for kind in type(error).__mro__[1:]:
        if kind.__name__ == "DomainError" or not hasattr(kind, "code"):
            break  # its "error" is vaguer than the sentence for the status
        if kind.code not in codes:
            codes.append(kind.code)
    return codes


def _entry(codes: list[str], name: str | None, places: tuple = ()) -> str | None:
    for code in codes:
        for key in [(code, name, place) for place in places if place] + [(code, name)]:
            if key in REFUSALS:
                return REFUSALS[key]
    return None


def _fallback(status: int) -> str:
    return REFUSALS[BY_STATUS.get(status, ("error" if status < 500 else "internal_error", None))]


def sentence(code: str, status: int, lang: str) -> str:
    """The refusal with ``code`` as a whole, in ``lang``; a sentence for ``status`` if unknown."""
    return say(lang, REFUSALS.get((code, None)) or _fallback(status))


def message(error: DomainError, lang: str) -> str:
    """What ``error`` says as a whole in ``lang``: its reason's sentence, else its code's."""
    codes = _codes(error)
    precise = _entry(codes, error.reason) if error.reason else None
    # A reason raised without the values its sentence needs: the code's own sentence.
    if precise is not None and set(_PLACEHOLDER.findall(precise)) <= set(error.values):
        return say(lang, precise, **error.values)
    return say(lang, _entry(codes, None) or _fallback(error.status))


def english(error: DomainError) -> str:
    """The API's and the CLI's ``message``: the table's English."""
    return message(error, "en")


def about(error: DomainError, field: str, lang: str, places: tuple = ()) -> str:
    """What ``field`` must be (or why it was refused), in ``lang``; never the use case's English."""
    codes = _codes(error)
    said = _entry(codes, field, places) or _entry(codes, "*", places)
    return say(lang, said or REFUSALS[("invalid_input", "*")])


# A field's label on the console, where it is not the field's own name.
_LABELS = {
    "is_twente": "twente",
    "company_id": "company",
    "stand_id": "stand",
    "diameter_mm": "diameter",
    "expires_at": "expires_col",
    "rows": "file",
    "event": "edition_for_viewer",
}


def label(field: str, lang: str) -> str:
    """The console's label of ``field`` in ``lang``; a name it does not know as it is."""
    key = _LABELS.get(field, field)
    return say(lang, CONSOLE_TEXT[key]) if key in CONSOLE_TEXT else field


@dataclass(frozen=True)
class Refusal:
    """A refusal as a page shows it: a sentence, and each refused field with what it must be."""

    message: str
    fields: list[tuple[str, str, str]]  # (field, label, what it must be)

    def about(self, field: str) -> str | None:
        """What ``field`` must be, to show beside it; None if it was not refused."""
        return next((text for name, _, text in self.fields if name == field), None)


def refusal(error: DomainError, lang: str, *places: str | None) -> Refusal:
    """``error`` in ``lang`` as a page shows it, refined for ``places`` (endpoint, blueprint)."""
    fields = [(name, label(name, lang), about(error, name, lang, places)) for name in error.fields]
    return Refusal(message(error, lang), fields)


# The import's columns headed otherwise than they are named.
_IMPORT_HEADINGS = {"is_twente": "twente"}


def import_reason(reason: Reason, lang: str) -> str:
    """Why an import row is refused, in ``lang``: the column's heading, then the rule."""
    if reason.rule == "invalid" and reason.field == "stand":
        said = say(lang, _STAND_LABEL)  # the column holds a stand's label: the stand form's rule
    elif reason.rule == "invalid":
        said = say(lang, REFUSALS[("invalid_input", reason.field)])
    else:
        values = {"line": reason.line, "stand": reason.stand, "company": reason.company}
        said = say(lang, REFUSALS[("import_refused", reason.rule)], **values)
    heading = _IMPORT_HEADINGS.get(reason.field, reason.field)
    return f"{say(lang, CONSOLE_TEXT[heading])}: {said}"
