"""What the dashboard says: its keys and their msgids, translated from the catalogue.

``dashboard.html`` shows a breakdown's name through ``t`` only if it is a key here
(``known``), else as stored. The words themselves are in ``translations/``.
"""

from backend.services.words import N_, N_plural
from exports.rows import DEVICE_WORDS, EXCLUDED_WORDS, STAGE_WORDS

TEXT = {
    # A stage's, an excluded figure's and a device class's name: the files say the same.
    **STAGE_WORDS,
    **EXCLUDED_WORDS,
    **DEVICE_WORDS,
    "dashboard": N_("Dashboard"),
    "sign_in": N_("Sign in"),
    "sign_out": N_("Sign out"),
    "sign_in_title": N_("Municipality dashboard"),
    "sign_in_console_title": N_("Organiser console"),
    "console": N_("Console"),
    "sign_in_console_intro": N_(
        "Sign in with an organiser token. The token itself is not kept: this "
        "browser only remembers your role."
    ),
    "viewer_for_console": N_(
        "A viewer token opens the dashboard, not the console. The console is for organisers."
    ),
    "stand_for_console": N_("A stand token opens the stand scanner (/scan), not the console."),
    "sign_in_intro": N_(
        "Sign in with a viewer or organiser token. The token itself is not kept: "
        "this browser only remembers your role."
    ),
    "token": N_("Token"),
    "bad_token": N_("That token is not valid."),
    "stand_token": N_("A stand token cannot open the dashboard."),
    "signed_in_as": N_("Signed in as %(role)s."),
    "role_viewer": N_("viewer"),
    "role_organiser": N_("organiser"),
    "test_note": N_("Scans, stamps and answers from this browser are recorded as tests."),
    "events": N_("Editions"),
    "no_events": N_("There are no editions yet."),
    "years": N_("Years side by side"),
    "report_pdf": N_("Report for the council (PDF)"),
    "report_docx": N_("Report for the council (Word)"),
    "report_note": N_(
        "The report holds this edition without filters: the answer, the effect of the "
        "fair, who answered, reach, method and a stamp to reproduce the figures."
    ),
    "years_intro": N_(
        "Every edition beside the 2018 measurement: the share of students who could "
        "name no Twente company before the fair, from unprimed answers only, with its "
        "95%% interval."
    ),
    "trend_chart": N_("Could name no Twente company, per year, with 95%% intervals"),
    "measurement": N_("Measurement"),
    "year": N_("Year"),
    "interval_col": N_("95%% interval"),
    "interval_range": N_("%(low)s to %(high)s"),
    "definitions_col": N_("Definitions"),
    "against_2018": N_("Against 2018"),
    "baseline_name": N_("Baseline 2018 (Keeping Talent in Twente)"),
    "baseline_study": N_("another study"),
    "changes": N_("Change from the edition before"),
    "change_col": N_("Change"),
    "from_to": N_("%(before)s to %(after)s"),
    "fewer_than_before": N_(
        "Fewer students than at the edition before could name no Twente company."
    ),
    "more_than_before": N_(
        "More students than at the edition before could name no Twente company."
    ),
    "same_as_before": N_("Not distinguishable from the edition before."),
    "other_definitions": N_(
        "Measured under definitions version %(v)s, the edition before under %(w)s: not compared."
    ),
    "no_change": N_("No comparison: too few answers shown in one of the two."),
    "verdict_col": N_("What it says"),
    "no_changes": N_("One edition so far: nothing to compare yet."),
    "years_note": N_(
        "The 2018 figure comes from another study, asked another way: it is drawn apart, "
        "never joined to the editions' line, and each edition's verdict against it is "
        "the one its own page gives. A change between editions is the difference of "
        "their shares with Newcombe's 95%% interval; it is called fewer or more only "
        "when the whole interval is below or above zero."
    ),
    "filters": N_("Filters"),
    "channel": N_("Channel"),
    "batch": N_("Batch"),
    "since": N_("From"),
    "until": N_("Until"),
    "all": N_("All"),
    "apply": N_("Apply"),
    "reset": N_("Show all"),
    "date_hint": N_(
        "A date (2026-02-18) or date and time (2026-02-18T13:00), in %(tz)s; a "
        "date in ‘until’ includes that whole day."
    ),
    "no_filter": N_("No filter: all pins of this edition."),
    "filters_applied": N_("Filter applied:"),
    "clear_filter": N_("Clear ‘%(name)s’"),
    "date_format": N_("yyyy-mm-dd"),
    "table": N_("Table: %(name)s"),
    "stages_note": N_(
        "* Stages are independent: each counts the pins that did that thing, "
        "whether or not they did the stage before. Stand staff can, for instance, "
        "register a pin that never clicked through or was never scanned by its "
        "student. So ‘from previous’ can exceed 100%%; it is a ratio, not a flow."
    ),
    "explain_human_scans": N_(
        "Every scan of an active pin by a person, repeats included: a volume, not a number of pins."
    ),
    "explain_repeat_scans": N_(
        "The same visitor scanned the same pin again within %(minutes)s minutes."
    ),
    "explain_bot_scans": N_(
        "Not a person: search engines and programs that make a link preview (such as a chat app)."
    ),
    "explain_test_scans": N_("Scans by signed-in organisers trying pins."),
    "explain_rehearsal_visits": N_(
        "Stand visits (poster or tablet) outside the fair's days: a rehearsal, "
        "shown as a test and counted nowhere."
    ),
    "explain_void_pin_scans": N_("Scans of pins that were made void (lost or misprinted)."),
    "explain_orphan_scans": N_(
        "Addresses with a code that does not exist (mistyped or guessed); they "
        "belong to no pin or channel."
    ),
    "explain_refused_lookups": N_(
        "Unknown codes refused because one address tried too many codes: a sign of "
        "guessing, never a student refused."
    ),
    "explain_void_pins": N_("Pins with the status void; they count in no stage."),
    "stands_note": N_(
        "Pins: distinct pins with a visit to the stand; a pin counts once per "
        "stand. Self: the student scanned the code on the stand's poster. Stand "
        "staff: the stand scanned the pin. Self + stand staff = pins."
    ),
    "timeline_note": N_(
        "Scans by people per hour (%(tz)s), repeat scans included. An hour without "
        "scans within a day is an empty column."
    ),
    "times_in": N_("Times in %(tz)s."),
    "suppression": N_plural(
        "Counts below %(below)s are hidden (%(mark)s) so that no student can be "
        "recognised, and where needed other counts beside them, so that no hidden "
        "count can be worked out or narrowed down from those shown: %(n)s cell.",
        "Counts below %(below)s are hidden (%(mark)s) so that no student can be "
        "recognised, and where needed other counts beside them, so that no hidden "
        "count can be worked out or narrowed down from those shown: %(n)s cells.",
    ),
    "exact": N_("Exact counts (organiser)."),
    "definitions": N_("Definitions version %(v)s."),
    "funnel": N_("Funnel"),
    "funnel_chart": N_("Funnel: distinct pins per stage"),
    "stage": N_("Stage"),
    "pins": N_("Pins"),
    "from_previous": N_("from previous"),
    "from_issued": N_("from issued"),
    "excluded": N_("Not counted"),
    "excluded_note": N_("These scans, stand visits and pins are kept out of the stages."),
    "stands": N_("Stands"),
    "stands_chart": N_("Distinct pins per stand"),
    "label": N_("Stand"),
    "company": N_("Company"),
    "zone": N_("Zone"),
    "registrations": N_("Registrations"),
    "self": N_("Self"),
    "staff": N_("Stand staff"),
    "timeline": N_("Scans per hour"),
    "daily": N_("Per day"),
    "day": N_("Day"),
    "scans": N_("Scans"),
    "awareness": N_("Awareness of Twente companies"),
    "respondents": N_("Respondents"),
    "named_none": N_("Could name no Twente company"),
    "versus": N_("%(ours)s against %(baseline)s in 2018: %(diff)s."),
    "unexposed_note": N_(
        "Only answers given before any stand visit and before the list of "
        "companies was shown (unprimed)."
    ),
    "interval": N_(
        "95%% interval: %(low)s to %(high)s. Difference from 2018: %(dlow)s to %(dhigh)s."
    ),
    "fewer_than_baseline": N_("Fewer students than in 2018 could name no Twente company."),
    "more_than_baseline": N_("More students than in 2018 could name no Twente company."),
    "not_distinguishable": N_plural(
        "Not distinguishable from 2018 with %(n)s answer.",
        "Not distinguishable from 2018 with %(n)s answers.",
    ),
    "no_answers": N_("No answers yet."),
    "response_rates": N_plural(
        "%(n)s pin answered the questions: %(landed)s of the pins that opened the "
        "page, %(issued)s of all pins issued. Students chose whether to answer.",
        "%(n)s pins answered the questions: %(landed)s of the pins that opened the "
        "page, %(issued)s of all pins issued. Students chose whether to answer.",
    ),
    "response_rates_over": N_(
        "More pins answered than opened the page: the companion app asks the questions "
        "without it, so this share can pass 100%%."
    ),
    "exposed_note": N_plural(
        "%(n)s answer came after a stand visit or after the list of companies was "
        "shown; it is not counted above (%(share)s of them could name no company).",
        "%(n)s answers came after a stand visit or after the list of companies was "
        "shown; they are not counted above (%(share)s of them could name no "
        "company).",
    ),
    "follow_up": N_("Follow-up: now"),
    "follow_up_text": N_plural(
        "%(n)s pin, after a visit to the Twente Plaza, also answered how many "
        "companies it could name now. No company at all: %(before)s before, "
        "%(now)s now (McNemar, exact: p %(p)s). This student chose to answer "
        "twice.",
        "%(n)s pins, after a visit to the Twente Plaza, also answered how many "
        "companies they could name now. No company at all: %(before)s before, "
        "%(now)s now (McNemar, exact: p %(p)s). These students chose to answer "
        "twice.",
    ),
    "follow_up_none": N_("Nobody has answered the follow-up question yet."),
    "q1": N_("Question 1: how many Twente companies could you name before Business Days?"),
    "answer": N_("Answer"),
    "share": N_("Share"),
    "answer_0": N_("none"),
    "companies": N_("Question 2: which companies did respondents know before?"),
    "knew": N_("Knew it before"),
    "discovery": N_("Discovery"),
    "discovery_text": N_plural(
        "%(part)s of %(n)s stand visit by respondents was to a company they did not know before.",
        "%(part)s of %(n)s stand visits by respondents were to a company they did not know before.",
    ),
    "channels": N_("Channels"),
    "devices": N_("Devices"),
    "device": N_("Device"),
    "downloads": N_("Download"),
    "downloads_note": N_("With the same filters."),
    "csv": N_("Funnel (CSV)"),
    "xlsx": N_("All tables (Excel)"),
    "zip": N_("Everything (ZIP)"),
    "hidden": N_("hidden: fewer than %(n)s, or needed to protect another hidden count"),
    "too_small": N_plural(
        "Too few students in this selection to show any counts: with fewer than "
        "%(n)s student, a student could be recognised. Choose a wider selection or "
        "show everything.",
        "Too few students in this selection to show any counts: with fewer than "
        "%(n)s students, a student could be recognised. Choose a wider selection or "
        "show everything.",
    ),
    "problem_title": N_("This filter is not valid"),
    "not_found_title": N_("We do not know this edition"),
    "not_found_body": N_("Pick an edition from the list."),
    "error_title": N_("Something went wrong"),
    "error_body": N_("The request was not right."),
    "to_events": N_("To the editions"),
    "to_dashboard": N_("To the dashboard"),
}
