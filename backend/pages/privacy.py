"""``GET /privacy``: what Speld keeps about a student's pin, for how long, and who sees it.

Every figure on the page comes from the setting or constant that enforces it,
and ``DISCLOSED`` names, for each column of each table a pin or a student's
request writes to, the line of the page that tells it; ``tests/test_privacy.py``
holds both to the models and to the cookie actually sent.
"""

from flask import Blueprint, current_app, render_template

from backend.pages.i18n import current_language, translator
from backend.pages.privacy_strings import PRIVACY_TEXT
from backend.pages.scanlane import PIN_COOKIE_SECONDS
from backend.services.retention import GUESS_COUNT_DAYS, LOG_DAYS, ORPHAN_PATH_DAYS
from exports.suppression import SUPPRESS_BELOW

bp = Blueprint("privacy", __name__)

# The "what we keep" lines, in the page's order.
ITEMS = ("pin", "times", "device", "stands", "clicks", "answers", "hash", "orphan")

_REQUEST = {
    "kind": "device",
    "device_class": "device",
    "os_family": "device",
    "visitor_hash": "hash",
}
# Each column a student's pin or request writes, and the line of the page that says so
# (None: a row number or a reference between rows, which tells nothing more).
DISCLOSED = {
    "pins": {"id": None, "code": "pin", "batch_id": None, "status": "pin", "voided_at": "pin", "void_reason": "pin",
             "companies_shown_at": "times", "survey_skipped_at": "answers", "follow_up_skipped_at": "answers"},
    "scans": {"id": None, "pin_id": "pin", "scanned_at": "times", "is_repeat": "hash", "pin_void": "pin", **_REQUEST},
    "orphan_scans": {"id": None, "scanned_at": "times", "path": "orphan", **_REQUEST},
    "landing_visits": {"id": None, "pin_id": "pin", "visited_at": "times", **_REQUEST},
    "portal_clicks": {"id": None, "pin_id": "pin", "company_id": "clicks", "clicked_at": "times", **_REQUEST},
    "stand_visits": {"id": None, "pin_id": "pin", "stand_id": "stands", "method": "stands", "is_test": None, "is_rehearsal": None, "nonce": None, "visited_at": "times", "recorded_at": "times"},
    "survey_responses": {"id": None, "pin_id": "pin", "named_before": "answers", "is_test": None, "answered_at": "times",
                         "after_stand_visit": "answers", "after_company_list": "answers"},
    "follow_up_responses": {"id": None, "pin_id": "pin", "named_now": "answers", "is_test": None, "answered_at": "times"},
    "unknown_code_lookups": {"id": None, "looked_up_at": "times", "refused": "orphan"},
    "guess_counts": {"source_hash": "orphan", "window_seconds": None, "window_start": "times", "lookups": "orphan"},
    "survey_known_companies": {"response_id": None, "company_id": "answers"},
    "visitor_salts": {"day": "hash", "salt": "hash"},
}  # fmt: skip


def figures() -> dict:
    """The numbers the page states, from what enforces them."""
    config = current_app.config
    return {
        "window": config["REPEAT_WINDOW_MINUTES"],
        "hash_days": config["HASH_RETENTION_DAYS"],
        "orphan_days": ORPHAN_PATH_DAYS,
        "guess_days": GUESS_COUNT_DAYS,
        "cookie_days": PIN_COOKIE_SECONDS // 86400,
        "small": SUPPRESS_BELOW,
        "log_days": LOG_DAYS,
    }


@bp.get("/privacy")
def page():
    """The privacy statement in the student's language."""
    lang = current_language()
    t = translator(lang, PRIVACY_TEXT)
    contact = current_app.config["PRIVACY_CONTACT"] or t("organisers")
    return render_template(
        "privacy.html", lang=lang, t=t, items=ITEMS, figures=figures(), contact=contact
    )
