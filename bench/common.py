"""What every benchmark needs first: an empty schema built by the migrations, and the demo."""

import flask_migrate
from sqlalchemy import text

from backend.extensions import db
from backend.services import demo


def fresh_demo_database():
    """Drop everything, migrate, seed the demo edition; needs an app context. Returns the event."""
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    flask_migrate.upgrade()
    return demo.seed_demo()
