"""The demo edition: ``bdt-2026`` with clearly fictional companies."""

from datetime import date

from sqlalchemy import select

from backend.errors import Conflict
from backend.extensions import db
from backend.models import Company, Event, Stand
from backend.models.types import TWENTE_PLAZA
from qr.codes import mint_stand_code

DEMO_SLUG = "bdt-2026"
PORTAL = "https://www.twente.com"

# Invented names (marked "demo" in the portal URL) so nobody mistakes them for real firms.
TWENTE_PLAZA_COMPANIES = [
    "Dinkelstroom Robotics",
    "Hengelose Hydrauliek",
    "Lonneker Labs",
    "Regge Rekenkracht",
    "Tubantia Textieltech",
    "Almelose Aandrijving",
    "Oldenzaal Optics",
    "Boekelo Biobased",
    "Twentekanaal Logistiek",
    "Kotten Kunststof",
    "Haaksbergen Hightech",
    "Losser Lasertech",
    "Glanerbrug Grids",
    "Denekamp Data",
    "Rijssen Rail Systems",
    "Vriezenveen Vision",
]
OTHER_STANDS = [
    ("Randstad Rekenwerk", False, "main-hall"),
    ("Zuidas Zakelijk", False, "main-hall"),
    ("Brabant Bouwtech", False, "main-hall"),
    ("Universiteit Carrièrecentrum", True, "career-lounge"),
]


def _slugify(name: str) -> str:
    return "-".join(name.lower().replace("è", "e").split())


def seed_demo() -> Event:
    """Create the demo edition with 16 Twente Plaza stands and a few others; refuse twice."""
    if db.session.scalar(select(Event.id).where(Event.slug == DEMO_SLUG)):
        raise Conflict(reason="demo_exists", values={"slug": DEMO_SLUG})
    event = Event(
        slug=DEMO_SLUG,
        name="Business Days Twente 2026",
        starts_on=date(2026, 2, 18),
        ends_on=date(2026, 2, 19),
        timezone="Europe/Amsterdam",
        portal_url=PORTAL,
    )
    db.session.add(event)
    rows = [(name, True, TWENTE_PLAZA) for name in TWENTE_PLAZA_COMPANIES] + OTHER_STANDS
    counters: dict[str, int] = {}
    for name, is_twente, zone in rows:
        company = db.session.scalar(select(Company).where(Company.name == name)) or Company(
            name=name, is_twente=is_twente, portal_url=f"{PORTAL}/demo/{_slugify(name)}"
        )
        counters[zone] = counters.get(zone, 0) + 1
        prefix = "TP" if zone == TWENTE_PLAZA else zone[:2].upper()
        label = f"{prefix}-{counters[zone]:02d}"
        db.session.add(
            Stand(event=event, company=company, label=label, zone=zone, code=mint_stand_code())
        )
    db.session.commit()
    return event


def database_is_empty() -> bool:
    return db.session.scalar(select(Event.id).limit(1)) is None
