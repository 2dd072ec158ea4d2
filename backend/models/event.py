"""The edition and what stands at it: Event, Company, Stand."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.extensions import db
from backend.models.types import UtcDateTime, utcnow


class Event(db.Model):
    """One edition of the fair, e.g. ``bdt-2026``."""

    __tablename__ = "events"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    portal_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The measurement this edition is held against: Keeping Talent in Twente (2018), where
    # 35% of 450+ students could name no Twente company. Per edition, should it ever change.
    # Ranges are checked by the API's schema, not a CHECK: adding one would make SQLite
    # rebuild ``events``, which every other table references.
    baseline_share: Mapped[float] = mapped_column(default=0.35, server_default="0.35")
    baseline_size: Mapped[int] = mapped_column(default=450, server_default="450")

    stands: Mapped[list["Stand"]] = relationship(back_populates="event", order_by="Stand.label")


class Company(db.Model):
    """A company, shared across editions so year-over-year figures line up."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    is_twente: Mapped[bool] = mapped_column(default=False)
    portal_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Stand(db.Model):
    """A company's stand at one event, with its own unguessable code for the poster."""

    __tablename__ = "stands"
    __table_args__ = (
        UniqueConstraint("event_id", "label"),
        # One stand per company per edition: Q2 and the discovery rate are per company.
        UniqueConstraint("event_id", "company_id"),
        Index("ix_stands_company_id", "company_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    label: Mapped[str] = mapped_column(String(20))
    zone: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(24), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # A stand that left the fair after it had visits: they stay in the figures, and no new
    # visit is stamped or scanned there (``docs/product.md``, "Stands"). Its label and company stay held.
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    event: Mapped[Event] = relationship(back_populates="stands")
    company: Mapped[Company] = relationship(lazy="joined")

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None
