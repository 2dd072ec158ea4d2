"""The student journey as pages: scan, landing, click-through, stamp, survey.

Routes only translate HTTP to use cases and back; the rules live in
``backend/services``.
"""

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)

from backend.client import client_facts, count_unknown_code, staff_signed_in
from backend.error_responses import outage_is_unavailable
from backend.errors import (
    CompanyNotFound,
    DomainError,
    FollowUpNotDue,
    PinNotFound,
    PinOfOtherEvent,
    PinVoid,
    StandCodeNotFound,
    StandRetired,
)
from backend.models.types import utcnow
from backend.pages import refusals
from backend.pages.i18n import Q1_OPTIONS, current_language, translator
from backend.pages.scanlane import PIN_COOKIE, SCAN_OUTCOME, pin_cookie
from backend.services import journey, pins, scans, stamps, survey
from backend.services.guessing import REFUSED_RETRY_SECONDS
from backend.services.validation import parse_id

bp = Blueprint("journey", __name__)
# Where a refused answer offers the way back to the landing page.
SURVEY_ENDPOINTS = {"journey.answer", "journey.answer_known", "journey.follow_up"}


def _visitor(now):
    return scans.recorder().visitor(client_facts(), now)


def _page(template: str, status_code: int = 200, **context):
    # The language is worked out only for pages: a scan's redirect does not need it.
    lang = current_language()
    return render_template(template, lang=lang, t=translator(lang), **context), status_code


def _remember_pin(response, code: str) -> None:
    """The functional pin cookie: so a stand poster knows whose visit to stamp."""
    response.headers.add("Set-Cookie", pin_cookie(code, request.is_secure))


def _portal_fallback():
    return current_app.config["FALLBACK_PORTAL_URL"]


@bp.route("/p/<path:code>", methods=["GET", "HEAD"])
@bp.route("/P/<path:code>", methods=["GET", "HEAD"])
def scan(code):
    """The page for a pin URL that the scan lane recorded (``backend/pages/scanlane.py``).

    The lane records every such request and answers active pins itself; here come
    the rest, with what the recording turned out to be, or the error it raised.
    """
    outcome = request.environ[SCAN_OUTCOME]
    if isinstance(outcome, Exception):
        raise outcome
    if outcome.status == "void":
        return _page("notice.html", 410, kind="void", portal_url=_portal_fallback())
    return _unknown_code_page(refused=outcome.status == "refused")


def _unknown_code_page(refused: bool):
    """A code we do not know: 404, or 429 once this address has guessed too often."""
    if not refused:
        return _page("notice.html", 404, kind="unknown", portal_url=_portal_fallback())
    page = _page("notice.html", 429, kind="refused", portal_url=_portal_fallback())
    return (*page, {"Retry-After": str(REFUSED_RETRY_SECONDS)})


@bp.get("/l/<code>")
def landing(code):
    """The landing page; while the survey is due, its first question instead (no company names)."""
    state = journey.visit_landing(code, _visitor(utcnow()), utcnow())
    if state.pin.status == "void":
        return _page("notice.html", 410, kind="void", portal_url=state.event.portal_url)
    if state.survey_due:
        return _page("survey_q1.html", state=state, q1_options=Q1_OPTIONS)
    return _page(
        "landing.html", state=state, q1_options=Q1_OPTIONS, thanks=request.args.get("thanks")
    )


@bp.get("/go/<code>")
def go(code):
    company = parse_id(request.args.get("company"))
    if "company" in request.args and company is None:
        # Says nothing about the pin (it is not even looked up), so the brake does not
        # count it: a valid pin's click is never answered 429, whatever its company says.
        raise CompanyNotFound()
    target = journey.click_through(code, company, _visitor(utcnow()), utcnow())
    return redirect(target, 302)


def _landing_url(code: str, **args) -> str:
    return url_for("journey.landing", code=code.upper(), **args)


@bp.get("/l/<code>/survey")
def survey_start(code):
    """Q1 on its own, reached from the landing page (to answer after a skip, or to change)."""
    state = journey.pin_state(pins.find_pin(code), utcnow())
    if state.pin.status == "void":
        return _page("notice.html", 410, kind="void", portal_url=state.event.portal_url)
    return _page("survey_q1.html", state=state, q1_options=Q1_OPTIONS)


@bp.post("/l/<code>/survey")
def answer(code):
    """Q1 answered (one tap), then on to Q2; or skipped, then on to the landing page."""
    if "skip" in request.form:
        survey.skip_survey(code, utcnow())
        return redirect(_landing_url(code), 303)
    survey.answer_survey(
        code,
        request.form.get("named_before", ""),
        None,
        staff_signed_in(),
        utcnow(),
        company_names_shown=False,  # this page asks Q1 alone, before any name
    )
    return redirect(url_for("journey.survey_known", code=code.upper()), 303)


@bp.get("/l/<code>/survey/known")
def survey_known(code):
    """Q2, the recognition list: shown after Q1 is stored, so it cannot prime that answer."""
    state = journey.pin_state(pins.find_pin(code), utcnow())
    if state.survey is None:
        return redirect(url_for("journey.survey_start", code=code.upper()), 303)
    return _page("survey_q2.html", state=state)


@bp.post("/l/<code>/survey/known")
def answer_known(code):
    known = [parse_id(v) for v in request.form.getlist("known_before") if parse_id(v)]
    survey.answer_known(code, known, staff_signed_in(), utcnow())
    return redirect(_landing_url(code, thanks="survey", _anchor="survey"), 303)


@bp.post("/l/<code>/follow-up")
def follow_up(code):
    """The follow-up question (Q1 with "now"), answered or skipped; asked once."""
    named_now = None if "skip" in request.form else request.form.get("named_now", "")
    try:
        survey.answer_follow_up(code, named_now, staff_signed_in(), utcnow())
    except FollowUpNotDue:
        # A second tap, or a stale page: the question was asked once, nothing to say.
        return redirect(_landing_url(code), 303)
    return redirect(_landing_url(code, thanks="follow-up"), 303)


def _stamp_form(stand_code: str, problem: str | None = None, status_code: int = 200):
    """The poster's form to type a pin code; an unknown stand code is the friendly 404."""
    stand = stamps.poster_stand(stand_code)
    return _page("stamp_form.html", status_code, stand=stand, problem=problem)


@bp.route("/s/<code>", methods=["GET", "POST"])
@bp.route("/S/<code>", methods=["GET", "POST"])
def stand(code):
    """The stand poster: stamp the pin in the cookie, or ask for the pin's code."""
    pin_code = (
        request.form.get("pin") if request.method == "POST" else request.cookies.get(PIN_COOKIE)
    )
    if not pin_code:
        return _stamp_form(code)
    try:
        stamped = stamps.self_stamp(code, pin_code, staff_signed_in(), utcnow())
    except PinNotFound:
        if count_unknown_code():
            return _unknown_code_page(refused=True)
        return _stamp_form(code, "bad_pin", 404 if request.method == "POST" else 200)
    except PinOfOtherEvent:
        return _stamp_form(code, "other_event", 422)
    response = current_app.make_response(
        _page(
            "stamped.html",
            stand=stamped.stand,
            created=stamped.created,
            rehearsal=stamped.rehearsal,
            state=journey.stamp_card(stamped.pin, utcnow()),
        )
    )
    if request.method == "POST":
        _remember_pin(response, stamped.pin.code)
    return response


@bp.errorhandler(DomainError)
@outage_is_unavailable
def _friendly(error: DomainError):
    """Students get a page in their language, never a stack trace."""
    if isinstance(error, PinNotFound | StandCodeNotFound):
        return _unknown_code_page(refused=count_unknown_code())
    if isinstance(error, PinVoid):
        return _page("notice.html", 410, kind="void", portal_url=_portal_fallback())
    if isinstance(error, StandRetired):
        return _page("notice.html", 409, kind="retired", portal_url=_portal_fallback())
    back = None
    if request.endpoint in SURVEY_ENDPOINTS:
        back = url_for("journey.landing", code=request.view_args["code"])
    said = refusals.message(error, current_language())
    return _page("problem.html", error.status, back=back, said=said)
