"""``GET /healthz`` (the process answers) and ``GET /readyz`` (it can do its work).

Outside the student journey on purpose: no scan is recorded, the guessing brake
never sees these requests, and no session or database work happens for healthz.
"""

from flask import Blueprint, jsonify

from backend.services.health import readiness

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Alive: answered without touching the database."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Ready: 200 when every check passes, else 503 with what failed."""
    state = readiness()
    body = {"status": "ok" if state.ready else "unavailable", "checks": state.checks}
    response = jsonify(body)
    response.status_code = 200 if state.ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response
