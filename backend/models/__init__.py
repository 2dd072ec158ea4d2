"""The domain as SQLAlchemy models, named after the nouns of docs/product.md."""

from backend.models.activity import (
    FollowUpResponse,
    GuessCount,
    LandingVisit,
    OrphanScan,
    PortalClick,
    Scan,
    StandVisit,
    SurveyResponse,
    UnknownCodeLookup,
    VisitorSalt,
    survey_known_companies,
)
from backend.models.audit import AuditEntry
from backend.models.auth import ApiToken
from backend.models.event import Company, Event, Stand
from backend.models.pins import Batch, Pin
from backend.models.printing import PrintJob
from backend.models.scan_errors import ScanPathError
from backend.models.tablets import TabletState

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Batch",
    "Company",
    "Event",
    "FollowUpResponse",
    "GuessCount",
    "LandingVisit",
    "OrphanScan",
    "Pin",
    "PortalClick",
    "PrintJob",
    "Scan",
    "ScanPathError",
    "Stand",
    "StandVisit",
    "SurveyResponse",
    "TabletState",
    "UnknownCodeLookup",
    "VisitorSalt",
    "survey_known_companies",
]
