"""Signing a browser in as organiser or stand staff, so its scans count as tests.

Organisers try pins and posters before the doors open; with a signed-in
browser those scans, visits and stamps are kept but flagged ``test``.
The token is checked at sign-in; the session cookie keeps its role and id, and
every request re-checks that the token is still live (revoking it ends the session).
"""

from flask import Blueprint, redirect, render_template, request, url_for

from backend.pages import signin

bp = Blueprint("staff", __name__)


@bp.route("/staff", methods=["GET", "POST"])
def sign_in():
    problem = None
    if request.method == "POST":
        if signin.sign_in(request.form.get("token")) is not None:
            return redirect(url_for("staff.sign_in"), 303)
        problem = "That token is not valid."
    role = signin.signed_in_role(touch=True)
    if role is None and signin.was_signed_in():
        # The token was revoked or expired: say so, and forget the session.
        signin.sign_out()
        problem = "Your session has ended: its token was revoked or has expired."
    status = 401 if problem else 200
    # This page is in English only: its lang says so, for screen readers and translators.
    return render_template("staff.html", lang="en", role=role, problem=problem), status


@bp.post("/staff/sign-out")
def sign_out():
    signin.sign_out()
    return redirect(url_for("staff.sign_in"), 303)
