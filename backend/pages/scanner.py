"""The stand scanner at /scan: stand staff register students' pins with a camera, offline too.

The one page with JavaScript. A browser signs in with the stand's sign-in card (the token
arrives in the URL fragment and is posted once); after that the session cookie (HttpOnly)
carries the sign-in, so the bearer token is never kept where scripts can read it. The page's
JSON endpoint takes the API's visit batch, checks the session and its CSRF token, and calls
the same use case as ``POST /api/v1/stands/<id>/visits/batch``.
"""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import generate_csrf
from marshmallow import ValidationError
from werkzeug.exceptions import BadRequest, HTTPException

from backend.api.journey_schemas import ScannerSyncIn, VisitResult, load_visit_item
from backend.client import count_unknown_code, signed_in_token
from backend.error_responses import (
    HTTP_CODES,
    handle_domain_error,
    handle_http_exception,
    json_error,
)
from backend.errors import DomainError, InvalidInput, StandNotFound, Unauthorized
from backend.models.types import utcnow
from backend.pages import refusals, signin
from backend.pages.i18n import current_language, translator
from backend.pages.scanner_strings import TEXT
from backend.services import stamps
from backend.services.stand_scanner import (
    SCANNER_ROLES,
    record_state,
    scannable_stands,
    scanner_stand,
    scanner_token,
    sync_request,
    today_count,
)
from backend.services.validation import json_problem, parse_id
from backend.services.words import catalogue, unformatted

STATIC = Path(__file__).parent / "static" / "scan"
# The one page allowed to run scripts: its own files, and compiling the decoder's WebAssembly.
SCANNER_CSP = (
    "default-src 'none'; "
    "script-src 'self' 'wasm-unsafe-eval'; "
    "style-src 'self'; "
    "img-src 'self'; "
    "connect-src 'self'; "
    "worker-src 'self'; "
    "form-action 'self'; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)
# How often an open scanner tells the server it is alive (its state), in seconds.
HEARTBEAT_SECONDS = 60
# A send with no answer after this long is given up and tried again at the next timer: Wi-Fi
# that drops mid-request can leave a request open for ever, and with it every later sync.
SEND_TIMEOUT_SECONDS = 20
WORKER_CSP = "default-src 'none'; connect-src 'self'"
ASSETS = (
    "scanner.css",
    "scanner.js",
    "codes.js",
    "queue.js",
    "vendor/barcode-detector.js",
    "vendor/zxing_reader.wasm",
)

bp = Blueprint("scanner", __name__, static_folder="static/scan", static_url_path="/scan/static")


def _session_token():
    """The signed-in token row, or ``Unauthorized`` (also once its token is revoked)."""
    return scanner_token(signed_in_token())


def _headers(response):
    response.headers["Content-Security-Policy"] = SCANNER_CSP
    # The page's own POSTs carry a Referer: Flask-WTF checks it on HTTPS. No secret is in
    # the URL (the token is in the fragment, which is never sent).
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _for_script(lang: str, message: str | tuple[str, str]) -> str | list[str]:
    """A message for the script, placeholders left; a count's as [singular, plural].

    Dutch and English have these two forms only (``scanner_strings``).
    """
    if isinstance(message, tuple):
        return [catalogue(lang).ngettext(*message, n) for n in (1, 2)]
    return unformatted(lang, message)


def _page(status: int = 200, **context):
    lang = current_language()
    config = {
        "lang": lang,
        "strings": {key: _for_script(lang, message) for key, message in TEXT.items()},
        "csrf": generate_csrf(),
        "stand": context.get("stand_info"),
        "visitsUrl": context.get("visits_url"),
        "today": context.get("today"),
        "worker": url_for(".service_worker"),
        "scope": url_for(".page"),
        "wasm": url_for(".static", filename="vendor/zxing_reader.wasm"),
        "version": _asset_version(),
        "heartbeat": HEARTBEAT_SECONDS,
        "sendTimeout": SEND_TIMEOUT_SECONDS,
    }
    body = render_template(
        "scanner.html", lang=lang, t=translator(lang, TEXT), config=config, **context
    )
    return _headers(Response(body, status, mimetype="text/html"))


@bp.get("/scan")
def page():
    """The scanner for a signed-in stand (an organiser picks one); else the sign-in form."""
    try:
        token = _session_token()
    except Unauthorized:
        return _page(signed_in=False)
    if token.role == "stand":
        stand_id = token.stand_id
    elif "stand" in request.args:
        # ASCII digits within an id's range, else no such stand (a 404 page, not an overflow).
        stand_id = parse_id(request.args["stand"])
        if stand_id is None:
            raise StandNotFound()
    else:
        stand_id = None
    if stand_id is None:
        return _page(signed_in=True, role=token.role, stands=scannable_stands())
    stand = scanner_stand(token, stand_id)
    now = utcnow()
    info = {"id": stand.id, "label": stand.label, "company": stand.company.name}
    return _page(
        signed_in=True,
        role=token.role,
        stand=stand,
        stand_info=info,
        visits_url=url_for(".visits", stand_id=stand.id),
        today=today_count(stand, now),
        rehearsal=not stamps.during_the_fair(stand.event, now),
    )


@bp.post("/scan/sign-in")
def sign_in():
    """Sign this browser in with a stand (or organiser) token: the session keeps its id."""
    # The same sign-in as /staff and the dashboard, so one sign-in serves them all.
    token = signin.sign_in(request.form.get("token"), roles=SCANNER_ROLES)
    if token is None:
        return _page(401, signed_in=False, problem=True)
    if token.role == "stand":
        # A stand tablet is restarted, closed and reopened all fair long: it stays signed in
        # until its card's token expires or is revoked. An organiser's session does not.
        signin.keep_signed_in(token)
    return redirect(url_for(".page"), 303)


@bp.post("/scan/sign-out")
def sign_out():
    signin.sign_out()
    return redirect(url_for(".page"), 303)


@bp.post("/scan/stands/<id:stand_id>/visits")
def visits(stand_id):
    """The page's scans, queued or fresh, and the tablet's state: a heartbeat sends no scans.

    The visits are the API's batch body, signed in by the session (``docs/scanner.md``).
    """
    stand = scanner_stand(_session_token(), stand_id)
    problem = json_problem(request.get_data(cache=True))
    if problem:  # before parsing: the parser recurses once per level
        raise BadRequest(problem)
    try:
        data = ScannerSyncIn().load(request.get_json(silent=True) or {})
    except ValidationError as error:
        raise InvalidInput(fields=error.messages) from error
    report = sync_request(data["visits"], data["state"])
    now = utcnow()
    results = []
    if data["visits"]:
        items = [load_visit_item(i) for i in data["visits"]]
        results = stamps.staff_stamp_batch(stand.id, items, now, count_unknown_code).results
    if report is not None:
        record_state(stand, report, now)
    return jsonify(
        {"results": VisitResult(many=True).dump(results), "today": today_count(stand, now)}
    )


def _asset_version() -> str:
    """The files' version: a hash of their bytes, so an edited file makes a new version.

    A new version of any asset makes a new cache in the browser, and the old one is
    dropped. Hashed again only when a file's size or modification time changed, so
    an edit in development is served at once and production reads the files once.
    """
    paths = [STATIC / name for name in ASSETS + ("sw.js",)]
    return _hash_files(tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths))


@lru_cache(maxsize=4)
def _hash_files(stamps: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for path, _mtime, _size in stamps:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


@bp.get("/scan/sw.js")
def service_worker():
    """The service worker that keeps /scan and its files for offline use."""
    assets = [url_for(".static", filename=name) for name in ASSETS]
    body = (
        (STATIC / "sw.js")
        .read_text()
        .replace("__VERSION__", _asset_version())
        .replace("__ASSETS__", json.dumps(assets))
        .replace("__SCOPE__", url_for(".page"))
    )
    response = Response(body, mimetype="text/javascript")
    # Served below /scan/ but controls /scan itself.
    response.headers["Service-Worker-Allowed"] = url_for(".page")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Security-Policy"] = WORKER_CSP
    return response


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    if request.endpoint == "scanner.visits":
        return json_error(error.status, error.code, refusals.english(error), error.fields)
    return handle_domain_error(error)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    # A missing or stale CSRF token is a 400 here: the page reads it as "sign in again".
    if request.endpoint == "scanner.visits":
        status = error.code or 500
        return json_error(status, HTTP_CODES.get(status, "error"), error.description or "")
    return handle_http_exception(error)
