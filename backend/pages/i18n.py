"""Dutch by default, English on request: the few strings the student pages say.

A dictionary rather than gettext catalogues: two languages and some forty
strings do not need a compile step, and a missing key fails loudly in tests.
The dashboard's strings have the same shape, in ``dashboard_strings.py``.
"""

from flask import request, session

LANGUAGES = ("nl", "en")

TEXT = {
    "nl": {
        "welcome": "Welkom bij {event}",
        "intro": "Ontdek de Twentse bedrijven op het Twente Plaza, verzamel stempels en "
        "vind je baan of stage op Twente.com.",
        "to_portal": "Naar Twente.com",
        "plaza": "Twente Plaza",
        "stand": "stand",
        "stamp_card": "Stempelkaart",
        "stamped_of": "{done} van {total} Twentse stands bezocht",
        "stamped": "gestempeld",
        "not_yet": "nog niet",
        "survey": "Twee korte vragen",
        "survey_step": "Vraag {step} van {steps}",
        "survey_why": "Anoniem: je antwoord helpt de gemeente te meten hoe bekend Twentse "
        "bedrijven zijn bij studenten.",
        "q1": "Hoeveel Twentse bedrijven kon je noemen vóór Business Days?",
        "option_0": "Geen",
        "option_1-2": "1–2",
        "option_3-5": "3–5",
        "option_6+": "6 of meer",
        "skip": "Overslaan",
        "q2": "Welke van deze Twente Plaza-bedrijven kende je al?",
        "q2_hint": "Kende je er geen, vink dan niets aan.",
        "send": "Versturen",
        "thanks": "Bedankt! Je antwoord is opgeslagen. Je kunt het hieronder nog aanpassen.",
        "answered": "Je hebt de vragen beantwoord; opnieuw antwoorden vervangt je antwoord.",
        "answer_questions": "Beantwoord de twee vragen",
        "change_answers": "Antwoord aanpassen",
        "follow_up": "Nog één vraag",
        "q_now": "Hoeveel Twentse bedrijven kun je nu noemen?",
        "follow_up_thanks": "Bedankt voor je antwoord!",
        "switch": "English",
        "unknown_title": "Deze pin kennen we niet",
        "unknown_body": "De code klopt niet of bestaat niet. Kijk gerust verder op Twente.com.",
        "void_title": "Deze pin is niet meer geldig",
        "void_body": "Deze pin is ingetrokken (verloren of misdrukt). Vraag bij de "
        "informatiebalie een nieuwe, of kijk verder op Twente.com.",
        "retired_title": "Deze stand doet niet meer mee",
        "retired_body": "Bij deze stand worden geen bezoeken meer gestempeld. Kijk gerust verder "
        "bij de andere stands of op Twente.com.",
        "stamp_title": "Stempel voor {company}",
        "stamp_new": "Gestempeld! Je bezoek aan stand {label} is geregistreerd.",
        "stamp_again": "Deze stand had je al gestempeld; dat telt één keer.",
        "stamp_rehearsal": "Test, telt niet mee: buiten de dagen van de beurs is een stempel "
        "een oefening.",
        "stamp_need_pin": "Typ de code van je pin om je bezoek te stempelen.",
        "pin_code": "Code van je pin",
        "stamp_button": "Stempel",
        "bad_pin": "Die code klopt niet. Controleer de tekens onder de QR-code op je pin.",
        "other_event": "Deze pin hoort bij een andere editie.",
        "back": "Terug naar je stempelkaart",
        "refused_title": "Even rustig aan",
        "refused_body": "Vanaf dit adres kwamen te veel onbekende codes. Probeer het over een paar "
        "minuten opnieuw; de code op je eigen pin werkt altijd.",
        "error_title": "Er ging iets mis",
        "error_body": "Dit adres kennen we niet, of het verzoek klopte niet.",
        "unavailable_title": "Even geduld",
        "unavailable_body": "Speld is heel even niet bereikbaar. Scan je pin over een paar "
        "seconden gewoon opnieuw.",
        "try_again": "Opnieuw proberen",
        "staff_title": "Medewerkers",
        "staff_intro": "Log in om pins en posters te proberen: scans, stempels en antwoorden "
        "vanuit deze browser tellen dan als test en nooit mee.",
        "staff_token": "Token van een organisator, stand of kijker",
        "staff_signed_in": "Ingelogd als {role}. Scans, stempels en antwoorden vanuit deze "
        "browser tellen als test en nooit mee.",
        "staff_role_organiser": "organisator",
        "staff_role_stand": "stand",
        "staff_role_viewer": "kijker (viewer)",
        "staff_next": "Verder:",
        "staff_to_scanner": "Stand-scanner (/scan)",
        "staff_to_console": "Console",
        "staff_to_dashboard": "Dashboard",
        "staff_bad_token": "Dat token is niet geldig.",
        "staff_ended": "Je sessie is beëindigd: het token is ingetrokken of verlopen.",
        "sign_in": "Inloggen",
        "sign_out": "Uitloggen",
    },
    "en": {
        "welcome": "Welcome to {event}",
        "intro": "Discover the Twente companies on the Twente Plaza, collect stamps and find "
        "your job or internship on Twente.com.",
        "to_portal": "Go to Twente.com",
        "plaza": "Twente Plaza",
        "stand": "stand",
        "stamp_card": "Stamp card",
        "stamped_of": "{done} of {total} Twente stands visited",
        "stamped": "stamped",
        "not_yet": "not yet",
        "survey": "Two short questions",
        "survey_step": "Question {step} of {steps}",
        "survey_why": "Anonymous: your answer helps the municipality measure how well students "
        "know Twente companies.",
        "q1": "How many Twente companies could you name before Business Days?",
        "option_0": "None",
        "option_1-2": "1–2",
        "option_3-5": "3–5",
        "option_6+": "6 or more",
        "skip": "Skip",
        "q2": "Which of these Twente Plaza companies did you know before?",
        "q2_hint": "If you knew none of them, tick none.",
        "send": "Send",
        "thanks": "Thank you! Your answer is saved. You can still change it below.",
        "answered": "You have answered; answering again replaces your answer.",
        "answer_questions": "Answer the two questions",
        "change_answers": "Change your answer",
        "follow_up": "One more question",
        "q_now": "How many Twente companies could you name now?",
        "follow_up_thanks": "Thank you for your answer!",
        "switch": "Nederlands",
        "unknown_title": "We do not know this pin",
        "unknown_body": "The code is wrong or does not exist. Do have a look at Twente.com.",
        "void_title": "This pin is no longer valid",
        "void_body": "This pin was withdrawn (lost or misprinted). Ask the information desk "
        "for a new one, or have a look at Twente.com.",
        "retired_title": "This stand has left the fair",
        "retired_body": "Visits are no longer stamped at this stand. Do carry on at the other "
        "stands or on Twente.com.",
        "stamp_title": "Stamp for {company}",
        "stamp_new": "Stamped! Your visit to stand {label} is registered.",
        "stamp_again": "You had stamped this stand already; it counts once.",
        "stamp_rehearsal": "Test, not counted: outside the fair's days a stamp is a rehearsal.",
        "stamp_need_pin": "Type the code on your pin to stamp your visit.",
        "pin_code": "Your pin's code",
        "stamp_button": "Stamp",
        "bad_pin": "That code is not right. Check the characters under the QR code on your pin.",
        "other_event": "This pin belongs to another edition.",
        "back": "Back to your stamp card",
        "refused_title": "Slow down",
        "refused_body": "Too many unknown codes came from this address. Try again in a few "
        "minutes; the code on your own pin always works.",
        "error_title": "Something went wrong",
        "error_body": "We do not know this address, or the request was not right.",
        "unavailable_title": "One moment, please",
        "unavailable_body": "Speld cannot be reached for a moment. Just scan your pin again in "
        "a few seconds.",
        "try_again": "Try again",
        "staff_title": "Staff",
        "staff_intro": "Sign in to try pins and posters: scans, stamps and answers from this "
        "browser are then recorded as tests and never counted.",
        "staff_token": "An organiser, stand or viewer token",
        "staff_signed_in": "Signed in as {role}. Scans, stamps and answers from this browser are "
        "recorded as tests and never counted.",
        "staff_role_organiser": "organiser",
        "staff_role_stand": "stand",
        "staff_role_viewer": "viewer",
        "staff_next": "Go on:",
        "staff_to_scanner": "Stand scanner (/scan)",
        "staff_to_console": "Console",
        "staff_to_dashboard": "Dashboard",
        "staff_bad_token": "That token is not valid.",
        "staff_ended": "Your session has ended: its token was revoked or has expired.",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
    },
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


def translator(lang: str, text: dict = TEXT):
    """``t(key, **values)`` in ``lang``, from ``text``: the journey's strings unless told."""
    table = text[lang]

    def t(key: str, **values) -> str:
        return table[key].format(**values) if values else table[key]

    return t
