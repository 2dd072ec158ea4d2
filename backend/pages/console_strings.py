"""What the organiser console says: keys to msgids of the catalogue (``backend.services.words``)."""

from backend.services.words import N_, N_plural

TEXT = {
    "console": N_("Console"),
    "sign_out": N_("Sign out"),
    "signed_in_as": N_("Signed in as %(label)s."),
    "refused_title": N_("No access to the console"),
    "refused_text": N_("The console is for organisers only. You are signed in as %(role)s."),
    "to_dashboard": N_("To the dashboard"),
    "editions": N_("Editions"),
    "companies": N_("Companies"),
    "stands": N_("Stands"),
    "batches": N_("Batches"),
    "pins": N_("Pins"),
    "tokens": N_("Tokens"),
    "audit": N_("Audit log"),
    "dashboard": N_("Dashboard"),
    "new_edition": N_("New edition"),
    "slug": N_("Short name (slug)"),
    "name": N_("Name"),
    "starts_on": N_("First day"),
    "ends_on": N_("Last day"),
    "timezone": N_("Time zone"),
    "portal_url": N_("Portal URL"),
    "create": N_("Create"),
    "save": N_("Save"),
    "edit": N_("Edit"),
    "saved": N_("Saved."),
    "none_yet": N_("Nothing yet."),
    "search": N_("Search"),
    "twente": N_("Twente"),
    "yes": N_("yes"),
    "no": N_("no"),
    "new_company": N_("New company"),
    "import": N_("Import from CSV or XLSX"),
    "import_intro": N_(
        "The spreadsheet's first row holds the column headers, typed as below. "
        "Only the column with the companies' names is needed; leave out what you do not use."
    ),
    "column_name": N_("the company's name"),
    "column_twente": N_("whether it is a Twente company: yes or no (empty is no)"),
    "column_portal_url": N_("the address of its page, like www.example.nl"),
    "column_stand": N_("the label of its stand at this edition, like TP-01"),
    "column_zone": N_("the zone of its stand; empty is the Twente Plaza"),
    "file": N_("File"),
    "preview": N_("Preview"),
    "line": N_("Line"),
    "status": N_("Status"),
    "reason": N_("Reason"),
    "status_new": N_("new"),
    "status_changed": N_("changed"),
    "status_unchanged": N_("unchanged"),
    "status_refused": N_("refused"),
    "skip": N_("Skip"),
    "apply": N_("Apply"),
    "import_summary": N_(
        "%(new)s new, %(changed)s changed, %(unchanged)s unchanged, %(refused)s refused."
    ),
    "import_fix": N_("Fix the refused rows or skip them; then everything is applied at once."),
    "imported": N_("Imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged."),
    "company": N_("Company"),
    "label": N_("Label"),
    "zone": N_("Zone"),
    "assign": N_("Assign a stand"),
    "plaza": N_("Twente Plaza, in printed order"),
    "other_stands": N_("Other stands"),
    "poster": N_("Poster (PDF)"),
    "all_posters": N_("All posters (PDF)"),
    "new_batch": N_("New batch"),
    "size": N_("Number of pins"),
    "channel": N_("Channel"),
    "diameter": N_("Pin diameter (mm)"),
    "active": N_("active"),
    "void": N_("void"),
    "scanned": N_("scanned"),
    "downloads": N_("Files"),
    "sheets": N_("Sheets (PDF)"),
    "manifest": N_("Manifest (CSV)"),
    "bundle": N_("Everything (ZIP)"),
    "print_note": N_(
        "A large batch's sheets and ZIP are made in the background; the link shows "
        "how far along they are and gives the file once it is ready."
    ),
    "print_sheets.pdf": N_("Sheets (PDF)"),
    "print_bundle.zip": N_("Everything (ZIP)"),
    "print_preparing": N_plural(
        "The file for %(n)s pin is being prepared. Keep this page open or "
        "come back later: it carries on on the server.",
        "The file for %(n)s pins is being prepared. Keep this page open or "
        "come back later: it carries on on the server.",
    ),
    "print_progress": N_plural(
        "%(done)s of %(n)s pin done (%(percent)s)", "%(done)s of %(n)s pins done (%(percent)s)"
    ),
    "print_refresh": N_plural(
        "This page refreshes itself every second.",
        "This page refreshes itself every %(n)s seconds.",
    ),
    "print_check_now": N_("Refresh now"),
    "print_ready": N_("The file is ready."),
    "print_download": N_("Download %(file)s"),
    "find_pin": N_("Find a pin (code or pasted URL)"),
    "find": N_("Find"),
    "history": N_("History"),
    "when": N_("When"),
    "what": N_("What"),
    "detail": N_("Details"),
    "void_it": N_("Void"),
    "unvoid_it": N_("Undo void"),
    "new_token": N_("New token"),
    "role": N_("Role"),
    "stand": N_("Stand"),
    "expires": N_("Expires (%(zone)s time; empty = never)"),
    "expires_col": N_("Expires"),
    "last_used": N_("Last used"),
    "revoke": N_("Revoke…"),
    "revoked": N_("revoked"),
    "live": N_("live"),
    "token_revoked": N_("Token #%(id)s is revoked."),
    "role_organiser": N_("organiser"),
    "role_viewer": N_("viewer"),
    "role_stand": N_("stand"),
    "role_hint": N_(
        "Stand: one stand's tablet, which registers visits. Viewer: reads the "
        "dashboard (the municipality). Organiser: everything, this console too."
    ),
    "stand_for_stand": N_("Stand (for a stand token only)"),
    "edition_for_viewer": N_("Dashboard of edition (for a viewer only)"),
    "newest_edition": N_("the newest"),
    "secret_once": N_("This is the only time the token is shown. Keep it, or download the card."),
    "card_stand": N_("Sign-in card for the stand's tablet"),
    "card_viewer": N_("Hand-over: the dashboard"),
    "card_organiser": N_("Hand-over: the console"),
    "card_text_stand": N_(
        "Scan this code with the tablet's camera: the stand scanner at %(url)s "
        "opens and signs in for this stand. Print the card; the token is only in "
        "the code."
    ),
    "card_text_viewer": N_(
        "Open %(url)s (or scan the code) and sign in with the token above: the "
        "edition's dashboard opens."
    ),
    "card_text_organiser": N_(
        "Open %(url)s (or scan the code) and sign in with the token above: the console opens."
    ),
    "qr_alt": N_("QR code for %(url)s"),
    "card_pdf": N_("Download the card (PDF)"),
    "revoke_title": N_("Revoke token ‘%(label)s’?"),
    "revoke_names": N_("Token #%(id)s, ‘%(label)s’, role %(role)s."),
    "revoke_stand": N_("For stand %(stand)s."),
    "revoke_effect": N_(
        "Whoever uses this token (API, dashboard, console or tablet) is refused at "
        "once. Revoking cannot be undone."
    ),
    "revoke_own": N_("This is the token you are signed in with: revoking it signs you out."),
    "revoke_confirm": N_("Yes, revoke"),
    "revoke_confirm_own": N_("Yes, revoke and sign me out"),
    "cancel": N_("Cancel"),
    "signed_out_title": N_("Signed out"),
    "signed_out_text": N_(
        "Token #%(id)s, ‘%(label)s’, is revoked. You were signed in with it, so you are signed out."
    ),
    "sign_in_again": N_("Sign in with another organiser token"),
    "actor": N_("Who"),
    "action": N_("Action"),
    "target": N_("Subject"),
    "before": N_("Before"),
    "after": N_("After"),
    "filter": N_("Filter"),
    "made_edition": N_("Edition %(name)s created."),
    "made_company": N_("Company %(name)s created."),
    "made_stand": N_("Stand %(label)s assigned to %(company)s."),
    "saved_stand": N_("Stand %(label)s of %(company)s saved."),
    "deleted_stand": N_("Stand %(label)s of %(company)s removed."),
    "retired_stand": N_plural(
        "Stand %(label)s of %(company)s is retired; its %(n)s visit stays in the figures.",
        "Stand %(label)s of %(company)s is retired; its %(n)s visits stay in the figures.",
    ),
    "reinstated_stand": N_("Stand %(label)s of %(company)s is back in the fair."),
    "made_batch": N_plural(
        "%(n)s pin made in batch %(label)s (channel %(channel)s). The files are below.",
        "%(n)s pins made in batch %(label)s (channel %(channel)s). The files are below.",
    ),
    "voided_pin": N_("Pin %(code)s is void."),
    "unvoided_pin": N_("Pin %(code)s is valid again."),
    "edit_stand": N_("Change the stand"),
    "stand_move_note": N_(
        "To move: choose another label, zone or company. The poster code and the "
        "visits stay with the stand. A label or company has one stand only; swap "
        "two stands through a free label."
    ),
    "visits": N_("Visits"),
    "remove_stand": N_("Remove the stand"),
    "remove_note": N_("This stand has no visits yet and can be removed."),
    "retire_stand": N_("Retire the stand"),
    "retire_note": N_plural(
        "This stand has %(n)s visit. It stays in the figures; the stand "
        "leaves the landing page, the stamp card, the posters and the scanner, and "
        "new visits are refused.",
        "This stand has %(n)s visits. They stay in the figures; the stand "
        "leaves the landing page, the stamp card, the posters and the scanner, and "
        "new visits are refused.",
    ),
    "retired": N_("Retired"),
    "retired_since": N_("Retired on %(when)s."),
    "entries": N_plural("%(n)s entry", "%(n)s entries"),
    "companies_total": N_plural("%(n)s company", "%(n)s companies"),
    "fix_field": N_("%(field)s, line %(line)s"),
    "reinstate_stand": N_("Bring it back"),
    "no_free_company": N_("Every company already has a stand in this edition."),
    "problem": N_("That did not work"),
    "back": N_("Back"),
    "not_found": N_("Not found"),
    "prev": N_("Previous"),
    "next": N_("Next"),
    # The live view of a running fair (console_live.py)
    "live_view": N_("Live view"),
    "live_title": N_("Live: %(event)s"),
    "live_refresh": N_plural(
        "This page refreshes itself every second.",
        "This page refreshes itself every %(n)s seconds.",
    ),
    "live_start": N_plural(
        "Refresh this page by itself every second",
        "Refresh this page by itself every %(n)s seconds",
    ),
    "live_stop": N_("Stop refreshing"),
    "live_as_of": N_("As of %(time)s, times in %(zone)s."),
    "live_open": N_("The fair is open now."),
    "live_closed": N_("The fair is not open now: a silent tablet or a quiet stand is not flagged."),
    "live_activity": N_("Now and the last two hours, per 5 minutes"),
    "series_scans": N_("Scans"),
    "series_landings": N_("Landings"),
    "series_clicks": N_("Portal clicks"),
    "series_visits": N_("Stand visits"),
    "series_answers": N_("Answers"),
    "live_chart": N_plural(
        "one in the last two hours, per 5 minutes", "%(n)s in the last two hours, per 5 minutes"
    ),
    "live_from": N_("From"),
    "live_tablets": N_("Stand tablets"),
    "live_no_tablets": N_("No tablet has reported yet."),
    "live_tablet": N_("Tablet"),
    "live_heard": N_("Last heard"),
    "live_ago": N_plural("%(n)s minute ago", "%(n)s minutes ago"),
    "live_queued": N_("Waiting for the network"),
    "live_version": N_("Scanner version"),
    "live_scans_today": N_("Scans at the stand today"),
    "live_silent": N_plural("Silent for more than a minute", "Silent for more than %(n)s minutes"),
    "live_plaza": N_("Twente Plaza"),
    "live_no_plaza": N_("No stand on the Twente Plaza."),
    "live_visits": N_("Visits so far"),
    "live_last_hour": N_("Last hour"),
    "live_quiet": N_("No visit in the last hour"),
    "live_batches": N_("Batches and channels"),
    "live_no_batches": N_("No batch yet."),
    "live_scans": N_("Scans so far"),
    "live_no_scan": N_("No scan by noon of the first day"),
    "live_problems": N_("Problems"),
    "live_all_well": N_("Nothing wrong right now."),
    "live_last_hour_note": N_("Counts of the last hour; nothing about who."),
    "live_unknown": N_("Unknown codes looked up"),
    "live_refused": N_("Refused by the guessing brake"),
    "live_orphans": N_("Scans of an unknown pin address"),
    "live_void": N_("Scans of a void pin"),
    "live_database": N_("Database round trip"),
    "live_ms": N_("%(ms)s ms"),
    "live_down": N_("not answering"),
    "live_slow": N_("slow"),
    "live_readiness": N_("Ready to serve (/readyz)"),
    "live_ready": N_("yes"),
    "live_not_ready": N_("no: %(why)s"),
}

# The audit log's actions (``audit.record``), each in words.
ACTIONS = {
    "event.create": N_("Edition created"),
    "event.update": N_("Edition changed"),
    "company.create": N_("Company created"),
    "company.update": N_("Company changed"),
    "company.import": N_("Company imported"),
    "stand.create": N_("Stand assigned"),
    "stand.update": N_("Stand changed"),
    "stand.import": N_("Stand imported"),
    "stand.delete": N_("Stand removed"),
    "stand.retire": N_("Stand retired"),
    "stand.reinstate": N_("Stand brought back"),
    "batch.create": N_("Batch made"),
    "pin.void": N_("Pin made void"),
    "pin.unvoid": N_("Pin valid again"),
    "token.create": N_("Token created"),
    "token.revoke": N_("Token revoked"),
}

# Who made a change, when it was not a token (``audit.CLI``, ``audit.SYSTEM``), in words.
ACTORS = {
    "command line (flask speld)": N_("command line (flask speld)"),
    "system": N_("system"),
}

# The fields an audit entry's before and after name (and an import's changes), in words.
FIELDS = {
    "slug": N_("Short name"),
    "name": N_("Name"),
    "starts_on": N_("First day"),
    "ends_on": N_("Last day"),
    "timezone": N_("Time zone"),
    "portal_url": N_("Portal URL"),
    "baseline_share": N_("Baseline share"),
    "baseline_size": N_("Baseline size"),
    "is_twente": N_("Twente"),
    "status": N_("Status"),
    "void_reason": N_("Reason"),
    "company": N_("Company"),
    "company_id": N_("Company"),
    "label": N_("Label"),
    "zone": N_("Zone"),
    "stand": N_("Stand"),
    "stand_id": N_("Stand"),
    "retired": N_("Retired"),
    "role": N_("Role"),
    "expires_at": N_("Expires"),
    "revoked_at": N_("Revoked"),
    "channel": N_("Channel"),
    "size": N_("Number of pins"),
}

# A pin's history (``services.console.Happening``), in words.
HAPPENINGS = {
    "scan": N_("Scan"),
    "landing": N_("Landing page"),
    "click": N_("Click to the portal"),
    "stamp": N_("Stand visit"),
    "survey": N_("Survey answer"),
    "human": N_("by a person"),
    "bot": N_("bot or link preview"),
    "test": N_("test, not counted"),
    "repeat": N_("repeat scan"),
    "self": N_("student scanned the poster"),
    "staff": N_("stand scanned the pin"),
    "stand": N_("stand %(label)s"),
    "answer": N_("could name before: %(answer)s"),
    "answer_0": N_("none"),
}
