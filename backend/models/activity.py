"""What students do, as append-only rows: scans, visits, clicks, stamps, answers.

Bots and organisers' test traffic are recorded and flagged (``kind``), never
dropped, so the funnel can report them beside the counted figures.
"""

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    UniqueConstraint,
    false,
    or_,
    true,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.extensions import db
from backend.models.event import Company
from backend.models.types import (
    DEVICE_CLASSES,
    NAMED_BEFORE,
    TRAFFIC_KINDS,
    VISIT_METHODS,
    UtcDateTime,
    one_of,
    utcnow,
)


def _kind_checks():
    return (
        CheckConstraint(one_of("kind", TRAFFIC_KINDS), name="kind"),
        CheckConstraint(one_of("device_class", DEVICE_CLASSES), name="device_class"),
    )


class RequestFacts:
    """Columns every recorded request carries: who (kind), on what device, and a visitor hash.

    ``visitor_hash`` is a hash of IP address and user agent with a salt that
    rotates daily and is then destroyed; it only serves to spot repeats.
    """

    kind: Mapped[str] = mapped_column(String(8), default="human")
    device_class: Mapped[str] = mapped_column(String(8), default="other")
    os_family: Mapped[str | None] = mapped_column(String(32))
    visitor_hash: Mapped[str | None] = mapped_column(String(64))


class Scan(RequestFacts, db.Model):
    """One request to a known pin's URL."""

    __tablename__ = "scans"
    __table_args__ = (
        *_kind_checks(),
        Index("ix_scans_pin_id_scanned_at", "pin_id", "scanned_at"),
        # The funnel's counted scans per device and per hour, read from the index alone.
        # device_class leads so that no query about one pin (the probes above) can
        # match this index better than the one on pin_id.
        Index(
            "ix_scans_counted",
            "device_class",
            "kind",
            "pin_void",
            "scanned_at",
            "pin_id",
            "is_repeat",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pin_id: Mapped[int] = mapped_column(ForeignKey("pins.id"))
    scanned_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # A repeat is the same visitor scanning the same pin again within the repeat window.
    is_repeat: Mapped[bool] = mapped_column(default=False)
    # The pin was void when scanned: kept, reported beside the funnel, never counted.
    pin_void: Mapped[bool] = mapped_column(default=False)


class OrphanScan(RequestFacts, db.Model):
    """A request to a pin URL whose code is unknown or malformed."""

    __tablename__ = "orphan_scans"
    __table_args__ = (*_kind_checks(), Index("ix_orphan_scans_scanned_at", "scanned_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    scanned_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The raw path, cut to this length: enough to diagnose a misprint, no more.
    path: Mapped[str] = mapped_column(String(120))


class LandingVisit(RequestFacts, db.Model):
    """One view of a pin's landing page."""

    __tablename__ = "landing_visits"
    __table_args__ = (
        *_kind_checks(),
        # kind beside pin_id, so a probe for one pin's landings prefers this index.
        Index("ix_landing_visits_pin_id_kind_visited_at", "pin_id", "kind", "visited_at"),
        # The funnel's landings per local day, read from the index alone.
        Index("ix_landing_visits_kind_visited_at", "kind", "visited_at", "pin_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pin_id: Mapped[int] = mapped_column(ForeignKey("pins.id"))
    visited_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PortalClick(RequestFacts, db.Model):
    """A click through to the portal, or to one company's portal profile."""

    __tablename__ = "portal_clicks"
    __table_args__ = (
        *_kind_checks(),
        Index("ix_portal_clicks_pin_id_clicked_at", "pin_id", "clicked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pin_id: Mapped[int] = mapped_column(ForeignKey("pins.id"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    clicked_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class StandVisit(db.Model):
    """A pin's visit to a stand, stamped by the student (self) or by stand staff.

    Unique per pin and stand, so registering twice is harmless and counted once.
    Test stamps (organisers trying a poster) are kept apart by ``is_test`` so
    they never block or count as a real visit. A visit outside the fair's days is
    a rehearsal: a test too (``is_test``), and ``is_rehearsal`` says why, so the
    funnel reports rehearsals as their own kind (``services/stamps.py``).
    """

    __tablename__ = "stand_visits"
    __table_args__ = (
        UniqueConstraint("pin_id", "stand_id", "is_test"),
        # A client nonce makes an offline retry harmless.
        UniqueConstraint("stand_id", "nonce"),
        CheckConstraint(one_of("method", VISIT_METHODS), name="method"),
        # A rehearsal is a test: it can never count.
        CheckConstraint("is_test OR NOT is_rehearsal", name="rehearsal_is_test"),
        # The funnel reads its per-stand and per-day figures from these two indexes alone.
        Index("ix_stand_visits_stand_id", "stand_id", "is_test", "pin_id", "method", "visited_at"),
        Index("ix_stand_visits_visited_at", "visited_at", "is_test", "pin_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pin_id: Mapped[int] = mapped_column(ForeignKey("pins.id"))
    stand_id: Mapped[int] = mapped_column(ForeignKey("stands.id"))
    method: Mapped[str] = mapped_column(String(8))
    is_test: Mapped[bool] = mapped_column(default=False)
    is_rehearsal: Mapped[bool] = mapped_column(default=False, server_default=false())
    nonce: Mapped[str | None] = mapped_column(String(64))
    # When the visit happened (may be earlier than recorded_at for offline staff scans).
    visited_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


survey_known_companies = Table(
    "survey_known_companies",
    db.metadata,
    Column("response_id", ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True),
    Column("company_id", ForeignKey("companies.id"), primary_key=True),
)


class SurveyResponse(db.Model):
    """A pin's answer to the two questions; one per pin, a new answer replaces the old.

    With it, what the student had seen when answering: ``after_stand_visit`` and
    ``after_company_list`` (see ``backend/services/exposure.py``). Either makes the
    answer ``exposed``: primed, and kept apart from the headline figures.
    """

    __tablename__ = "survey_responses"
    __table_args__ = (CheckConstraint(one_of("named_before", NAMED_BEFORE), name="named_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pin_id: Mapped[int] = mapped_column(ForeignKey("pins.id"), unique=True)
    # Q1: how many Twente companies could you name before the fair?
    named_before: Mapped[str] = mapped_column(String(4))
    is_test: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Answers stored before these columns existed were given below the stamp card's
    # company list: the server defaults say so for them (migration 0009).
    after_stand_visit: Mapped[bool] = mapped_column(default=False, server_default=false())
    after_company_list: Mapped[bool] = mapped_column(default=False, server_default=true())

    # Q2: which of the Twente Plaza companies did you know before?
    known_before: Mapped[list[Company]] = relationship(secondary=survey_known_companies)

    @hybrid_property
    def exposed(self) -> bool:
        """Given after a stand visit or after the company list was shown: a primed answer."""
        return self.after_stand_visit or self.after_company_list

    @exposed.inplace.expression
    @classmethod
    def _exposed_expression(cls):
        return or_(cls.after_stand_visit, cls.after_company_list)


class FollowUpResponse(db.Model):
    """A pin's answer to the follow-up question (Q1 with "now"), asked once after a Plaza visit.

    Kept beside the pin's ``SurveyResponse`` (its "before"), so the funnel can pair
    the two answers of one pin. A skipped follow-up is no row (``Pin.follow_up_skipped_at``).
    """

    __tablename__ = "follow_up_responses"
    __table_args__ = (CheckConstraint(one_of("named_now", NAMED_BEFORE), name="named_now"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pin_id: Mapped[int] = mapped_column(ForeignKey("pins.id"), unique=True)
    # How many Twente companies could you name now? Same options as Q1.
    named_now: Mapped[str] = mapped_column(String(4))
    is_test: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class VisitorSalt(db.Model):
    """Today's salt for visitor hashes; yesterday's is deleted so old hashes can't be linked."""

    __tablename__ = "visitor_salts"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    salt: Mapped[str] = mapped_column(String(64))


class UnknownCodeLookup(db.Model):
    """A lookup of an unknown or malformed pin or stand code: what the guessing brake counts.

    Kept in the database so that every worker and every host counts the same
    lookups, with no store beside it. ``source_hash`` is the sender's address
    hashed with the day's salt (never the address itself); ``refused`` says the
    brake answered it with 429.
    """

    __tablename__ = "unknown_code_lookups"
    __table_args__ = (
        Index("ix_unknown_code_lookups_source", "source_hash", "looked_up_at"),
        Index("ix_unknown_code_lookups_looked_up_at", "looked_up_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    looked_up_at: Mapped[datetime] = mapped_column(UtcDateTime)
    source_hash: Mapped[str] = mapped_column(String(64))
    refused: Mapped[bool] = mapped_column(default=False)
