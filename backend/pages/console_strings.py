"""What the organiser console says, in Dutch and English (the shape of ``dashboard_strings``)."""

_KEYS = {
    # key: (Dutch, English)
    "console": ("Console", "Console"),
    "switch": ("English", "Nederlands"),
    "sign_out": ("Uitloggen", "Sign out"),
    "signed_in_as": ("Ingelogd als {label}.", "Signed in as {label}."),
    "refused_title": ("Geen toegang tot de console", "No access to the console"),
    "refused_text": (
        "De console is alleen voor organisatoren. Je bent ingelogd als {role}.",
        "The console is for organisers only. You are signed in as {role}.",
    ),
    "to_dashboard": ("Naar het dashboard", "To the dashboard"),
    "editions": ("Edities", "Editions"),
    "companies": ("Bedrijven", "Companies"),
    "stands": ("Stands", "Stands"),
    "batches": ("Batches", "Batches"),
    "pins": ("Pins", "Pins"),
    "tokens": ("Tokens", "Tokens"),
    "audit": ("Logboek", "Audit log"),
    "dashboard": ("Dashboard", "Dashboard"),
    "new_edition": ("Nieuwe editie", "New edition"),
    "slug": ("Korte naam (slug)", "Short name (slug)"),
    "name": ("Naam", "Name"),
    "starts_on": ("Eerste dag", "First day"),
    "ends_on": ("Laatste dag", "Last day"),
    "timezone": ("Tijdzone", "Time zone"),
    "portal_url": ("Portal-URL", "Portal URL"),
    "create": ("Aanmaken", "Create"),
    "save": ("Opslaan", "Save"),
    "edit": ("Wijzigen", "Edit"),
    "saved": ("Opgeslagen.", "Saved."),
    "none_yet": ("Nog niets.", "Nothing yet."),
    "search": ("Zoeken", "Search"),
    "twente": ("Twents", "Twente"),
    "yes": ("ja", "yes"),
    "no": ("nee", "no"),
    "new_company": ("Nieuw bedrijf", "New company"),
    "import": ("Importeren uit CSV of XLSX", "Import from CSV or XLSX"),
    "import_intro": (
        "Kolommen: name, twente (ja/nee), portal_url, en eventueel stand en zone.",
        "Columns: name, twente (yes/no), portal_url, and optionally stand and zone.",
    ),
    "file": ("Bestand", "File"),
    "preview": ("Voorbeeld bekijken", "Preview"),
    "line": ("Regel", "Line"),
    "status": ("Status", "Status"),
    "reason": ("Reden", "Reason"),
    "status_new": ("nieuw", "new"),
    "status_changed": ("gewijzigd", "changed"),
    "status_unchanged": ("ongewijzigd", "unchanged"),
    "status_refused": ("geweigerd", "refused"),
    "skip": ("Overslaan", "Skip"),
    "apply": ("Toepassen", "Apply"),
    "import_summary": (
        "{new} nieuw, {changed} gewijzigd, {unchanged} ongewijzigd, {refused} geweigerd.",
        "{new} new, {changed} changed, {unchanged} unchanged, {refused} refused.",
    ),
    "import_fix": (
        "Verbeter de geweigerde regels of sla ze over; pas daarna wordt alles in één keer toegepast.",
        "Fix the refused rows or skip them; then everything is applied at once.",
    ),
    "imported": (
        "Geïmporteerd: {new} nieuw, {changed} gewijzigd, {unchanged} ongewijzigd.",
        "Imported: {new} new, {changed} changed, {unchanged} unchanged.",
    ),
    "company": ("Bedrijf", "Company"),
    "label": ("Label", "Label"),
    "zone": ("Zone", "Zone"),
    "assign": ("Stand toewijzen", "Assign a stand"),
    "plaza": ("Twente Plaza, in gedrukte volgorde", "Twente Plaza, in printed order"),
    "other_stands": ("Andere stands", "Other stands"),
    "poster": ("Poster (PDF)", "Poster (PDF)"),
    "all_posters": ("Alle posters (PDF)", "All posters (PDF)"),
    "new_batch": ("Nieuwe batch", "New batch"),
    "size": ("Aantal pins", "Number of pins"),
    "channel": ("Kanaal", "Channel"),
    "diameter": ("Diameter pin (mm)", "Pin diameter (mm)"),
    "active": ("actief", "active"),
    "void": ("ongeldig", "void"),
    "scanned": ("gescand", "scanned"),
    "downloads": ("Bestanden", "Files"),
    "sheets": ("Vellen (PDF)", "Sheets (PDF)"),
    "manifest": ("Lijst (CSV)", "Manifest (CSV)"),
    "bundle": ("Alles (ZIP)", "Everything (ZIP)"),
    "print_note": (
        "Vellen en ZIP van een grote batch worden op de achtergrond gemaakt; de link toont "
        "hoe ver het is en geeft het bestand zodra het klaar is.",
        "A large batch's sheets and ZIP are made in the background; the link shows how far "
        "along they are and gives the file once it is ready.",
    ),
    "print_sheets.pdf": ("Vellen (PDF)", "Sheets (PDF)"),
    "print_bundle.zip": ("Alles (ZIP)", "Everything (ZIP)"),
    "print_preparing": (
        "Het bestand voor {total} pins wordt gemaakt. Je kunt deze pagina open laten of later "
        "terugkomen: het gaat op de server door.",
        "The file for {total} pins is being prepared. Keep this page open or come back "
        "later: it carries on on the server.",
    ),
    "print_progress": (
        "{done} van {total} pins klaar ({percent}%)",
        "{done} of {total} pins done ({percent}%)",
    ),
    "print_refresh": (
        "Deze pagina ververst zichzelf elke {seconds} seconden.",
        "This page refreshes itself every {seconds} seconds.",
    ),
    "print_check_now": ("Nu bijwerken", "Refresh now"),
    "print_ready": ("Het bestand is klaar.", "The file is ready."),
    "print_download": ("{file} downloaden", "Download {file}"),
    "find_pin": ("Pin zoeken (code of geplakte URL)", "Find a pin (code or pasted URL)"),
    "find": ("Zoeken", "Find"),
    "history": ("Geschiedenis", "History"),
    "when": ("Wanneer", "When"),
    "what": ("Wat", "What"),
    "detail": ("Details", "Details"),
    "void_it": ("Ongeldig maken", "Void"),
    "unvoid_it": ("Weer geldig maken", "Undo void"),
    "new_token": ("Nieuw token", "New token"),
    "role": ("Rol", "Role"),
    "stand": ("Stand", "Stand"),
    "expires": (
        "Verloopt (tijd in {zone}; leeg = nooit)",
        "Expires ({zone} time; empty = never)",
    ),
    "expires_col": ("Verloopt", "Expires"),
    "last_used": ("Laatst gebruikt", "Last used"),
    "revoke": ("Intrekken…", "Revoke…"),
    "revoked": ("ingetrokken", "revoked"),
    "live": ("actief", "live"),
    "token_revoked": ("Token #{id} is ingetrokken.", "Token #{id} is revoked."),
    "role_organiser": ("organisator", "organiser"),
    "role_viewer": ("kijker", "viewer"),
    "role_stand": ("stand", "stand"),
    "role_hint": (
        "Stand: de tablet van één stand, die bezoeken registreert. Kijker (viewer): leest het "
        "dashboard (de gemeente). Organisator: alles, ook deze console.",
        "Stand: one stand's tablet, which registers visits. Viewer: reads the dashboard "
        "(the municipality). Organiser: everything, this console too.",
    ),
    "stand_for_stand": ("Stand (alleen voor een standtoken)", "Stand (for a stand token only)"),
    "edition_for_viewer": (
        "Dashboard van editie (alleen voor een kijker)",
        "Dashboard of edition (for a viewer only)",
    ),
    "newest_edition": ("de nieuwste", "the newest"),
    "secret_once": (
        "Dit is de enige keer dat het token te zien is. Bewaar het of download de kaart.",
        "This is the only time the token is shown. Keep it, or download the card.",
    ),
    "card_stand": ("Inlogkaart voor de tablet van de stand", "Sign-in card for the stand's tablet"),
    "card_viewer": ("Overdracht: het dashboard", "Hand-over: the dashboard"),
    "card_organiser": ("Overdracht: de console", "Hand-over: the console"),
    "card_text_stand": (
        "Scan deze code met de camera van de tablet: de stand-scanner op {url} opent en logt "
        "in voor deze stand. Print de kaart; het token staat alleen in de code.",
        "Scan this code with the tablet's camera: the stand scanner at {url} opens and signs "
        "in for this stand. Print the card; the token is only in the code.",
    ),
    "card_text_viewer": (
        "Open {url} (of scan de code) en log in met het token hierboven: het dashboard van de "
        "editie opent.",
        "Open {url} (or scan the code) and sign in with the token above: the edition's "
        "dashboard opens.",
    ),
    "card_text_organiser": (
        "Open {url} (of scan de code) en log in met het token hierboven: de console opent.",
        "Open {url} (or scan the code) and sign in with the token above: the console opens.",
    ),
    "qr_alt": ("QR-code naar {url}", "QR code for {url}"),
    "card_pdf": ("Kaart downloaden (PDF)", "Download the card (PDF)"),
    "revoke_title": ("Token ‘{label}’ intrekken?", "Revoke token ‘{label}’?"),
    "revoke_names": ("Token #{id}, ‘{label}’, rol {role}.", "Token #{id}, ‘{label}’, role {role}."),
    "revoke_stand": ("Voor stand {stand}.", "For stand {stand}."),
    "revoke_effect": (
        "Wie dit token gebruikt (API, dashboard, console of tablet) wordt meteen geweigerd. "
        "Intrekken kan niet ongedaan worden gemaakt.",
        "Whoever uses this token (API, dashboard, console or tablet) is refused at once. "
        "Revoking cannot be undone.",
    ),
    "revoke_own": (
        "Dit is het token waarmee je nu bent ingelogd: na het intrekken ben je uitgelogd.",
        "This is the token you are signed in with: revoking it signs you out.",
    ),
    "revoke_confirm": ("Ja, intrekken", "Yes, revoke"),
    "revoke_confirm_own": ("Ja, intrekken en uitloggen", "Yes, revoke and sign me out"),
    "cancel": ("Annuleren", "Cancel"),
    "signed_out_title": ("Uitgelogd", "Signed out"),
    "signed_out_text": (
        "Token #{id}, ‘{label}’, is ingetrokken. Je was ermee ingelogd, dus je bent nu uitgelogd.",
        "Token #{id}, ‘{label}’, is revoked. You were signed in with it, so you are signed out.",
    ),
    "sign_in_again": (
        "Inloggen met een ander organisatortoken",
        "Sign in with another organiser token",
    ),
    "actor": ("Wie", "Who"),
    "action": ("Actie", "Action"),
    "target": ("Onderwerp", "Subject"),
    "before": ("Voor", "Before"),
    "after": ("Na", "After"),
    "filter": ("Filteren", "Filter"),
    "made_edition": ("Editie {name} aangemaakt.", "Edition {name} created."),
    "made_company": ("Bedrijf {name} aangemaakt.", "Company {name} created."),
    "made_stand": (
        "Stand {label} toegewezen aan {company}.",
        "Stand {label} assigned to {company}.",
    ),
    "saved_stand": (
        "Stand {label} van {company} opgeslagen.",
        "Stand {label} of {company} saved.",
    ),
    "deleted_stand": (
        "Stand {label} van {company} verwijderd.",
        "Stand {label} of {company} removed.",
    ),
    "retired_stand": (
        "Stand {label} van {company} doet niet meer mee; de {visits} bezoeken blijven meetellen.",
        "Stand {label} of {company} is retired; its {visits} visits stay in the figures.",
    ),
    "reinstated_stand": (
        "Stand {label} van {company} doet weer mee.",
        "Stand {label} of {company} is back in the fair.",
    ),
    "made_batch": (
        "{size} pins gemaakt in batch {label} (kanaal {channel}). De bestanden staan hieronder.",
        "{size} pins made in batch {label} (channel {channel}). The files are below.",
    ),
    "voided_pin": ("Pin {code} is ongeldig gemaakt.", "Pin {code} is void."),
    "unvoided_pin": ("Pin {code} is weer geldig.", "Pin {code} is valid again."),
    "edit_stand": ("Stand wijzigen", "Change the stand"),
    "stand_move_note": (
        "Verplaatsen: kies een ander label, een andere zone of een ander bedrijf. De postercode "
        "en de bezoeken blijven bij de stand. Een label of bedrijf kan maar één stand hebben; "
        "ruil twee stands via een vrij label.",
        "To move: choose another label, zone or company. The poster code and the visits stay "
        "with the stand. A label or company has one stand only; swap two stands through a "
        "free label.",
    ),
    "visits": ("Bezoeken", "Visits"),
    "remove_stand": ("Stand verwijderen", "Remove the stand"),
    "remove_note": (
        "Deze stand heeft nog geen bezoeken en kan worden verwijderd.",
        "This stand has no visits yet and can be removed.",
    ),
    "retire_stand": ("Stand uit de beurs nemen", "Retire the stand"),
    "retire_note": (
        "Deze stand heeft {visits} bezoeken. Die blijven in de cijfers; de stand verdwijnt van "
        "de landingspagina, de stempelkaart, de posters en de scanner, en nieuwe bezoeken "
        "worden geweigerd.",
        "This stand has {visits} visits. They stay in the figures; the stand leaves the "
        "landing page, the stamp card, the posters and the scanner, and new visits are refused.",
    ),
    "retired": ("Uit de beurs genomen", "Retired"),
    "retired_since": ("Uit de beurs genomen op {when} UTC.", "Retired on {when} UTC."),
    "reinstate_stand": ("Weer laten meedoen", "Bring it back"),
    "no_free_company": (
        "Alle bedrijven hebben al een stand in deze editie.",
        "Every company already has a stand in this edition.",
    ),
    "problem": ("Dat ging niet", "That did not work"),
    "back": ("Terug", "Back"),
    "not_found": ("Niet gevonden", "Not found"),
    "prev": ("Vorige", "Previous"),
    "next": ("Volgende", "Next"),
}
TEXT = {
    "nl": {key: pair[0] for key, pair in _KEYS.items()},
    "en": {key: pair[1] for key, pair in _KEYS.items()},
}
