"""Pages for people: the student journey and the dashboard are built here."""

from flask import Blueprint, render_template

bp = Blueprint("pages", __name__, template_folder="templates")


@bp.get("/")
def index():
    """A plain front page, so the server's root says what it is."""
    return render_template("index.html")


def register_pages(app):
    app.register_blueprint(bp)
