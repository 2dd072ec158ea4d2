"""Pages for people: the student journey, staff sign-in, and (later) the dashboard.

Every page is one round trip: inline CSS, no scripts, no web fonts, no
external assets, and a Content-Security-Policy that would refuse them.
"""

import base64
import hashlib
from pathlib import Path

from flask import Blueprint, render_template, request, send_file

from backend.extensions import csrf
from backend.pages import (  # noqa: F401
    console,
    console_live,
    console_ops,
    dashboard,
    journey,
    privacy,
    scanner,
    staff,
)
from backend.pages.i18n import LANGUAGE_NAMES, current_language

FAVICON = Path(__file__).parent / "static" / "favicon.ico"
INLINE_CSS = (Path(__file__).parent / "static" / "style.css").read_text().strip()
_CSS_HASH = base64.b64encode(hashlib.sha256(INLINE_CSS.encode()).digest()).decode()
# The dashboard's pages send the same block plus their own rules; students' pages stay small.
DASHBOARD_CSS = INLINE_CSS + "\n" + (Path(__file__).parent / "static" / "dashboard.css").read_text()
_DASHBOARD_HASH = base64.b64encode(hashlib.sha256(DASHBOARD_CSS.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; "
    f"style-src 'sha256-{_CSS_HASH}' 'sha256-{_DASHBOARD_HASH}'; "
    "img-src 'self' data:; "
    "form-action 'self'; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)

SECURITY_HEADERS = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    # Same origin only: no page address ever reaches another site, and our own form
    # posts keep their Referer, which Flask-WTF requires over HTTPS (with no-referrer
    # every form post behind nginx failed its CSRF check).
    ("Referrer-Policy", "same-origin"),
]

bp = Blueprint("pages", __name__, template_folder="templates")


@bp.get("/")
def index():
    """A plain front page, so the server's root says what it is."""
    return render_template("index.html", lang=current_language())


@bp.get("/favicon.ico")
def favicon():
    """Speld's own icon, which browsers ask for on every page (drawn by scripts/make_favicon.py)."""
    return send_file(FAVICON, mimetype="image/vnd.microsoft.icon", max_age=86400)


def _security_headers(response):
    # Pages only: a redirect's body is never shown, and scans are the hot path.
    # A page that set its own policy (the scanner) keeps it: two policies would both apply.
    if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
        for name, value in SECURITY_HEADERS:
            response.headers.setdefault(name, value)
    return response


def _check_csrf():
    # Form posts of people's pages carry a CSRF token; the JSON API authenticates by token.
    # A request no route takes (POST /healthz) gets its 404 or 405, not a CSRF refusal.
    if request.routing_exception is not None:
        return
    if request.method not in ("GET", "HEAD", "OPTIONS") and not request.path.startswith("/api/"):
        csrf.protect()


def register_pages(app):
    app.before_request(_check_csrf)
    app.register_blueprint(bp)
    app.register_blueprint(journey.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(console.bp)  # its routes: console.py and console_ops.py
    app.register_blueprint(scanner.bp)
    app.register_blueprint(privacy.bp)
    app.context_processor(lambda: {"inline_css": INLINE_CSS, "dashboard_css": DASHBOARD_CSS})
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.after_request(_security_headers)
