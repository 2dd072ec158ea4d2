"""The organiser console: set up and run an edition in the browser, from an empty database.

Routes only turn forms into calls of the same use cases the API and CLI call,
and their results into pages; every rule stays in ``backend/services``. Only
the organiser role gets in (one sign-in with the dashboard); every change is
audited under the signed-in token. Editions, companies and the import are
here; stands, batches, pins, tokens and the audit log in ``console_ops.py``.
"""

import json
from collections.abc import Callable
from datetime import date
from urllib.parse import urlencode

from flask import (
    Blueprint,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)

from backend.errors import DomainError, InvalidInput
from backend.models.zones import zone_name
from backend.pages import signin
from backend.pages.console_strings import TEXT
from backend.pages.i18n import current_language, translator
from backend.pages.refusals import Refusal, import_reason, refusal
from backend.services import company_import, events, validation
from backend.services.validation import json_problem
from qr.errors import RenderOptionError

bp = Blueprint("console", __name__, url_prefix="/console")


def page(template: str, status: int = 200, **context):
    """Render a console page in the reader's language, with the confirmations waiting for it."""
    lang = current_language()
    other = "en" if lang == "nl" else "nl"
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", other)]
    t = translator(lang, TEXT)
    return render_template(
        template,
        lang=lang,
        t=t,
        switch_url=f"{request.script_root}{request.path}?{urlencode(query)}",
        switch_lang=other,
        zone_name=zone_name,
        notices=[_notice(t, said) for said in get_flashed_messages()],
        **context,
    ), status


def confirm(key: str, **values) -> None:
    """A short confirmation for the page a change redirects to, said in the reader's language there.

    Kept in the (signed) session as a key of ``console_strings`` and its values, so the words
    are chosen when the page is read, in the language it is read in.
    """
    flash({"key": key, "values": values})


def _notice(t, said) -> str:
    if isinstance(said, dict) and said.get("key") in TEXT:
        return t(said["key"], **said.get("values", {}))
    return ""


# A form the use case refused is shown again on its own page, as typed, the reason beside
# each field: endpoint -> render(said=refusal, status=...). Other refusals get console_problem.html.
_FORM_PAGES: dict[str, Callable[..., tuple]] = {}


def shows_refused_form(*endpoints: str):
    """Register how the page of these endpoints' form is rendered again after a refusal."""

    def register(render):
        for endpoint in endpoints:
            _FORM_PAGES[endpoint] = render
        return render

    return register


def typed() -> dict:
    """The posted form, trimmed, to show again as typed (the CSRF token aside)."""
    return {k: v.strip() for k, v in request.form.items() if k != "csrf_token"}


@bp.before_request
def _organisers_only():
    """Signed out: to the one sign-in page. Viewer or stand: a refusal page, 403."""
    role = signin.signed_in_role()
    if role is None:
        here = request.full_path.rstrip("?")
        return redirect(url_for("dashboard.sign_in", next=here), 302)
    if role != "organiser":
        return page("console_refused.html", 403, role=role, bare=True)
    signin.act_as_signed_in()  # changes below are audited under this token
    return None


@bp.after_request
def _private(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(DomainError)
def _problem(error: DomainError):
    """A refused form: its page again, as typed, with the refusal in the reader's language.

    The status is the use case's (422 for a value, 409 for a conflict). What has no form
    to show again (a missing edition, a link) gets a page of its own with that status.
    """
    said = refusal(error, current_language(), request.endpoint)
    form_page = _FORM_PAGES.get(request.endpoint)
    if form_page is not None and request.method == "POST":
        try:
            return form_page(said=said, status=error.status)
        except DomainError:
            pass  # the form's own page is gone (an edition or stand that no longer exists)
    return page("console_problem.html", error.status, refusal=said)


@bp.errorhandler(RenderOptionError)
def _bad_layout(error: RenderOptionError):
    """A sheet layout in a download link that does not fit: the same page as a bad form."""
    return _problem(InvalidInput(fields={error.field: [error.message]}))


def search_text(name: str, high: int = 120) -> str:
    """A search box's text from the query string, cleaned by ``validation.search_text``."""
    return validation.search_text(request.args.get(name, ""), high)


def form_text(name: str) -> str:
    value = request.form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def form_date(name: str) -> date:
    try:
        return date.fromisoformat(form_text(name))
    except ValueError:
        raise InvalidInput(fields={name: ["Give a date as YYYY-MM-DD."]}) from None


def page_number(name: str = "page") -> int:
    """A list's page from the query string: what the API's ``page`` takes, else page 1."""
    return validation.page_number(request.args.get(name, "1"))


def form_int(name: str, low: int = 1, high: int = validation.ID_MAX) -> int:
    number = validation.whole_number(form_text(name), low, high)
    if number is None:
        raise InvalidInput(fields={name: [f"Give a whole number from {low} to {high}."]})
    return number


# Editions -------------------------------------------------------------------------------


@bp.get("/")
def index():
    """The editions, newest first, and a form for a new one."""
    return _index()


@shows_refused_form("console.create_event")
def _index(said: Refusal | None = None, status: int = 200):
    form = typed() if said else None
    return page(
        "console_index.html",
        status,
        events=events.list_events(1, 200).items,
        refusal=said,
        typed=form,
    )


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
    confirm("made_edition", name=event.name)
    return redirect(url_for(".event", slug=event.slug), 303)


@bp.route("/<slug>", methods=["GET", "POST"])
def event(slug):
    """One edition: its settings (editable) and the way to its stands, batches and dashboard."""
    if request.method == "POST":
        events.update_event(slug, **_event_form())
        confirm("saved")
        return redirect(url_for(".event", slug=slug), 303)
    return _event_page()


@shows_refused_form("console.event")
def _event_page(said: Refusal | None = None, status: int = 200):
    found = events.get_event(request.view_args["slug"])
    return page(
        "console_event.html", status, event=found, refusal=said, typed=typed() if said else None
    )


# Companies ------------------------------------------------------------------------------


@bp.get("/companies")
def companies():
    """Companies by name, with a search box."""
    return _companies_page()


@shows_refused_form("console.create_company")
def _companies_page(said: Refusal | None = None, status: int = 200):
    query = search_text("q")
    found = events.list_companies(page_number(), 50, search=query or None)
    return page(
        "console_companies.html",
        status,
        found=found,
        q=query,
        events=events.list_events(1, 200).items,
        refusal=said,
        typed=typed() if said else None,
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
    confirm("made_company", name=company.name)
    return redirect(url_for(".company", company_id=company.id), 303)


@bp.route("/companies/<id:company_id>", methods=["GET", "POST"])
def company(company_id):
    if request.method == "POST":
        events.update_company(company_id, **_company_form())
        confirm("saved")
        return redirect(url_for(".company", company_id=company_id), 303)
    return _company_page()


@shows_refused_form("console.company")
def _company_page(said: Refusal | None = None, status: int = 200):
    found = events.get_company(request.view_args["company_id"])
    form = typed() if said else None
    return page("console_company.html", status, company=found, refusal=said, typed=form)


# Import ---------------------------------------------------------------------------------


@bp.route("/<slug>/import", methods=["GET", "POST"])
def import_companies(slug):
    """Upload a file: a preview of every row (new, changed, unchanged, refused), nothing applied."""
    if request.method == "GET":
        return _upload_page()
    event = events.get_event(slug)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput(fields={"file": ["Choose a .csv or .xlsx file."]})
    rows = company_import.read_table(upload.filename, upload.read())
    return _preview(event, rows)


@shows_refused_form("console.import_companies")
def _upload_page(said: Refusal | None = None, status: int = 200):
    event = events.get_event(request.view_args["slug"])
    return page("console_import.html", status, event=event, rows=None, refusal=said)


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
