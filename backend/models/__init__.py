"""The domain as SQLAlchemy models, named after SPEC.md's nouns."""

from backend.models.activity import (
    LandingVisit,
    OrphanScan,
    PortalClick,
    Scan,
    StandVisit,
    SurveyResponse,
    VisitorSalt,
    survey_known_companies,
)
from backend.models.auth import ApiToken
from backend.models.event import Company, Event, Stand
from backend.models.pins import Batch, Pin
from backend.models.printing import PrintJob

__all__ = [
    "ApiToken",
    "Batch",
    "Company",
    "Event",
    "LandingVisit",
    "OrphanScan",
    "Pin",
    "PortalClick",
    "PrintJob",
    "Scan",
    "Stand",
    "StandVisit",
    "SurveyResponse",
    "VisitorSalt",
    "survey_known_companies",
]
