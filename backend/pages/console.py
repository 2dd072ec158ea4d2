"""The organiser console: set up and run an edition in the browser, from an empty database.

Routes only turn forms into calls of the same use cases the API and CLI call,
and their results into pages; every rule stays in ``backend/services``. Only
the organiser role gets in (one sign-in with the dashboard); every change is
audited under the signed-in token. Editions, companies and the import are
here; stands, batches, pins, tokens and the audit log in ``console_ops.py``.
"""

import json
import re
from datetime import date
from urllib.parse import urlencode

from flask import Blueprint, redirect, render_template, request, url_for

from backend.errors import DomainError, InvalidInput
from backend.pages import signin
from backend.pages.console_refusals import import_reason, refusal
from backend.pages.console_strings import TEXT
from backend.pages.i18n import current_language, translator
from backend.services import company_import, events
from backend.services.validation import json_problem
from qr.errors import RenderOptionError

bp = Blueprint("console", __name__, url_prefix="/console")


def page(template: str, status: int = 200, **context):
    """Render a console page in the reader's language."""
    lang = current_language()
    other = "en" if lang == "nl" else "nl"
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", other)]
    return render_template(
        template,
        lang=lang,
        t=translator(lang, TEXT),
        switch_url=f"{request.script_root}{request.path}?{urlencode(query)}",
        switch_lang=other,
        **context,
    ), status


@bp.before_request
def _organisers_only():
    """Signed out: to the one sign-in page. Viewer or stand: a refusal page, 403."""
    role = signin.signed_in_role()
    if role is None:
        here = request.full_path.rstrip("?")
        return redirect(url_for("dashboard.sign_in", next=here), 302)
    if role != "organiser":
        return page("console_refused.html", 403, role=role)
    signin.act_as_signed_in()  # changes below are audited under this token
    return None


@bp.after_request
def _private(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(DomainError)
def _problem(error: DomainError):
    """A refused form: the use case's refusal in the reader's language, with its 4xx status."""
    said = refusal(error, current_language(), request.endpoint)
    return page("console_problem.html", error.status, refusal=said)


@bp.errorhandler(RenderOptionError)
def _bad_layout(error: RenderOptionError):
    """A sheet layout in a download link that does not fit: the same page as a bad form."""
    return _problem(InvalidInput(fields={error.field: [error.message]}))


def search_text(name: str, high: int = 120) -> str:
    """A search box's text: control characters (PostgreSQL refuses NUL) are dropped."""
    text = request.args.get(name, "")[: high * 2]
    return "".join(c for c in text if ord(c) >= 32 and not 0xD800 <= ord(c) <= 0xDFFF).strip()[
        :high
    ]


def form_text(name: str) -> str:
    value = request.form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def form_date(name: str) -> date:
    try:
        return date.fromisoformat(form_text(name))
    except ValueError:
        raise InvalidInput(fields={name: ["Give a date as YYYY-MM-DD."]}) from None


def page_number(name: str = "page") -> int:
    """A list's page from the query string; anything else is page 1."""
    text = request.args.get(name, "1")
    return int(text) if re.fullmatch(r"[0-9]{1,5}", text) and int(text) > 0 else 1


def form_int(name: str, low: int = 1, high: int = 2**31 - 1) -> int:
    text = form_text(name)
    # Only ASCII digits: str.isdigit() also takes '²', which int() refuses.
    if not re.fullmatch(r"[0-9]{1,10}", text) or not low <= int(text) <= high:
        raise InvalidInput(fields={name: [f"Give a whole number from {low} to {high}."]})
    return int(text)


# Editions -------------------------------------------------------------------------------


@bp.get("/")
def index():
    """The editions, newest first, and a form for a new one."""
    return page("console_index.html", events=events.list_events(1, 200).items)


def _event_form() -> dict:
    return {
        "name": form_text("name"),
        "starts_on": form_date("starts_on"),
        "ends_on": form_date("ends_on"),
        "timezone": form_text("timezone") or "Europe/Amsterdam",
        "portal_url": form_text("portal_url"),
    }


@bp.post("/events")
def create_event():
    event = events.create_event(slug=form_text("slug"), **_event_form())
    return redirect(url_for(".event", slug=event.slug), 303)


@bp.route("/<slug>", methods=["GET", "POST"])
def event(slug):
    """One edition: its settings (editable) and the way to its stands, batches and dashboard."""
    if request.method == "POST":
        events.update_event(slug, **_event_form())
        return redirect(url_for(".event", slug=slug, saved=1), 303)
    return page("console_event.html", event=events.get_event(slug), saved="saved" in request.args)


# Companies ------------------------------------------------------------------------------


@bp.get("/companies")
def companies():
    """Companies by name, with a search box."""
    query = search_text("q")
    found = events.list_companies(page_number(), 50, search=query or None)
    return page(
        "console_companies.html", found=found, q=query, events=events.list_events(1, 200).items
    )


def _company_form() -> dict:
    return {
        "name": form_text("name"),
        "is_twente": request.form.get("is_twente") == "1",
        "portal_url": form_text("portal_url") or None,
    }


@bp.post("/companies")
def create_company():
    company = events.create_company(**_company_form())
    return redirect(url_for(".company", company_id=company.id, saved=1), 303)


@bp.route("/companies/<id:company_id>", methods=["GET", "POST"])
def company(company_id):
    if request.method == "POST":
        events.update_company(company_id, **_company_form())
        return redirect(url_for(".company", company_id=company_id, saved=1), 303)
    found = events.get_company(company_id)
    return page("console_company.html", company=found, saved="saved" in request.args)


# Import ---------------------------------------------------------------------------------


@bp.route("/<slug>/import", methods=["GET", "POST"])
def import_companies(slug):
    """Upload a file: a preview of every row (new, changed, unchanged, refused), nothing applied."""
    event = events.get_event(slug)
    if request.method == "GET":
        return page("console_import.html", event=event, rows=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput(fields={"file": ["Choose a .csv or .xlsx file."]})
    rows = company_import.read_table(upload.filename, upload.read())
    return _preview(event, rows)


def _preview(event, rows: list[dict], status: int = 200):
    checked = company_import.preview(event.slug, rows)
    lang = current_language()
    reasons = {r.line: "; ".join(import_reason(x, lang) for x in r.reasons) for r in checked}
    counts = {
        s: sum(r.status == s for r in checked) for s in ("new", "changed", "unchanged", "refused")
    }
    return page(
        "console_import.html",
        status,
        event=event,
        rows=checked,
        reasons=reasons,
        counts=counts,
        payload=json.dumps([r.values for r in checked]),
    )


def _submitted_rows() -> list[dict]:
    """The previewed rows as posted back, with the organiser's fixes; skipped rows left out."""
    text = request.form.get("rows", "")
    try:
        # Depth first: the parser recurses once per level (5,000 levels were a 500).
        rows = None if json_problem(text.encode()) else json.loads(text)
    except ValueError:
        rows = None
    if not isinstance(rows, list) or len(rows) > company_import.MAX_ROWS:
        raise InvalidInput(fields={"rows": ["Upload the file again."]})
    kept = []
    for line, row in enumerate(rows, start=2):
        if not isinstance(row, dict):
            raise InvalidInput(fields={"rows": ["Upload the file again."]})
        if request.form.get(f"skip-{line}"):
            continue
        values = {c: str(row.get(c) or "") for c in company_import.COLUMNS}
        for column in company_import.COLUMNS:
            fixed = request.form.get(f"fix-{line}-{column}")
            if fixed is not None:
                values[column] = fixed.strip()
        kept.append(values)
    return kept


@bp.post("/<slug>/import/apply")
def apply_import(slug):
    """Apply the previewed rows in one transaction, or show the preview again while any is refused."""
    event = events.get_event(slug)
    rows = _submitted_rows()
    try:
        result = company_import.apply_import(slug, rows)
    except company_import.ImportRefused:
        return _preview(event, rows, 422)
    return page("console_imported.html", event=event, result=result)
