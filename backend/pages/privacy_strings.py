"""The privacy page's strings, Dutch and English, in ``i18n.TEXT``'s shape.

Figures are placeholders filled from the settings and constants that enforce
them (``backend/pages/privacy.py``), so the page cannot state another number.
"""

PRIVACY_TEXT = {
    "nl": {
        "title": "Privacy: wat Speld over je pin bewaart",
        "intro": "Speld telt hoe studenten met hun Twente-pin de Twentse bedrijven vinden. "
        "Het weet niet wie je bent.",
        "stored": "Wat we bewaren",
        "pin": "De code van je pin, niet wie hem draagt.",
        "times": "Wanneer je scande, de pagina opende, doorklikte, stempelde of antwoordde.",
        "device": "Het soort apparaat (telefoon, tablet, computer), het besturingssysteem en "
        "of het verzoek van een bot kwam. De volledige browsergegevens bewaren we niet.",
        "stands": "Bij welke stands je pin is gestempeld.",
        "clicks": "Naar welk bedrijfsprofiel op Twente.com je doorklikte.",
        "answers": "Je antwoorden, en of je toen al een stand of de bedrijvenlijst had gezien.",
        "hash": "Een bezoekerscode, gemaakt van je IP-adres en browser met een geheim dat elke "
        "dag wisselt: alleen om een herhaalde scan binnen {window} minuten te herkennen.",
        "orphan": "Bij een onbekende code: het opgevraagde adres (voor drukfouten) en, "
        "{guess_days} dagen lang, een code van je netwerk met een teller (tegen raden).",
        "not_stored": "Wat we niet bewaren",
        "not_list": "Geen naam, e-mailadres of studentnummer, geen IP-adres en geen volledige "
        "browsergegevens. Niets gaat naar andere partijen; de pagina's laden niets van elders.",
        "cookies": "Cookies",
        "cookie_pin": "speld_pin bevat alleen de code van je pin, zodat een standposter weet "
        "welke pin hij stempelt. Hij vervalt na {cookie_days} dagen.",
        "cookie_session": "speld_session onthoudt je taal en beschermt de formulieren; hij "
        "verdwijnt als je de browser sluit. Beide zijn functioneel: geen tracking.",
        "how_long": "Hoe lang",
        "salt_rule": "Het dagelijkse geheim wordt de dag erna gewist; daarna is een "
        "bezoekerscode niet meer aan een IP-adres te koppelen.",
        "hash_rule": "Bezoekerscodes worden {hash_days} dagen na de laatste beursdag gewist.",
        "orphan_rule": "Opgevraagde onbekende adressen worden na {orphan_days} dagen gewist.",
        "rest_rule": "De rest blijft, zonder iets over jou, om jaren te kunnen vergelijken.",
        "who": "Wie ziet wat",
        "who_body": "De organisatie beheert pins en stands. De gemeente en partners zien alleen "
        "totalen, nooit een losse pin; aantallen onder {small} worden verborgen.",
        "contact": "Vragen?",
        "contact_body": "Neem contact op met {contact}.",
        "organisers": "de organisatie van de beurs (informatiebalie)",
        "switch": "English",
    },
    "en": {
        "title": "Privacy: what Speld keeps about your pin",
        "intro": "Speld counts how students find Twente companies with their Twente pin. "
        "It does not know who you are.",
        "stored": "What we keep",
        "pin": "The code of your pin, not who wears it.",
        "times": "When you scanned, opened the page, clicked through, got a stamp or answered.",
        "device": "The kind of device (phone, tablet, computer), its operating system and "
        "whether the request came from a bot. The full browser details are not kept.",
        "stands": "Which stands stamped your pin.",
        "clicks": "Which company profile on Twente.com you clicked through to.",
        "answers": "Your answers, and whether you had seen a stand or the company list by then.",
        "hash": "A visitor code, made from your IP address and browser with a secret that "
        "changes every day: only to recognise a repeat scan within {window} minutes.",
        "orphan": "For an unknown code: the address asked for (misprints) and, for "
        "{guess_days} days, a code of your network with a count (against guessing).",
        "not_stored": "What we do not keep",
        "not_list": "No name, e-mail address or student number, no IP address and no full "
        "browser details. Nothing goes to other parties; the pages load nothing from elsewhere.",
        "cookies": "Cookies",
        "cookie_pin": "speld_pin holds only your pin's code, so a stand poster knows which pin "
        "to stamp. It expires after {cookie_days} days.",
        "cookie_session": "speld_session remembers your language and protects the forms; it "
        "goes when you close the browser. Both are functional: no tracking.",
        "how_long": "How long",
        "salt_rule": "The daily secret is deleted the day after; from then on a visitor code "
        "cannot be linked to an IP address.",
        "hash_rule": "Visitor codes are deleted {hash_days} days after the fair's last day.",
        "orphan_rule": "Unknown addresses that were asked for are deleted after {orphan_days} days.",
        "rest_rule": "The rest stays, with nothing about you, so years can be compared.",
        "who": "Who sees what",
        "who_body": "The organisers manage pins and stands. The municipality and partners see "
        "totals only, never a single pin; numbers below {small} are hidden.",
        "contact": "Questions?",
        "contact_body": "Contact {contact}.",
        "organisers": "the fair's organisers (information desk)",
        "switch": "Nederlands",
    },
}
