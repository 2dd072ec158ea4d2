"""/healthz and /readyz: what a load balancer and a watchdog ask every few seconds."""

from sqlalchemy import func, select, text

from backend import create_app
from backend.models import OrphanScan, Scan
from backend.services.health import migration_heads
from tests.conftest import client_as


def test_healthz_answers_ok_and_records_nothing(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert db.session.scalar(select(func.count()).select_from(Scan)) == 0
    assert db.session.scalar(select(func.count()).select_from(OrphanScan)) == 0


def test_readyz_is_ready_on_a_migrated_database(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok"},
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_unavailable_while_migrations_are_behind(client, db):
    (head,) = migration_heads()
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        response = client.get("/readyz")
    finally:
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["migrations"].startswith("behind")
    assert client.get("/readyz").status_code == 200


def _app(**config):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "PUBLIC_BASE_URL": "https://pins.example.org",
            **config,
        }
    )


def test_readyz_says_the_database_is_unreachable(app):
    # Nothing listens on port 9 of loopback: the connection is refused at once.
    down = _app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:9/speld_test")
    response = down.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"].startswith("unreachable")
    assert down.test_client().get("/healthz").status_code == 200


def test_health_checks_pass_the_guessing_brake(app, db):
    guesser = client_as(app, ip="198.51.100.9")
    statuses = [guesser.get(f"/p/NOPE{n}").status_code for n in range(40)]
    assert statuses[-1] == 429  # the brake stops this address's lookups...
    assert guesser.get("/healthz").status_code == 200  # ...but never the health checks
    assert guesser.get("/readyz").status_code == 200
