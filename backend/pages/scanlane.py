"""The scan's one door: every request to a pin URL is recorded here, in front of Flask.

Every printed pin lands on ``GET /p/<code>``, thousands per hour at the doors.
For that request Flask's cycle (contexts, routing, session, response object)
cost more than the scan itself, so this WSGI layer records every pin-URL
request with the app's ``ScanRecorder`` (``backend/services/scans.py``) and
answers an active pin's 302 itself. Whatever else the scan turned out to be
(a void pin, an unknown code, a guess the brake refuses) or an error while
recording it goes on to Flask with the outcome in ``SCAN_OUTCOME``: the route in
``backend/pages/journey.py`` renders that page and never records anything.

A scan in three files: this door, ``services/scans.py`` (the statement),
``services/guessing.py`` (the brake, for unknown codes only).
"""

import re
from html import escape

from backend.client import staff_signed_in
from backend.models.types import utcnow
from backend.services.scans import EXTENSION, ClientFacts

SCAN_PATH = re.compile(r"/[pP]/(.+)\Z", re.DOTALL)
SCAN_OUTCOME = "speld.scan_outcome"  # environ key: a ScanResult, or the error recording it
PIN_COOKIE = "speld_pin"
PIN_COOKIE_SECONDS = 60 * 86400


def pin_cookie(code: str, secure: bool) -> str:
    """The functional pin cookie (a code is letters and digits only: nothing to quote)."""
    flags = "; Secure" if secure else ""
    return (
        f"{PIN_COOKIE}={code}; Max-Age={PIN_COOKIE_SECONDS}; HttpOnly; Path=/; SameSite=Lax{flags}"
    )


def scan_redirect(script_root: str, code: str, secure: bool) -> tuple[bytes, list]:
    """The body and headers (beyond Content-Type and -Length) of an active pin's 302.

    The body is the short page Werkzeug's ``redirect()`` sends, for clients that show one.
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
    """WSGI middleware: records every pin-URL request; answers active pins, Flask the rest."""

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.recorder = app.extensions[EXTENSION]
        self.session_cookie = app.config["SESSION_COOKIE_NAME"] + "="

    def __call__(self, environ, start_response):
        match = SCAN_PATH.match(environ.get("PATH_INFO", ""))
        method = environ.get("REQUEST_METHOD")
        if match is None or method not in ("GET", "HEAD"):
            return self.wsgi_app(environ, start_response)
        script_root = environ.get("SCRIPT_NAME", "")
        try:
            client = ClientFacts(
                environ.get("REMOTE_ADDR"),
                environ.get("HTTP_USER_AGENT"),
                method,
                self._is_staff(environ),
            )
            path = script_root + environ["PATH_INFO"]
            result = self.recorder.scan(match[1], path, client, utcnow())
        except Exception as error:  # Flask's error handlers answer it (503: database down)
            environ[SCAN_OUTCOME] = error
            return self.wsgi_app(environ, start_response)
        if result.status != "active":
            environ[SCAN_OUTCOME] = result
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

    def _is_staff(self, environ) -> bool:
        # Only a browser with a session cookie can be staff's; reading the session
        # needs Flask's request context, which most scans never pay for.
        if self.session_cookie not in environ.get("HTTP_COOKIE", ""):
            return False
        with self.app.request_context(environ):
            return staff_signed_in()


def install(app) -> None:
    """Put the lane in front of the app (inside ProxyFix, which must see requests first)."""
    app.wsgi_app = ScanLane(app, app.wsgi_app)
