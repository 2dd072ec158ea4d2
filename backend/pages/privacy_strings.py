"""The privacy page's msgids (its words are in ``translations/``).

Figures are placeholders filled from the settings and constants that enforce
them (``backend/pages/privacy.py``), so the page cannot state another number.
"""

from backend.services.words import N_

PRIVACY_TEXT = {
    "title": N_("Privacy: what Speld keeps about your pin"),
    "intro": N_(
        "Speld counts how students find Twente companies with their Twente pin. It "
        "does not know who you are."
    ),
    "stored": N_("What we keep"),
    "pin": N_("The code of your pin, not who wears it."),
    "times": N_("When you scanned, opened the page, clicked through, got a stamp or answered."),
    "device": N_(
        "The kind of device (phone, tablet, computer), its operating system and "
        "whether the request came from a bot. The full browser details are not "
        "kept."
    ),
    "stands": N_("Which stands stamped your pin."),
    "clicks": N_("Which company profile on Twente.com you clicked through to."),
    "answers": N_("Your answers, and whether you had seen a stand or the company list by then."),
    "hash": N_(
        "A visitor code, made from your IP address and browser with a daily secret "
        "and a key kept apart from the data: only to recognise a repeat scan within "
        "%(window)s minutes on the same day."
    ),
    "orphan": N_(
        "For an unknown code: the address asked for (misprints) and, for "
        "%(guess_days)s days, a code of your network with a count (against "
        "guessing)."
    ),
    "not_stored": N_("What we do not keep"),
    "not_list": N_(
        "No name, e-mail address or student number, no IP address and no full "
        "browser details. Nothing goes to other parties; the pages load nothing "
        "from elsewhere."
    ),
    "cookies": N_("Cookies"),
    "cookie_pin": N_(
        "speld_pin holds only your pin's code, so a stand poster knows which pin "
        "to stamp. It expires after %(cookie_days)s days."
    ),
    "cookie_session": N_(
        "speld_session remembers your language and protects the forms; it goes "
        "when you close the browser. Both are functional: no tracking."
    ),
    "how_long": N_("How long"),
    "salt_rule": N_(
        "The daily secret is deleted the day after; from then on a visitor code "
        "cannot be linked to an IP address."
    ),
    "hash_rule": N_("Visitor codes are deleted %(hash_days)s days after the fair's last day."),
    "orphan_rule": N_(
        "Unknown addresses that were asked for are deleted after %(orphan_days)s days."
    ),
    "rest_rule": N_("The rest stays, with nothing about you, so years can be compared."),
    "logs": N_("Server logs"),
    "logs_body": N_(
        "The web servers note each request's time, address asked for, answer and "
        "duration; never your IP address or browser details (one a server program "
        "writes by itself is masked or not written). Logs are deleted after "
        "%(log_days)s days."
    ),
    "who": N_("Who sees what"),
    "who_body": N_(
        "The organisers manage pins and stands. The municipality and partners see "
        "totals only, never a single pin; numbers below %(small)s are hidden."
    ),
    "contact": N_("Questions?"),
    "contact_body": N_("Contact %(contact)s."),
    "organisers": N_("the fair's organisers (information desk)"),
}
