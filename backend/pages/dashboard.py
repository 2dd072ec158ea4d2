"""The municipality's dashboard: an edition's funnel as charts and tables, for a laptop or A4.

A browser signs in once with a viewer or organiser token; the session keeps
the role and the token's id, never the token. Viewers get small counts
suppressed, organisers exact ones (``backend.services.reports`` decides).
Signed in, the browser also counts as staff, so its own scans are tests.
"""

import io
import re
from urllib.parse import unquote, urlencode, urlsplit

from flask import Blueprint, redirect, render_template, request, send_file, session, url_for

from backend.errors import BatchNotFound, DomainError, EventNotFound, InvalidInput
from backend.models.types import SLUG_PATTERN
from backend.pages import charts
from backend.pages.i18n import current_language
from backend.services.events import get_event, list_events
from backend.services.pins import list_batches
from backend.services.reports import event_figures
from backend.services.tokens import authenticate_or_none, session_role
from exports.formats import FORMATS

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

ROLES = ("viewer", "organiser")
FILTERS = ("channel", "batch", "since", "until")
STAGES = ("issued", "scanned", "landed", "clicked", "visited_stand", "answered_survey")

TEXT = {
    "nl": {
        "dashboard": "Dashboard",
        "switch": "English",
        "sign_in": "Inloggen",
        "sign_out": "Uitloggen",
        "sign_in_title": "Dashboard voor de gemeente",
        "sign_in_intro": "Log in met een viewer- of organisatortoken. Het token zelf wordt niet "
        "bewaard: deze browser onthoudt alleen je rol.",
        "token": "Token",
        "bad_token": "Dat token is niet geldig.",
        "stand_token": "Met een standtoken kun je het dashboard niet openen.",
        "signed_in_as": "Ingelogd als {role}.",
        "role_viewer": "viewer",
        "role_organiser": "organisator",
        "test_note": "Scans, stempels en antwoorden vanuit deze browser tellen als test.",
        "events": "Edities",
        "no_events": "Er zijn nog geen edities.",
        "filters": "Filters",
        "channel": "Kanaal",
        "batch": "Batch",
        "since": "Vanaf",
        "until": "Tot en met",
        "all": "Alle",
        "apply": "Toepassen",
        "reset": "Alles tonen",
        "date_hint": "Datum (2026-02-18) of datum en tijd (2026-02-18T13:00), in {tz}; een "
        "datum bij ‘tot en met’ telt de hele dag mee.",
        "no_filter": "Alle pins van deze editie.",
        "times_in": "Tijden in {tz}.",
        "suppression": "Aantallen onder {n} zijn verborgen ({mark}) om studenten niet "
        "herkenbaar te maken: {cells} cellen.",
        "exact": "Exacte aantallen (organisator).",
        "definitions": "Definities versie {v}.",
        "funnel": "Trechter",
        "funnel_chart": "Trechter: unieke pins per fase",
        "issued": "Uitgegeven",
        "scanned": "Gescand",
        "landed": "Landingspagina",
        "clicked": "Doorgeklikt",
        "visited_stand": "Stand bezocht",
        "answered_survey": "Vragen beantwoord",
        "stage": "Fase",
        "pins": "Pins",
        "from_previous": "t.o.v. vorige",
        "from_issued": "t.o.v. uitgegeven",
        "excluded": "Niet meegeteld",
        "excluded_note": "Deze scans en pins staan buiten de fasen.",
        "human_scans": "Scans door mensen (alle)",
        "repeat_scans": "Herhaalde scans",
        "bot_scans": "Bots en linkvoorbeelden",
        "test_scans": "Testscans",
        "void_pin_scans": "Scans van ingetrokken pins",
        "orphan_scans": "Scans van onbekende codes",
        "void_pins": "Ingetrokken pins",
        "stands": "Stands",
        "stands_chart": "Unieke pins per stand",
        "label": "Stand",
        "company": "Bedrijf",
        "zone": "Zone",
        "registrations": "Registraties",
        "self": "Zelf",
        "staff": "Standpersoneel",
        "timeline": "Scans per uur",
        "daily": "Per dag",
        "day": "Dag",
        "scans": "Scans",
        "awareness": "Bekendheid van Twentse bedrijven",
        "respondents": "Respondenten",
        "named_none": "Kon geen enkel Twents bedrijf noemen",
        "versus": "{ours} tegenover {baseline} in 2018: {diff}.",
        "q1": "Vraag 1: hoeveel Twentse bedrijven kon je noemen vóór Business Days?",
        "answer": "Antwoord",
        "share": "Aandeel",
        "answer_0": "geen",
        "companies": "Vraag 2: welke bedrijven kende men al?",
        "knew": "Kende het al",
        "discovery": "Ontdekking",
        "discovery_text": "{part} van de {whole} standbezoeken door respondenten waren bij een "
        "bedrijf dat ze nog niet kenden.",
        "channels": "Kanalen",
        "devices": "Apparaten",
        "device": "Apparaat",
        "mobile": "mobiel",
        "tablet": "tablet",
        "desktop": "desktop",
        "bot": "bot",
        "other": "overig",
        "downloads": "Downloaden",
        "downloads_note": "Met dezelfde filters.",
        "csv": "Trechter (CSV)",
        "xlsx": "Alle tabellen (Excel)",
        "zip": "Alles (ZIP)",
        "hidden": "minder dan {n}, verborgen",
        "problem_title": "Dit filter klopt niet",
        "problem_channel": "Kies een kanaal uit de lijst.",
        "problem_batch": "Kies een batch van deze editie.",
        "problem_since": "Gebruik een datum (2026-02-18) of datum en tijd (2026-02-18T13:00).",
        "problem_until": "Gebruik een datum of datum en tijd, later dan ‘vanaf’.",
        "problem_unknown": "Dit filter bestaat niet.",
        "not_found_title": "Deze editie kennen we niet",
        "not_found_body": "Kies een editie uit de lijst.",
        "error_title": "Er ging iets mis",
        "error_body": "Het verzoek klopte niet.",
        "to_events": "Naar de edities",
        "to_dashboard": "Naar het dashboard",
    },
    "en": {
        "dashboard": "Dashboard",
        "switch": "Nederlands",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "sign_in_title": "Municipality dashboard",
        "sign_in_intro": "Sign in with a viewer or organiser token. The token itself is not "
        "kept: this browser only remembers your role.",
        "token": "Token",
        "bad_token": "That token is not valid.",
        "stand_token": "A stand token cannot open the dashboard.",
        "signed_in_as": "Signed in as {role}.",
        "role_viewer": "viewer",
        "role_organiser": "organiser",
        "test_note": "Scans, stamps and answers from this browser are recorded as tests.",
        "events": "Editions",
        "no_events": "There are no editions yet.",
        "filters": "Filters",
        "channel": "Channel",
        "batch": "Batch",
        "since": "From",
        "until": "Until",
        "all": "All",
        "apply": "Apply",
        "reset": "Show all",
        "date_hint": "A date (2026-02-18) or date and time (2026-02-18T13:00), in {tz}; a "
        "date in ‘until’ includes that whole day.",
        "no_filter": "All pins of this edition.",
        "times_in": "Times in {tz}.",
        "suppression": "Counts below {n} are hidden ({mark}) so that no student can be "
        "recognised: {cells} cells.",
        "exact": "Exact counts (organiser).",
        "definitions": "Definitions version {v}.",
        "funnel": "Funnel",
        "funnel_chart": "Funnel: distinct pins per stage",
        "issued": "Issued",
        "scanned": "Scanned",
        "landed": "Landing page",
        "clicked": "Clicked through",
        "visited_stand": "Visited a stand",
        "answered_survey": "Answered the survey",
        "stage": "Stage",
        "pins": "Pins",
        "from_previous": "from previous",
        "from_issued": "from issued",
        "excluded": "Not counted",
        "excluded_note": "These scans and pins are kept out of the stages.",
        "human_scans": "Scans by people (all)",
        "repeat_scans": "Repeat scans",
        "bot_scans": "Bots and link previews",
        "test_scans": "Test scans",
        "void_pin_scans": "Scans of void pins",
        "orphan_scans": "Scans of unknown codes",
        "void_pins": "Void pins",
        "stands": "Stands",
        "stands_chart": "Distinct pins per stand",
        "label": "Stand",
        "company": "Company",
        "zone": "Zone",
        "registrations": "Registrations",
        "self": "Self",
        "staff": "Stand staff",
        "timeline": "Scans per hour",
        "daily": "Per day",
        "day": "Day",
        "scans": "Scans",
        "awareness": "Awareness of Twente companies",
        "respondents": "Respondents",
        "named_none": "Could name no Twente company",
        "versus": "{ours} against {baseline} in 2018: {diff}.",
        "q1": "Question 1: how many Twente companies could you name before Business Days?",
        "answer": "Answer",
        "share": "Share",
        "answer_0": "none",
        "companies": "Question 2: which companies did respondents know before?",
        "knew": "Knew it before",
        "discovery": "Discovery",
        "discovery_text": "{part} of {whole} stand visits by respondents were to a company "
        "they did not know before.",
        "channels": "Channels",
        "devices": "Devices",
        "device": "Device",
        "mobile": "mobile",
        "tablet": "tablet",
        "desktop": "desktop",
        "bot": "bot",
        "other": "other",
        "downloads": "Download",
        "downloads_note": "With the same filters.",
        "csv": "Funnel (CSV)",
        "xlsx": "All tables (Excel)",
        "zip": "Everything (ZIP)",
        "hidden": "fewer than {n}, hidden",
        "problem_title": "This filter is not valid",
        "problem_channel": "Pick a channel from the list.",
        "problem_batch": "Pick a batch of this edition.",
        "problem_since": "Use a date (2026-02-18) or date and time (2026-02-18T13:00).",
        "problem_until": "Use a date or date and time, later than ‘from’.",
        "problem_unknown": "There is no such filter.",
        "not_found_title": "We do not know this edition",
        "not_found_body": "Pick an edition from the list.",
        "error_title": "Something went wrong",
        "error_body": "The request was not right.",
        "to_events": "To the editions",
        "to_dashboard": "To the dashboard",
    },
}


def _translator(lang: str):
    table = TEXT[lang]

    def t(key: str, **values) -> str:
        return table[key].format(**values) if values else table[key]

    return t


def _role() -> str | None:
    """The signed-in role, if its token is still live: revoking a token ends its sessions."""
    role = session_role(session.get("staff_role"), session.get("staff_token_id"))
    return role if role in ROLES else None


def _page(template: str, status: int = 200, **context):
    lang = current_language()
    other = "en" if lang == "nl" else "nl"
    # The same page in the other language; the query is copied as data, never as url_for options.
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", other)]
    switch = f"{request.script_root}{request.path}?{urlencode(query)}"
    context.setdefault("role", _role())
    page = render_template(
        template,
        lang=lang,
        t=_translator(lang),
        switch_url=switch,
        switch_lang=other,
        n=charts.count,
        pct=lambda share: charts.percent(share, lang),
        points=lambda difference: charts.points(difference, lang),
        known=TEXT[lang],
        **context,
    )
    return page, status


def _safe_next(target: str | None) -> str | None:
    """``target`` if it is a path inside the dashboard, else None: no open redirect."""
    if not target or len(target) > 1000 or not target.startswith("/dashboard/"):
        return None
    if "\\" in target or any(ord(c) < 33 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or ".." in unquote(parts.path).split("/"):
        return None
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """A form for a viewer or organiser token; the session keeps the role, not the token."""
    target = _safe_next(request.values.get("next"))
    problem = None
    if request.method == "POST":
        token = authenticate_or_none(request.form.get("token", "").strip())
        if token is not None and token.role in ROLES:
            # The same keys as /staff: a signed-in browser's own scans are tests. The session
            # is this browser's signed cookie (nothing on a server to fix), so the language
            # and the CSRF token in it are kept.
            session["staff_role"] = token.role
            session["staff_token_id"] = token.id
            return redirect(request.script_root + target if target else url_for(".index"), 303)
        problem = "stand_token" if token is not None else "bad_token"
    return _page("dashboard_sign_in.html", 401 if problem else 200, problem=problem, next=target)


@bp.post("/sign-out")
def sign_out():
    session.pop("staff_role", None)
    session.pop("staff_token_id", None)
    return redirect(url_for(".sign_in"), 303)


def _to_sign_in():
    here = request.full_path.rstrip("?")
    return redirect(url_for(".sign_in", next=here), 302)


@bp.get("/")
def index():
    """The editions, newest first."""
    if _role() is None:
        return _to_sign_in()
    return _page("dashboard_index.html", events=list_events(1, 200).items)


def _filters(args) -> dict:
    """The query's filters, checked for shape; reports parses the dates in the event's zone."""
    problems = {key: "problem_unknown" for key in args if key not in (*FILTERS, "lang")}
    values = {key: args.get(key, "").strip() for key in FILTERS}
    filters = {}
    if values["channel"]:
        if len(values["channel"]) <= 40 and re.fullmatch(SLUG_PATTERN, values["channel"]):
            filters["channel"] = values["channel"]
        else:
            problems["channel"] = "problem_channel"
    if values["batch"]:
        if re.fullmatch(r"[0-9]{1,10}", values["batch"]) and 1 <= int(values["batch"]) < 2**31:
            filters["batch_id"] = int(values["batch"])
        else:
            problems["batch"] = "problem_batch"
    for key in ("since", "until"):
        if values[key]:
            if len(values[key]) <= 40:
                filters[key] = values[key]
            else:
                problems[key] = f"problem_{key}"
    if problems:
        raise InvalidInput(fields=problems)
    return filters


def _problems(error: DomainError) -> dict:
    """Field -> a key of TEXT, in the reader's language whatever the use case said."""
    if isinstance(error, BatchNotFound):
        return {"batch": "problem_batch"}
    problems = {}
    for field, message in error.fields.items():
        if isinstance(message, str) and message in TEXT["en"]:
            problems[field[:40]] = message
        elif field in FILTERS:
            problems[field] = f"problem_{field}"
    return problems or {"since": "problem_since"}


def _downloads(slug: str, filters: dict) -> dict:
    query = {key: filters[key] for key in ("channel", "since", "until") if key in filters}
    if "batch_id" in filters:
        query["batch"] = filters["batch_id"]
    suffix = f"?{urlencode(query)}" if query else ""
    base = f"{request.script_root}/dashboard/{slug}"
    return {kind: f"{base}/{name}{suffix}" for name, kind in _EXPORTS.items()}


# The API's files, served here to the signed-in browser (the API itself wants a bearer token).
_EXPORTS = {"funnel.csv": "csv", "funnel.xlsx": "xlsx", "export.zip": "zip"}


@bp.get("/<slug>/<any('funnel.csv', 'funnel.xlsx', 'export.zip'):name>")
def download(slug, name):
    """The funnel as a file, with the page's filters and the same suppression as the page."""
    role = _role()
    if role is None:
        return _to_sign_in()
    figures = event_figures(slug, exact=role == "organiser", **_filters(request.args))
    mimetype, write = FORMATS[_EXPORTS[name]]
    return send_file(
        io.BytesIO(write(figures)),
        mimetype=mimetype,
        as_attachment=True,
        download_name=f"{slug}-{name}",
    )


def _charts(figures: dict, lang: str) -> dict:
    t = _translator(lang)
    awareness = figures["awareness"]
    return {
        "funnel": charts.funnel_chart(
            figures["stages"], {s: t(s) for s in STAGES}, t("funnel_chart"), lang
        ),
        "stands": charts.bar_chart(
            figures["breakdowns"]["stands"],
            lambda s: f"{s['label']} · {s['company']}",
            "pins",
            t("stands_chart"),
            sort=True,
            lang=lang,
        ),
        "timeline": charts.timeline_chart(figures["breakdowns"]["hourly"], t("timeline"), lang),
        "baseline": charts.baseline_chart(
            awareness["named_none_share"], awareness["baseline"], t("named_none"), lang
        ),
    }


@bp.get("/<slug>")
def event(slug):
    """One edition's funnel, with the query's filters; viewers get small counts suppressed."""
    role = _role()
    if role is None:
        return _to_sign_in()
    event = get_event(slug)
    batches = list_batches(slug, 1, 500).items
    form = {key: request.args.get(key, "").strip() for key in FILTERS}
    context = {"event": event, "batches": batches, "form": form, "role": role}
    context["channels"] = sorted({b.channel for b in batches})
    try:
        filters = _filters(request.args)
        figures = event_figures(slug, exact=role == "organiser", **filters)
    except (InvalidInput, BatchNotFound) as error:
        return _page("dashboard_problem.html", error.status, problems=_problems(error), **context)
    return _page(
        "dashboard.html",
        figures=figures,
        charts=_charts(figures, current_language()),
        downloads=_downloads(slug, filters),
        stages=STAGES,
        **context,
    )


@bp.errorhandler(DomainError)
def _friendly(error: DomainError):
    """People get a page in their language, never a stack trace or a JSON envelope."""
    kind = "not_found" if isinstance(error, EventNotFound) else "error"
    return _page("dashboard_error.html", error.status, kind=kind)


@bp.after_request
def _private(response):
    # Figures behind a sign-in: no shared cache may keep them.
    response.headers["Cache-Control"] = "no-store"
    return response
