"""The student journey as pages: scan, landing, click-through, stamp, survey.

Routes only translate HTTP to use cases and back; the rules live in
``backend/services``.
"""

from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from backend.errors import DomainError, PinNotFound, PinOfOtherEvent, PinVoid, StandCodeNotFound
from backend.models.types import utcnow
from backend.pages.i18n import Q1_OPTIONS, current_language, translator
from backend.pages.scanlane import PIN_COOKIE, RECORDED, pin_cookie, scan_redirect
from backend.ratelimit import count_unknown_code, refuse_if_guessing
from backend.services import journey, pins, scans, stamps, survey
from backend.services.scans import visitor_from
from backend.services.tokens import session_role
from backend.services.validation import parse_id

bp = Blueprint("journey", __name__)


bp.before_request(refuse_if_guessing)


def _is_test() -> bool:
    # Organisers and stand staff signed in on this browser: their traffic is a test.
    # Without a session cookie the session is not touched (a first scan has none).
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return False
    return session_role(session.get("staff_role"), session.get("staff_token_id")) is not None


def _visitor(now):
    user_agent = request.headers.get("User-Agent")
    return visitor_from(request.remote_addr, user_agent, request.method, _is_test(), now)


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
    """A pin's QR code lands here: log the scan, remember the pin, go to the landing page.

    Most scans are answered before Flask by ``scanlane``; those that reach this
    route may have been recorded there already (``RECORDED``).
    """
    result = request.environ.get(RECORDED)
    if result is None:
        now = utcnow()
        window = timedelta(minutes=current_app.config["REPEAT_WINDOW_MINUTES"])
        result = scans.record_scan(code, request.path, _visitor(now), now, window)
    if result.status == "orphan":
        count_unknown_code()
        return _page("notice.html", 404, kind="unknown", portal_url=_portal_fallback())
    if result.status == "void":
        return _page("notice.html", 410, kind="void", portal_url=_portal_fallback())
    body, headers = scan_redirect(request.script_root, result.code, request.is_secure)
    return Response(body, 302, headers, mimetype="text/html")


@bp.get("/l/<code>")
def landing(code):
    state = journey.visit_landing(code, _visitor(utcnow()), utcnow())
    if state.pin.status == "void":
        return _page("notice.html", 410, kind="void", portal_url=state.event.portal_url)
    return _page(
        "landing.html", state=state, q1_options=Q1_OPTIONS, thanks="thanks" in request.args
    )


@bp.get("/go/<code>")
def go(code):
    company = parse_id(request.args.get("company"))
    if "company" in request.args and company is None:
        raise PinNotFound("No such company.")
    target = journey.click_through(code, company, _visitor(utcnow()), utcnow())
    return redirect(target, 302)


@bp.post("/l/<code>/survey")
def answer(code):
    known = [parse_id(v) for v in request.form.getlist("known_before") if parse_id(v)]
    survey.answer_survey(code, request.form.get("named_before", ""), known, _is_test(), utcnow())
    return redirect(url_for("journey.landing", code=code.upper(), thanks=1, _anchor="survey"), 303)


@bp.route("/s/<code>", methods=["GET", "POST"])
@bp.route("/S/<code>", methods=["GET", "POST"])
def stand(code):
    """The stand poster: stamp the pin in the cookie, or ask for the pin's code."""
    stand_row = stamps.find_stand_by_code(code)
    pin_code = (
        request.form.get("pin") if request.method == "POST" else request.cookies.get(PIN_COOKIE)
    )
    if not pin_code:
        return _page("stamp_form.html", stand=stand_row)
    try:
        pin = pins.find_pin(pin_code)
        result = stamps.stamp(pin, stand_row, "self", _is_test(), utcnow())
    except PinNotFound:
        count_unknown_code()
        return _page(
            "stamp_form.html",
            404 if request.method == "POST" else 200,
            stand=stand_row,
            problem="bad_pin",
        )
    except PinOfOtherEvent:
        return _page("stamp_form.html", 422, stand=stand_row, problem="other_event")
    state = journey.pin_state(pin)
    response = current_app.make_response(
        _page("stamped.html", stand=stand_row, created=result.created, state=state)
    )
    if request.method == "POST":
        _remember_pin(response, pin.code)
    return response


@bp.errorhandler(DomainError)
def _friendly(error: DomainError):
    """Students get a page in their language, never a stack trace."""
    if isinstance(error, PinNotFound | StandCodeNotFound):
        count_unknown_code()
        return _page("notice.html", 404, kind="unknown", portal_url=_portal_fallback())
    if isinstance(error, PinVoid):
        return _page("notice.html", 410, kind="void", portal_url=_portal_fallback())
    back = None
    if request.endpoint == "journey.answer":
        back = url_for("journey.landing", code=request.view_args["code"])
    return _page("problem.html", error.status, back=back)
