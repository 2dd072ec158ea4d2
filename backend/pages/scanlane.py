"""The scan's fast lane: a pin scan answered in front of Flask's request cycle.

Every printed pin lands on ``GET /p/<code>``, thousands per hour at the doors.
For that request Flask's cycle (contexts, routing, session, response object)
cost more than the scan itself; this WSGI layer does only what a scan of an
active pin needs: the guessing brake, the visitor, the use case (which commits
its row before anything is sent), and the 302 with the pin cookie.

Everything else goes on to Flask, which answers it as before: other paths,
other methods, codes that are not well-formed, browsers with a session cookie
(staff, whose scans are tests), addresses the brake stops, and errors. A scan
of a void or unknown pin is recorded here and handed to Flask with its result
(``RECORDED``) to render the page, so it is never recorded twice. The Flask
route (``backend/pages/journey.py``) stays complete: tests hold both to the
same answers.
"""

import re
from datetime import timedelta
from html import escape

from backend.extensions import db
from backend.models.types import utcnow
from backend.services import scans
from backend.services.scans import visitor_from
from qr import codes

SCAN_PATH = re.compile(r"/[pP]/([^/]+)\Z")
RECORDED = "speld.scan_result"  # environ key: the scan was recorded by the lane
PIN_COOKIE = "speld_pin"
PIN_COOKIE_SECONDS = 60 * 86400


def pin_cookie(code: str, secure: bool) -> str:
    """The functional pin cookie (a code is letters and digits only: nothing to quote)."""
    flags = "; Secure" if secure else ""
    return (
        f"{PIN_COOKIE}={code}; Max-Age={PIN_COOKIE_SECONDS}; HttpOnly; Path=/; SameSite=Lax{flags}"
    )


def scan_redirect(script_root: str, code: str, secure: bool) -> tuple[bytes, list]:
    """The body and headers (beyond Content-Type and -Length) of a scan's 302.

    One definition for the lane and the Flask route; the body is the short page
    Werkzeug's ``redirect()`` sends, for clients that show one.
    """
    location = f"{script_root}/l/{code}"
    shown = escape(location)
    body = (
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
        "<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: "
        f'<a href="{shown}">{shown}</a>. If not, click the link.\n'
    ).encode()
    headers = [
        ("Location", location),
        ("Cache-Control", "no-store"),  # every scan must reach the server
        ("Set-Cookie", pin_cookie(code, secure)),
    ]
    return body, headers


class ScanLane:
    """WSGI middleware: answers scans of active pins, passes everything else to ``wsgi_app``."""

    def __init__(self, app, wsgi_app):
        self.wsgi_app = wsgi_app
        self.session_cookie = app.config["SESSION_COOKIE_NAME"] + "="
        self.window = timedelta(minutes=app.config["REPEAT_WINDOW_MINUTES"])
        self.brake = app.extensions["speld_brake"]
        with app.app_context():  # the lane runs without one: it keeps what it needs
            self.engine = db.engine

    def __call__(self, environ, start_response):
        match = SCAN_PATH.match(environ.get("PATH_INFO", ""))
        method = environ.get("REQUEST_METHOD")
        if (
            match is None
            or method not in ("GET", "HEAD")
            or self.session_cookie in environ.get("HTTP_COOKIE", "")
            or not codes.is_valid(match[1])
        ):
            return self.wsgi_app(environ, start_response)
        address = environ.get("REMOTE_ADDR")
        if not self.brake.allows(address or "unknown"):
            return self.wsgi_app(environ, start_response)  # Flask answers 429
        script_root = environ.get("SCRIPT_NAME", "")
        now = utcnow()
        try:
            user_agent = environ.get("HTTP_USER_AGENT")
            visitor = visitor_from(address, user_agent, method, False, now, self.engine)
            path = script_root + environ["PATH_INFO"]
            result = scans.record_scan(match[1], path, visitor, now, self.window, self.engine)
        except Exception:  # Flask tries again and answers with its error pages
            return self.wsgi_app(environ, start_response)
        if result.status != "active":
            environ[RECORDED] = result
            return self.wsgi_app(environ, start_response)
        secure = environ.get("wsgi.url_scheme") == "https"
        body, headers = scan_redirect(script_root, result.code, secure)
        start_response(
            "302 FOUND",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
                *headers,
            ],
        )
        return [b"" if method == "HEAD" else body]


def install(app) -> None:
    """Put the lane in front of the app (inside ProxyFix, which must see requests first)."""
    app.wsgi_app = ScanLane(app, app.wsgi_app)
