"""Signing a browser in as organiser or stand staff, so its scans count as tests.

In Dutch or English like the student pages; once signed in, the page leads each role on:
a stand to its scanner, a viewer to the dashboard, an organiser to the console.

Organisers try pins and posters before the doors open; with a signed-in
browser those scans, visits and stamps are kept but flagged ``test``.
The token is checked at sign-in; the session cookie keeps its role and id, and
every request re-checks that the token is still live (revoking it ends the session).
"""

from flask import Blueprint, redirect, render_template, request, url_for

from backend.pages import signin
from backend.pages.i18n import current_language, translator

bp = Blueprint("staff", __name__)


# Where each role goes next: a stand to its scanner, a viewer to the dashboard, an organiser
# to the console (and the scanner, to try a stand's side).
NEXT = {
    "stand": (("staff_to_scanner", "scanner.page"),),
    "viewer": (("staff_to_dashboard", "dashboard.index"),),
    "organiser": (("staff_to_console", "console.index"), ("staff_to_scanner", "scanner.page")),
}


@bp.route("/staff", methods=["GET", "POST"])
def sign_in():
    problem = None
    if request.method == "POST":
        if signin.sign_in(request.form.get("token")) is not None:
            return redirect(url_for("staff.sign_in"), 303)
        problem = "staff_bad_token"
    role = signin.signed_in_role(touch=True)
    if role is None and signin.was_signed_in():
        # The token was revoked or expired: say so, and forget the session.
        signin.sign_out()
        problem = "staff_ended"
    status = 401 if problem else 200
    lang = current_language()
    return render_template(
        "staff.html",
        lang=lang,
        t=translator(lang),
        other="en" if lang == "nl" else "nl",
        role=role,
        problem=problem,
        next_steps=[(key, url_for(endpoint)) for key, endpoint in NEXT.get(role, ())],
    ), status


@bp.post("/staff/sign-out")
def sign_out():
    signin.sign_out()
    return redirect(url_for("staff.sign_in"), 303)
