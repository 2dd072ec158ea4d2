"""Dutch by default, English on request: the language of a request and the journey's words.

Every word is a msgid of the gettext catalogues in ``translations/`` (``backend.services.words``);
a page's table maps its keys to msgids and ``translator`` says them in the page's language.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time, get_datetime_format
from flask import request, session

from backend.services.words import LANGUAGES, N_, N_plural, catalogue, say

DASH = "\u2014"

TEXT = {
    "welcome": N_("Welcome to %(event)s"),
    "intro": N_(
        "Discover the Twente companies on the Twente Plaza, collect stamps and "
        "find your job or internship on Twente.com."
    ),
    "to_portal": N_("Go to Twente.com"),
    "plaza": N_("Twente Plaza"),
    "stand": N_("stand"),
    "stamp_card": N_("Stamp card"),
    "stamped_of": N_plural(
        "%(done)s of %(n)s Twente stand visited", "%(done)s of %(n)s Twente stands visited"
    ),
    "stamped": N_("stamped"),
    "not_yet": N_("not yet"),
    "survey": N_("Two short questions"),
    "survey_step": N_("Question %(step)s of %(steps)s"),
    "survey_why": N_(
        "Anonymous: your answer helps the municipality measure how well students "
        "know Twente companies."
    ),
    "q1": N_("How many Twente companies could you name before Business Days?"),
    "option_0": N_("None"),
    "option_1-2": N_("1–2"),
    "option_3-5": N_("3–5"),
    "option_6+": N_("6 or more"),
    "skip": N_("Skip"),
    "q2": N_("Which of these Twente Plaza companies did you know before?"),
    "q2_hint": N_("If you knew none of them, tick none."),
    "send": N_("Send"),
    "thanks": N_("Thank you! Your answer is saved. You can still change it below."),
    "answered": N_("You have answered; answering again replaces your answer."),
    "answer_questions": N_("Answer the two questions"),
    "change_answers": N_("Change your answer"),
    "follow_up": N_("One more question"),
    "q_now": N_("How many Twente companies could you name now?"),
    "follow_up_thanks": N_("Thank you for your answer!"),
    "unknown_title": N_("We do not know this pin"),
    "unknown_body": N_("The code is wrong or does not exist. Do have a look at Twente.com."),
    "void_title": N_("This pin is no longer valid"),
    "void_body": N_(
        "This pin was withdrawn (lost or misprinted). Ask the information desk for "
        "a new one, or have a look at Twente.com."
    ),
    "retired_title": N_("This stand has left the fair"),
    "retired_body": N_(
        "Visits are no longer stamped at this stand. Do carry on at the other "
        "stands or on Twente.com."
    ),
    "stamp_title": N_("Stamp for %(company)s"),
    "stamp_new": N_("Stamped! Your visit to stand %(label)s is registered."),
    "stamp_again": N_("You had stamped this stand already; it counts once."),
    "stamp_rehearsal": N_("Test, not counted: outside the fair's days a stamp is a rehearsal."),
    "stamp_need_pin": N_("Type the code on your pin to stamp your visit."),
    "pin_code": N_("Your pin's code"),
    "stamp_button": N_("Stamp"),
    "bad_pin": N_("That code is not right. Check the characters under the QR code on your pin."),
    "other_event": N_("This pin belongs to another edition."),
    "back": N_("Back to your stamp card"),
    "refused_title": N_("Slow down"),
    "refused_body": N_(
        "Too many unknown codes came from this address. Try again in a few "
        "minutes; the code on your own pin always works."
    ),
    "error_title": N_("Something went wrong"),
    "error_body": N_("We do not know this address, or the request was not right."),
    "unavailable_title": N_("One moment, please"),
    "unavailable_body": N_(
        "Speld cannot be reached for a moment. Just scan your pin again in a few seconds."
    ),
    "try_again": N_("Try again"),
    "staff_title": N_("Staff"),
    "staff_intro": N_(
        "Sign in to try pins and posters: scans, stamps and answers from this "
        "browser are then recorded as tests and never counted."
    ),
    "staff_token": N_("An organiser, stand or viewer token"),
    "staff_signed_in": N_(
        "Signed in as %(role)s. Scans, stamps and answers from this browser are "
        "recorded as tests and never counted."
    ),
    "staff_role_organiser": N_("organiser"),
    "staff_role_stand": N_("stand"),
    "staff_role_viewer": N_("viewer"),
    "staff_next": N_("Go on:"),
    "staff_to_scanner": N_("Stand scanner (/scan)"),
    "staff_to_console": N_("Console"),
    "staff_to_dashboard": N_("Dashboard"),
    "staff_bad_token": N_("That token is not valid."),
    "staff_ended": N_("Your session has ended: its token was revoked or has expired."),
    "sign_in": N_("Sign in"),
    "sign_out": N_("Sign out"),
}
Q1_OPTIONS = ("0", "1-2", "3-5", "6+")


def current_language() -> str:
    """``?lang=`` wins and is remembered; else the session; else Accept-Language; else Dutch."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
        return asked
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(LANGUAGES, default="nl")


# Each language's name in that language: the link that switches to it, never translated.
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}


def translator(lang: str, text: dict = TEXT):
    """``t(key, **values)`` in ``lang``, from ``text``: the journey's strings unless told.

    A key with a plural (``N_plural``) is said with its count as ``n``; a count hidden as too
    small (None) takes the plural form and reads as a dash.
    """

    def t(key: str, **values) -> str:
        message = text[key]
        if isinstance(message, tuple) and values.get("n") is None:
            return catalogue(lang).ngettext(*message, 2) % {**values, "n": DASH}
        return say(lang, message, **values)

    return t


def moment(value: datetime | None, zone: ZoneInfo, lang: str, seconds: bool = False) -> str:
    """A stored moment as the wall-clock time in ``zone`` (the edition's), in Babel's format for
    ``lang``: ``7 dec 2026, 00:17`` in Dutch, ``Dec 7, 2026, 12:17 AM`` in English; a dash for none.

    A moment without a zone is UTC, as the database stores it.
    """
    if value is None:
        return DASH
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if seconds:
        return format_datetime(value, "medium", tzinfo=zone, locale=lang)
    local = value.astimezone(zone)
    return (
        get_datetime_format("medium", locale=lang)
        .replace("{1}", format_date(local, "medium", locale=lang))
        .replace("{0}", format_time(local, "short", locale=lang))
    )


def day(value: date | None, lang: str) -> str:
    """A calendar day in Babel's medium format for ``lang``: ``18 feb 2026``, ``Feb 18, 2026``."""
    return DASH if value is None else format_date(value, "medium", locale=lang)
