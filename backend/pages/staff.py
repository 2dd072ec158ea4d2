"""Signing a browser in as organiser or stand staff, so its scans count as tests.

Organisers try pins and posters before the doors open; with a signed-in
browser those scans, visits and stamps are kept but flagged ``test``.
The token is checked at sign-in; the session cookie keeps its role and id, and
every request re-checks that the token is still live (revoking it ends the session).
"""

from flask import Blueprint, redirect, render_template, request, session, url_for

from backend.services.tokens import authenticate_or_none, session_role

bp = Blueprint("staff", __name__)


@bp.route("/staff", methods=["GET", "POST"])
def sign_in():
    problem = None
    if request.method == "POST":
        token = authenticate_or_none(request.form.get("token", "").strip())
        if token is not None:
            session.clear()
            session["staff_role"] = token.role
            session["staff_token_id"] = token.id
            return redirect(url_for("staff.sign_in"), 303)
        problem = "That token is not valid."
    role = session_role(session.get("staff_role"), session.get("staff_token_id"))
    return render_template("staff.html", role=role, problem=problem), (401 if problem else 200)


@bp.post("/staff/sign-out")
def sign_out():
    session.pop("staff_role", None)
    session.pop("staff_token_id", None)
    return redirect(url_for("staff.sign_in"), 303)
