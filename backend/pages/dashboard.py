"""The municipality's dashboard: an edition's funnel as charts and tables, for a laptop or A4.

A browser signs in once with a viewer or organiser token; the session keeps
the role and the token's id, never the token. Viewers get small counts
suppressed, organisers exact ones (``backend.services.reports`` decides).
Signed in, the browser also counts as staff, so its own scans are tests.
"""

import io
from urllib.parse import unquote, urlencode, urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, send_file, url_for
from markupsafe import Markup
from marshmallow import ValidationError
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import MultiDict

from backend.api.funnel import FunnelQuery
from backend.errors import BatchNotFound, DomainError, EventNotFound, InvalidInput, OutsideRelease
from backend.models.zones import zone_name
from backend.pages import charts, refusals, signin, timeline
from backend.pages.dashboard_strings import TEXT
from backend.pages.i18n import current_language, translator
from backend.services.events import get_event, list_events
from backend.services.pins import list_batches
from backend.services.reports import event_figures, export_file, report_file, years_figures
from backend.services.tokens import authenticate_or_none
from exports.figures import STAGES, Funnel

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

ROLES = ("viewer", "organiser")
FILTERS = ("channel", "batch", "since", "until")


def _role() -> str | None:
    """The signed-in role, if its token is still live: revoking a token ends its sessions."""
    role = signin.signed_in_role(touch=True)
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
        t=translator(lang, TEXT),
        switch_url=switch,
        switch_lang=other,
        n=lambda value: charts.count(value, lang),
        pct=lambda share: charts.percent(share, lang),
        points=lambda difference: charts.points(difference, lang),
        decimal=lambda value: charts.decimal(value, lang),
        p_value=lambda p: charts.p_value(p, lang),
        zone=lambda slug: zone_name(slug, lang),
        known=TEXT,
        **context,
    )
    return page, status


def _safe_next(target: str | None) -> str | None:
    """``target`` if it is a path inside the dashboard or console, else None: no open redirect."""
    if not target or len(target) > 1000 or not target.startswith(("/dashboard/", "/console/")):
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
    for_console = bool(target and target.startswith("/console/"))
    problem = None
    if request.method == "POST":
        token = authenticate_or_none(request.form.get("token", "").strip())
        # On the way to the console only an organiser is let in: a viewer signed in there
        # would meet a refusal; told here, they keep the dashboard a link away.
        admitted = ("organiser",) if for_console else ROLES
        if token is not None and token.role in admitted:
            # The one sign-in (pages/signin.py): a signed-in browser's own scans are tests,
            # and an organiser's session opens the console too.
            signin.sign_in(request.form.get("token"))
            return redirect(request.script_root + target if target else url_for(".index"), 303)
        if token is None:
            problem = "bad_token"
        elif for_console:
            problem = f"{token.role}_for_console"
        else:
            problem = "stand_token"
    return _page(
        "dashboard_sign_in.html",
        401 if problem else 200,
        problem=problem,
        next=target,
        for_console=for_console,
    )


@bp.post("/sign-out")
def sign_out():
    signin.sign_out()
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


@bp.get("/years")
def years():
    """Every edition beside the 2018 baseline; a viewer's points as each edition's page shows them."""
    role = _role()
    if role is None:
        return _to_sign_in()
    lang = current_language()
    t = translator(lang, TEXT)
    figures = years_figures(exact=role == "organiser")
    labels = [str(point.year) for point in figures.points]
    chart = Markup("").join(
        charts.trend_chart(figures.points, labels, t("trend_chart"), lang, w)
        for w in (charts.WIDTH, charts.NARROW)
    )
    return _page("dashboard_years.html", years=figures, chart=chart, role=role)


def _filters(args) -> dict:
    """The query's filters, loaded by the API's FunnelQuery: both accept the same values.

    Only the page's own ``lang`` and the fields its form sends left empty ("all", which
    the API refuses as a value) are taken out first; the use case then parses the dates
    in the event's zone, for both doors alike.
    """
    query = MultiDict(
        [(key, value) for key, value in args.items(multi=True) if key != "lang" and value != ""]
    )
    schema = FunnelQuery()
    try:
        # The proxy is what the API's parser hands the schema: the same first-of-many reading.
        return schema.load(MultiDictProxy(query, schema))
    except ValidationError as error:
        raise InvalidInput(fields=_problem_keys(error.messages)) from None


def _problem_keys(messages: dict) -> dict:
    """The schema's refused fields by the names the page shows; its English is not shown."""
    problems = {}
    for field, said in messages.items():
        if field == "_schema":  # about the query as a whole (a NUL character, say)
            problems["filters"] = said
        else:
            problems[field[:40]] = said
    return problems


def _problems(error: DomainError) -> dict:
    """Field -> what it must be, from the table of refusals, in the reader's language."""
    lang = current_language()
    if isinstance(error, BatchNotFound):
        error = InvalidInput(fields={"batch": []})
    if isinstance(error, OutsideRelease):  # a viewer's selection outside the release
        said = refusals.message(error, lang)
        return {field: said for field in error.fields} or {"since": said}
    said = refusals.refusal(error, lang, "dashboard")
    return {field: text for field, _, text in said.fields} or {
        "since": refusals.about(error, "since", lang, ("dashboard",))
    }


def _downloads(slug: str, filters: dict) -> dict:
    """The files with the page's filters, in the page's language (Dutch unless English)."""
    query = FunnelQuery().dump(filters)  # back to the query's own keys (``batch``)
    suffix = f"?{urlencode({**query, 'lang': current_language()})}"
    base = f"{request.script_root}/dashboard/{slug}"
    return {kind: f"{base}/{name}{suffix}" for name, kind in _EXPORTS.items()}


# The API's files, served here to the signed-in browser (the API itself wants a bearer token).
_EXPORTS = {"funnel.csv": "csv", "funnel.xlsx": "xlsx", "export.zip": "zip"}


@bp.get("/<slug>/<any('funnel.csv', 'funnel.xlsx', 'export.zip'):name>")
def download(slug, name):
    """The funnel as a file, with the page's filters and the same suppression as the page.

    Its words follow the reader's language like the page (``?lang=en``, else the
    session's or the browser's, else Dutch); the figures are the same in both.
    """
    role = _role()
    if role is None:
        return _to_sign_in()
    filters = _filters(request.args)
    made = export_file(slug, _EXPORTS[name], role == "organiser", current_language(), **filters)
    return send_file(
        io.BytesIO(made.body),
        mimetype=made.mimetype,
        as_attachment=True,
        download_name=made.name,
    )


@bp.get("/<slug>/<any('report.pdf', 'report.docx'):name>")
def report(slug, name):
    """The edition's report for the council, in the reader's language, with the page's suppression."""
    role = _role()
    if role is None:
        return _to_sign_in()
    kind = name.rpartition(".")[2]
    made = report_file(slug, kind, role == "organiser", current_language())
    return send_file(
        io.BytesIO(made.body), mimetype=made.mimetype, as_attachment=True, download_name=made.name
    )


def _charts(figures: Funnel, lang: str) -> dict:
    """Each chart drawn twice, for a laptop or A4 and for a phone; the CSS shows one."""
    t = translator(lang, TEXT)
    awareness = figures.awareness

    def both(draw, wide: int = charts.WIDTH) -> Markup:
        return draw(wide) + draw(charts.NARROW)

    return {
        "funnel": both(
            lambda w: charts.funnel_chart(
                figures.stages, {s: t(s) for s in STAGES}, t("funnel_chart"), lang, w
            )
        ),
        "stands": both(
            lambda w: charts.bar_chart(
                figures.breakdowns.stands,
                lambda s: f"{s.label} · {s.company}",
                "pins",
                t("stands_chart"),
                sort=True,
                lang=lang,
                chart_width=w,
            )
        ),
        "timeline": both(
            lambda w: timeline.timeline_chart(figures.breakdowns.hourly, t("timeline"), lang, w)
        ),
        "baseline": both(
            lambda w: charts.baseline_chart(
                awareness.named_none_share,
                awareness.baseline,
                t("named_none"),
                lang,
                hidden=awareness.respondents is None,  # too few respondents to show
                chart_width=w,
            ),
            wide=480,
        ),
    }


def _applied(form: dict, batches) -> list[dict]:
    """The filters the query sets, each with the address of the page without it.

    An empty field is no filter: only these are shown as applied.
    """
    labels = {str(b.id): b.label for b in batches}
    applied = []
    for key in FILTERS:
        if not form.get(key):
            continue
        rest = [(k, v) for k, v in request.args.items(multi=True) if k != key and v.strip()]
        applied.append(
            {
                "key": key,
                "value": labels.get(form[key], form[key]) if key == "batch" else form[key],
                "url": f"{request.script_root}{request.path}"
                + (f"?{urlencode(rest)}" if rest else ""),
            }
        )
    return applied


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
    context["applied"] = _applied(form, batches)
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
        repeat_minutes=current_app.config["REPEAT_WINDOW_MINUTES"],
        **context,
    )


@bp.errorhandler(DomainError)
def _friendly(error: DomainError):
    """People get a page in their language, never a stack trace or a JSON envelope."""
    kind = "not_found" if isinstance(error, EventNotFound) else "error"
    said = refusals.message(error, current_language())
    return _page("dashboard_error.html", error.status, kind=kind, said=said)


@bp.after_request
def _private(response):
    # Figures behind a sign-in: no shared cache may keep them.
    response.headers["Cache-Control"] = "no-store"
    return response
